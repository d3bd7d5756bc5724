/**
 * A small HTTP server that demands one Authorization header (401 without it, as ksqlDB, Connect and
 * Pinot answer with access control on) and records every request. With a target it forwards the
 * authorised requests there (streaming both ways), so an embedded server behaves as a secured one;
 * without, it answers with `answer(path)`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  authorised: boolean;
}

export interface AuthProxy {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
export const bearer = (token: string) => `Bearer ${token}`;

export async function startAuthProxy(expected: string, target?: string, answer: (path: string) => string = () => '{}'): Promise<AuthProxy> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const authorised = req.headers.authorization === expected;
    seen.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, authorised });
    if (!authorised) {
      req.resume();
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="test"' });
      res.end(JSON.stringify({ error_code: 401, message: 'Unauthorized' }));
      return;
    }
    if (!target) {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answer(req.url ?? '/'));
      return;
    }
    const to = new URL(req.url ?? '/', target);
    const headers = { ...req.headers, host: to.host };
    delete headers.authorization;
    const upstream = http.request(to, { method: req.method, headers }, (response) => {
      res.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(res);
    });
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(error.message));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
