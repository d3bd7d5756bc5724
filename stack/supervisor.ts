/**
 * The embedded stack's supervisor: runs parts on worker threads of their own, or in child processes,
 * each with its own heap limit, and starts a part again, with back-off, when it dies (an uncaught
 * exception, a heap past its limit: ERR_WORKER_OUT_OF_MEMORY, a native crash, being ended) or stops
 * answering (its event loop blocked past `hangMs`). The rest of the stack keeps running meanwhile: a
 * part's failure costs that part.
 *
 * A part is an entry module that calls servePart (part-worker.ts). It gets `data(previous)`, where
 * `previous` is what the last start reported ready (so a restart binds the same ports), and
 * `resourceLimits` (maxOldGenerationSizeMb: the heap limit). A thread is cheaper; a process
 * (`isolation: 'process'`) is for a part whose native code cannot be ended safely mid-call in a thread
 * (DuckDB's bindings abort the whole process then) or could crash outright: only its own process goes.
 * The first start's failure is the caller's (start() rejects, nothing is retried); after that the
 * supervisor owns the part.
 *
 * States: starting (first start) -> up -> down (dead, waiting its back-off) -> restarting -> up ...;
 * stopped after stop(). Back-off doubles from `backoffMs` to `maxBackoffMs` and starts over
 * once a part has stayed up for `stableMs`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { PART_DATA_ENV, type FromPart, type ToPart } from './part-worker.ts';
import { HEAP_TRIM_ENV, type HeapTrimSettings } from './heap-trim.ts';

export type PartState = 'starting' | 'up' | 'down' | 'restarting' | 'stopped';

export interface PartStatus {
  name: string;
  state: PartState;
  /** restarts since the stack started */
  restarts: number;
  /** when the part entered this state (epoch ms) */
  since: number;
  /** why the thread last died (or why its last start failed) */
  cause?: string;
  /** state down: when the next start begins (epoch ms) */
  nextStartAt?: number;
}

export interface RestartPolicy {
  /** wait before the first restart, ms; doubles per failed start up to maxBackoffMs */
  backoffMs: number;
  maxBackoffMs: number;
  /** a part up this long gets backoffMs again at its next death */
  stableMs: number;
  /** a start not ready within this is a failed start (the thread is ended), ms */
  startTimeoutMs: number;
  /** a thread that answers no ping for this long is ended and restarted, ms; 0 = never */
  hangMs: number;
}

export interface PartSpec<Info> {
  name: string;
  /** the worker's entry module (it calls servePart) */
  entry: URL;
  /** what the thread is given at each start; `previous` is the info of the last ready start */
  data(previous: Info | undefined): unknown;
  resourceLimits?: ResourceLimits;
  /** a worker thread (default) or a child process of its own (then `data` must be JSON) */
  isolation?: 'thread' | 'process';
  /** a process part's scheduling priority (nice, 0-19): higher yields the cores to the stack's own process first */
  niceness?: number;
}

export interface SupervisedPart<Info> {
  readonly name: string;
  /** the info of the running (or last running) thread */
  info(): Info;
  status(): PartStatus;
  /** resolves with the info once the part is up (at once when it is) */
  whenUp(): Promise<Info>;
  /** ends the thread or process as a crash would (the supervisor restarts it): the chaos drill and tests */
  kill(): Promise<void>;
  /** the process id of a part in a child process (its memory is the stack's too); undefined for a thread */
  pid(): number | undefined;
  /** stops the part cleanly; no restart */
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  policy: RestartPolicy;
  /** one line per death, restart and failed start */
  log?: (line: string) => void;
  /** a part changed state (the dashboard refreshes its health strip) */
  onChange?: (status: PartStatus) => void;
  /** each part's heap trimming (heap-trim.ts); none: V8's own pace */
  heapTrim?: HeapTrimSettings;
}

export interface Supervisor {
  start<Info>(spec: PartSpec<Info>): Promise<SupervisedPart<Info>>;
  statuses(): PartStatus[];
  status(name: string): PartStatus | undefined;
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 15_000;

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const parts: Part<unknown>[] = [];
  return {
    async start<Info>(spec: PartSpec<Info>) {
      const part = new Part<Info>(spec, options);
      parts.push(part as Part<unknown>);
      await part.firstStart();
      return part;
    },
    statuses: () => parts.map((p) => p.status()),
    status: (name) => parts.find((p) => p.name === name)?.status(),
    async stop() {
      await Promise.all(parts.map((p) => p.stop()));
    },
  };
}

/** One start of a part: resolves when it is ready; `died` settles when its thread or process ends. */
interface Run<Info> {
  worker: PartRunner<Info>;
  ready: Promise<Info>;
  /** resolves with the cause once the thread or process is gone */
  died: Promise<string>;
}

