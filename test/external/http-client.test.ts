/**
 * The application's HTTP client (config/http-client.ts) against a real HTTP server: every status is an
 * answer with its body parsed, the service's credentials and JSON bodies are sent, and no answer (refused,
 * too slow, cancelled by the caller) is an error that names the service, its address and the cause in words.
 * A proxy in the environment is never used: the services are addressed directly.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceClient, ServiceUnreachableError } from '../../config/http-client.ts';
import { closedPort } from '../dashboard/helpers.ts';

let server: http.Server;
let base: string;
const seen: { method: string; url: string; authorization?: string; contentType?: string; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, contentType: req.headers['content-type'], body });
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000);
      if (req.url === '/conflict') return void res.writeHead(409, { 'content-type': 'application/json' }).end('{"error_code":409,"message":"exists"}');
      if (req.url === '/text') return void res.end('OK');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echoed: body === '' ? null : JSON.parse(body) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('serviceClient', () => {
  it('answers every status with the body parsed, and sends JSON bodies and the credentials', async () => {
    const client = serviceClient({ service: 'Kafka Connect', baseUrl: `${base}/`, auth: { kind: 'basic', user: 'u', password: 'p' } });
    const posted = await client.request('POST', '/connectors', { body: { name: 'c1' } });
    expect(posted).toMatchObject({ status: 200, body: { echoed: { name: 'c1' } } });
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      url: '/connectors',
      authorization: `Basic ${Buffer.from('u:p').toString('base64')}`,
      contentType: 'application/json',
    });
    expect(await client.request('GET', '/conflict')).toMatchObject({ status: 409, body: { error_code: 409, message: 'exists' } });
    expect(await client.request('GET', '/text')).toEqual({ status: 200, body: 'OK', text: 'OK' });
  });

  it('names the service, its address and the cause when nothing answers', async () => {
    const port = await closedPort();
    const client = serviceClient({ service: 'Pinot controller', baseUrl: `http://127.0.0.1:${port}`, fix: 'check PINOT_CONTROLLER_URL' });
    const error = await client.request('GET', '/tables').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnreachableError);
    expect((error as Error).message).toBe(`Pinot controller at http://127.0.0.1:${port} is unreachable (connection refused); check PINOT_CONTROLLER_URL`);
  });

  it("gives up after the timeout, and a caller's cancel rejects with its reason", async () => {
    const client = serviceClient({ service: 'ksqlDB', baseUrl: base, timeoutMs: 300 });
    await expect(client.request('GET', '/slow')).rejects.toThrow(`ksqlDB at ${base} is unreachable (no answer within 300 ms)`);
    const cancel = new AbortController();
    const pending = client.request('GET', '/slow', { timeoutMs: 5_000, signal: cancel.signal });
    cancel.abort(new Error('Ctrl-C'));
    await expect(pending).rejects.toThrow('Ctrl-C');
  });

  it('never goes through a proxy named in the environment', async () => {
    const before = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = `http://127.0.0.1:${await closedPort()}`;
    try {
      expect((await serviceClient({ service: 'Pinot broker', baseUrl: base }).request('GET', '/text')).text).toBe('OK');
    } finally {
      if (before === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = before;
    }
  });
});
