/**
 * The bootstrap against servers that refuse while they start, as the real ones do: a Pinot controller
 * (bearer token) answering HTTP 500 to the first table POSTs, as Pinot 0.11 does while it cannot read a
 * new table's topic yet, and a Kafka Connect worker (basic auth) answering 409 during a rebalance. It
 * asks again with a line per wait, sends the credentials every time, and hands Pinot the SASL stream
 * properties; a connector that already exists (409 "already exists") is not created twice.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { getScenario } from '../../scenarios/index.ts';
import type { Scenario } from '../../scenarios/scenario.ts';
import { bootstrap, BootstrapError } from '../../stack/bootstrap.ts';
import { targetsFromConfig } from '../../stack/targets.ts';

interface FakeServer {
  url: string;
  requests: { method: string; path: string; authorization?: string; body: string }[];
  close(): Promise<void>;
}

type Answer = [status: number, json: unknown];

/** A local JSON HTTP server that records every request and answers with `answer`. */
async function fakeServer(answer: (req: http.IncomingMessage) => Answer): Promise<FakeServer> {
  const requests: FakeServer['requests'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      requests.push({ method: req.method!, path: req.url!, authorization: req.headers.authorization, body });
      const [status, json] = answer(req);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Answers as Pinot's controller does for a missing schema and table; the first `refusals` table POSTs get 500. */
function fakeController(refusals: number): Promise<FakeServer> {
  let tablePosts = 0;
  return fakeServer((req): Answer => {
    if (req.headers.authorization !== 'Bearer tok') return [401, { code: 401, error: 'HTTP 401 Unauthorized' }];
    if (req.method === 'GET') return [404, { code: 404, error: 'not found' }];
    if (req.url === '/schemas') return [200, { status: 'schema added' }];
    tablePosts++;
    if (tablePosts <= refusals) return [500, { code: 500, error: 'Failed to fetch the partition count of topic topic5' }];
    return [200, { status: 'Table pageview_country_REALTIME succesfully added' }];
  });
}

/** Connect's REST for one connector: the first `refusals` POSTs answer 409 (rebalance), then 201; `exists` makes every POST 409 "already exists". */
function fakeConnect(refusals: number, exists = false): Promise<FakeServer> {
  let posts = 0;
  return fakeServer((req): Answer => {
    if (req.headers.authorization !== `Basic ${Buffer.from('c:cpw').toString('base64')}`) return [401, { error_code: 401, message: 'Unauthorized' }];
    if (req.method === 'GET') return [404, { error_code: 404, message: 'Connector not found' }];
    posts++;
    if (exists) return [409, { error_code: 409, message: 'Connector jdbc_source_mysql_01 already exists' }];
    if (posts <= refusals)
      return [
        409,
        { error_code: 409, message: 'Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)' },
      ];
    return [201, { name: 'jdbc_source_mysql_01', config: {}, tasks: [] }];
  });
}

/** The PageView scenario reduced to its first Pinot table (no Kafka, MySQL, Connect or ksqlDB needed). */
function oneTable(): Scenario {
  const pageview = getScenario('pageview');
  return {
    ...pageview,
    topics: () => [],
    mysqlTables: () => [],
    connectors: () => [],
    ksqlStatements: () => [],
    pinotTables: (config, brokers) => pageview.pinotTables(config, brokers).slice(0, 1),
  };
}

/** The PageView scenario reduced to its connectors. */
function connectorsOnly(): Scenario {
  const pageview = getScenario('pageview');
  return { ...pageview, topics: () => [], mysqlTables: () => [], ksqlStatements: () => [], pinotTables: () => [] };
}

describe('bootstrap against a secured Connect worker in a rebalance', () => {
  let connect: FakeServer | undefined;
  afterEach(async () => connect?.close());

  const setup = (url: string) => {
    const config = loadConfig({ CONNECT_URL: url, CONNECT_BASIC_AUTH_USER: 'c', CONNECT_BASIC_AUTH_PASSWORD: 'cpw', MYSQL_URL: 'mysql://u:p@db:3306' });
    return { config, targets: targetsFromConfig('external', config) };
  };

  it('asks again while Connect answers 409 for a rebalance, then creates the connector once', async () => {
    connect = await fakeConnect(2);
    const { config, targets } = setup(connect.url);
    const lines: string[] = [];
    const steps = await bootstrap(config, targets, { scenario: connectorsOnly(), log: (l) => lines.push(l), retry: { timeoutMs: 10_000, firstDelayMs: 20 } });
    expect(steps.map((s) => s.status)).toEqual(['created']);
    expect(
      lines.filter((l) => /^bootstrap: Kafka Connect, asked for connector .*, answered HTTP 409 \(.*stale configuration.*\); asking again in/.test(l)),
    ).toHaveLength(2);
    expect(connect.requests.filter((r) => r.method === 'POST')).toHaveLength(3);
    expect(connect.requests.every((r) => r.authorization === `Basic ${Buffer.from('c:cpw').toString('base64')}`)).toBe(true);
  });

  it('takes 409 "already exists" as there, and a rebalance that does not end as a failure', async () => {
    connect = await fakeConnect(0, true);
    let { config, targets } = setup(connect.url);
    expect((await bootstrap(config, targets, { scenario: connectorsOnly(), retry: { timeoutMs: 1_000, firstDelayMs: 20 } })).map((s) => s.status)).toEqual([
      'exists',
    ]);
    await connect.close();
    connect = await fakeConnect(1_000);
    ({ config, targets } = setup(connect.url));
    const error = await bootstrap(config, targets, { scenario: connectorsOnly(), retry: { timeoutMs: 200, firstDelayMs: 50 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BootstrapError);
    expect((error as Error).message).toMatch(/^Kafka Connect refused connector .*: HTTP 409 .*stale configuration/);
  });
});

describe('bootstrap against a secured, starting Pinot', () => {
  let controller: FakeServer | undefined;
  afterEach(async () => controller?.close());

  const setup = (url: string) => {
    const config = loadConfig({
      STACK: 'external',
      PINOT_CONTROLLER_URL: url,
      PINOT_AUTH_TOKEN: 'tok',
      PINOT_KAFKA_BROKER_LIST: 'kafka-0.internal:9092',
      KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
      KAFKA_SASL_USERNAME: 'pinot',
      KAFKA_SASL_PASSWORD: 'pinot-pw',
    });
    return { config, targets: targetsFromConfig('external', config) };
  };

  it('asks again while Pinot answers 500, with a line per wait, the token each time and the SASL stream properties', async () => {
    controller = await fakeController(2);
    const { config, targets } = setup(controller.url);
    const lines: string[] = [];
    const steps = await bootstrap(config, targets, { scenario: oneTable(), log: (l) => lines.push(l), retry: { timeoutMs: 10_000, firstDelayMs: 20 } });
    expect(steps).toEqual([
      { item: 'Pinot schema pageview_country', status: 'created' },
      { item: 'Pinot table pageview_country', status: 'created' },
    ]);
    const waits = lines.filter((l) => l.includes('asking again'));
    expect(waits).toHaveLength(2);
    expect(waits[0]).toMatch(/^bootstrap: Pinot, asked for table pageview_country, answered HTTP 500 \(.*partition count.*\); asking again in/);
    const posts = controller.requests.filter((r) => r.method === 'POST' && r.path === '/tables');
    expect(posts).toHaveLength(3);
    expect(controller.requests.every((r) => r.authorization === 'Bearer tok')).toBe(true);
    const streamConfigs = (JSON.parse(posts[2]!.body) as { tableIndexConfig: { streamConfigs: Record<string, string> } }).tableIndexConfig.streamConfigs;
    expect(streamConfigs).toMatchObject({
      'stream.kafka.broker.list': 'kafka-0.internal:9092',
      'security.protocol': 'SASL_PLAINTEXT',
      'sasl.mechanism': 'PLAIN',
      'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="pinot" password="pinot-pw";',
    });
  });

  it('gives up after its time with the cause', async () => {
    controller = await fakeController(1_000);
    const { config, targets } = setup(controller.url);
    const error = await bootstrap(config, targets, { scenario: oneTable(), retry: { timeoutMs: 300, firstDelayMs: 50 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BootstrapError);
    expect((error as Error).message).toMatch(/^Pinot refused table pageview_country: HTTP 500 .*partition count/);
  });
});
