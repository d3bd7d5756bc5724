/**
 * EXPLAIN and DESCRIBE ... EXTENDED over ksqlDB's REST API, as ksqlDB 0.29 answers them: a running query
 * by id (its SQL, output schema, sources and sinks), a query statement explained without being run
 * (nothing created, no query id used up), ksqlDB's errors for an unknown id and a statement that runs no
 * query; and a table's description with where its query's consumer group is in the input topic. The
 * execution plan and topology are empty: they wait for the engine's logical plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { startKsqlDb, type KsqlDbHandle } from '../../embedded/ksqldb/index.ts';
import { kafkaClient, startTestCluster, waitFor } from '../support/kafka.ts';
import { postJson } from './pipeline-support.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('EXPLAIN and DESCRIBE EXTENDED', () => {
  let cluster: KafkaCluster;
  let server: KsqlDbHandle;
  const ksql = async (text: string) => postJson(`${server.url}/ksql`, { ksql: text });

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
    server = await startKsqlDb({ port: 0, bootstrap: cluster.bootstrap() });
    const r = await ksql("CREATE STREAM CLICKS (ID INT KEY, PAGE VARCHAR, MS BIGINT) WITH (KAFKA_TOPIC='clicks', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=1);"
      + 'CREATE TABLE PER_PAGE AS SELECT PAGE, COUNT(*) AS N FROM CLICKS WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY PAGE;');
    expect(r.status, r.text).toBe(200);
  });

  afterAll(async () => {
    await server?.stop();
    await cluster?.stop();
  });

  it('describes a running query by its id', async () => {
    const r = await ksql('EXPLAIN ctas_per_page_0;');
    expect(r.status, r.text).toBe(200);
    const [entity] = r.json() as J[];
    expect(entity).toMatchObject({ '@type': 'queryDescription', statementText: 'EXPLAIN ctas_per_page_0;', warnings: [] });
    expect(entity!.queryDescription).toEqual({
      id: 'CTAS_PER_PAGE_0',
      statementText: 'CREATE TABLE PER_PAGE AS SELECT PAGE, COUNT(*) AS N FROM CLICKS WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY PAGE;',
      windowType: 'TUMBLING',
      fields: [
        { name: 'PAGE', schema: { type: 'STRING', fields: null, memberSchema: null }, type: 'KEY' },
        { name: 'N', schema: { type: 'BIGINT', fields: null, memberSchema: null } },
      ],
      sources: ['CLICKS'],
      sinks: ['PER_PAGE'],
      topology: '',
      executionPlan: '',
      overriddenProperties: {},
      ksqlHostQueryStatus: {},
      queryType: 'PERSISTENT',
      queryErrors: [],
      tasksMetadata: [],
      state: 'RUNNING',
      consumerGroupId: server.runtime.topics.group,
    });
  });

  it('explains a query statement without running it', async () => {
    const r = await ksql('EXPLAIN CREATE STREAM SLOW AS SELECT ID, PAGE FROM CLICKS WHERE MS > 1000;');
    expect(r.status, r.text).toBe(200);
    const description = (r.json() as J[])[0]!.queryDescription as J;
    expect(description).toMatchObject({
      id: 'CSAS_SLOW_1', statementText: 'CREATE STREAM SLOW AS SELECT ID, PAGE FROM CLICKS WHERE MS > 1000;', windowType: null,
      sources: ['CLICKS'], sinks: ['SLOW'], queryType: 'PERSISTENT', consumerGroupId: '',
    });
    expect(description.fields.map((f: J) => `${f.name} ${f.schema.type}${f.type === 'KEY' ? ' KEY' : ''}`)).toEqual(['ID INTEGER KEY', 'PAGE STRING']);
    expect(description.state).toBeUndefined();

    const streams = ((await ksql('SHOW STREAMS;')).json() as J[])[0]!.streams.map((s: J) => s.name);
    expect(streams).not.toContain('SLOW');
    const created = await ksql('CREATE STREAM SLOW AS SELECT ID, PAGE FROM CLICKS WHERE MS > 1000;');
    expect((created.json() as J[])[0]!.commandStatus.queryId).toBe('CSAS_SLOW_1');
  });

  it("answers ksqlDB's errors for an unknown query id and a statement that runs no query", async () => {
    const unknown = await ksql('EXPLAIN NOPE_0;');
    expect(unknown.status).toBe(400);
    expect((unknown.json() as J).message).toBe('Query with id:NOPE_0 does not exist, use SHOW QUERIES to view the full set of queries.');
    const ddl = await ksql("EXPLAIN CREATE STREAM X (A INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON', PARTITIONS=1);");
    expect(ddl.status).toBe(400);
    expect((ddl.json() as J).message).toBe('The provided statement does not run a ksql query');
  });

  it("DESCRIBE EXTENDED tells where the writing query's consumer group is in its input topic", async () => {
    const producer = kafkaClient(cluster).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: 'clicks', messages: ['a', 'b', 'a'].map((page, i) => ({ key: String(i), value: JSON.stringify({ page, ms: 10 }) })) });
    await producer.disconnect();
    const described = async () => ((await ksql('DESCRIBE PER_PAGE EXTENDED;')).json() as J[])[0]!.sourceDescription as J;
    const offsets = await waitFor('the group to commit all 3 records of clicks', async () => {
      const summaries = (await described()).queryOffsetSummaries as J[];
      const committed = summaries[0]?.topicSummaries[0]?.offsets[0];
      return committed?.consumerOffset === 3 ? summaries : undefined;
    }, 30_000, 200);
    expect(offsets).toEqual([{
      groupId: server.runtime.topics.group,
      topicSummaries: [{ kafkaTopic: 'clicks', offsets: [{ partition: 0, logStartOffset: 0, logEndOffset: 3, consumerOffset: 3 }] }],
    }]);
    const plain = ((await ksql('DESCRIBE PER_PAGE;')).json() as J[])[0]!.sourceDescription as J;
    expect(plain.queryOffsetSummaries).toEqual([]);
  });
});
