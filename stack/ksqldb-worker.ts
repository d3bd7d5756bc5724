/**
 * ksqlDB on its own thread. Node runs JavaScript on one core per thread; the stream processor is
 * the busiest part of the stack, so giving it a worker thread lets the stack use a second core
 * while staying one process. It talks to everything else over its network APIs, as before.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { startKsqlDb, type KsqlDbOptions } from '../embedded/ksqldb/index.ts';

export type KsqlDbWorkerOptions = Omit<KsqlDbOptions, 'log'> & {
  log?: (line: string) => void;
  /** the worker's young generation (V8 new space), MB; default YOUNG_GENERATION_MB (config: KSQLDB_YOUNG_GENERATION_MB) */
  youngGenerationMb?: number;
};

/**
 * The stream processor allocates fast and keeps little (records live until their flush, ~100 ms): a
 * young generation of this size is scavenged often and cheaply, where V8's default (sized for the
 * machine's memory) lets the worker's heap grow by tens of MB that the process never gives back.
 * Measured on the pipeline bench (400k page views at 5k/s): stack RSS 582 -> 504 MB, freshness unchanged.
 */
export const YOUNG_GENERATION_MB = 12;

export interface KsqlDbWorkerHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

type FromWorker = { kind: 'ready'; url: string; port: number } | { kind: 'log'; line: string } | { kind: 'failed'; message: string } | { kind: 'stopped' };

export function startKsqlDbInWorker(options: KsqlDbWorkerOptions = {}): Promise<KsqlDbWorkerHandle> {
  const { log, youngGenerationMb = YOUNG_GENERATION_MB, ...serializable } = options;
  const worker = new Worker(new URL('./ksqldb-worker-entry.mjs', import.meta.url), {
    workerData: serializable,
    resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb },
  });
  return new Promise((resolve, reject) => {
    let stopped: (() => void) | undefined;
    worker.on('message', (message: FromWorker) => {
      if (message.kind === 'log') log?.(message.line);
      else if (message.kind === 'failed') reject(new Error(message.message));
      else if (message.kind === 'stopped') stopped?.();
      else if (message.kind === 'ready') {
        resolve({
          url: message.url,
          port: message.port,
          stop: () => new Promise<void>((done) => {
            stopped = () => {
              void worker.terminate().then(() => done());
            };
            worker.postMessage('stop');
          }),
        });
      }
    });
    worker.on('error', (error) => reject(error));
    worker.on('exit', (code) => {
      if (code !== 0) reject(new Error(`the ksqlDB worker exited with code ${code} before it was ready`));
    });
  });
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const post = (message: FromWorker) => port.postMessage(message);
  startKsqlDb({ ...(workerData as KsqlDbOptions), log: (line) => post({ kind: 'log', line }) }).then(
    (handle) => {
      post({ kind: 'ready', url: handle.url, port: handle.port });
      port.on('message', (message) => {
        if (message !== 'stop') return;
        handle.stop().catch((error) => post({ kind: 'log', line: `ksqlDB stop failed: ${(error as Error).message}` })).finally(() => post({ kind: 'stopped' }));
      });
    },
    (error) => post({ kind: 'failed', message: (error as Error).message }),
  );
}
