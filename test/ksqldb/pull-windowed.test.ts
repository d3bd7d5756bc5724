/**
 * Pull queries on a windowed table: `SELECT *` shows the window bounds right after the key, marked KEY in
 * the header, as ksqlDB answers (its rest-query-validation case "windowed - select star").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { startKsqlDb, type KsqlDbHandle } from '../../embedded/ksqldb/index.ts';
import { kafkaClient, startTestCluster } from '../support/kafka.ts';
import { caughtUp, postJson } from './pipeline-support.ts';

describe('pull queries on a windowed table', () => {
  let cluster: KafkaCluster;
  let server: KsqlDbHandle;

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
    server = await startKsqlDb({ port: 0, bootstrap: cluster.bootstrap(), properties: { 'ksql.streams.auto.offset.reset': 'earliest' } });
    const r = await postJson(`${server.url}/ksql`, {
      ksql:
        "CREATE STREAM INPUT (ID STRING KEY, IGNORED INT) WITH (kafka_topic='test_topic', value_format='JSON', PARTITIONS=1);" +
        'CREATE TABLE AGGREGATE AS SELECT ID, COUNT(1) AS COUNT FROM INPUT WINDOW TUMBLING(SIZE 1 SECOND) GROUP BY ID;',
    });
    expect(r.status, r.text).toBe(200);
    const producer = kafkaClient(cluster).producer();
    await producer.connect();
    await producer.send({
      topic: 'test_topic',
      messages: [
        { key: '11', value: JSON.stringify({ val: 1 }), timestamp: '12346' },
        { key: '10', value: JSON.stringify({ val: 2 }), timestamp: '12345' },
      ],
    });
    await producer.disconnect();
    await caughtUp(server);
  });

  afterAll(async () => {
    await server?.stop();
    await cluster?.stop();
  });

  it('SELECT * answers key, WINDOWSTART, WINDOWEND, then the values', async () => {
    const legacy = await postJson(`${server.url}/query`, { ksql: "SELECT * FROM AGGREGATE WHERE ID='10';" }, 'application/vnd.ksql.v1+json');
    expect(legacy.status, legacy.text).toBe(200);
    expect(legacy.json()).toMatchObject([
      { header: { schema: '`ID` STRING KEY, `WINDOWSTART` BIGINT KEY, `WINDOWEND` BIGINT KEY, `COUNT` BIGINT' } },
      { row: { columns: ['10', 12000, 13000, 1] } },
    ]);
    const stream = await postJson(`${server.url}/query-stream`, { sql: "SELECT * FROM AGGREGATE WHERE ID='10';" }, 'application/vnd.ksqlapi.delimited.v1');
    const lines = stream.text.trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      columnNames: ['ID', 'WINDOWSTART', 'WINDOWEND', 'COUNT'],
      columnTypes: ['STRING', 'BIGINT', 'BIGINT', 'BIGINT'],
    });
    expect(lines[1]).toBe('["10",12000,13000,1]');
    // Named columns stay as named.
    const named = await postJson(`${server.url}/query-stream`, { sql: "SELECT COUNT FROM AGGREGATE WHERE ID='10';" }, 'application/vnd.ksqlapi.delimited.v1');
    expect(named.text.trim().split('\n')[1]).toBe('[1]');
  });
});
