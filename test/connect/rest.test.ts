import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Pool } from 'mysql2/promise';
import { api, connectorConfig, createTestDatabase, insertUsers, startTestCluster, startWorker, usersTable, waitForState } from './helpers.ts';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import type { TestDatabase } from '../support/mariadb.ts';
import type { ConnectHandle } from '../../embedded/connect/index.ts';
import { kafkaClient } from '../support/kafka.ts';

const CLASS = 'io.confluent.connect.jdbc.JdbcSourceConnector';

describe('Connect REST API', () => {
  let cluster: KafkaCluster;
  let db: TestDatabase;
  let pool: Pool;
  let connect: ConnectHandle;
  let config: Record<string, string>;

  beforeAll(async () => {
    cluster = await startTestCluster();
    db = await createTestDatabase(inject('mysqlUrl'), 'connect_rest');
    pool = await usersTable(db);
    await insertUsers(pool, 10);
    connect = await startWorker(cluster);
    config = connectorConfig(db);
  });

  afterAll(async () => {
    await connect?.stop();
    await pool?.end();
    await db?.drop();
    await cluster?.stop();
  });

  it('GET / and GET /connector-plugins', async () => {
    const root = await api(connect, 'GET', '/');
    expect(root.status).toBe(200);
    expect(Object.keys(root.body)).toEqual(['version', 'commit', 'kafka_cluster_id']);
    expect(root.body.kafka_cluster_id).toMatch(/.+/);
    const plugins = await api(connect, 'GET', '/connector-plugins');
    expect(plugins.body).toEqual([
      { class: CLASS, type: 'source', version: expect.any(String) },
      { class: 'io.debezium.connector.mysql.MySqlConnector', type: 'source', version: '2.7.3.Final' },
    ]);
    const all = await api(connect, 'GET', '/connector-plugins?connectorsOnly=false');
    expect(all.body.map((p: { class: string }) => p.class)).toContain('org.apache.kafka.connect.transforms.ValueToKey');
    expect(all.body.map((p: { class: string }) => p.class)).toContain('io.debezium.transforms.ExtractNewRecordState');
  });

  it('create, read, list, tasks, status, pause/resume, restart, config update, delete', async () => {
    expect((await api(connect, 'GET', '/connectors')).body).toEqual([]);
    const created = await api(connect, 'POST', '/connectors', { name: 'users', config });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ name: 'users', config: { ...config, name: 'users' }, tasks: [], type: 'source' });

    const dup = await api(connect, 'POST', '/connectors', { name: 'users', config });
    expect(dup).toMatchObject({ status: 409, body: { error_code: 409, message: 'Connector users already exists' } });

    await waitForState(connect, 'users', 'RUNNING');
    const info = await api(connect, 'GET', '/connectors/users');
    expect(info.body).toEqual({ name: 'users', config: { ...config, name: 'users' }, tasks: [{ connector: 'users', task: 0 }], type: 'source' });
    expect((await api(connect, 'GET', '/connectors/users/config')).body).toEqual({ ...config, name: 'users' });
    expect((await api(connect, 'GET', '/connectors')).body).toEqual(['users']);

    const status = await api(connect, 'GET', '/connectors/users/status');
    expect(status.body).toEqual({
      name: 'users',
      connector: { state: 'RUNNING', worker_id: expect.stringMatching(/^127\.0\.0\.1:\d+$/) },
      tasks: [{ id: 0, state: 'RUNNING', worker_id: expect.stringMatching(/^127\.0\.0\.1:\d+$/) }],
      type: 'source',
    });
    expect((await api(connect, 'GET', '/connectors/users/tasks/0/status')).body).toEqual(status.body.tasks[0]);

    const tasks = await api(connect, 'GET', '/connectors/users/tasks');
    expect(tasks.body).toHaveLength(1);
    expect(tasks.body[0].id).toEqual({ connector: 'users', task: 0 });
    // JdbcSourceConnector.taskConfigs: the task's tables as the MySQL dialect quotes them, and tables.fetched
    expect(tasks.body[0].config).toMatchObject({
      'task.class': 'io.confluent.connect.jdbc.source.JdbcSourceTask',
      tables: `\`${db.name}\`.\`Users\``,
      'tables.fetched': 'true',
    });

    const expandStatus = await api(connect, 'GET', '/connectors?expand=status');
    expect(expandStatus.body).toEqual({ users: { status: status.body } });
    const expandBoth = await api(connect, 'GET', '/connectors?expand=status&expand=info');
    expect(Object.keys(expandBoth.body.users).sort()).toEqual(['info', 'status']);
    expect(expandBoth.body.users.info).toEqual(info.body);

    const pause = await api(connect, 'PUT', '/connectors/users/pause');
    expect(pause.status).toBe(202);
    expect(pause.text).toBe('');
    const paused = await waitForState(connect, 'users', 'PAUSED');
    expect(paused.connector.state).toBe('PAUSED');
    expect((await api(connect, 'PUT', '/connectors/users/resume')).status).toBe(202);
    await waitForState(connect, 'users', 'RUNNING');

    const restart = await api(connect, 'POST', '/connectors/users/restart');
    expect(restart.status).toBe(204);
    const restartAll = await api(connect, 'POST', '/connectors/users/restart?includeTasks=true');
    expect(restartAll.status).toBe(202);
    expect(restartAll.body).toMatchObject({ name: 'users', connector: { state: 'RESTARTING' }, tasks: [{ id: 0, state: 'RESTARTING' }], type: 'source' });
    const onlyFailed = await api(connect, 'POST', '/connectors/users/restart?includeTasks=true&onlyFailed=true');
    expect(onlyFailed.status).toBe(202);
    expect(onlyFailed.body.connector.state).not.toBe('RESTARTING');
    await waitForState(connect, 'users', 'RUNNING');
    expect((await api(connect, 'POST', '/connectors/users/tasks/0/restart')).status).toBe(204);

    const updated = await api(connect, 'PUT', '/connectors/users/config', { ...config, 'poll.interval.ms': '300' });
    expect(updated.status).toBe(200);
    expect(updated.body.config['poll.interval.ms']).toBe('300');
    const createdByPut = await api(connect, 'PUT', '/connectors/other/config', { ...config, 'topic.prefix': 'other_' });
    expect(createdByPut.status).toBe(201);
    expect(createdByPut.body.name).toBe('other');
    const mismatch = await api(connect, 'PUT', '/connectors/other/config', { ...config, name: 'else' });
    expect(mismatch.body).toEqual({ error_code: 400, message: "Connector name configuration (else) doesn't match connector name in the URL (other)" });

    expect((await api(connect, 'DELETE', '/connectors/other')).status).toBe(204);
    expect((await api(connect, 'DELETE', '/connectors/users')).status).toBe(204);
    expect((await api(connect, 'GET', '/connectors')).body).toEqual([]);
  });

  it('state is kept in compacted connect-configs / connect-offsets / connect-status topics', async () => {
    const admin = kafkaClient(cluster).admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({
        resources: ['connect-configs', 'connect-offsets', 'connect-status'].map((name) => ({ type: 2, name, configNames: ['cleanup.policy'] })),
        includeSynonyms: false,
      });
      for (const r of described.resources) expect(r.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue).toBe('compact');
    } finally {
      await admin.disconnect();
    }
  });

  it('unknown connectors and routes answer with Connect error bodies', async () => {
    for (const [method, path] of [
      ['GET', '/connectors/nope'],
      ['GET', '/connectors/nope/status'],
      ['GET', '/connectors/nope/config'],
      ['GET', '/connectors/nope/tasks'],
      ['PUT', '/connectors/nope/pause'],
      ['PUT', '/connectors/nope/resume'],
      ['POST', '/connectors/nope/restart'],
      ['DELETE', '/connectors/nope'],
    ] as const) {
      const res = await api(connect, method, path);
      expect(res, `${method} ${path}`).toMatchObject({ status: 404, body: { error_code: 404, message: 'Connector nope not found' } });
    }
    expect(await api(connect, 'GET', '/nothing')).toMatchObject({ status: 404, body: { error_code: 404, message: 'HTTP 404 Not Found' } });
    expect(await api(connect, 'DELETE', '/connectors')).toMatchObject({ status: 405, body: { error_code: 405 } });
    const badJson = await api(connect, 'POST', '/connectors', '{"name": ');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error_code).toBe(400);
  });

  it("bad configs: POST answers 400 with the reasons, or 500 where the JDBC connector's own config parse throws; validate returns ConfigInfos", async () => {
    // No mode: "" is a valid mode, but each of its four dependents reports "Query mode must be specified".
    const bad = { ...config, 'no.such.key': 'x' };
    delete (bad as Record<string, string>).mode;
    const res = await api(connect, 'POST', '/connectors', { name: 'bad', config: bad });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe(400);
    const message: string = res.body.message;
    expect(message).toMatch(/^Connector configuration is invalid and contains the following 5 error\(s\):\n/);
    expect(message.split('\n').filter((l) => l === 'Query mode must be specified')).toHaveLength(4);
    expect(message).toContain('Configuration is not defined: no.such.key');
    expect(message).toMatch(/You can also find the above list of errors at the endpoint `\/connector-plugins\/\{connectorType\}\/config\/validate`$/);
    expect((await api(connect, 'GET', '/connectors')).body).toEqual([]);
    // A value JdbcSourceConnectorConfig cannot parse: its constructor (in validate()) throws, Connect answers 500.
    expect(await api(connect, 'POST', '/connectors', { name: 'bad', config: { ...config, mode: 'sometimes' } })).toMatchObject({
      status: 500,
      body: {
        error_code: 500,
        message: 'Invalid value sometimes for configuration mode: String must be one of: , bulk, timestamp, incrementing, timestamp+incrementing',
      },
    });
    expect((await api(connect, 'POST', '/connectors', { name: 'bad', config: { ...config, 'poll.interval.ms': 'often' } })).body).toEqual({
      error_code: 500,
      message: 'Invalid value often for configuration poll.interval.ms: Not a number of type INT',
    });
    expect((await api(connect, 'GET', '/connectors')).body).toEqual([]);

    const url = await api(connect, 'POST', '/connectors', { name: 'bad', config: { ...config, 'connection.url': 'postgres://x' } });
    expect(url.body.message).toContain('Invalid value postgres://x for configuration connection.url: must look like jdbc:mysql://host:port/database');
    const noClass = await api(connect, 'POST', '/connectors', { name: 'bad', config: { 'topic.prefix': 'x' } });
    expect(noClass.body).toEqual({ error_code: 400, message: 'Connector config {topic.prefix=x, name=bad} contains no connector type' });
    const unknownClass = await api(connect, 'POST', '/connectors', { name: 'bad', config: { ...config, 'connector.class': 'com.example.Nope' } });
    expect(unknownClass.status).toBe(400);
    expect(unknownClass.body.message).toMatch(/^Failed to find any class that implements Connector and which name matches com\.example\.Nope/);
    const badTransform = await api(connect, 'POST', '/connectors', {
      name: 'bad',
      config: { ...config, 'transforms.createKey.type': 'org.example.Nope', 'transforms.extractKey.field': '' },
    });
    expect(badTransform.body.message).toContain(
      'Invalid value org.example.Nope for configuration transforms.createKey.type: Class org.example.Nope could not be found.',
    );
    const noName = await api(connect, 'POST', '/connectors', { config });
    expect(noName.body.message).toContain('Invalid value  for configuration name: String may not be empty');

    const valid = await api(connect, 'PUT', `/connector-plugins/${CLASS}/config/validate`, { ...config, name: 'v' });
    expect(valid.status).toBe(200);
    expect(valid.body).toMatchObject({ name: CLASS, error_count: 0 });
    expect(valid.body.groups).toEqual(expect.arrayContaining(['Common', 'Transforms', 'Database', 'Mode', 'Connector', 'Transforms: createKey']));
    const modeInfo = valid.body.configs.find((c: { definition: { name: string } }) => c.definition.name === 'mode');
    expect(modeInfo).toEqual({
      definition: {
        name: 'mode',
        type: 'STRING',
        required: false,
        default_value: '',
        importance: 'HIGH',
        documentation: expect.any(String),
        group: 'Mode',
        width: 'NONE',
        display_name: 'Table Loading Mode',
        dependents: ['incrementing.column.name', 'timestamp.column.name', 'validate.non.null'],
        order: 1,
      },
      value: {
        name: 'mode',
        value: 'incrementing',
        recommended_values: ['bulk', 'timestamp', 'incrementing', 'timestamp+incrementing'],
        errors: [],
        visible: true,
      },
    });
    const password = valid.body.configs.find((c: { definition: { name: string } }) => c.definition.name === 'connection.password');
    expect(password.value.value).toBe('[hidden]');

    const invalid = await api(connect, 'PUT', '/connector-plugins/JdbcSourceConnector/config/validate', { ...bad, name: 'v' });
    expect(invalid.body.error_count).toBe(5);
    const errorsOf = (name: string): string[] => invalid.body.configs.find((c: { value: { name: string } }) => c.value.name === name).value.errors;
    expect(errorsOf('no.such.key')).toEqual(['Configuration is not defined: no.such.key']);
    expect(errorsOf('mode')).toEqual([]);
    for (const key of ['incrementing.column.name', 'timestamp.column.name', 'timestamp.initial', 'validate.non.null'])
      expect(errorsOf(key)).toEqual(['Query mode must be specified']);
    const unparsable = await api(connect, 'PUT', '/connector-plugins/JdbcSourceConnector/config/validate', {
      ...config,
      name: 'v',
      'poll.interval.ms': 'often',
    });
    // Connect 3.7's ConnectorPluginsResource does not unwrap the ExecutionException the herder's callback gives: its
    // message is the ConfigException's toString() (test/conformance/jdbc-source.test.ts checks create and validate).
    expect(unparsable.body).toEqual({
      error_code: 500,
      message: 'org.apache.kafka.common.config.ConfigException: Invalid value often for configuration poll.interval.ms: Not a number of type INT',
    });
    const mismatch = await api(connect, 'PUT', '/connector-plugins/FooConnector/config/validate', config);
    expect(mismatch.body).toEqual({ error_code: 400, message: `Included connector type ${CLASS} does not match request type FooConnector` });
  });
});
