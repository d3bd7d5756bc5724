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
import path from 'node:path';
import { requestJsonLine, serveJsonLines, type JsonLineSocket } from '../common/json-line-socket.ts';
import type { KafkaCluster } from './cluster.ts';

export const CONTROL_SOCKET_NAME = 'control.sock';

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
  if (r.command === 'brokers' || (r as { command?: string }).command === 'ping') return brokerStates(cluster);
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

/** Serves the control socket in `kafkaDataDir` until closed. */
export function openControlSocket(cluster: KafkaCluster, kafkaDataDir: string, log: (line: string) => void): Promise<JsonLineSocket> {
  return serveJsonLines(controlSocketPath(kafkaDataDir), (request) => handle(cluster, request), log);
}

/** Sends one command to the cluster listening on `socketPath`. */
export function sendControlCommand(socketPath: string, command: ControlCommand, timeoutMs = 30_000): Promise<ControlAnswer> {
  return requestJsonLine<ControlAnswer>(socketPath, command, timeoutMs);
}