/** What the supervisor needs of a thread or a child process running a part. */
interface PartRunner<Info> {
  readonly pid: number | undefined;
  postMessage(message: ToPart): void;
  onMessage(handle: (message: FromPart<Info>) => void): void;
  /** resolves with why it ended, once it has */
  exited: Promise<string>;
  /** ends it at once */
  terminate(): Promise<void>;
}

/** The part's environment: the stack's, with its heap trimming (read by part-worker.ts). */
function partEnv(heapTrim: HeapTrimSettings | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...(heapTrim ? { [HEAP_TRIM_ENV]: JSON.stringify(heapTrim) } : {}), ...extra };
}

function threadRunner<Info>(spec: PartSpec<Info>, data: unknown, heapTrim: HeapTrimSettings | undefined): PartRunner<Info> {
  const worker = new Worker(spec.entry, { workerData: data, resourceLimits: spec.resourceLimits, env: partEnv(heapTrim) });
  let error: string | undefined;
  worker.on('error', (e: Error & { code?: string }) => {
    error ??= e.code ? `${e.code}: ${e.message}` : e.message;
  });
  return {
    pid: undefined,
    postMessage: (m) => worker.postMessage(m),
    onMessage: (h) => worker.on('message', h),
    exited: new Promise((resolve) => worker.on('exit', (code) => resolve(error ?? `thread exited with code ${code}`))),
    terminate: async () => {
      await worker.terminate();
    },
  };
}

/** How long a profiled child process may take to write its CPU profile as it exits. */
const PROFILE_WRITE_MS = 10_000;

/** How much of a dying process's standard error is kept to name the cause. */
const STDERR_TAIL_BYTES = 8192;

function processRunner<Info>(spec: PartSpec<Info>, data: unknown, heapTrim: HeapTrimSettings | undefined): PartRunner<Info> {
  const limits = spec.resourceLimits ?? {};
  const execArgv = [
    ...(limits.maxOldGenerationSizeMb ? [`--max-old-space-size=${limits.maxOldGenerationSizeMb}`] : []),
    ...(limits.maxYoungGenerationSizeMb ? [`--max-semi-space-size=${Math.max(1, Math.floor(limits.maxYoungGenerationSizeMb / 3))}`] : []),
    // a stack run with V8's CPU profiler (node --cpu-prof) profiles its child processes too
    ...process.execArgv.filter((arg) => arg.startsWith('--cpu-prof')),
  ];
  const profiled = execArgv.includes('--cpu-prof');
  const child: ChildProcess = fork(fileURLToPath(spec.entry), [], {
    execArgv,
    env: partEnv(heapTrim, { [PART_DATA_ENV]: JSON.stringify(data) }),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  if (spec.niceness !== undefined && child.pid !== undefined) {
    try {
      os.setPriority(child.pid, spec.niceness);
    } catch {
      // not allowed here: it runs at the stack's own priority
    }
  }
  // its standard error is the cause when it dies (an uncaught exception's trace, V8's heap-limit report)
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    stderr = (stderr + d).slice(-STDERR_TAIL_BYTES);
  });
  let spawnError: string | undefined;
  child.on('error', (e) => {
    spawnError ??= e.message;
  });
  const exited = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) => {
      const how = signal ? `process ended by ${signal}` : `process exited with code ${code}`;
      const why = spawnError ?? causeFromStderr(stderr);
      resolve(why ? `${why} (${how})` : how);
    }),
  );
  return {
    pid: child.pid,
    postMessage: (m) => {
      if (child.connected) child.send(m, undefined, {}, () => undefined);
    },
    onMessage: (h) => child.on('message', (m) => h(m as FromPart<Info>)),
    exited,
    terminate: async () => {
      // a profiled part (node --cpu-prof) writes its profile as it exits: it is let go (an orphaned part
      // exits by itself, part-worker.ts) and killed only if it has not gone within a few seconds
      if (profiled && child.connected) {
        child.disconnect();
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, PROFILE_WRITE_MS))]);
      }
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The line of a dead process's standard error that says why: V8's fatal error, else the thrown error's. */
export function causeFromStderr(stderr: string): string | undefined {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /^FATAL ERROR:/.test(l)) ?? lines.find((l) => /^(\w+(Error|Exception)|Error)(\s*\[\w+\])?:/.test(l)) ?? lines.at(-1);
}

class Part<Info> implements SupervisedPart<Info> {
  readonly name: string;
  private current: Run<Info> | undefined;
  private last: Info | undefined;
  private state: PartState = 'starting';
  private since = Date.now();
  private restarts = 0;
  private cause: string | undefined;
  private nextStartAt: number | undefined;
  private backoffMs: number;
  private timer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  private waiting: ((info: Info) => void)[] = [];

  constructor(
    private readonly spec: PartSpec<Info>,
    private readonly options: SupervisorOptions,
  ) {
    this.name = spec.name;
    this.backoffMs = options.policy.backoffMs;
  }

  info(): Info {
    if (this.last === undefined) throw new Error(`${this.name} has not started yet`);
    return this.last;
  }

