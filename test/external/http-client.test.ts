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
      if (req.url === '/lines') return void streamLines(res);
      if (req.url === '/broken') return void res.writeHead(200).write('{"a":1}\n{"b"', () => res.destroy());
      if (req.url === '/endless') return void res.writeHead(200).write('first\n');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echoed: body === '' ? null : JSON.parse(body) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

/** Three lines in pieces that split them, each piece sent after the one before it was read. */
function streamLines(res: http.ServerResponse): void {
  const pieces = ['one\ntw', 'o\n', '\n  \nthree'];
  res.writeHead(200, { 'content-type': 'application/vnd.ksqlapi.delimited.v1' });
  const next = () => {
    const piece = pieces.shift();
    if (piece === undefined) return void res.end();
    res.write(piece, () => setImmediate(next));
  };
  next();
}

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

  it('streams an answer line by line, whole lines only, blank lines skipped', async () => {
    const client = serviceClient({ service: 'ksqlDB', baseUrl: base });
    const lines: string[] = [];
    const answer = await client.stream('POST', '/lines', { body: { sql: 'SELECT 1;' } });
    expect(answer.status).toBe(200);
    await answer.eachLine((line) => lines.push(line));
    expect(lines).toEqual(['one', 'two', 'three']);
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/lines', body: '{"sql":"SELECT 1;"}' });
    expect(await (await client.stream('GET', '/text')).text()).toBe('OK');
  });

  it('a streamed answer that breaks off names the service; what the line reader throws ends the read as it is', async () => {
    const client = serviceClient({ service: 'ksqlDB', baseUrl: base });
    const lines: string[] = [];
    const broken = await client.stream('GET', '/broken');
    const error = await broken.eachLine((line) => lines.push(line)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnreachableError);
    expect((error as Error).message).toMatch(new RegExp(`^ksqlDB at ${base} is unreachable \\(the answer broke off: `));
    expect(lines).toEqual(['{"a":1}']);
    const refused = new Error('a statement error in the stream');
    const endless = await client.stream('GET', '/endless');
    await expect(
      endless.eachLine(() => {
        throw refused;
      }),
    ).rejects.toBe(refused);
  });

  it("a stream without a timeout lasts until the caller's cancel, which rejects with its reason", async () => {
    const client = serviceClient({ service: 'ksqlDB', baseUrl: base, timeoutMs: 100 });
    const cancel = new AbortController();
    const endless = await client.stream('GET', '/endless', { signal: cancel.signal });
    const lines: string[] = [];
    const reading = endless.eachLine((line) => {
      lines.push(line);
      // the service's 100 ms does not apply to a stream: the cancel comes later, after the first line
      setTimeout(() => cancel.abort(new Error('Ctrl-C')), 300);
    });
    await expect(reading).rejects.toThrow('Ctrl-C');
    expect(lines).toEqual(['first']);
    const timed = await client.stream('GET', '/endless', { timeoutMs: 200 });
    await expect(timed.text()).rejects.toThrow(`ksqlDB at ${base} is unreachable (no answer within 200 ms)`);
  });
});
