/**
 * STACK=external end to end: an embedded stack started by the test stands in for clusters of the
 * user's own, behind small servers that demand credentials (basic auth for Connect and ksqlDB, a
 * bearer token for Pinot). The real CLIs run with only the external variables: the start-up check,
 * the bootstrap (which then creates everything), the producers, verify, a second bootstrap that
 * changes nothing, and the dashboard, whose Pinot queries and health checks pass the credentials and
 * whose /api/health holds no secret. (SASL against a real broker is issue 21 part 2: the reference Kafka.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig, type AppConfig } from '../../config/index.ts';
import { getScenario } from '../../scenarios/index.ts';
import type { Scenario } from '../../scenarios/scenario.ts';
import { ksqlConsumedToEnd } from '../../scenarios/topic-offsets.ts';
import { startEmbeddedStack, type EmbeddedStack } from '../../stack/embedded-stack.ts';
import { freePort } from '../../stack/mariadb.ts';
import { createTestDatabase } from '../support/mariadb.ts';
import { tempDir, waitFor } from '../support/kafka.ts';
import { basic, bearer, startAuthProxy, type AuthProxy } from './auth-proxy.ts';
import { cli } from './cli.ts';

const SECRETS = { connect: 'conn-secret-71', ksqldb: 'ksql-secret-72', pinot: 'pinot-token-73' };

/** The PageView scenario with nothing to create: the embedded stack starts empty, the external bootstrap creates it all. */
function emptyScenario(): Scenario {
  const pageview = getScenario('pageview');
  return {
    ...pageview,
    topics: () => [],
    mysqlTables: () => [],
    connectors: () => [],
    ksqlStatements: () => [],
    pinotTables: () => [],
    sessionFeeds: () => [],
  };
}

