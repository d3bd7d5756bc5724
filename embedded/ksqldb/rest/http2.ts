/**
 * HTTP/2 next to HTTP/1.1 on ksqlDB's one port, as ksqlDB's server (Vert.x) answers both: its Java
 * client and `curl --http2-prior-knowledge` speak cleartext HTTP/2 (h2c with prior knowledge) to
 * /query-stream and the other endpoints.
 *
 * The listener looks at a connection's first bytes: HTTP/2's connection preface goes to a Node http2
 * server, anything else to the HTTP/1.1 server (the Express app). Each HTTP/2 stream is relayed to the
 * HTTP/1.1 app over loopback, headers and body streamed both ways, so both protocols share one set of
 * handlers, checks (Host, Origin, media types) and limits; a stream the client resets ends its request,
 * which ends a push query as a closed HTTP/1.1 connection does.
 */
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { Duplex } from 'node:stream';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/** Headers HTTP/2 forbids in a response (connection-specific). */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'http2-settings']);

/** Whether the bytes seen so far can still be (or are) the HTTP/2 preface. */
function prefaceSoFar(data: Buffer): boolean {
  const n = Math.min(data.length, PREFACE.length);
  return data.subarray(0, n).equals(PREFACE.subarray(0, n));
}

/**
 * A TCP listener that hands each connection to `http1` or, when it opens with the HTTP/2 preface, to an
 * HTTP/2 server relaying its streams to `http1` at `loopback()` (the address this listener answers on).
 */
export function dualProtocolListener(http1: http.Server, loopback: () => { host: string; port: number }): net.Server {
  const h2 = http2.createServer();
  h2.on('stream', (stream, headers) => relayStream(stream, headers, loopback()));
  h2.on('sessionError', () => undefined);
  return net.createServer((socket) => {
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      if (seen.length < PREFACE.length && prefaceSoFar(seen)) return;
      socket.off('data', onData);
      socket.pause();
      if (prefaceSoFar(seen)) {
        h2.emit('connection', replayed(socket, seen));
        return;
      }
      socket.unshift(seen);
      http1.emit('connection', socket);
      socket.resume();
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
  });
}

/**
 * The socket as a stream that first yields the bytes already read from it. The HTTP/2 session reads a
 * net.Socket's native handle directly, past anything unshifted into its JS buffer, so it gets this
 * wrapper instead (Node runs an HTTP/2 session over any duplex stream).
 */
function replayed(socket: net.Socket, first: Buffer): Duplex {
  const duplex = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end();
      callback();
    },
    destroy(error, callback) {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  duplex.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.on('end', () => duplex.push(null));
  socket.on('close', () => duplex.destroy());
  return duplex;
}

function relayStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, target: { host: string; port: number }): void {
  const forwarded: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(':') && value !== undefined) forwarded[name] = value;
  }
  // HTTP/2 names the host in :authority; the HTTP/1.1 handlers (and the Host check) read Host.
  if (headers[':authority']) forwarded.host = headers[':authority'];
  const request = http.request({
    host: target.host,
    port: target.port,
    method: headers[':method'],
    path: headers[':path'],
    headers: forwarded,
  });
  request.on('response', (response) => {
    const answer: http2.OutgoingHttpHeaders = { ':status': response.statusCode ?? 502 };
    for (const [name, value] of Object.entries(response.headers)) {
      if (!CONNECTION_HEADERS.has(name) && value !== undefined) answer[name] = value;
    }
    if (stream.destroyed) {
      response.destroy();
      return;
    }
    stream.respond(answer);
    response.pipe(stream);
  });
  request.on('error', (error) => {
    if (stream.destroyed) return;
    if (!stream.headersSent) stream.respond({ ':status': 502, 'content-type': 'application/json' });
    stream.end(JSON.stringify({ '@type': 'generic_error', error_code: 50200, message: `HTTP/2 relay failed: ${error.message}` }));
  });
  stream.on('error', () => request.destroy());
  stream.on('close', () => request.destroy());
  stream.pipe(request);
}