  status(): PartStatus {
    return {
      name: this.name,
      state: this.state,
      restarts: this.restarts,
      since: this.since,
      ...(this.cause === undefined ? {} : { cause: this.cause }),
      ...(this.nextStartAt === undefined ? {} : { nextStartAt: this.nextStartAt }),
    };
  }

  whenUp(): Promise<Info> {
    if (this.state === 'up') return Promise.resolve(this.info());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async firstStart(): Promise<void> {
    const run = this.launch();
    try {
      await run.ready;
    } catch (error) {
      this.setState('stopped');
      throw error;
    }
    this.up(run);
  }

  pid(): number | undefined {
    return this.current?.worker.pid;
  }

  async kill(): Promise<void> {
    const run = this.current;
    if (!run || this.stopping) return;
    await run.worker.terminate();
    await run.died;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearTimeout(this.timer);
      const run = this.current;
      this.setState('stopped');
      if (!run) return;
      let timer: NodeJS.Timeout | undefined;
      const stopped = new Promise<void>((resolve) => {
        run.worker.onMessage((message) => {
          if (message.kind === 'stopped') resolve();
        });
        timer = setTimeout(resolve, STOP_TIMEOUT_MS);
      });
      run.worker.postMessage('stop' satisfies ToPart);
      await Promise.race([stopped, run.died]);
      clearTimeout(timer);
      await run.worker.terminate();
    })();
    return this.stopping;
  }

  private up(run: Run<Info>): void {
    this.setState('up');
    const upAt = Date.now();
    void run.died.then((cause) => {
      if (this.stopping || this.current !== run) return;
      // a part that stayed up long enough starts over at the shortest back-off
      if (Date.now() - upAt >= this.options.policy.stableMs) this.backoffMs = this.options.policy.backoffMs;
      this.died(`${cause} after ${formatMs(Date.now() - upAt)} up`);
    });
    const info = this.info();
    for (const resolve of this.waiting.splice(0)) resolve(info);
  }

  private died(cause: string): void {
    this.cause = cause;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.policy.maxBackoffMs);
    this.nextStartAt = Date.now() + delay;
    this.setState('down');
    this.options.log?.(`${this.name}: ${cause}; restarting in ${formatMs(delay)}`);
    this.timer = setTimeout(() => void this.restart(), delay);
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    this.nextStartAt = undefined;
    this.restarts++;
    this.setState('restarting');
    const run = this.launch();
    try {
      await run.ready;
    } catch (error) {
      if (!this.stopping) this.died(`restart failed: ${(error as Error).message}`);
      return;
    }
    if (this.stopping) return;
    this.options.log?.(`${this.name}: up again (restart ${this.restarts})`);
    this.up(run);
  }

  private setState(state: PartState): void {
    if (this.state === state) return;
    this.state = state;
    this.since = Date.now();
    this.options.onChange?.(this.status());
  }

  /** Starts a thread or process; a start that fails or times out ends it. */
  private launch(): Run<Info> {
    const { policy } = this.options;
    const data = this.spec.data(this.last);
    const runner = this.spec.isolation === 'process' ? processRunner : threadRunner;
    const worker = runner(this.spec, data, this.options.heapTrim);
    let error: string | undefined;
    let lastPong = Date.now();
    let pinger: NodeJS.Timeout | undefined;
    const died = worker.exited.then((cause) => {
      clearInterval(pinger);
      return error ?? cause;
    });
    // A part whose event loop is blocked (a runaway loop) answers no ping: end it, the restart follows.
    const watch = () => {
      if (policy.hangMs <= 0) return;
      lastPong = Date.now();
      pinger = setInterval(
        () => {
          if (Date.now() - lastPong > policy.hangMs) {
            error ??= `no answer to the supervisor's ping for ${formatMs(Date.now() - lastPong)} (event loop blocked)`;
            clearInterval(pinger);
            void worker.terminate();
            return;
          }
          worker.postMessage('ping' satisfies ToPart);
        },
        Math.max(50, Math.floor(policy.hangMs / 4)),
      );
      pinger.unref();
    };
    const ready = new Promise<Info>((resolve, reject) => {
      const startTimer = setTimeout(() => {
        error ??= `not ready within ${formatMs(policy.startTimeoutMs)}`;
        void worker.terminate();
      }, policy.startTimeoutMs);
      worker.onMessage((message) => {
        if (message.kind === 'log') this.options.log?.(`${this.name}: ${message.line}`);
        else if (message.kind === 'pong') lastPong = Date.now();
        else if (message.kind === 'failed') {
          error ??= message.message;
          void worker.terminate();
        } else if (message.kind === 'ready') {
          clearTimeout(startTimer);
          this.last = message.info;
          watch();
          resolve(message.info);
        }
      });
      void died.then((cause) => {
        clearTimeout(startTimer);
        reject(new Error(cause));
      });
    });
    ready.catch(() => undefined);
    this.current = { worker, ready, died };
    return this.current;
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
