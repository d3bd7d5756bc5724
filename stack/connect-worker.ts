/**
 * Kafka Connect (REST API and its source tasks) on its own thread, a part of the supervisor
 * (supervisor.ts), with its own heap limit (CONNECT_MAX_HEAP_MB): a runaway task ends this thread, not
 * the process, and the supervisor starts it again on the same port. Connectors, task configs, source
 * offsets and statuses live in Connect's internal topics, as in Kafka Connect, so a new thread brings
 * every connector back and each task resumes after the last row actually in its topic.
 */
import type { ConnectOptions } from '../embedded/connect/index.ts';
import { servePart } from './part-worker.ts';
import type { PartSpec } from './supervisor.ts';

export type ConnectWorkerOptions = Omit<ConnectOptions, 'log'> & {
  /** the worker's heap limit (V8 old generation), MB (config: CONNECT_MAX_HEAP_MB) */
  maxHeapMb: number;
};

export interface ConnectInfo {
  url: string;
  port: number;
}

/** The supervisor's description of the Connect part; a restart binds the port the first start got. */
export function connectPart(options: ConnectWorkerOptions): PartSpec<ConnectInfo> {
  const { maxHeapMb, ...serverOptions } = options;
  return {
    name: 'Connect',
    entry: new URL('./connect-worker-entry.mjs', import.meta.url),
    data: (previous) => ({ ...serverOptions, ...(previous ? { port: previous.port } : {}) }),
    resourceLimits: { maxOldGenerationSizeMb: maxHeapMb },
  };
}

/** The thread's side (connect-worker-entry.mjs): Connect's modules load here, never on the main thread. */
export function serveConnect(): void {
  servePart<ConnectOptions, ConnectInfo>(async (options) => {
    const { startConnect } = await import('../embedded/connect/index.ts');
    // its event lines stay off the stack's console; the supervisor logs deaths and restarts
    const connect = await startConnect(options);
    return { info: { url: connect.url, port: connect.port }, stop: () => connect.stop() };
  });
}
