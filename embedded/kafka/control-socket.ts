/**
 * The running cluster's control socket: a Unix socket in its data directory through which
 * `npm run kafka -- stop-broker 2` / `start-broker 2` / `brokers` reach a cluster running in another
 * process (the embedded stack of `npm start`, or `npm run kafka`), as `docker stop kafka2` does on the
 * compose stack. A Unix socket, not a TCP port: only local users with access to the data directory can
 * use it, and no web page can reach it.
 *
 * Protocol: one JSON request per line, `{"command": "stop-broker", "broker": 2}`; one JSON answer per line,
 * `{"ok": true, "brokers": [...]}` or `{"ok": false, "error": "..."}`.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { KafkaCluster } from './cluster.ts';

export const CONTROL_SOCKET_NAME = 'control.sock';

/** Unix socket paths are limited to about 107 bytes (sun_path). */
const MAX_SOCKET_PATH = 100;

export interface BrokerState {
  id: number;
  port: number;
  online: boolean;
  /** Partitions this broker leads now. */
  leaderOf: number;
}

export interface ControlAnswer {
  ok: boolean;
  error?: string;
  brokers?: BrokerState[];
  /** Partitions without an online in-sync replica to lead them. */
  offline?: number;
}

export type ControlCommand = { command: 'brokers' } | { command: 'stop-broker' | 'start-broker'; broker: number };

export function controlSocketPath(kafkaDataDir: string): string {
  return path.join(kafkaDataDir, CONTROL_SOCKET_NAME);
}

/** The brokers, their ports, whether they serve, and how many partitions each leads. */
export function brokerStates(cluster: KafkaCluster): ControlAnswer {
  const leaders = new Map<number, number>();
  let offline = 0;
  for (const topic of cluster.metadata.topics.values()) {
    for (const p of topic.partitions) {
      if (p.leader < 0) offline++;
      else leaders.set(p.leader, (leaders.get(p.leader) ?? 0) + 1);
    }
  }
  const brokers = [...cluster.brokers.values()].map((b) => ({ id: b.id, port: b.port, online: b.online, leaderOf: leaders.get(b.id) ?? 0 }));
  return { ok: true, brokers: brokers.sort((a, b) => a.id - b.id), offline };
}

async function handle(cluster: KafkaCluster, request: unknown): Promise<ControlAnswer> {
  const r = request as Partial<ControlCommand> & { broker?: unknown };
  if (r.command === 'brokers') return brokerStates(cluster);
  if (r.command === 'stop-broker' || r.command === 'start-broker') {
    if (typeof r.broker !== 'number' || !cluster.brokers.has(r.broker)) {
      return { ok: false, error: `no broker ${String(r.broker)}; the brokers are ${[...cluster.brokers.keys()].join(', ')}` };
    }
    if (r.command === 'stop-broker') {
      if (cluster.onlineBrokers().length === 1 && cluster.brokers.get(r.broker)!.online) {
        return { ok: false, error: `broker ${r.broker} is the last one serving; stopping it would stop the cluster (Ctrl-C the stack for that)` };
      }
      await cluster.stopBroker(r.broker);
    } else {
      await cluster.startBroker(r.broker);
    }
    return brokerStates(cluster);
  }
  return { ok: false, error: `unknown command ${JSON.stringify(r.command)}; commands: brokers, stop-broker, start-broker` };
}

export interface ControlSocket {
  /** The socket's path, or undefined when it could not be opened (the reason was logged). */
  path: string | undefined;
  close(): Promise<void>;
}

/** Serves the control socket in `kafkaDataDir` until closed. A stale socket file of a dead process is replaced. */
export async function openControlSocket(cluster: KafkaCluster, kafkaDataDir: string, log: (line: string) => void): Promise<ControlSocket> {
  const socketPath = controlSocketPath(kafkaDataDir);
  if (socketPath.length > MAX_SOCKET_PATH) {
    log(`control socket: ${socketPath} is longer than a Unix socket path may be; stop-broker/start-broker are unavailable for this data directory`);
    return { path: undefined, close: async () => undefined };
  }
  if (await answersOn(socketPath)) {
    log(`control socket: another cluster already answers on ${socketPath}; stop-broker/start-broker reach that one`);
    return { path: undefined, close: async () => undefined };
  }
  fs.rmSync(socketPath, { force: true });
  const server = net.createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('error', () => undefined);
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > 4096) {
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
        handle(cluster, request).then(
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
  if (!opened) return { path: undefined, close: async () => undefined };
  fs.chmodSync(socketPath, 0o600);
  return {
    path: socketPath,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      fs.rmSync(socketPath, { force: true });
    }),
  };
}

/** Sends one command to the cluster listening on `socketPath`. */
export function sendControlCommand(socketPath: string, command: ControlCommand, timeoutMs = 30_000): Promise<ControlAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let buffer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer on ${socketPath} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(command)}\n`));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      socket.end();
      try {
        resolve(JSON.parse(buffer.slice(0, newline)) as ControlAnswer);
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
    const answer = await sendControlCommand(socketPath, { command: 'brokers' }, 1_000);
    return answer.ok;
  } catch {
    return false;
  }
}
