/**
 * Starting and stopping the embedded servers' HTTP listeners (Connect, ksqlDB, Pinot's broker and
 * controller, the dashboard): listen and learn the port bound, stop with every open connection ended
 * (keep-alive and streaming ones too, which a plain close() would wait for), and the address a bind
 * host is reached on.
 */
import type net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

/** Listens on host:port (0: a free port); resolves with the port bound, rejects with the listen error (EADDRINUSE, EACCES). */
export function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Tracks `server`'s connections from now on; the function returned stops it: no new connections, every open
 * one destroyed, resolved once the server has closed (at once if it never listened).
 */
export function closerOf(server: net.Server): () => Promise<void> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return () =>
    new Promise((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
}

/** The host of a URL for a server bound to `host`: a wildcard bind is reached on loopback, an IPv6 address in brackets. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
