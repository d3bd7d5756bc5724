/**
 * The part's side of a supervised part (see supervisor.ts): runs the part's server in this worker thread
 * or child process and speaks the supervisor's small protocol over the parent port (a thread) or the IPC
 * channel (a process, whose data comes in the PART_DATA environment variable as JSON). A child process
 * whose supervisor is gone (the channel closes: the stack was killed) exits at once.
 *
 *   worker -> supervisor  {kind: 'ready', info} once serving, {kind: 'log', line}, {kind: 'failed', message}
 *                         when it could not start, {kind: 'stopped'} after a clean stop, {kind: 'pong'}
 *   supervisor -> worker  'stop' (stop cleanly, then answer 'stopped'), 'ping' (answer 'pong': the
 *                         thread's event loop still turns)
 */
import { parentPort, workerData } from 'node:worker_threads';
import { heapTrimFromEnv, startHeapTrim } from './heap-trim.ts';

/** The environment variable that carries a child process part's data (JSON). */
export const PART_DATA_ENV = 'PART_DATA';

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
  const channel = parentChannel<Info>();
  const { post } = channel;
  // dead objects given back on the stack's interval (heap-trim.ts); the timer never keeps the part alive
  startHeapTrim(heapTrimFromEnv());
  const log = (line: string) => post({ kind: 'log', line });
  let running: RunningPart<Info> | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (running ? running.stop() : Promise.resolve()).catch((error) => log(`stop failed: ${(error as Error).message}`));
    return stopping;
  };
  channel.onMessage((message) => {
    if (message === 'ping') post({ kind: 'pong' });
    else if (message === 'stop') void stop().finally(() => post({ kind: 'stopped' }));
  });
  // the stack was killed: end at once as it did, freeing files and ports for its next start (a graceful
  // stop here would still hold them, Pinot's DuckDB lock, when the new stack starts its own part)
  channel.onOrphaned?.(() => process.exit(1));
  start(channel.data as Data, log).then(
    (part) => {
      running = part;
      post({ kind: 'ready', info: part.info });
    },
    (error) => post({ kind: 'failed', message: (error as Error).message }),
  );
}

interface ParentChannel<Info> {
  data: unknown;
  post(message: FromPart<Info>): void;
  onMessage(handle: (message: ToPart) => void): void;
  /** a child process: its supervisor went away */
  onOrphaned?: (handle: () => void) => void;
}

function parentChannel<Info>(): ParentChannel<Info> {
  const port = parentPort;
  if (port) {
    return { data: workerData, post: (m) => port.postMessage(m), onMessage: (h) => port.on('message', h) };
  }
  const send = process.send?.bind(process);
  const json = process.env[PART_DATA_ENV];
  if (!send || json === undefined) throw new Error('servePart runs in a worker thread or child process started by the supervisor (stack/supervisor.ts)');
  return {
    data: JSON.parse(json) as unknown,
    // a message the closed channel cannot take is dropped: the supervisor is gone and onOrphaned stops us
    post: (m) => {
      if (process.connected) send(m, undefined, {}, () => undefined);
    },
    onMessage: (h) => process.on('message', (m) => h(m as ToPart)),
    onOrphaned: (h) => {
      process.on('disconnect', h);
      // Ctrl-C in a terminal reaches the whole process group: the supervisor stops this part in its turn
      process.on('SIGINT', () => undefined);
      process.on('SIGTERM', () => undefined);
    },
  };
}