describe('STACK=external against an embedded stack behind credentials', () => {
  let config: AppConfig;
  let stack: EmbeddedStack;
  let proxies: { connect: AuthProxy; ksqldb: AuthProxy; controller: AuthProxy; broker: AuthProxy };
  let env: Record<string, string>;
  let dashboard: ChildProcess | undefined;

  beforeAll(async () => {
    const db = await createTestDatabase(inject('mysqlUrl'), 'external');
    config = loadConfig({ MYSQL_URL: inject('mysqlUrl'), MYSQL_DATABASE: db.name });
    stack = await startEmbeddedStack({ config, dataDir: tempDir('external-stack'), freePorts: true, scenario: emptyScenario() });
    proxies = {
      connect: await startAuthProxy(basic('connect-user', SECRETS.connect), stack.connect.url),
      ksqldb: await startAuthProxy(basic('ksql-key', SECRETS.ksqldb), stack.ksqldb.url),
      controller: await startAuthProxy(bearer(SECRETS.pinot), stack.pinot.controllerUrl),
      broker: await startAuthProxy(bearer(SECRETS.pinot), stack.pinot.brokerUrl),
    };
    const bootstrap = stack.targets.kafkaBootstrap.join(',');
    env = {
      STACK: 'external',
      KAFKA_BOOTSTRAP_SERVERS: bootstrap,
      MYSQL_URL: stack.mysql.url,
      MYSQL_DATABASE: db.name,
      CONNECT_MYSQL_URL: stack.mysql.url,
      PINOT_KAFKA_BROKER_LIST: bootstrap,
      CONNECT_URL: proxies.connect.url,
      CONNECT_BASIC_AUTH_USER: 'connect-user',
      CONNECT_BASIC_AUTH_PASSWORD: SECRETS.connect,
      KSQLDB_URL: proxies.ksqldb.url,
      KSQLDB_BASIC_AUTH_USER: 'ksql-key',
      KSQLDB_BASIC_AUTH_PASSWORD: SECRETS.ksqldb,
      PINOT_CONTROLLER_URL: proxies.controller.url,
      PINOT_BROKER_URL: proxies.broker.url,
      PINOT_AUTH_TOKEN: SECRETS.pinot,
      DASHBOARD_POLL_MS: '300',
    };
  }, 180_000);

  afterAll(async () => {
    if (dashboard && dashboard.exitCode === null) {
      const exited = new Promise((resolve) => dashboard!.once('exit', resolve));
      dashboard.kill('SIGTERM');
      await exited;
    }
    for (const proxy of Object.values(proxies ?? {})) await proxy.close();
    await stack?.stop();
  }, 60_000);

  const expectNoSecret = (text: string) => {
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    for (const [user, password] of [
      ['connect-user', SECRETS.connect],
      ['ksql-key', SECRETS.ksqldb],
    ]) {
      expect(text).not.toContain(Buffer.from(`${user}:${password}`).toString('base64'));
    }
  };
  const everyRequestAuthorised = () => {
    for (const [name, proxy] of Object.entries(proxies)) {
      expect(
        proxy.seen.filter((r) => !r.authorised),
        `${name}: requests without the right credentials`,
      ).toEqual([]);
    }
  };
  const topics = async () => {
    const admin = new Kafka({ clientId: 'external-test', brokers: stack.targets.kafkaBootstrap, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      return await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
  };

  it('stops before creating anything when a service refuses the credentials', async () => {
    const result = await cli('stack/bootstrap-cli.ts', [], { ...env, KSQLDB_BASIC_AUTH_PASSWORD: 'not-the-password' });
    expect(result.code).toBe(1);
    const problems = result.stderr.split('\n').filter((l) => / at http/.test(l));
    expect(problems).toEqual([
      `bootstrap: ksqlDB at ${proxies.ksqldb.url}: unauthorised (HTTP 401: the basic credentials were refused); set KSQLDB_BASIC_AUTH_USER / KSQLDB_BASIC_AUTH_PASSWORD (or fix KSQLDB_URL)`,
    ]);
    expect(result.stderr).not.toContain('not-the-password');
    expect(await topics()).not.toContain(config.topics.pageview);
    for (const proxy of Object.values(proxies)) proxy.seen.length = 0;
  }, 120_000);

  it('bootstraps, produces and verifies through the external endpoints; a second bootstrap changes nothing', async () => {
    const first = await cli('stack/bootstrap-cli.ts', [], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('every endpoint answers and accepts the credentials');
    expect(first.stdout).toMatch(/bootstrap: created \d+ item\(s\): .*connector .*ksql table PAGEVIEW_COUNTRY.*Pinot table pageview_country/);
    expect(await topics()).toEqual(expect.arrayContaining([config.topics.pageview, config.topics.users, config.topics.pageviewSessionFeed]));
    // Each HTTP service was asked, always with its credentials.
    for (const proxy of [proxies.connect, proxies.ksqldb, proxies.controller]) expect(proxy.seen.some((r) => r.method === 'POST')).toBe(true);
    everyRequestAuthorised();

    const users = await cli('producers/cli.ts', ['users', '--count', '60', '--seed', '5'], env);
    expect(users.code, users.stderr).toBe(0);
    await waitFor(
      'ksqlDB to read the users into the join',
      async () => ((await ksqlConsumedToEnd(stack.targets.kafkaBootstrap, [config.topics.users, config.topics.cleanedUsers])) ? true : undefined),
      90_000,
      500,
    );
    const views = await cli('producers/cli.ts', ['pageviews', '--count', '400', '--seed', '6'], env);
    expect(views.code, views.stderr).toBe(0);

    const verify = await cli('stack/verify.ts', ['--wait-ms', '60000', '--rows', '2'], env);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('verify: every table of topics 4-8 has rows');
    expect(proxies.ksqldb.seen.some((r) => r.path === '/query-stream')).toBe(true);

    const second = await cli('stack/bootstrap-cli.ts', [], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('bootstrap: everything was already there; nothing changed');
    everyRequestAuthorised();
    expectNoSecret(
      first.stdout + first.stderr + users.stdout + users.stderr + views.stdout + views.stderr + verify.stdout + verify.stderr + second.stdout + second.stderr,
    );
  }, 300_000);

  it("the session feed of init.sh fills Pinot's session table from the external Kafka", async () => {
    const keep = Object.fromEntries(['PATH', 'HOME', 'TMPDIR'].filter((n) => process.env[n] !== undefined).map((n) => [n, process.env[n]!]));
    const feed = spawn(path.resolve('node_modules/.bin/tsx'), ['stack/session-feed-cli.ts', '--scenario', 'pageview'], {
      env: { ...keep, ...env },
      stdio: 'ignore',
    });
    try {
      const sessions = await waitFor(
        "sessions in Pinot's pageview_session",
        async () => {
          const response = await fetch(`${proxies.broker.url}/query/sql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: bearer(SECRETS.pinot) },
            body: JSON.stringify({ sql: 'SELECT COUNT(*) FROM pageview_session' }),
          });
          const body = (await response.json()) as { resultTable?: { rows: number[][] } };
          const n = Number(body.resultTable?.rows[0]?.[0] ?? 0);
          return n > 0 ? n : undefined;
        },
        60_000,
        500,
      );
      expect(sessions).toBeGreaterThan(0);
    } finally {
      const exited = new Promise((resolve) => feed.once('exit', resolve));
      feed.kill('SIGTERM');
      await exited;
    }
  }, 120_000);

  it('the dashboard queries Pinot and checks every service with credentials; /api/health holds no secret', async () => {
    const port = await freePort();
    const keep = Object.fromEntries(['PATH', 'HOME', 'TMPDIR'].filter((n) => process.env[n] !== undefined).map((n) => [n, process.env[n]!]));
    let output = '';
    dashboard = spawn(path.resolve('node_modules/.bin/tsx'), ['dashboard/cli.ts'], {
      env: { ...keep, ...env, DASHBOARD_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    dashboard.stdout!.on('data', (d) => (output += d));
    dashboard.stderr!.on('data', (d) => (output += d));
    const url = `http://127.0.0.1:${port}`;
    const health = await waitFor(
      'every component up on /api/health',
      async () => {
        const text = await fetch(`${url}/api/health`).then(
          (r) => r.text(),
          () => undefined,
        );
        if (!text) return undefined;
        const body = JSON.parse(text) as { components?: { name: string; status: string }[]; pinot?: { state: string } };
        const up = (body.components ?? []).filter((c) => c.status === 'up').map((c) => c.name);
        return ['Kafka', 'Connect', 'ksqlDB', 'Pinot', 'MySQL'].every((n) => up.includes(n)) && body.pinot?.state === 'ok' ? text : undefined;
      },
      60_000,
      300,
    );
    expectNoSecret(health);
    const snapshot = (await (await fetch(`${url}/api/snapshot`)).json()) as { headline?: { totalViews?: number } };
    expect(snapshot.headline?.totalViews).toBeGreaterThan(0);
    expect(proxies.broker.seen.some((r) => r.path === '/query/sql')).toBe(true);
    everyRequestAuthorised();
    expectNoSecret(output);
  }, 120_000);
});
