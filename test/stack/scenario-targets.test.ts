/**
 * What the bootstrap posts in docker mode for each scenario, by construction (no Docker here): the
 * connectors name the compose services and go to the worker that has their plugin, Pinot tables name
 * the in-network brokers, and every scenario's statements describe what they create.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { describeStatement } from '../../ksql/statements.ts';
import { DOCKER_BROKER_LIST } from '../../pinot/tables.ts';
import { getScenario, scenarioNames } from '../../scenarios/index.ts';
import { DOCKER_CONNECTOR_MYSQL, targetsFor } from '../../stack/targets.ts';
import { readRepoFile } from '../artifacts/helpers.ts';

const config = loadConfig({});
const docker = targetsFor('docker', {});
const embedded = targetsFor('embedded', {});

describe('scenario targets', () => {
  it("docker mode: Debezium connectors go to Debezium's Connect on its compose port, the rest to the JDBC worker", () => {
    expect(docker.debeziumConnectUrl).toBe(`http://127.0.0.1:${config.ports.debeziumConnect}`);
    expect(docker.connectUrl).toBe(`http://127.0.0.1:${config.ports.connect}`);
    expect(embedded.debeziumConnectUrl).toBe(embedded.connectUrl);
    const [cdc] = getScenario('course-activity').connectors(config, docker);
    expect(cdc!.worker).toBe('debezium');
    expect(cdc!.config).toMatchObject({
      'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
      'database.hostname': 'mysql-server',
      'database.port': '3306',
      'database.user': 'user',
      'database.password': 'password',
      'schema.history.internal.kafka.bootstrap.servers': DOCKER_BROKER_LIST,
    });
    // the compose file's MySQL user is the one the connectors use
    const compose = readRepoFile('docker-compose.yml');
    expect(compose).toContain(`MYSQL_USER: ${DOCKER_CONNECTOR_MYSQL.user}`);
    expect(compose).toContain(`MYSQL_PASSWORD: ${DOCKER_CONNECTOR_MYSQL.password}`);
    const [jdbc] = getScenario('pageview').connectors(config, docker);
    expect(jdbc!.worker).toBeUndefined();
    expect(jdbc!.config['connection.url']).toContain('mysql-server:3306');
  });

  it('embedded mode: connectors reach the MySQL this process uses', () => {
    const [cdc] = getScenario('course-activity').connectors(config, embedded);
    expect(cdc!.config['database.hostname']).toBe(config.mysql.host);
    expect(cdc!.config['database.port']).toBe(String(config.mysql.port));
    const [jdbc] = getScenario('pageview').connectors(config, embedded);
    expect(jdbc!.config['connection.url']).toBe(`jdbc:mysql://${config.mysql.host}:${config.mysql.port}/${config.mysql.database}?useSSL=false`);
  });

  it('every scenario: Pinot tables consume from the in-network brokers in docker mode, statements name their topics', () => {
    for (const name of scenarioNames()) {
      const scenario = getScenario(name);
      for (const table of scenario.pinotTables(config, DOCKER_BROKER_LIST)) {
        expect(table.tableConfig.tableIndexConfig.streamConfigs['stream.kafka.broker.list'], `${name} ${table.name}`).toBe(DOCKER_BROKER_LIST);
        expect(table.schema.schemaName, `${name} ${table.name}`).toBe(table.name);
      }
      const created = scenario
        .ksqlStatements(config)
        .map(describeStatement)
        .filter((c) => c !== undefined);
      expect(created.length, name).toBeGreaterThan(0);
      // every Pinot table reads a topic a statement writes or declares, or a session feed of one
      const topics = new Set(created.map((c) => c!.topic));
      for (const feed of scenario.sessionFeeds?.(config) ?? []) {
        expect(topics.has(feed.source), `${name}: feed source ${feed.source}`).toBe(true);
        topics.add(feed.target);
      }
      for (const table of scenario.pinotTables(config, DOCKER_BROKER_LIST)) expect(topics.has(table.topic), `${name}: ${table.topic}`).toBe(true);
    }
  });
});
