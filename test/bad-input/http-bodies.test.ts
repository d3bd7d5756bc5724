/**
 * Hostile HTTP bodies against every REST API of the embedded stack (Connect, ksqlDB, Pinot controller
 * and broker, dashboard): truncated JSON, a wrong content type, 100 000 levels of nesting, invalid
 * UTF-8. Each gets the real counterpart's status and error shape, no server goes down, and what was
 * stored before (connector, streams and tables, Pinot tables and rows) is still there afterwards.
 * Oversized bodies are in test/security/defaults.test.ts. Also: invalid or writing SQL (ksql, Pinot)
 * and connector configs with bad values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedStack } from '../../stack/embedded-stack.ts';
import type { AppConfig } from '../../config/index.ts';
import { startStack } from '../security/stack-fixture.ts';
import { waitFor } from '../support/kafka.ts';

let stack: EmbeddedStack;
let config: AppConfig;

interface Reply {
  status: number;
  json: any;
  text: string;
  type: string | null;
}

async function send(url: string, body: string | Buffer, contentType: string | undefined = 'application/json', method = 'POST'): Promise<Reply> {
  const res = await fetch(url, {
    method,
    body: typeof body === 'string' ? body : new Uint8Array(body),
    headers: contentType ? { 'content-type': contentType } : {},
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, type: res.headers.get('content-type') };
}

const DEPTH = 100_000;
const deepArray = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
const deepObject = '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);
/** `text` with the bytes 0xC3 0x28 (an invalid two-byte sequence) and 0xFF in place of `@`. */
function invalidUtf8(text: string): Buffer {
  const [before, after] = text.split('@') as [string, string];
  return Buffer.concat([Buffer.from(before), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(after)]);
}

/** What is stored before the attacks, read again afterwards. */
async function inventory(): Promise<Record<string, unknown>> {
  const connectors = (await (await fetch(`${stack.connect.url}/connectors`)).json()) as string[];
  const ksql = await send(`${stack.ksqldb.url}/ksql`, JSON.stringify({ ksql: 'LIST STREAMS; LIST TABLES;' }));
  const streams = (ksql.json[0].streams as { name: string }[]).map((s) => s.name).sort();
  const tables = (ksql.json[1].tables as { name: string }[]).map((s) => s.name).sort();
  const pinotTables = ((await (await fetch(`${stack.pinot.controllerUrl}/tables`)).json()) as { tables: string[] }).tables;
  const rows = await send(`${stack.pinot.brokerUrl}/query/sql`, JSON.stringify({ sql: 'SELECT COUNT(*), SUM(view_count) FROM pageview_country' }));
  // Connectors: the bootstrap's must survive (the ones a lenient parser let through are reported by their own tests).
  return { connectors: connectors.filter((c) => c === 'jdbc-source-connector'), streams, tables, pinotTables, rows: rows.json.resultTable?.rows };
}

let before: Record<string, unknown>;

