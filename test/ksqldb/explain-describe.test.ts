/**
 * EXPLAIN and DESCRIBE ... EXTENDED over ksqlDB's REST API, as ksqlDB 0.29 answers them: a running query
 * by id (its SQL, output schema, sources and sinks), a query statement explained without being run
 * (nothing created, no query id used up), ksqlDB's errors for an unknown id and a statement that runs no
 * query; and a table's description with where its query's consumer group is in the input topic. The
 * execution plan is printed from the query's logical plan as ksqlDB's PlanSummary prints it (steps and
 * loggers named as in ksqlDB's recorded plans), the topology as Kafka Streams describes one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { startKsqlDb, type KsqlDbHandle } from '../../embedded/ksqldb/index.ts';
import { kafkaClient, startTestCluster, waitFor } from '../support/kafka.ts';
import { postJson } from './pipeline-support.ts';

type J = Record<string, any>;

describe('EXPLAIN and DESCRIBE EXTENDED', () => {
  let cluster: KafkaCluster;
  let server: KsqlDbHandle;
  const ksql = async (text: string) => postJson(`${server.url}/ksql`, { ksql: text });

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
    server = await startKsqlDb({ port: 0, bootstrap: cluster.bootstrap() });
    const r = await ksql(
      "CREATE STREAM CLICKS (ID INT KEY, PAGE VARCHAR, MS BIGINT) WITH (KAFKA_TOPIC='clicks', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=1);" +
        'CREATE TABLE PER_PAGE AS SELECT PAGE, COUNT(*) AS N FROM CLICKS WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY PAGE;',
    );
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
      topology: [
        'Topologies:',
        '   Sub-topology: 0',
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [clicks])',
        '      --> Aggregate-Prepare',
        '    Processor: Aggregate-Prepare (stores: [])',
        '      --> Aggregate-GroupBy',
        '      <-- KSTREAM-SOURCE-0000000000',
        '    Processor: Aggregate-GroupBy (stores: [])',
        '      --> Aggregate-Aggregate',
        '      <-- Aggregate-Prepare',
        '    Processor: Aggregate-Aggregate (stores: [CTAS_PER_PAGE_0-aggregate])',
        '      --> Aggregate-Project',
        '      <-- Aggregate-GroupBy',
        '    Processor: Aggregate-Project (stores: [])',
        '      --> KSTREAM-SINK-0000000001',
        '      <-- Aggregate-Aggregate',
        '    Sink: KSTREAM-SINK-0000000001 (topic: PER_PAGE)',
        '      <-- Aggregate-Project',
        '',
        '',
      ].join('\n'),
      executionPlan: [
        ' > [ SINK ] | Schema: PAGE STRING KEY, N BIGINT | Logger: CTAS_PER_PAGE_0.PER_PAGE',
        '\t\t > [ PROJECT ] | Schema: PAGE STRING KEY, N BIGINT | Logger: CTAS_PER_PAGE_0.Aggregate.Project',
        '\t\t\t\t > [ AGGREGATE ] | Schema: PAGE STRING KEY, KSQL_INTERNAL_COL_0 STRING, KSQL_AGG_VARIABLE_0 BIGINT, WINDOWSTART BIGINT, WINDOWEND BIGINT | Logger: CTAS_PER_PAGE_0.Aggregate.Aggregate',
        '\t\t\t\t\t\t > [ GROUP_BY ] | Schema: PAGE STRING KEY, PAGE STRING, MS BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT | Logger: CTAS_PER_PAGE_0.Aggregate.GroupBy',
        '\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: ID INTEGER KEY, PAGE STRING, MS BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT | Logger: CTAS_PER_PAGE_0.Aggregate.Prepare',
        '\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, PAGE STRING, MS BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT | Logger: CTAS_PER_PAGE_0.KsqlTopic.Source',
        '',
      ].join('\n'),
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
      id: 'CSAS_SLOW_1',
      statementText: 'CREATE STREAM SLOW AS SELECT ID, PAGE FROM CLICKS WHERE MS > 1000;',
      windowType: null,
      sources: ['CLICKS'],
      sinks: ['SLOW'],
      queryType: 'PERSISTENT',
      consumerGroupId: '',
    });
    expect(description.fields.map((f: J) => `${f.name} ${f.schema.type}${f.type === 'KEY' ? ' KEY' : ''}`)).toEqual(['ID INTEGER KEY', 'PAGE STRING']);
    expect(description.state).toBeUndefined();
    // the plan it would run: the WHERE filter between the source and the projection
    expect(description.executionPlan.split('\n').map((l: string) => /^(\t*) > \[ (\w+) \].*Logger: (\S+)$/.exec(l)?.slice(1).join(' ') ?? l)).toEqual([
      ' SINK CSAS_SLOW_1.SLOW',
      '\t\t PROJECT CSAS_SLOW_1.Project',
      '\t\t\t\t FILTER CSAS_SLOW_1.WhereFilter',
      '\t\t\t\t\t\t SOURCE CSAS_SLOW_1.KsqlTopic.Source',
      '',
    ]);
    expect(description.topology).toContain('    Sink: KSTREAM-SINK-0000000001 (topic: SLOW)\n      <-- Project\n');

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
    const offsets = await waitFor(
      'the group to commit all 3 records of clicks',
      async () => {
        const summaries = (await described()).queryOffsetSummaries as J[];
        const committed = summaries[0]?.topicSummaries[0]?.offsets[0];
        return committed?.consumerOffset === 3 ? summaries : undefined;
      },
      30_000,
      200,
    );
    expect(offsets).toEqual([
      {
        groupId: server.runtime.topics.group,
        topicSummaries: [{ kafkaTopic: 'clicks', offsets: [{ partition: 0, logStartOffset: 0, logEndOffset: 3, consumerOffset: 3 }] }],
      },
    ]);
    const plain = ((await ksql('DESCRIBE PER_PAGE;')).json() as J[])[0]!.sourceDescription as J;
    expect(plain.queryOffsetSummaries).toEqual([]);
  });
});
