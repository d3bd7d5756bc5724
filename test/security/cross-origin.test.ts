/**
 * Cross-origin writes and DNS rebinding (issue #18, finding 4), against the embedded stack's HTTP servers:
 * Connect, ksqlDB, Pinot controller and broker, the dashboard (embedded/common/http-guard.ts).
 *
 * - A real Chromium page served on another local origin (a tiny server on its own port) cannot create a
 *   ksqlDB stream (fetch with text/plain, a text/plain form POST) nor delete a Pinot schema (DELETE after
 *   Pinot's permissive preflight): every attempt fails and nothing changes.
 * - A request naming the server by another host (Host: evil.example, or Chromium resolving evil.example to
 *   127.0.0.1 as a rebinding DNS server would) is refused by every server, socket.io's handshake too.
 * - Normal clients still work: the right content types (or none, as the ksql CLI), the server's own pages,
 *   and names or origins the operator allows (ALLOWED_HOSTS, ALLOWED_ORIGINS).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig, ConfigError } from '../../config/index.ts';
import { startDashboard } from '../../dashboard/index.ts';
import { guardRequest, hostNameOf } from '../../embedded/common/http-guard.ts';
import type { EmbeddedStack } from '../../stack/embedded-stack.ts';
import { CHROMIUM_ARGS } from '../support/browser.ts';
import { startStack } from './stack-fixture.ts';

let stack: EmbeddedStack;
let browser: Browser;
/** Another local site, and one the stack's ALLOWED_ORIGINS names. */
let attacker: http.Server;
let attackerOrigin: string;
let friend: http.Server;
let friendOrigin: string;

async function site(): Promise<[http.Server, string]> {
  const server = http.createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>another site</title><body></body>'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

beforeAll(async () => {
  [attacker, attackerOrigin] = await site();
  [friend, friendOrigin] = await site();
  ({ stack } = await startStack('cross-origin', { ALLOWED_ORIGINS: friendOrigin }));
  // evil.example resolves to 127.0.0.1 in this browser, as a rebinding DNS server would make it.
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP evil.example 127.0.0.1'] });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => attacker?.close(resolve));
  await new Promise((resolve) => friend?.close(resolve));
  await stack?.stop();
});

async function attackerPage(origin = attackerOrigin): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  return page;
}

async function ksql(statement: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${stack.ksqldb.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.ksql.v1+json' },
    body: JSON.stringify({ ksql: statement, streamsProperties: {} }),
  });
  return { status: res.status, json: await res.json() };
}

async function streamNames(): Promise<string[]> {
  const r = await ksql('LIST STREAMS;');
  expect(r.status).toBe(200);
  return (r.json[0].streams as { name: string }[]).map((s) => s.name);
}

async function schemaNames(): Promise<string[]> {
  return (await (await fetch(`${stack.pinot.controllerUrl}/schemas`)).json()) as string[];
}

