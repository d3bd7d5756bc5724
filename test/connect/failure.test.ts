import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mysql from 'mysql2/promise';
import { api, startTestCluster, startWorker, waitForCount, waitForState } from './helpers.ts';
import { ownMariaDb, type OwnMariaDb } from './own-mariadb.ts';
import { waitFor } from '../support/kafka.ts';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import type { ConnectHandle } from '../../embedded/connect/index.ts';

describe('a failing task: FAILED with the cause, RUNNING again after restart', () => {
  let cluster: KafkaCluster;
  let connect: ConnectHandle;
  let db: OwnMariaDb | undefined;

  beforeAll(async () => {
    [cluster, db] = await Promise.all([startTestCluster(), ownMariaDb()]);
    connect = await startWorker(cluster);
  });

  afterAll(async () => {
    await connect?.stop();
    await db?.destroy();
    await cluster?.stop();
  });

  it('database stopped -> FAILED with trace; started again -> restart -> RUNNING, no gap, no duplicate', async () => {
    if (!db) throw new Error('the private MariaDB for this test did not start (see test/connect/own-mariadb.ts)');
    const admin = await mysql.createConnection({ uri: db.url });
    await admin.query('CREATE DATABASE shop');
    await admin.query('CREATE TABLE shop.Users (user_id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, age INT, country VARCHAR(20))');
    await admin.query("INSERT INTO shop.Users (age, country) VALUES (30, 'NL'), (NULL, 'FR'), (41, NULL)");
    await admin.end();
    const config = {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
      'connection.url': `jdbc:mariadb://127.0.0.1:${db.port}/shop`,
      'connection.user': 'root',
      'connection.attempts': '2',
      'connection.backoff.ms': '100',
      'table.include.list': 'Users',
      mode: 'incrementing',
      'incrementing.column.name': 'user_id',
      'topic.prefix': 'down_',
      'poll.interval.ms': '100',
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
    };
    expect((await api(connect, 'POST', '/connectors', { name: 'down', config })).status).toBe(201);
    await waitForCount(cluster, 'down_Users', 3);
    await waitForState(connect, 'down', 'RUNNING');

    await db.stop();
    const failed = await waitForState(connect, 'down', 'FAILED', 20_000);
    expect(failed.tasks[0].trace).toMatch(/ConnectException: Couldn't open connection to mariadb:\/\/127\.0\.0\.1:\d+/);
    expect(failed.tasks[0].trace).toMatch(/ECONNREFUSED|connect/i);
    expect(failed.connector.state).toBe('RUNNING');

    await db.start();
    const c = await mysql.createConnection({ uri: db.url });
    await c.query("INSERT INTO shop.Users (age, country) VALUES (50, 'DE')");
    await c.end();
    const restart = await api(connect, 'POST', '/connectors/down/restart?includeTasks=true&onlyFailed=true');
    expect(restart.status).toBe(202);
    expect(restart.body.connector.state).toBe('RUNNING');
    expect(restart.body.tasks[0].state).toBe('RESTARTING');
    await waitForState(connect, 'down', 'RUNNING');
    const records = await waitForCount(cluster, 'down_Users', 4);
    expect(records.map((r) => JSON.parse(r.payload!).user_id).sort()).toEqual([1, 2, 3, 4]);
    const status = await api(connect, 'GET', '/connectors/down/status');
    expect(status.body.tasks[0].trace).toBeUndefined();
  });

  it('a column that does not exist fails the task at start (JdbcSourceTask.validateColumnsExist)', async () => {
    if (!db) throw new Error('the private MariaDB for this test did not start (see test/connect/own-mariadb.ts)');
    const config = {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
      'connection.url': `jdbc:mysql://127.0.0.1:${db.port}/shop?useSSL=false`,
      'connection.user': 'root',
      'table.whitelist': 'Users',
      mode: 'incrementing',
      'incrementing.column.name': 'no_such_column',
      'topic.prefix': 'bad_',
    };
    expect((await api(connect, 'POST', '/connectors', { name: 'badcol', config })).status).toBe(201);
    const failed = await waitForState(connect, 'badcol', 'FAILED');
    expect(failed.tasks[0].trace.split('\n')[0]).toBe('org.apache.kafka.common.config.ConfigException: Incrementing column: no_such_column does not exist.');
    // fixing the config restarts the task
    const put = await api(connect, 'PUT', '/connectors/badcol/config', { ...config, 'incrementing.column.name': 'user_id' });
    expect(put.status).toBe(200);
    await waitForState(connect, 'badcol', 'RUNNING');
    await waitFor('bad_Users filled', async () => ((await waitForCount(cluster, 'bad_Users', 4)).length === 4 ? true : undefined));
  });
});
