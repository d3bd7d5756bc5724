/**
 * EXPLAIN over ksqlDB's REST API, as ksqlDB 0.29 answers it: a running query by id (its SQL, output
 * schema, sources and sinks), a query statement explained without being run (nothing created, no query
 * id used up), and ksqlDB's errors for an unknown id and a statement that runs no query. The execution
 * plan and topology are empty: they wait for the engine's logical plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { startKsqlDb, type KsqlDbHandle } from '../../embedded/ksqldb/index.ts';
import { startTestCluster } from '../support/kafka.ts';
import { postJson } from './pipeline-support.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('EXPLAIN', () => {
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
});
