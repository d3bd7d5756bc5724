/**
 * The worker-thread side of a supervised part (see supervisor.ts): runs the part's server in this
 * thread and speaks the supervisor's small protocol over the parent port.
 *
 *   worker -> supervisor  {kind: 'ready', info} once serving, {kind: 'log', line}, {kind: 'failed', message}
 *                         when it could not start, {kind: 'stopped'} after a clean stop, {kind: 'pong'}
 *   supervisor -> worker  'stop' (stop cleanly, then answer 'stopped'), 'ping' (answer 'pong': the
 *                         thread's event loop still turns)
 */
import { parentPort, workerData } from 'node:worker_threads';

export type FromPart<Info> =
  | { kind: 'ready'; info: Info }
  | { kind: 'log'; line: string }
  | { kind: 'failed'; message: string }
  | { kind: 'stopped' }
  | { kind: 'pong' };

export type ToPart = 'stop' | 'ping';

export interface RunningPart<Info> {
  info: Info;
  stop(): Promise<void>;
}

/** Starts the part with this thread's workerData and answers the supervisor until it is stopped. */
export function servePart<Data, Info>(start: (data: Data, log: (line: string) => void) => Promise<RunningPart<Info>>): void {
  const port = parentPort;
  if (!port) throw new Error('servePart runs in a worker thread started by the supervisor');
  const post = (message: FromPart<Info>) => port.postMessage(message);
  const log = (line: string) => post({ kind: 'log', line });
  let running: RunningPart<Info> | undefined;
  let stopping = false;
  port.on('message', (message: ToPart) => {
    if (message === 'ping') post({ kind: 'pong' });
    else if (message === 'stop' && !stopping) {
      stopping = true;
      const stop = running ? running.stop() : Promise.resolve();
      stop.catch((error) => log(`stop failed: ${(error as Error).message}`)).finally(() => post({ kind: 'stopped' }));
    }
  });
  start(workerData as Data, log).then(
    (part) => {
      running = part;
      post({ kind: 'ready', info: part.info });
    },
    (error) => post({ kind: 'failed', message: (error as Error).message }),
  );
}
