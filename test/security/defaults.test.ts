/**
 * Security defaults of the embedded stack: every listener binds 127.0.0.1 unless configured otherwise,
 * every REST API limits request bodies (413 in the counterpart's error shape), and the dashboard sends a
 * Content-Security-Policy and has no endpoint that changes data (every non-GET is 405 or 404).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDashboard } from '../../dashboard/index.ts';
import type { EmbeddedStack } from '../../stack/embedded-stack.ts';
import { listeners, ownListeners, startStack } from './stack-fixture.ts';

let stack: EmbeddedStack;

beforeAll(async () => {
  ({ stack } = await startStack('security'));
}, 90_000);
afterAll(async () => {
  await stack?.stop();
});

const portOf = (url: string) => Number(new URL(url).port);

async function post(
  url: string,
  body: Buffer | string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  method = 'POST',
): Promise<{ status: number; json: any; text: string; headers: Headers }> {
  const res = await fetch(url, { method, body: typeof body === 'string' ? body : new Uint8Array(body), headers });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

describe('listeners', () => {
  it('every server of the stack listens on 127.0.0.1 only', () => {
    // this process and the parts in processes of their own (Pinot)
    const mine = [...ownListeners(), ...ownListeners(stack.pinot.part.pid()!)];
    const expected = [
      ...stack.kafka.onlineBrokers().map((b) => b.port),
      portOf(stack.connect.url),
      portOf(stack.ksqldb.url),
      portOf(stack.pinot.controllerUrl),
      portOf(stack.pinot.brokerUrl),
      portOf(stack.dashboard.url),
    ];
    expect(expected).toHaveLength(8);
    for (const port of expected) {
      expect(
        mine.filter((l) => l.port === port),
        `port ${port}`,
      ).toEqual([{ address: '127.0.0.1', port }]);
    }
    // Nothing else of ours listens on a wildcard or external address.
    expect(mine.filter((l) => l.address !== '127.0.0.1')).toEqual([]);
  });

  it("MySQL (the run's MariaDB or the private one) listens on loopback only", () => {
    const port = Number(new URL(inject('mysqlUrl')).port || 3306);
    const entries = listeners().filter((l) => l.port === port);
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) expect(['127.0.0.1', '::1']).toContain(e.address);
  });

  it('another address only when configured: the dashboard on 127.0.0.2 is not reachable on 127.0.0.1', async () => {
    const dash = await startDashboard({
      port: 0,
      host: '127.0.0.2',
      pinotBrokerUrl: stack.pinot.brokerUrl,
      pollIntervalMs: 60_000,
      healthTargets: [],
      log: () => undefined,
    });
    try {
      expect(ownListeners().filter((l) => l.port === dash.port)).toEqual([{ address: '127.0.0.2', port: dash.port }]);
      const refused = await new Promise<boolean>((resolve) => {
        const s = net.connect(dash.port, '127.0.0.1');
        s.on('connect', () => {
          s.destroy();
          resolve(false);
        });
        s.on('error', () => resolve(true));
      });
      expect(refused).toBe(true);
    } finally {
      await dash.stop();
    }
  });
});

describe('request body limits', () => {
  const big = (mb: number) => Buffer.alloc(mb * 1024 * 1024 + 1, 0x20);

  it("Connect: a body over its limit is 413 with Connect's error body", async () => {
    const r = await post(`${stack.connect.url}/connectors`, big(11));
    expect(r.status).toBe(413);
    expect(r.json).toEqual({ error_code: 413, message: expect.any(String) });
  });

  it('ksqlDB: a body over 1 MiB is 413 with a generic_error body', async () => {
    const r = await post(`${stack.ksqldb.url}/ksql`, big(2));
    expect(r.status).toBe(413);
    expect(r.json).toMatchObject({ '@type': 'generic_error', error_code: 41300, message: expect.any(String) });
  });

  it('Pinot controller and broker: a body over the limit is 413 with {code, error}', async () => {
    const schema = await post(`${stack.pinot.controllerUrl}/schemas`, big(17));
    expect(schema.status).toBe(413);
    expect(schema.json).toEqual({ code: 413, error: expect.any(String) });
    const query = await post(`${stack.pinot.brokerUrl}/query/sql`, big(17));
    expect(query.status).toBe(413);
    expect(query.json).toEqual({ code: 413, error: expect.any(String) });
  });

  it('the dashboard reads no bodies: a large POST is 405 at once', async () => {
    const r = await post(`${stack.dashboard.url}/api/snapshot`, big(20));
    expect(r.status).toBe(405);
  });

  it('every server still answers after the oversized bodies', async () => {
    expect((await fetch(`${stack.connect.url}/connectors`)).status).toBe(200);
    expect((await fetch(`${stack.ksqldb.url}/info`)).status).toBe(200);
    expect((await fetch(`${stack.pinot.controllerUrl}/health`)).status).toBe(200);
    expect((await fetch(`${stack.pinot.brokerUrl}/health`)).status).toBe(200);
    expect((await fetch(`${stack.dashboard.url}/api/health`)).status).toBe(200);
  });
});

describe('the dashboard', () => {
  const paths = ['/', '/index.html', '/api/snapshot', '/api/health', '/api/nothing', '/static/app.js', '/vendor/chart.umd.js', '/favicon.ico', '/no/such/page'];

  it('sends a Content-Security-Policy (no inline script, no other origins) on every response', async () => {
    for (const path of paths) {
      const res = await fetch(`${stack.dashboard.url}${path}`);
      await res.arrayBuffer();
      const csp = res.headers.get('content-security-policy');
      expect(csp, path).toBeTruthy();
      expect(csp).toMatch(/default-src 'none'/);
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('has no endpoint that changes data: every non-GET method on every path is 405 or 404', async () => {
    for (const path of paths) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
        const r = await post(`${stack.dashboard.url}${path}`, '{"state":"x"}', { 'content-type': 'application/json' }, method);
        expect([404, 405], `${method} ${path}`).toContain(r.status);
        expect(r.headers.get('content-security-policy'), `${method} ${path}`).toBeTruthy();
      }
    }
  });

  it('socket.io accepts no message sent without a session (polling POST), and rejects other origins', async () => {
    const r = await post(`${stack.dashboard.url}/socket.io/?EIO=4&transport=polling&sid=forged`, '42["snapshot",{}]', { 'content-type': 'text/plain' });
    expect(r.status).toBe(400);
    const cross = await fetch(`${stack.dashboard.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'http://evil.example' } });
    expect(cross.status).toBe(403);
  });
});
