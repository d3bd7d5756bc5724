/**
 * A local control channel: a Unix socket (mode 0600) that answers one JSON request per line with one JSON
 * answer per line. Used where a command must reach a server running in another process of the same
 * user (`npm run kafka -- stop-broker 2`, `npm run chaos`'s part kill) without a TCP port: no web page and
 * no other host can reach it. A stale socket file of a dead process is replaced; a live one is left alone.
 */
import fs from 'node:fs';
import net from 'node:net';

/** Unix socket paths are limited to about 107 bytes (sun_path). */
const MAX_SOCKET_PATH = 100;
const MAX_REQUEST_BYTES = 4096;

export interface JsonLineSocket {
  /** The socket's path, or undefined when it could not be opened (the reason was logged). */
  path: string | undefined;
  close(): Promise<void>;
}

export type JsonLineHandler = (request: unknown) => Promise<unknown>;

/** Serves `handle` on `socketPath` until closed. */
export async function serveJsonLines(socketPath: string, handle: JsonLineHandler, log: (line: string) => void): Promise<JsonLineSocket> {
  const unavailable = { path: undefined, close: async () => undefined };
  if (socketPath.length > MAX_SOCKET_PATH) {
    log(`control socket: ${socketPath} is longer than a Unix socket path may be; its commands are unavailable for this data directory`);
    return unavailable;
  }
  if (await answersOn(socketPath)) {
    log(`control socket: another process already answers on ${socketPath}; commands reach that one`);
    return unavailable;
  }
  fs.rmSync(socketPath, { force: true });
  const server = net.createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('error', () => undefined);
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_REQUEST_BYTES) {
        socket.end(`${JSON.stringify({ ok: false, error: 'request too long' })}\n`);
        return;
      }
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        let request: unknown;
        try {
          request = JSON.parse(line);
        } catch {
          socket.write(`${JSON.stringify({ ok: false, error: 'a request is one JSON object per line' })}\n`);
          continue;
        }
        handle(request).then(
          (answer) => socket.write(`${JSON.stringify(answer)}\n`),
          (error: unknown) => socket.write(`${JSON.stringify({ ok: false, error: (error as Error).message })}\n`),
        );
      }
    });
  });
  server.on('error', (error) => log(`control socket: ${error.message}`));
  const opened = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(socketPath, () => resolve(true));
  });
  if (!opened) return unavailable;
  fs.chmodSync(socketPath, 0o600);
  return {
    path: socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        fs.rmSync(socketPath, { force: true });
      }),
  };
}

/** Sends one request to the process listening on `socketPath` and resolves with its answer. */
export function requestJsonLine<T>(socketPath: string, request: unknown, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let buffer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer on ${socketPath} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      socket.end();
      try {
        resolve(JSON.parse(buffer.slice(0, newline)) as T);
      } catch {
        reject(new Error(`unreadable answer on ${socketPath}`));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function answersOn(socketPath: string): Promise<boolean> {
  if (!fs.existsSync(socketPath)) return false;
  try {
    await requestJsonLine(socketPath, { command: 'ping' }, 1_000);
    return true;
  } catch {
    return false;
  }
}