/** A raw HTTP/1.1 request with the given Host header (fetch does not let a caller set Host). */
function rawRequest(url: string, host: string, method = 'GET', headers: Record<string, string> = {}, body?: string): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers: { ...headers, host } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from ${url}`)));
    req.end(body);
  });
}

const CREATE = (name: string) => `CREATE STREAM ${name} (A INT) WITH (KAFKA_TOPIC='${name.toLowerCase()}', VALUE_FORMAT='JSON', PARTITIONS=1);`;

describe('a page on another origin cannot write', () => {
  it('ksqlDB: fetch POST /ksql with text/plain (no preflight) fails and creates nothing', async () => {
    const page = await attackerPage();
    const outcome = await page.evaluate(
      async ({ url, body }) => {
        try {
          const res = await fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body });
          return `answered (${res.type})`;
        } catch (error) {
          return `failed: ${(error as Error).message}`;
        }
      },
      { url: `${stack.ksqldb.url}/ksql`, body: JSON.stringify({ ksql: CREATE('EVIL_FETCH'), streamsProperties: {} }) },
    );
    expect(outcome).toMatch(/opaque|failed/);
    // Also the Blob trick (a body with no Content-Type at all): refused for its Origin.
    await page.evaluate(
      async ({ url, body }) => {
        await fetch(url, { method: 'POST', mode: 'no-cors', body: new Blob([body]) }).catch(() => undefined);
      },
      { url: `${stack.ksqldb.url}/ksql`, body: JSON.stringify({ ksql: CREATE('EVIL_BLOB'), streamsProperties: {} }) },
    );
    await page.close();
    const streams = await streamNames();
    expect(streams).not.toContain('EVIL_FETCH');
    expect(streams).not.toContain('EVIL_BLOB');
  });

  it('ksqlDB: a text/plain form POST shaped as JSON fails and creates nothing', async () => {
    const page = await attackerPage();
    const prefix = JSON.stringify({ ksql: CREATE('EVIL_FORM'), x: '' }).slice(0, -2); // …,"x":"
    await page.evaluate(
      async ({ action, name }) => {
        const frame = document.createElement('iframe');
        frame.name = 'sink';
        document.body.append(frame);
        const form = document.createElement('form');
        Object.assign(form, { method: 'POST', action, enctype: 'text/plain', target: 'sink' });
        const input = document.createElement('input');
        Object.assign(input, { type: 'hidden', name, value: '"}' }); // body: {"ksql":"…","x":"="}
        form.append(input);
        document.body.append(form);
        const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
        form.submit();
        await loaded;
      },
      { action: `${stack.ksqldb.url}/ksql`, name: prefix },
    );
    await page.close();
    expect(await streamNames()).not.toContain('EVIL_FORM');
  });

  it('Pinot: DELETE /schemas/x after the preflight is refused with a message naming ALLOWED_ORIGINS; the schema stays', async () => {
    const schema = { schemaName: 'x', dimensionFieldSpecs: [{ name: 'a', dataType: 'STRING' }] };
    const created = await fetch(`${stack.pinot.controllerUrl}/schemas`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(schema),
    });
    expect(created.status).toBe(200);
    const page = await attackerPage();
    const answer = await page.evaluate(async (url) => {
      const res = await fetch(url, { method: 'DELETE' });
      return { status: res.status, body: await res.text() };
    }, `${stack.pinot.controllerUrl}/schemas/x`);
    // A form-encoded POST (no preflight) that would replace it is refused too.
    const upload = await page.evaluate(async (url) => {
      const res = await fetch(url, {
        method: 'POST',
        mode: 'no-cors',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '{"schemaName":"y"}',
      });
      return res.type;
    }, `${stack.pinot.controllerUrl}/schemas`);
    await page.close();
    expect(upload).toBe('opaque');
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({ code: 403, error: expect.stringContaining(`ALLOWED_ORIGINS=${attackerOrigin}`) });
    expect(await schemaNames()).toContain('x');
    expect(await schemaNames()).not.toContain('y');
  });
});

describe('foreign Origins and content types, as each API answers them', () => {
  const origin = 'http://127.0.0.1:1';

  it('ksqlDB: a foreign Origin is 403, text/plain 415, both generic_error; nothing created', async () => {
    const body = JSON.stringify({ ksql: CREATE('EVIL_ORIGIN') });
    const foreign = await fetch(`${stack.ksqldb.url}/ksql`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ '@type': 'generic_error', error_code: 40300, message: expect.stringContaining('ALLOWED_ORIGINS') });
    for (const path of ['/ksql', '/query', '/query-stream', '/close-query']) {
      const plain = await fetch(`${stack.ksqldb.url}${path}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
      expect(plain.status, path).toBe(415);
      expect(await plain.json(), path).toMatchObject({ '@type': 'generic_error', error_code: 41500, message: expect.stringContaining('application/json') });
    }
    expect(await streamNames()).not.toContain('EVIL_ORIGIN');
  });

  it("Connect: a foreign Origin is 403 and form types 415 in Connect's shape; no connector created", async () => {
    const body = JSON.stringify({ name: 'evil', config: { 'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector' } });
    const foreign = await fetch(`${stack.connect.url}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toEqual({ error_code: 403, message: expect.stringContaining('ALLOWED_ORIGINS') });
    const restart = await fetch(`${stack.connect.url}/connectors/evil/restart`, { method: 'POST', headers: { origin } });
    expect(restart.status).toBe(403);
    const form = await fetch(`${stack.connect.url}/connectors`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(form.status).toBe(415);
    expect(await form.json()).toEqual({ error_code: 415, message: 'HTTP 415 Unsupported Media Type' });
    expect(await (await fetch(`${stack.connect.url}/connectors`)).json()).not.toContain('evil');
  });

  it("Pinot broker: POST /query/sql needs JSON (415 {code, error}) and the page's own origin", async () => {
    const body = JSON.stringify({ sql: 'SELECT COUNT(*) FROM pageview_country' });
    const plain = await fetch(`${stack.pinot.brokerUrl}/query/sql`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toEqual({ code: 415, error: 'HTTP 415 Unsupported Media Type' });
    const foreign = await fetch(`${stack.pinot.brokerUrl}/query/sql`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body });
    expect(foreign.status).toBe(403);
    // Reads keep Pinot's CORS: GET answers any origin with Access-Control-Allow-Origin: *.
    const read = await fetch(`${stack.pinot.brokerUrl}/query/sql?sql=${encodeURIComponent('SELECT 1')}`, { headers: { origin } });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('ksqlDB and Connect send no CORS headers, as the real servers by default', async () => {
    for (const url of [`${stack.ksqldb.url}/info`, `${stack.connect.url}/connectors`]) {
      const res = await fetch(url, { headers: { origin } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin'), url).toBeNull();
    }
  });
});

describe('Host header (DNS rebinding)', () => {
  const servers = () => [
    {
      name: 'Connect',
      url: `${stack.connect.url}/connectors`,
      shape: (j: any) => expect(j).toEqual({ error_code: 403, message: expect.stringContaining('ALLOWED_HOSTS=evil.example') }),
    },
    {
      name: 'ksqlDB',
      url: `${stack.ksqldb.url}/info`,
      shape: (j: any) =>
        expect(j).toMatchObject({ '@type': 'generic_error', error_code: 40300, message: expect.stringContaining('ALLOWED_HOSTS=evil.example') }),
    },
    {
      name: 'Pinot controller',
      url: `${stack.pinot.controllerUrl}/schemas`,
      shape: (j: any) => expect(j).toEqual({ code: 403, error: expect.stringContaining('ALLOWED_HOSTS=evil.example') }),
    },
    {
      name: 'Pinot broker',
      url: `${stack.pinot.brokerUrl}/query/sql?sql=SELECT%201`,
      shape: (j: any) => expect(j).toEqual({ code: 403, error: expect.stringContaining('ALLOWED_HOSTS=evil.example') }),
    },
    {
      name: 'dashboard',
      url: `${stack.dashboard.url}/api/snapshot`,
      shape: (j: any) => expect(j).toEqual({ error: expect.stringContaining('ALLOWED_HOSTS=evil.example') }),
    },
  ];

  it('Host: evil.example is refused by every server, with its error shape; its own names still answer', async () => {
    for (const server of servers()) {
      const port = new URL(server.url).port;
      const evil = await rawRequest(server.url, `evil.example:${port}`);
      expect(evil.status, server.name).toBe(403);
      server.shape(JSON.parse(evil.text));
      for (const own of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
        expect((await rawRequest(server.url, own)).status, `${server.name} ${own}`).toBe(200);
      }
    }
  });

  it('a write under a rebound name is refused too (ksqlDB POST /ksql)', async () => {
    const port = new URL(stack.ksqldb.url).port;
    const r = await rawRequest(
      `${stack.ksqldb.url}/ksql`,
      `evil.example:${port}`,
      'POST',
      { 'content-type': 'application/json' },
      JSON.stringify({ ksql: CREATE('EVIL_HOST') }),
    );
    expect(r.status).toBe(403);
    expect(await streamNames()).not.toContain('EVIL_HOST');
  });

  it('socket.io: a handshake naming another host is refused', async () => {
    const port = new URL(stack.dashboard.url).port;
    const evil = await rawRequest(`${stack.dashboard.url}/socket.io/?EIO=4&transport=polling`, `evil.example:${port}`);
    expect(evil.status).toBe(403);
    const own = await rawRequest(`${stack.dashboard.url}/socket.io/?EIO=4&transport=polling`, `localhost:${port}`);
    expect(own.status).toBe(200);
    expect(own.text).toMatch(/"sid"/);
  });

  it('in Chromium, evil.example resolving to 127.0.0.1 reaches no server', async () => {
    const page = await browser.newPage();
    try {
      for (const server of servers()) {
        const url = new URL(server.url);
        url.hostname = 'evil.example';
        const res = await page.goto(url.href);
        expect(res?.status(), server.name).toBe(403);
      }
    } finally {
      await page.close();
    }
  });
});

describe('normal clients keep working', () => {
  it('ksqlDB: the JSON types and no Content-Type at all (the ksql CLI) are accepted', async () => {
    for (const type of ['application/vnd.ksql.v1+json', 'application/json; charset=utf-8', undefined]) {
      const res = await fetch(`${stack.ksqldb.url}/ksql`, {
        method: 'POST',
        headers: type ? { 'content-type': type } : {},
        body: new Blob([JSON.stringify({ ksql: 'LIST STREAMS;' })]),
      });
      expect(res.status, String(type)).toBe(200);
    }
    const stream = await fetch(`${stack.ksqldb.url}/query-stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.ksqlapi.delimited.v1', accept: 'application/json' },
      body: JSON.stringify({ sql: 'SELECT * FROM PAGEVIEW EMIT CHANGES LIMIT 1;', properties: { 'auto.offset.reset': 'earliest' } }),
      signal: AbortSignal.timeout(20_000),
    }).catch((error: Error) => error);
    expect(stream instanceof Error ? stream.message : stream.status).toBe(200);
    if (!(stream instanceof Error)) await stream.body?.cancel();
  });

  it("a page's own origin may write (the Pinot console page posts /sql with its Origin)", async () => {
    const own = new URL(stack.pinot.controllerUrl).origin;
    const res = await fetch(`${stack.pinot.controllerUrl}/sql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: own },
      body: JSON.stringify({ sql: 'SELECT COUNT(*) FROM pageview_country' }),
    });
    expect(res.status).toBe(200);
    const page = await browser.newPage();
    try {
      await page.goto(`${stack.pinot.controllerUrl.replace('127.0.0.1', 'localhost')}/#/query`);
      await page.fill('#sql', 'SELECT COUNT(*) FROM pageview_country');
      await page.click('#run');
      await page.locator('#result tbody tr').first().waitFor({ timeout: 20_000 });
    } finally {
      await page.close();
    }
  });

  it('the dashboard page under localhost gets its snapshot over socket.io', async () => {
    const page = await browser.newPage();
    try {
      const snapshot = page.waitForResponse((r) => r.url().includes('/socket.io/') && r.status() === 200, { timeout: 20_000 });
      await page.goto(stack.dashboard.url.replace('127.0.0.1', 'localhost'));
      expect((await snapshot).status()).toBe(200);
    } finally {
      await page.close();
    }
  });

  it('a page on an origin in ALLOWED_ORIGINS may post JSON and read the answer (ksqlDB and Connect send it CORS, no one else)', async () => {
    const page = await attackerPage(friendOrigin);
    const answer = await page.evaluate(
      async ({ ksqlUrl, connectUrl, body }) => {
        const res = await fetch(ksqlUrl, { method: 'POST', headers: { 'content-type': 'application/vnd.ksql.v1+json' }, body });
        const connectors = await fetch(connectUrl);
        return { status: res.status, entity: ((await res.json()) as { '@type': string }[])[0]!['@type'], connect: connectors.status };
      },
      {
        ksqlUrl: `${stack.ksqldb.url}/ksql`,
        connectUrl: `${stack.connect.url}/connectors`,
        body: JSON.stringify({ ksql: CREATE('FRIEND_OK'), streamsProperties: {} }),
      },
    );
    await page.close();
    expect(answer).toEqual({ status: 200, entity: 'currentStatus', connect: 200 });
    expect(await streamNames()).toContain('FRIEND_OK');
    const other = await fetch(`${stack.ksqldb.url}/info`, { headers: { origin: attackerOrigin } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('ALLOWED_HOSTS and ALLOWED_ORIGINS let the operator name more hosts and origins', async () => {
    const dash = await startDashboard({
      port: 0,
      host: '127.0.0.1',
      pinotBrokerUrl: stack.pinot.brokerUrl,
      pollIntervalMs: 60_000,
      healthTargets: [],
      allowedHosts: ['evil.example'],
      allowedOrigins: [],
      log: () => undefined,
    });
    try {
      expect((await rawRequest(`${dash.url}/api/health`, `evil.example:${dash.port}`)).status).toBe(200);
      expect((await rawRequest(`${dash.url}/api/health`, `other.example:${dash.port}`)).status).toBe(403);
    } finally {
      await dash.stop();
    }
    const req = (headers: Record<string, string>, method = 'POST') => ({ method, url: '/ksql', headers }) as unknown as http.IncomingMessage;
    const options = { bindHost: '0.0.0.0', allowedHosts: ['.corp.example'], allowedOrigins: ['http://localhost:3000'] };
    expect(guardRequest(req({ host: 'ksqldb.corp.example:8088' }), options)).toBeUndefined();
    expect(guardRequest(req({ host: 'corp.example.evil.example' }), options)?.status).toBe(403);
    expect(guardRequest(req({ host: '192.168.1.20:8088' }), options)).toBeUndefined();
    expect(guardRequest(req({ host: '[::1]:8088', origin: 'http://[::1]:8088' }), options)).toBeUndefined();
    expect(guardRequest(req({ host: '127.0.0.1:8088', origin: 'http://localhost:3000' }), options)).toBeUndefined();
    expect(guardRequest(req({ host: '127.0.0.1:8088', origin: 'http://localhost:3001' }), options)?.check).toBe('origin');
    expect(guardRequest(req({ host: '127.0.0.1:8088', origin: 'null' }), options)?.check).toBe('origin');
    expect(guardRequest(req({ host: '127.0.0.1:8088', origin: 'http://localhost:3001' }, 'GET'), options)).toBeUndefined();
    expect(hostNameOf('[::1]:80')).toBe('::1');
    expect(hostNameOf('evil.example.:80')).toBe('evil.example');
    expect(hostNameOf('a@b:80')).toBeUndefined();

    const config = loadConfig({ ALLOWED_HOSTS: 'dashboard, ,.corp.example,', ALLOWED_ORIGINS: 'http://localhost:3000' });
    expect(config.http).toEqual({ allowedHosts: ['dashboard', '.corp.example'], allowedOrigins: ['http://localhost:3000'] });
    expect(loadConfig({}).http).toEqual({ allowedHosts: [], allowedOrigins: [] });
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'localhost:3000' })).toThrow(ConfigError);
    expect(() => loadConfig({ ALLOWED_HOSTS: 'a/b' })).toThrow(/ALLOWED_HOSTS/);
  });
});
