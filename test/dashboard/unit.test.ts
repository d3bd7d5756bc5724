/**
 * Dashboard units: snapshot building (top N + "Other", events/s, window series), the poll loop's
 * states against a stand-in broker (Pinot's documented response format), health checks, the read-only
 * HTTP surface, and the CLI.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { backoffDelay, CONTENT_SECURITY_POLICY, startDashboard, type DashboardHandle } from '../../dashboard/index.ts';
import {
  connectHealthTarget,
  kafkaHealthTarget,
  ksqldbHealthTarget,
  mysqlHealthTarget,
  pinotHealthTarget,
  runHealthChecks,
  tcpHealthTarget,
} from '../../dashboard/health.ts';
import { rowsOf, PinotQueryError } from '../../dashboard/pinot-client.ts';
import { headlineOf, topCountries, toWindowSeries, EMPTY_HINT, MISSING_TABLES_HINT } from '../../dashboard/snapshot.ts';
import { dashboardSettings } from '../../dashboard/settings.ts';
import { closedPort, countryTable, startStandInPinot, waitFor, windowTable, type StandInPinot } from './helpers.ts';

describe('snapshot building', () => {
  it('parses a broker response and reports exceptions', () => {
    const rows = rowsOf({
      resultTable: { dataSchema: { columnNames: ['a', 'count(*)'], columnDataTypes: ['STRING', 'LONG'] }, rows: [['x', 3]] },
      exceptions: [],
    });
    expect(rows).toEqual([{ a: 'x', 'count(*)': 3 }]);
    expect(() => rowsOf({ exceptions: [{ errorCode: 190, message: 'TableDoesNotExistError' }] })).toThrow(PinotQueryError);
    try {
      rowsOf({ exceptions: [{ errorCode: 190, message: 'TableDoesNotExistError' }] });
    } catch (error) {
      expect((error as PinotQueryError).tableMissing).toBe(true);
    }
  });

  it('keeps the top N countries by users and groups the rest as "Other" (age weighted by views)', () => {
    const rows = [
      { country: 'A', users: 50, avgAge: 30, views: 100, lastEventTs: 1 },
      { country: 'B', users: 40, avgAge: 40, views: 80, lastEventTs: 2 },
      { country: 'C', users: 10, avgAge: 20, views: 10, lastEventTs: 3 },
      { country: 'D', users: 10, avgAge: 50, views: 30, lastEventTs: 4 },
      { country: 'E', users: 5, avgAge: null, views: 5, lastEventTs: null },
    ];
    const bars = topCountries(rows, 2);
    expect(bars.map((b) => b.label)).toEqual(['A', 'B', 'Other']);
    expect(bars[2]).toEqual({ label: 'Other', users: 25, views: 45, avgAge: (20 * 10 + 50 * 30) / 40, other: { countries: 3 } });
    expect(topCountries(rows, 10)).toHaveLength(5);
    expect(topCountries(rows, 10).some((b) => b.other)).toBe(false);
  });

  it('computes headline numbers and events/s from view counts between polls', () => {
    const data = {
      countries: [
        { country: 'A', users: 3, avgAge: 30, views: 100, lastEventTs: 5 },
        { country: 'B', users: 2, avgAge: 40, views: 50, lastEventTs: 9 },
      ],
      countryStatus: 'ok' as const,
      windows: {} as never,
    };
    const topic = 'topic1_PageView';
    expect(headlineOf(data, 1000, undefined, { count: 400 }, topic)).toEqual({
      totalViews: 150,
      distinctUsers: 5,
      countries: 2,
      eventsPerSecond: null,
      lastEventTs: 9,
      viewsProduced: 400,
      viewsJoined: 150,
      viewsDropped: 250,
      producedPerSecond: null,
      pageviewTopic: topic,
      viewsNote: null,
    });
    const later = headlineOf(data, 3000, { totalViews: 110, viewsProduced: 340, at: 1000 }, { count: 400 }, topic);
    expect([later.eventsPerSecond, later.producedPerSecond]).toEqual([20, 30]);
    expect(headlineOf(data, 3000, { totalViews: 500, viewsProduced: 900, at: 1000 }, { count: 400 }, topic)).toMatchObject({
      eventsPerSecond: null,
      producedPerSecond: null,
    });
  });

  it('says why produced or dropped views are unknown instead of guessing', () => {
    const data = { countries: [{ country: 'A', users: 3, avgAge: 30, views: 100, lastEventTs: 5 }], countryStatus: 'ok' as const, windows: {} as never };
    const down = headlineOf(data, 1000, undefined, { count: null, note: 'Kafka 127.0.0.1:1 did not answer' }, 't1');
    expect(down).toMatchObject({ viewsProduced: null, viewsJoined: 100, viewsDropped: null, viewsNote: 'Kafka 127.0.0.1:1 did not answer' });
    // More joined than produced cannot come from the same topic: no negative "dropped".
    const mismatch = headlineOf(data, 1000, undefined, { count: 40 }, 't1');
    expect(mismatch).toMatchObject({ viewsProduced: 40, viewsJoined: 100, viewsDropped: null });
    expect(mismatch.viewsNote).toContain('recreated');
    const noTable = headlineOf({ ...data, countries: [], countryStatus: 'missing' }, 1000, undefined, { count: 40 }, 't1');
    expect(noTable).toMatchObject({ viewsProduced: 40, viewsJoined: null, viewsDropped: null });
    expect(noTable.viewsNote).toContain('pageview_country does not exist');
    // Every view joined: nothing dropped.
    expect(headlineOf(data, 1000, undefined, { count: 100 }, 't1')).toMatchObject({ viewsDropped: 0, viewsNote: null });
  });

  it('builds one series per source ordered by window_start', () => {
    const series = toWindowSeries([
      { source: 'Inbox', window_start: 2000, window_end: 3000, user_count: 4, view_count: 9 },
      { source: 'Homepage', window_start: 2000, window_end: 3000, user_count: 1, view_count: 1 },
      { source: 'Inbox', window_start: 1000, window_end: 2000, user_count: 2, view_count: 3 },
    ]);
    expect(series).toEqual([
      { source: 'Homepage', points: [{ x: 2000, y: 1, windowEnd: 3000, views: 1 }] },
      {
        source: 'Inbox',
        points: [
          { x: 1000, y: 2, windowEnd: 2000, views: 3 },
          { x: 2000, y: 4, windowEnd: 3000, views: 9 },
        ],
      },
    ]);
  });

  it('grows the retry delay while Pinot fails, within bounds', () => {
    expect(backoffDelay(0, 1000, 8000)).toBe(1000);
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 1000, 8000))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('takes the service URLs from the compose environment variables, defaulting to config ports', () => {
    const defaults = dashboardSettings({});
    expect(defaults).toMatchObject({
      host: '127.0.0.1',
      port: 8501,
      pollIntervalMs: 15000,
      pinotBrokerUrl: 'http://127.0.0.1:8099',
      pinotControllerUrl: 'http://127.0.0.1:9000',
      ksqldbUrl: 'http://127.0.0.1:8088',
      connectUrl: 'http://127.0.0.1:8083',
    });
    const compose = dashboardSettings({
      PINOT_BROKER_URL: 'http://pinot-broker:8099/',
      PINOT_CONTROLLER_URL: 'http://pinot-controller:9000',
      KSQLDB_URL: 'http://ksqldb-server:8088',
      CONNECT_URL: 'http://connect:8083',
      DASHBOARD_POLL_MS: '500',
      KAFKA_BOOTSTRAP_SERVERS: 'kafka1:29092',
    });
    expect(compose).toMatchObject({
      pinotBrokerUrl: 'http://pinot-broker:8099',
      pinotControllerUrl: 'http://pinot-controller:9000',
      ksqldbUrl: 'http://ksqldb-server:8088',
      connectUrl: 'http://connect:8083',
      pollIntervalMs: 500,
      kafkaBootstrap: ['kafka1:29092'],
    });
    expect(() => dashboardSettings({ PINOT_BROKER_URL: 'pinot:8099' })).toThrow(/PINOT_BROKER_URL/);
    // The produced page views are counted on the configured topic.
    expect([defaults.pageviewTopic, dashboardSettings({ TOPIC_PAGEVIEW: 'pv_in' }).pageviewTopic]).toEqual(['topic1_PageView', 'pv_in']);
  });
});

describe('poll loop against a stand-in broker', () => {
  let standIn: StandInPinot;
  let dash: DashboardHandle | undefined;
  beforeAll(async () => {
    standIn = await startStandInPinot();
  });
  afterEach(async () => {
    await dash?.stop();
    dash = undefined;
    standIn.tables.clear();
    standIn.failWith = undefined;
    standIn.httpStatus = undefined;
  });
  afterAll(async () => {
    await standIn.stop();
  });

  const start = (pollIntervalMs = 60_000) =>
    startDashboard({ port: 0, host: '127.0.0.1', pinotBrokerUrl: standIn.url, pollIntervalMs, healthTargets: [], log: () => undefined });

  it('says how to fill Pinot when the tables are missing or empty', async () => {
    dash = await start();
    const missing = await waitFor('first poll', () => (dash!.snapshot().version > 0 ? dash!.snapshot() : undefined));
    expect(missing).toMatchObject({ state: 'empty', hint: MISSING_TABLES_HINT, countryStatus: 'missing' });
    expect(missing.hint).toContain('npm run produce -- all');
    standIn.tables.set('pageview_country', countryTable([]));
    for (const t of ['pageview_tumbling', 'pageview_hopping', 'pageview_session']) standIn.tables.set(t, windowTable([]));
    const empty = await dash.pollNow();
    expect(empty).toMatchObject({ state: 'empty', hint: EMPTY_HINT, countryStatus: 'empty' });
    expect(empty.windows.tumbling.status).toBe('empty');
  });

  it('serves the data, then keeps it marked stale with the error while the broker fails, and recovers', async () => {
    standIn.tables.set(
      'pageview_country',
      countryTable([
        ['Chile', 31.5, 4, 20, 1000],
        ['Peru', 40, 2, 10, 2000],
      ]),
    );
    standIn.tables.set(
      'pageview_tumbling',
      windowTable([
        ['Inbox', 60_000, 120_000, 3, 7],
        ['Inbox', 0, 60_000, 1, 1],
      ]),
    );
    dash = await start(10_000);
    const ok = await waitFor('first poll', () => (dash!.snapshot().version > 0 ? dash!.snapshot() : undefined));
    expect(ok.state).toBe('ok');
    expect(ok.countries.map((c) => [c.label, c.users, c.avgAge])).toEqual([
      ['Chile', 4, 31.5],
      ['Peru', 2, 40],
    ]);
    expect(ok.headline).toMatchObject({ totalViews: 30, distinctUsers: 6, countries: 2 });
    expect(ok.windows.tumbling.series).toEqual([
      {
        source: 'Inbox',
        points: [
          { x: 0, y: 1, windowEnd: 60_000, views: 1 },
          { x: 60_000, y: 3, windowEnd: 120_000, views: 7 },
        ],
      },
    ]);
    expect(ok.windows.hopping.status).toBe('missing');
    expect(standIn.queries.every((q) => /\bLIMIT \d+/.test(q))).toBe(true);

    standIn.failWith = { errorCode: 200, message: 'QueryExecutionError: boom' };
    const failed = await dash.pollNow();
    expect(failed).toMatchObject({ state: 'error', stale: true, failures: 1, version: 1 });
    expect(failed.error).toContain('200 QueryExecutionError');
    expect(failed.countries).toHaveLength(2);
    standIn.httpStatus = 503;
    const failedAgain = await dash.pollNow();
    expect(failedAgain).toMatchObject({ state: 'error', stale: true, failures: 2 });
    expect(failedAgain.error).toContain('HTTP 503');
    // Back-off: the next attempt is scheduled further out than the poll interval.
    expect(failedAgain.nextPollAt! - failedAgain.attemptedAt!).toBeGreaterThan(10_000);

    standIn.httpStatus = undefined;
    standIn.failWith = undefined;
    standIn.tables.set(
      'pageview_country',
      countryTable([
        ['Chile', 31.5, 4, 50, 1000],
        ['Peru', 40, 2, 10, 2000],
      ]),
    );
    const back = await dash.pollNow();
    expect(back).toMatchObject({ state: 'ok', stale: false, error: null, failures: 0, version: 2 });
    expect(back.headline.totalViews).toBe(60);
    expect(back.headline.eventsPerSecond).toBeGreaterThan(0);
  });

  it('keeps the Pinot numbers when Kafka does not answer, with the produced views unknown and the reason', async () => {
    standIn.tables.set(
      'pageview_country',
      countryTable([
        ['Chile', 31.5, 4, 20, 1000],
        ['Peru', 40, 2, 10, 2000],
      ]),
    );
    const kafkaPort = await closedPort();
    dash = await startDashboard({
      port: 0,
      host: '127.0.0.1',
      pinotBrokerUrl: standIn.url,
      pollIntervalMs: 60_000,
      log: () => undefined,
      healthTargets: [kafkaHealthTarget([`127.0.0.1:${kafkaPort}`])],
    });
    const snap = await waitFor('first poll', () => (dash!.snapshot().version > 0 ? dash!.snapshot() : undefined));
    expect(snap.state).toBe('ok');
    expect(snap.headline).toMatchObject({ totalViews: 30, viewsJoined: 30, viewsProduced: null, viewsDropped: null, pageviewTopic: 'topic1_PageView' });
    expect(snap.headline.viewsNote).toContain(`Kafka 127.0.0.1:${kafkaPort} did not answer`);
    expect(snap.countries.map((c) => c.label)).toEqual(['Chile', 'Peru']);
  });

  it('reports an unreachable broker and keeps retrying on its own', async () => {
    dash = await startDashboard({
      port: 0,
      host: '127.0.0.1',
      pinotBrokerUrl: `http://127.0.0.1:${await closedPort()}`,
      pollIntervalMs: 100,
      healthTargets: [],
      log: () => undefined,
    });
    const failed = await waitFor('two failed polls', () => (dash!.snapshot().failures >= 2 ? dash!.snapshot() : undefined), 5_000);
    expect(failed.state).toBe('error');
    expect(failed.stale).toBe(false);
    expect(failed.error).toMatch(/unreachable: connection refused/);
  });

  it('is read-only, sends a CSP, and serves the page, Chart.js and socket.io from this server only', async () => {
    dash = await start();
    const page = await fetch(`${dash.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/style=/);
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toEqual(['/vendor/chart.umd.js', '/vendor/socket.io.min.js', '/static/health-strip.js', '/static/chart-labels.js', '/static/app.js']);
    for (const asset of [...scripts, '/static/style.css']) {
      const response = await fetch(`${dash.url}${asset}`);
      expect(response.status, asset).toBe(200);
      const text = await response.text();
      if (asset.startsWith('/static/')) {
        expect(text, asset).not.toMatch(/https?:\/\//);
        expect(text, asset).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
      }
    }
    expect(html).not.toMatch(/https?:\/\//);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      for (const route of ['/', '/api/snapshot', '/api/health']) {
        const response = await fetch(`${dash.url}${route}`, { method });
        expect(response.status, `${method} ${route}`).toBe(405);
      }
    }
    expect((await fetch(`${dash.url}/api/nope`)).status).toBe(404);
    // socket.io handshake: same origin (or no Origin) accepted, other origins refused.
    const handshake = (origin?: string) => fetch(`${dash!.url}/socket.io/?EIO=4&transport=polling`, { headers: origin ? { origin } : {} });
    expect((await handshake()).status).toBe(200);
    expect((await handshake(dash.url)).status).toBe(200);
    expect((await handshake('http://evil.example')).status).toBe(403);
    const health = await (await fetch(`${dash.url}/api/health`)).json();
    expect(health).toMatchObject({ dashboard: 'up', components: [] });
  });
});

describe('health checks', () => {
  it('marks a check that overruns its timeout as down, quickly', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const started = Date.now();
      const [kafka, hang] = await runHealthChecks([kafkaHealthTarget([`127.0.0.1:${port}`]), { name: 'Hang', check: () => new Promise(() => undefined) }], 300);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(kafka).toMatchObject({ name: 'Kafka', status: 'down', detail: 'no answer within 300 ms' });
      expect(hang).toMatchObject({ name: 'Hang', status: 'down' });
    } finally {
      silent.close();
    }
  });

  it('reads Pinot, ksqlDB and Connect health endpoints as up / degraded / down', async () => {
    let ksqlHealthy = true;
    let taskState = 'RUNNING';
    const server = (await import('node:http')).createServer((req, res) => {
      const send = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
      if (req.url === '/health') return send(200, 'OK');
      if (req.url === '/healthcheck')
        return send(ksqlHealthy ? 200 : 503, { isHealthy: ksqlHealthy, details: { metastore: { isHealthy: true }, kafka: { isHealthy: ksqlHealthy } } });
      if (req.url === '/') return send(200, { version: '7.6.0', commit: 'x', kafka_cluster_id: 'c' });
      if (req.url === '/connectors?expand=status')
        return send(200, { 'jdbc-users': { status: { connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: taskState }] } } });
      send(404, {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dead = `http://127.0.0.1:${await closedPort()}`;
    try {
      const targets = [
        pinotHealthTarget({ controllerUrl: url, brokerUrl: url }),
        pinotHealthTarget({ controllerUrl: url, brokerUrl: dead }),
        pinotHealthTarget({ controllerUrl: dead, brokerUrl: dead }),
        ksqldbHealthTarget(url),
        connectHealthTarget(url),
        tcpHealthTarget('Port 1', { host: '127.0.0.1', port: 1 }),
      ];
      let results = await runHealthChecks(targets, 1_000);
      expect(results.map((r) => r.status)).toEqual(['up', 'degraded', 'down', 'up', 'up', 'down']);
      expect(results[1]!.detail).toContain('broker');
      expect(results[4]!.detail).toContain('1 connector(s) running');
      ksqlHealthy = false;
      taskState = 'FAILED';
      results = await runHealthChecks(targets.slice(3, 5), 1_000);
      expect(results.map((r) => [r.name, r.status])).toEqual([
        ['ksqlDB', 'degraded'],
        ['Connect', 'degraded'],
      ]);
      expect(results[0]!.detail).toContain('kafka');
      expect(results[1]!.detail).toContain('jdbc-users task 0');
    } finally {
      server.close();
    }
  });

  it('pings MySQL: up with good credentials, degraded when the login is refused, down when nothing listens', async () => {
    const url = new URL(inject('mysqlUrl'));
    const bad = new URL(url);
    bad.username = 'no_such_user_dash';
    bad.password = 'wrong';
    const results = await runHealthChecks(
      [mysqlHealthTarget({ url: url.toString() }), mysqlHealthTarget({ url: bad.toString() }), mysqlHealthTarget({ host: '127.0.0.1', port: 1, user: 'root' })],
      3_000,
    );
    expect(results.map((r) => r.status)).toEqual(['up', 'degraded', 'down']);
  });
});

describe('npm run dashboard', () => {
  // node with the tsx loader directly: signals reach the CLI itself, not a wrapper process that relays them.
  const node = [process.execPath, '--import', 'tsx'] as const;
  const cli = 'dashboard/cli.ts';
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(node[0], [...node.slice(1), cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('prints help and rejects bad flags with one line and exit 2', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--port', '--pinot-broker', '--poll-ms']) expect(help.stdout).toContain(flag);
    for (const args of [['--nope'], ['--port', 'x'], ['--pinot-broker', 'nope'], ['--poll-ms', '5']]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });

  it('starts, prints a ready line, serves the snapshot and stops cleanly on Ctrl-C', async () => {
    const standIn = await startStandInPinot();
    standIn.tables.set('pageview_country', countryTable([['Chile', 31.5, 4, 20, 1000]]));
    const dead = await closedPort();
    const child = spawn(node[0], [...node.slice(1), cli, '--port', '0', '--pinot-broker', standIn.url, '--poll-ms', '200'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${dead}`,
        MYSQL_URL: '',
        MYSQL_PORT: String(dead),
        PINOT_CONTROLLER_URL: standIn.url,
        KSQLDB_URL: `http://127.0.0.1:${dead}`,
        CONNECT_URL: `http://127.0.0.1:${dead}`,
      },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      const url = await waitFor('ready line', () => /ready: (http:\/\/\S+)/.exec(out)?.[1], 20_000);
      const snapshot = await waitFor('data', async () => {
        const s = await (await fetch(`${url}/api/snapshot`)).json();
        return s.version > 0 && s.health.length === 5 ? s : undefined;
      });
      expect(snapshot.countries[0].label).toBe('Chile');
      expect(snapshot.health.map((h: { name: string }) => h.name)).toEqual(['Kafka', 'Connect', 'ksqlDB', 'Pinot', 'MySQL']);
      expect(snapshot.health.find((h: { name: string }) => h.name === 'Pinot').status).toBe('up');
      const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
      child.kill('SIGINT');
      expect(await exit).toBe(0);
      expect(out).toContain('[dashboard] stopped');
    } finally {
      child.kill('SIGKILL');
      await standIn.stop();
    }
  });
});
