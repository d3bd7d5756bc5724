/** ksqlDB REST shapes of the embedded server over real HTTP (fetch) and the embedded Kafka. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { startKsqlDb, type KsqlDbHandle } from '../../embedded/ksqldb/index.ts';
import { kafkaClient, startTestCluster, run } from '../support/kafka.ts';
import { caughtUp, postJson } from './pipeline-support.ts';

type J = Record<string, any>;

describe('ksqlDB REST API', () => {
  let cluster: KafkaCluster;
  let server: KsqlDbHandle;
  let url: string;
  const ksql = async (text: string, extra: J = {}) => postJson(`${url}/ksql`, { ksql: text, ...extra });

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
    server = await startKsqlDb({ port: 0, bootstrap: cluster.bootstrap(), maxBodyBytes: 64 * 1024 });
    url = server.url;
    const r = await ksql(
      "CREATE STREAM CLICKS (ID INT KEY, PAGE VARCHAR, N INT) WITH (KAFKA_TOPIC='clicks', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=2);" +
        'CREATE TABLE PAGES AS SELECT PAGE, COUNT(*) AS HITS, SUM(N) AS TOTAL FROM CLICKS GROUP BY PAGE;',
      { streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest' } },
    );
    expect(r.status, r.text).toBe(200);
    const producer = kafkaClient(cluster).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic: 'clicks',
      messages: [
        ['a', 1],
        ['b', 2],
        ['a', 3],
        ['c', 4],
      ].map(([page, n], i) => ({ key: String(i), value: JSON.stringify({ page, n }) })),
    });
    await producer.disconnect();
    await caughtUp(server);
  });

  afterAll(async () => {
    await server?.stop();
    await cluster?.stop();
  });

  it('GET /info, /healthcheck, /, unknown paths', async () => {
    const info = (await (await fetch(`${url}/info`)).json()) as J;
    expect(info.KsqlServerInfo).toEqual({ version: '0.29.0', kafkaClusterId: expect.any(String), ksqlServiceId: 'default_', serverStatus: 'RUNNING' });
    const health = await fetch(`${url}/healthcheck`);
    expect(health.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await health.json()).toEqual({
      isHealthy: true,
      details: { metastore: { isHealthy: true }, kafka: { isHealthy: true }, commandRunner: { isHealthy: true } },
      serverState: 'READY',
    });
    const root = await fetch(`${url}/`, { redirect: 'manual' });
    expect(root.status).toBe(307);
    expect(root.headers.get('location')).toBe('/info');
    const missing = await fetch(`${url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('Not Found');
  });

  it('GET /status and /status/{commandId}', async () => {
    const all = (await (await fetch(`${url}/status`)).json()) as J;
    expect(all.commandStatuses['stream/`CLICKS`/create']).toBe('SUCCESS');
    expect(all.commandStatuses['table/`PAGES`/create']).toBe('SUCCESS');
    const one = await fetch(`${url}/status/table/PAGES/create`);
    expect(await one.json()).toEqual({ status: 'SUCCESS', message: 'Created query with ID CTAS_PAGES_0', queryId: 'CTAS_PAGES_0' });
    const none = await fetch(`${url}/status/stream/NOPE/create`);
    expect(none.status).toBe(404);
    expect(await none.json()).toEqual({ '@type': 'generic_error', error_code: 40400, message: 'Command not found' });
  });

  it('POST /ksql: currentStatus for CREATE and DROP', async () => {
    const r = await ksql("CREATE STREAM TMP (V INT) WITH (KAFKA_TOPIC='tmp', VALUE_FORMAT='JSON', PARTITIONS=1); DROP STREAM TMP;");
    expect(r.status).toBe(200);
    const [created, dropped] = r.json() as J[];
    expect(created).toEqual({
      '@type': 'currentStatus',
      statementText: "CREATE STREAM TMP (V INT) WITH (KAFKA_TOPIC='tmp', VALUE_FORMAT='JSON', PARTITIONS=1);",
      commandId: 'stream/`TMP`/create',
      commandStatus: { status: 'SUCCESS', message: 'Stream created', queryId: null },
      commandSequenceNumber: expect.any(Number),
      warnings: [],
    });
    expect(dropped!.commandId).toBe('stream/TMP/drop');
    expect(dropped!.commandSequenceNumber).toBeGreaterThan(created!.commandSequenceNumber as number);
  });

  it('POST /ksql: SHOW FUNCTIONS lists every scalar, aggregate and table function by name, as FunctionNameList', async () => {
    const r = await ksql('SHOW FUNCTIONS;');
    expect(r.status, r.text).toBe(200);
    const [list] = r.json() as J[];
    expect(list!['@type']).toBe('function_names');
    const functions = list!.functions as { name: string; type: string; category: string }[];
    expect(functions).toContainEqual({ name: 'UCASE', type: 'SCALAR', category: 'OTHER' });
    expect(functions).toContainEqual({ name: 'COUNT_DISTINCT', type: 'AGGREGATE', category: 'AGGREGATE' });
    expect(functions).toContainEqual({ name: 'EXPLODE', type: 'TABLE', category: 'TABLE' });
    const names = functions.map((f) => f.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(new Set(names).size).toBe(names.length);
  });

  it('POST /ksql: LIST STREAMS / TABLES / QUERIES / TOPICS / PROPERTIES, DESCRIBE', async () => {
    const r = await ksql('LIST STREAMS; SHOW TABLES; SHOW QUERIES; LIST TOPICS; SHOW PROPERTIES; DESCRIBE PAGES;');
    expect(r.status, r.text).toBe(200);
    const [streams, tables, queries, topics, props, desc] = r.json() as J[];
    expect(streams!['@type']).toBe('streams');
    expect(streams!.streams).toContainEqual({ type: 'STREAM', name: 'CLICKS', topic: 'clicks', keyFormat: 'JSON', valueFormat: 'JSON', isWindowed: false });
    expect(tables).toEqual({
      '@type': 'tables',
      statementText: 'SHOW TABLES;',
      tables: [{ type: 'TABLE', name: 'PAGES', topic: 'PAGES', keyFormat: 'JSON', valueFormat: 'JSON', isWindowed: false }],
      warnings: [],
    });
    expect(queries!.queries).toEqual([
      {
        queryString: 'CREATE TABLE PAGES AS SELECT PAGE, COUNT(*) AS HITS, SUM(N) AS TOTAL FROM CLICKS GROUP BY PAGE;',
        sinks: ['PAGES'],
        sinkKafkaTopics: ['PAGES'],
        id: 'CTAS_PAGES_0',
        statusCount: { RUNNING: 1 },
        queryType: 'PERSISTENT',
        state: 'RUNNING',
      },
    ]);
    expect(topics!['@type']).toBe('kafka_topics');
    expect(topics!.topics).toContainEqual({ name: 'clicks', replicaInfo: [1, 1] });
    expect(topics!.topics.some((t: J) => String(t.name).startsWith('_'))).toBe(false);
    expect(props!['@type']).toBe('properties');
    expect(props!.properties).toContainEqual({ name: 'ksql.service.id', scope: 'KSQL', value: 'default_', editable: false, level: 'SERVER' });
    expect(desc!['@type']).toBe('sourceDescription');
    const sd = desc!.sourceDescription as J;
    expect(sd.fields).toEqual([
      { name: 'PAGE', schema: { type: 'STRING', fields: null, memberSchema: null }, type: 'KEY' },
      { name: 'HITS', schema: { type: 'BIGINT', fields: null, memberSchema: null } },
      { name: 'TOTAL', schema: { type: 'INTEGER', fields: null, memberSchema: null } },
    ]);
    expect(sd).toMatchObject({ name: 'PAGES', type: 'TABLE', windowType: null, topic: 'PAGES', keyFormat: 'JSON', valueFormat: 'JSON', extended: false });
    expect(sd.writeQueries.map((q: J) => q.id)).toEqual(['CTAS_PAGES_0']);
  });

  it('POST /ksql errors: bad JSON, syntax with position, unknown source, failing statement after a good one, SELECT', async () => {
    const bad = await postJson(`${url}/ksql`, '{"ksql": ');
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ '@type': 'generic_error', error_code: 40000, message: expect.stringMatching(/^Invalid JSON in request/) });

    const syntax = await ksql('SELEC * FROM CLICKS;');
    expect(syntax.status).toBe(400);
    expect(syntax.json()).toMatchObject({
      '@type': 'statement_error',
      error_code: 40001,
      message: expect.stringMatching(/^line 1:1: /),
      statementText: 'SELEC * FROM CLICKS;',
      entities: [],
    });

    const unknown = await ksql('DESCRIBE NOPE;');
    expect(unknown.status).toBe(400);
    expect(unknown.json()).toMatchObject({
      '@type': 'statement_error',
      error_code: 40001,
      message: expect.stringContaining("Could not find STREAM/TABLE 'NOPE' in the Metastore"),
    });

    const partial = await ksql('SHOW STREAMS;\nCREATE STREAM X AS SELECT * FROM NOPE;');
    const body = partial.json() as J;
    expect(partial.status).toBe(400);
    expect(body.error_code).toBe(40001);
    expect(body.message).toMatch(/^line 2:\d+: NOPE does not exist\./);
    expect(body.statementText).toBe('CREATE STREAM X AS SELECT * FROM NOPE;');
    expect(body.entities.map((e: J) => e['@type'])).toEqual(['streams']);

    // A source over a missing topic needs PARTITIONS: refused, nothing created, the statement shows how.
    const missing = await ksql("CREATE STREAM TYPO (X INT) WITH (KAFKA_TOPIC='clickz', VALUE_FORMAT='JSON');");
    expect(missing.status).toBe(400);
    expect(missing.json()).toMatchObject({
      '@type': 'statement_error',
      error_code: 40001,
      message:
        "Topic 'clickz' does not exist. If you want to create a new topic for the stream/table please re-run the statement providing the required 'PARTITIONS' configuration in the WITH clause (and optionally 'REPLICAS'). For example: CREATE STREAM TYPO (X INT) WITH (PARTITIONS=2, KAFKA_TOPIC='clickz', VALUE_FORMAT='JSON');",
    });
    const admin = kafkaClient(cluster).admin();
    await admin.connect();
    expect(await admin.listTopics()).not.toContain('clickz');
    await admin.disconnect();
    expect((await ksql('DESCRIBE TYPO;')).status).toBe(400);
    // A topic the broker refuses to create (over its partition cap) fails the statement, registering nothing.
    const huge = await ksql("CREATE STREAM BIG (X INT) WITH (KAFKA_TOPIC='big', VALUE_FORMAT='JSON', PARTITIONS=100000);");
    expect(huge.status).toBe(400);
    expect(huge.json()).toMatchObject({
      '@type': 'statement_error',
      error_code: 40001,
      message: expect.stringContaining("Could not create topic 'big' with 100000 partition(s): INVALID_PARTITIONS"),
    });
    expect((await ksql('DESCRIBE BIG;')).status).toBe(400);
    const existing = await ksql("CREATE STREAM CLICKS_AGAIN (PAGE VARCHAR) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON');");
    expect(existing.status, existing.text).toBe(200);

    const select = await ksql('SELECT * FROM CLICKS EMIT CHANGES;');
    expect(select.status).toBe(400);
    expect(select.json()).toMatchObject({ '@type': 'statement_error', error_code: 40002, message: expect.stringContaining("endpoint '/query'") });

    const big = await ksql(`SHOW STREAMS; -- ${'x'.repeat(100 * 1024)}`);
    expect(big.status).toBe(413);
    expect(big.json()).toMatchObject({ '@type': 'generic_error' });
  });

  it('SET applies to its request only', async () => {
    const r = await ksql("SET 'ksql.streams.auto.offset.reset'='earliest'; SHOW PROPERTIES;");
    const [props] = r.json() as J[];
    expect(props!.properties).toContainEqual(expect.objectContaining({ name: 'ksql.streams.auto.offset.reset', value: 'earliest' }));
    const after = (await ksql('SHOW PROPERTIES;')).json() as J[];
    expect(after[0]!.properties.find((p: J) => p.name === 'ksql.streams.auto.offset.reset')).toBeUndefined();
  });

  it('POST /query: push query with LIMIT from earliest (legacy StreamedRow lines)', async () => {
    const r = await postJson(`${url}/query`, {
      ksql: 'SELECT PAGE, N FROM CLICKS EMIT CHANGES LIMIT 4;',
      streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest' },
    });
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/vnd.ksql.v1+json');
    const lines = r.text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l.replace(/^\[/, '').replace(/[,\]]$/, '')) as J);
    expect(lines[0]).toEqual({ header: { queryId: expect.stringMatching(/^transient_CLICKS_/), schema: '`PAGE` STRING, `N` INTEGER' } });
    expect(
      lines
        .slice(1, 5)
        .map((l) => l.row.columns)
        .sort(),
    ).toEqual([
      ['a', 1],
      ['a', 3],
      ['b', 2],
      ['c', 4],
    ]);
    expect(lines[5]).toEqual({ finalMessage: 'Limit Reached' });
    expect(r.text.endsWith(']')).toBe(true);
  });

  it('POST /query: pull query on a materialized table; unknown source is a statement error', async () => {
    const r = await postJson(`${url}/query`, { ksql: "SELECT * FROM PAGES WHERE PAGE = 'a';" });
    expect(r.status).toBe(200);
    const rows = JSON.parse(r.text) as J[];
    expect(rows).toEqual([
      { header: { queryId: expect.stringMatching(/^query_/), schema: '`PAGE` STRING KEY, `HITS` BIGINT, `TOTAL` INTEGER' } },
      { row: { columns: ['a', 2, 4] } },
    ]);
    const unknown = await postJson(`${url}/query`, { ksql: 'SELECT * FROM NOPE EMIT CHANGES;' });
    expect(unknown.status).toBe(400);
    expect(unknown.json()).toMatchObject({ '@type': 'statement_error', error_code: 40001, message: expect.stringContaining('NOPE does not exist') });
  });

  it('POST /query-stream: delimited (default) and JSON', async () => {
    const d = await postJson(
      `${url}/query-stream`,
      { sql: 'SELECT PAGE, N FROM CLICKS EMIT CHANGES LIMIT 2;', properties: { 'auto.offset.reset': 'earliest' } },
      'application/vnd.ksqlapi.delimited.v1',
    );
    expect(d.status).toBe(200);
    expect(d.type).toBe('application/vnd.ksqlapi.delimited.v1');
    const lines = d.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines[0]).toEqual({ queryId: expect.stringMatching(/^transient_CLICKS_/), columnNames: ['PAGE', 'N'], columnTypes: ['STRING', 'INTEGER'] });
    expect(lines).toHaveLength(3);
    const j = await postJson(`${url}/query-stream`, { sql: 'SELECT PAGE, HITS FROM PAGES;' }, 'application/json');
    expect(j.type).toBe('application/json');
    const arr = JSON.parse(j.text) as unknown[];
    expect(arr[0]).toEqual({ queryId: expect.stringMatching(/^query_/), columnNames: ['PAGE', 'HITS'], columnTypes: ['STRING', 'BIGINT'] });
    expect(arr.slice(1).sort()).toEqual([
      ['a', 2],
      ['b', 1],
      ['c', 1],
    ]);
    const bad = await postJson(`${url}/query-stream`, { sql: 'SELECT * FROM NOPE EMIT CHANGES;' });
    expect(bad.status).toBe(400);
    expect((bad.json() as J).error_code).toBe(40001);
  });

  it('POST /close-query ends a running push query; unknown ids are rejected', async () => {
    const res = await fetch(`${url}/query-stream`, {
      method: 'POST',
      body: JSON.stringify({ sql: 'SELECT * FROM CLICKS EMIT CHANGES;', properties: { 'auto.offset.reset': 'earliest' } }),
      headers: { 'content-type': 'application/json', accept: 'application/vnd.ksqlapi.delimited.v1' },
    });
    const reader = res.body!.getReader();
    let text = '';
    while (text.split('\n').length < 6) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
    const meta = JSON.parse(text.split('\n')[0]!) as { queryId: string };
    const close = await fetch(`${url}/close-query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ queryId: meta.queryId }),
    });
    expect(close.status).toBe(200);
    expect(await close.text()).toBe('');
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    const again = await postJson(`${url}/close-query`, { queryId: meta.queryId });
    expect(again.status).toBe(400);
    expect(again.json()).toEqual({ '@type': 'generic_error', error_code: 40000, message: `No query with id ${meta.queryId}` });
  });

  it('POST /query-stream: DECIMAL, STRUCT, MAP, TIMESTAMP, DATE and BYTES columns as ksqlDB writes them', async () => {
    const sql =
      "SELECT CAST(N AS DECIMAL(4, 2)) AS D, STRUCT(P := PAGE) AS S, MAP(PAGE := N) AS M, FROM_UNIXTIME(1589234313000) AS T, FROM_DAYS(18393) AS DT, TO_BYTES('hi', 'utf8') AS B FROM CLICKS WHERE PAGE = 'b' EMIT CHANGES LIMIT 1;";
    const r = await postJson(`${url}/query-stream`, { sql, properties: { 'auto.offset.reset': 'earliest' } }, 'application/vnd.ksqlapi.delimited.v1');
    expect(r.status, r.text).toBe(200);
    const [meta, row] = r.text.trim().split('\n');
    expect((JSON.parse(meta!) as J).columnTypes).toEqual(['DECIMAL(4, 2)', 'STRUCT<`P` STRING>', 'MAP<STRING, INTEGER>', 'TIMESTAMP', 'DATE', 'BYTES']);
    expect(row).toBe('[2.00,{"P":"b"},{"b":2},"2020-05-11T21:58:33.000","2020-05-11","aGk="]');
  });

  it('record headers: a HEADER column reads them, and what a record produces carries them on', async () => {
    const r = await ksql(
      "CREATE STREAM HDR (ID INT KEY, V INT, H BYTES HEADER('trace')) WITH (KAFKA_TOPIC='hdr', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=1); CREATE STREAM HDR_OUT AS SELECT ID, V, H FROM HDR;",
      { streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest' } },
    );
    expect(r.status, r.text).toBe(200);
    const producer = kafkaClient(cluster).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: 'hdr', messages: [{ key: '1', value: '{"V":7}', headers: { trace: 'abc' } }] });
    await producer.disconnect();
    await caughtUp(server);
    const k = await run('kcat', ['-C', '-b', cluster.bootstrap(), '-t', 'HDR_OUT', '-o', 'beginning', '-e', '-q', '-f', '%h|%s\n']);
    expect(k.stdout.trim()).toBe('trace=abc|{"V":7,"H":"YWJj"}');
  });

  it('INSERT VALUES answers [] and its row reaches the topic and the table', async () => {
    const r = await ksql("INSERT INTO CLICKS (ID, PAGE, N) VALUES (9, 'd', 5);");
    expect(r.status, r.text).toBe(200);
    expect(r.json()).toEqual([]);
    await caughtUp(server);
    const pulled = await postJson(`${url}/query-stream`, { sql: "SELECT * FROM PAGES WHERE PAGE = 'd';" }, 'application/vnd.ksqlapi.delimited.v1');
    expect(pulled.text.trim().split('\n')[1]).toBe('["d",1,5]');
    const k = await run('kcat', ['-C', '-b', cluster.bootstrap(), '-t', 'clicks', '-o', 'beginning', '-e', '-q', '-f', '%k %s\n']);
    expect(k.stdout).toContain('9 {"PAGE":"d","N":5}');
  });
});