beforeAll(async () => {
  ({ stack, config } = await startStack('badhttp'));
  // Some rows in Pinot that must survive: topic5 written directly, as ksqlDB would.
  const { Kafka, logLevel } = await import('kafkajs');
  const producer = new Kafka({ clientId: 'bad-http', brokers: stack.targets.kafkaBootstrap, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  await producer.send({
    topic: config.topics.pageviewCountry,
    messages: ['NL', 'FR', 'DE'].map((country, i) => ({
      key: JSON.stringify(country),
      value: JSON.stringify({ country, avg_age: 30 + i, user_count: 1 + i, view_count: 10 * (i + 1), last_event_ts: 1_714_566_896_000 + i }),
    })),
  });
  await producer.disconnect();
  await waitFor(
    'rows in pageview_country',
    async () => {
      const r = await send(`${stack.pinot.brokerUrl}/query/sql`, JSON.stringify({ sql: 'SELECT COUNT(*) FROM pageview_country' }));
      return r.json?.resultTable?.rows?.[0]?.[0] === 3 ? true : undefined;
    },
    30_000,
    200,
  );
  before = await inventory();
  expect(before.connectors).toHaveLength(1);
  expect(before.streams).toEqual(expect.arrayContaining(['PAGEVIEW', 'USERSESSION']));
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

describe('Kafka Connect (:8083) — {"error_code", "message"}', () => {
  const url = () => `${stack.connect.url}/connectors`;
  const valid = () =>
    JSON.stringify({
      name: 'bad-input',
      config: {
        'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
        'connection.url': 'jdbc:mysql://127.0.0.1:1/x',
        mode: 'bulk',
        'topic.prefix': 'bi_',
      },
    });
  const isConnectError = (r: Reply, status: number) => {
    expect(r.status, r.text).toBe(status);
    expect(r.json).toEqual({ error_code: status, message: expect.any(String) });
  };

  it('truncated JSON -> 400', async () => {
    isConnectError(await send(url(), valid().slice(0, 40)), 400);
  });

  it('deeply nested JSON (100k levels) -> 400', async () => {
    isConnectError(await send(url(), deepArray), 400);
    isConnectError(await send(url(), `{"name":"deep","config":${deepObject}}`), 400);
  });

  it('invalid UTF-8 -> 400, nothing created', async () => {
    isConnectError(
      await send(
        url(),
        invalidUtf8(
          '{"name":"bad-@-name","config":{"connector.class":"io.confluent.connect.jdbc.JdbcSourceConnector","connection.url":"jdbc:mysql://127.0.0.1:1/x","mode":"bulk","topic.prefix":"bi_"}}',
        ),
      ),
      400,
    );
  });

  it("a body that is not application/json -> 415 Unsupported Media Type, as Connect's JAX-RS resources answer", async () => {
    isConnectError(await send(url(), valid(), 'text/plain'), 415);
    isConnectError(await send(url(), 'name=x&config=y', 'application/x-www-form-urlencoded'), 415);
  });

  it("connector configs with bad values -> 400 (500 for the JDBC connector's own keys) naming the value and the key", async () => {
    const base = JSON.parse(valid()).config as Record<string, string>;
    // A value of the JDBC connector's own keys fails its JdbcSourceConnectorConfig parse inside validate(): Connect
    // answers that ConfigException with 500 (test/conformance/jdbc-source.test.ts); the worker's keys give 400.
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ 'tasks.max': 'many' }, 400, /Invalid value many for configuration tasks\.max/],
      [{ 'poll.interval.ms': '99999999999' }, 500, /Invalid value 99999999999 for configuration poll\.interval\.ms/],
      [{ 'batch.max.rows': 'lots' }, 500, /Invalid value lots for configuration batch\.max\.rows/],
      [{ 'connection.attempts': 'x' }, 500, /Invalid value x for configuration connection\.attempts/],
      [{ mode: 'timestamp+sometimes' }, 500, /Invalid value timestamp\+sometimes for configuration mode/],
      [{ 'connection.url': '' }, 500, /connection\.url/],
      [{ transforms: 'nope', 'transforms.nope.type': 'com.example.Missing' }, 400, /com\.example\.Missing/],
    ];
    for (const [change, status, reason] of cases) {
      const r = await send(url(), JSON.stringify({ name: 'bad-values', config: { ...base, ...change } }));
      expect(r.status, JSON.stringify(change)).toBe(status);
      expect(r.json.error_code).toBe(status);
      expect(r.json.message, JSON.stringify(change)).toMatch(reason);
    }
    // The same through PUT /connectors/{name}/config, and a config that is not a map of strings.
    const put = await send(`${stack.connect.url}/connectors/bad-values/config`, JSON.stringify({ ...base, 'tasks.max': 'many' }), 'application/json', 'PUT');
    expect(put.status).toBe(400);
    expect(put.json.message).toMatch(/tasks\.max/);
    isConnectError(await send(`${stack.connect.url}/connectors/bad-values/config`, JSON.stringify([1, 2]), 'application/json', 'PUT'), 400);
    isConnectError(await send(url(), JSON.stringify({ name: 'nested', config: { ...base, mode: { deep: true } } })), 400);
    expect((await (await fetch(url())).json()) as string[]).not.toContain('bad-values');
    expect((await (await fetch(url())).json()) as string[]).not.toContain('nested');
  });
});

describe('ksqlDB (:8088) — generic_error / statement_error', () => {
  const url = () => `${stack.ksqldb.url}/ksql`;

  it('truncated JSON and deep nesting -> 400 generic_error "Invalid JSON in request"', async () => {
    for (const body of ['{"ksql": "LIST STRE', deepArray, deepObject]) {
      const r = await send(url(), body);
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ '@type': 'generic_error', error_code: 40000 });
    }
    const truncated = await send(url(), '{"ksql": "LIST STRE');
    expect(truncated.json.message).toMatch(/^Invalid JSON in request/);
  });

  it('invalid UTF-8 -> 400 generic_error "Invalid JSON in request", as Jackson rejects it', async () => {
    const r = await send(url(), invalidUtf8('{"ksql": "CREATE STREAM X@ (a INT) WITH (kafka_topic=\'x\', value_format=\'JSON\', partitions=1);"}'));
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ '@type': 'generic_error', error_code: 40000, message: expect.stringMatching(/^Invalid JSON in request/) });
  });

  it("ksqlDB's JSON types and none at all are parsed (the ksql CLI sends none); text/plain is 415 generic_error", async () => {
    for (const type of [undefined, 'application/vnd.ksql.v1+json', 'application/json']) {
      const r = await send(url(), JSON.stringify({ ksql: 'LIST STREAMS;' }), type);
      expect(r.status, String(type)).toBe(200);
      expect(r.json[0]['@type']).toBe('streams');
    }
    const plain = await send(url(), JSON.stringify({ ksql: 'LIST STREAMS;' }), 'text/plain');
    expect(plain.status).toBe(415);
    expect(plain.json).toMatchObject({ '@type': 'generic_error', error_code: 41500 });
  });

  it('invalid statements -> 400 statement_error 40001 with the statement text; SELECT -> 40002', async () => {
    const cases = [
      'SELEC * FROM PAGEVIEW;',
      "CREATE STREAM PAGEVIEW (a INT) WITH (kafka_topic='x', value_format='JSON', partitions=1);",
      'DROP TABLE NO_SUCH_TABLE;',
      'CREATE STREAM S2 AS SELECT nope FROM PAGEVIEW EMIT CHANGES;',
      "INSERT INTO PAGEVIEW (user_id, source) VALUES ('x', 1, 2);",
      'DROP STREAM PAGEVIEW;',
    ];
    for (const ksql of cases) {
      const r = await send(url(), JSON.stringify({ ksql }));
      expect(r.status, ksql).toBe(400);
      expect(r.json, ksql).toMatchObject({ '@type': 'statement_error', error_code: 40001, statementText: expect.any(String), entities: [] });
      expect(r.json.message.length, ksql).toBeGreaterThan(0);
    }
    const select = await send(url(), JSON.stringify({ ksql: 'SELECT * FROM PAGEVIEW EMIT CHANGES;' }));
    expect(select.json).toMatchObject({ '@type': 'statement_error', error_code: 40002 });
    const query = await send(`${stack.ksqldb.url}/query-stream`, JSON.stringify({ sql: 'SELECT * FROM NOWHERE EMIT CHANGES;' }));
    expect(query.status).toBe(400);
    expect(query.json).toMatchObject({ '@type': 'statement_error', error_code: 40001 });
  });
});

describe('Pinot broker (:8099) and controller (:9000)', () => {
  const broker = () => `${stack.pinot.brokerUrl}/query/sql`;
  const controller = () => stack.pinot.controllerUrl;

  it('broker: truncated and deeply nested bodies -> 400 {code, error}', async () => {
    for (const body of ['{"sql": "SELECT', deepArray]) {
      const r = await send(broker(), body);
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ code: 400, error: expect.any(String) });
    }
    const nested = await send(broker(), `{"sql": ${deepObject}}`);
    expect(nested.status).toBe(200);
    expect(nested.json.exceptions[0].errorCode).toBe(100);
  });

  it("broker: JSON is answered; text/plain is 415 {code, error}, as Pinot's JSON resources answer it", async () => {
    const r = await send(broker(), JSON.stringify({ sql: 'SELECT COUNT(*) FROM pageview_country' }));
    expect(r.status).toBe(200);
    expect(r.json.resultTable.rows).toEqual([[3]]);
    const plain = await send(broker(), JSON.stringify({ sql: 'SELECT COUNT(*) FROM pageview_country' }), 'text/plain');
    expect(plain.status).toBe(415);
    expect(plain.json).toEqual({ code: 415, error: expect.any(String) });
  });

  it("broker: invalid UTF-8 -> an error in Pinot's shape, never rows", async () => {
    const r = await send(broker(), invalidUtf8('{"sql": "SELECT COUNT(*) FROM pageview_country WHERE country = \'@\'"}'));
    if (r.status === 200) {
      expect(r.json.exceptions.length).toBeGreaterThan(0);
      expect(r.json.resultTable).toBeUndefined();
    } else {
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ code: 400, error: expect.any(String) });
    }
  });

  it("SQL that is invalid or tries to write gets Pinot's exceptions; the data is unchanged", async () => {
    const cases: [string, number[]][] = [
      ['SELEC * FROM pageview_country', [150]],
      ['SELECT nope FROM pageview_country', [710]],
      ['SELECT * FROM no_such_table', [190]],
      ["INSERT INTO pageview_country (country, view_count) VALUES ('XX', 1)", [150]],
      ["DELETE FROM pageview_country WHERE country = 'NL'", [150]],
      ['DROP TABLE pageview_country', [150]],
      ['UPDATE pageview_country SET view_count = 0', [150]],
      ['SELECT * FROM pageview_country; DROP TABLE pageview_country', [150]],
      ['CREATE TABLE x (a INT)', [150]],
      ["COPY pageview_country TO '/tmp/pinot-leak.csv'", [150]],
      ["SELECT * FROM read_csv_auto('/etc/passwd')", [150, 190, 710, 700]],
      ["ATTACH DATABASE '/tmp/evil.duckdb' AS evil", [150]],
    ];
    for (const [sql, codes] of cases) {
      for (const target of [broker(), `${controller()}/sql`]) {
        const r = await send(target, JSON.stringify({ sql }));
        expect(r.status, `${target} ${sql}`).toBe(200);
        expect(r.json.exceptions.length, `${target} ${sql}: ${r.text.slice(0, 300)}`).toBeGreaterThan(0);
        expect(codes, `${target} ${sql}: ${r.text.slice(0, 300)}`).toContain(r.json.exceptions[0].errorCode);
        expect(r.json.resultTable, sql).toBeUndefined();
      }
    }
    const get = await fetch(`${stack.pinot.brokerUrl}/query/sql?sql=${encodeURIComponent('DROP TABLE pageview_country')}`);
    expect(((await get.json()) as { exceptions: unknown[] }).exceptions.length).toBeGreaterThan(0);
    expect(await inventory()).toEqual(before);
  });

  it('controller: truncated, nested, invalid UTF-8 schema and table bodies -> 400 {code, error}; nothing created', async () => {
    const bodies: (string | Buffer)[] = [
      '{"schemaName": "x", "dimensionFieldSpecs": [',
      deepArray,
      deepObject,
      invalidUtf8('{"schemaName": "bad@", "dimensionFieldSpecs": [{"name": "a", "dataType": "STRING"}]}'),
    ];
    for (const path of ['/schemas', '/tables']) {
      for (const body of bodies) {
        const r = await send(`${controller()}${path}`, body);
        expect(r.status, `${path} ${String(body).slice(0, 40)}`).toBe(400);
        expect(r.json).toEqual({ code: 400, error: expect.any(String) });
      }
    }
    const schemas = (await (await fetch(`${controller()}/schemas`)).json()) as string[];
    expect(schemas.sort()).toEqual(['pageview_country', 'pageview_hopping', 'pageview_session', 'pageview_tumbling']);
  });
});

describe('dashboard (:8501)', () => {
  it('every hostile body -> 405, read-only', async () => {
    for (const body of ['{"a":', deepArray, invalidUtf8('{"a":"@"}')]) {
      for (const type of ['application/json', 'text/plain']) {
        const r = await send(`${stack.dashboard.url}/api/snapshot`, body, type);
        expect(r.status).toBe(405);
        expect(r.json).toEqual({ error: expect.any(String) });
      }
    }
  });
});

describe('afterwards', () => {
  it('every server is up and everything stored before is still there', async () => {
    expect(await inventory()).toEqual(before);
    const health = (await (await fetch(`${stack.dashboard.url}/api/health`)).json()) as { dashboard: string };
    expect(health.dashboard).toBe('up');
  });
});
