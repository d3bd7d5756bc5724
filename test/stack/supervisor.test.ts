/**
 * The supervisor (stack/supervisor.ts) with a small HTTP part (fixtures/part-worker-entry.mjs), on a worker
 * thread and in a child process: a part that exhausts its heap limit, blocks its event loop or throws is
 * ended and started again on the same port while this thread keeps running; back-off doubles over failed
 * starts; a first start that fails is the caller's; stop() ends it for good; a child process whose
 * supervisor is killed exits. The health strip's view of a supervised part.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { supervisedHealthTarget, type HealthTarget } from '../../dashboard/health.ts';
import { causeFromStderr, createSupervisor, type PartStatus, type RestartPolicy, type Supervisor } from '../../stack/supervisor.ts';
import { waitFor } from '../support/kafka.ts';

interface Info {
  port: number;
  /** process id / thread id serving it */
  id: string;
}

type Isolation = 'thread' | 'process';

const ENTRY = new URL('./fixtures/part-worker-entry.mjs', import.meta.url);
const POLICY: RestartPolicy = { backoffMs: 50, maxBackoffMs: 400, stableMs: 60_000, startTimeoutMs: 20_000, hangMs: 0 };

function starter(isolation: Isolation, name = 'part') {
  return (supervisor: Supervisor, data: Record<string, unknown> = {}, heapMb = 32) =>
    supervisor.start<Info>({
      name,
      entry: ENTRY,
      isolation,
      data: (previous) => ({ ...data, port: previous?.port }),
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 4 },
    });
}

/** Why a part that exhausted its heap died, as each kind reports it. */
const OUT_OF_MEMORY: Record<Isolation, RegExp> = {
  thread: /^ERR_WORKER_OUT_OF_MEMORY/,
  process: /^FATAL ERROR: .*heap out of memory \(process ended by SIGABRT\)/,
};

async function threadOn(port: number): Promise<string | undefined> {
  try {
    return await (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) })).text();
  } catch {
    return undefined;
  }
}

/** Asks the part to fail; the request itself never gets an answer. */
function provoke(port: number, what: 'oom' | 'hang' | 'throw'): void {
  fetch(`http://127.0.0.1:${port}/${what}`, { signal: AbortSignal.timeout(30_000) }).catch(() => undefined);
}

describe.each(['thread', 'process'] as const)('supervisor, a part in a %s', (isolation) => {
  const start = starter(isolation);
  let supervisor: Supervisor | undefined;
  afterEach(async () => {
    await supervisor?.stop();
    supervisor = undefined;
  });

  it('restarts a part that exhausted its heap limit, on its port, while this thread keeps running', async () => {
    const changes: PartStatus[] = [];
    const lines: string[] = [];
    supervisor = createSupervisor({ policy: POLICY, log: (l) => lines.push(l), onChange: (s) => changes.push(s) });
    const part = await start(supervisor);
    const { port, id } = part.info();
    expect(await threadOn(port)).toBe(id);

    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    provoke(port, 'oom');
    await waitFor('the part down', () => (part.status().state !== 'up' ? true : undefined), 20_000, 10);
    const restarted = await waitFor('the part up again', async () => (part.status().state === 'up' ? threadOn(port) : undefined), 20_000, 20);
    clearInterval(ticker);

    expect(restarted).not.toBe(id);
    expect(part.info().port).toBe(port);
    expect(part.status()).toMatchObject({ state: 'up', restarts: 1 });
    expect(part.status().cause).toMatch(OUT_OF_MEMORY[isolation]);
    expect(changes.map((c) => c.state)).toEqual(['up', 'down', 'restarting', 'up']);
    expect(lines.some((l) => l.startsWith('part: ') && OUT_OF_MEMORY[isolation].test(l.slice(6)) && l.endsWith('restarting in 50 ms'))).toBe(true);
    expect(ticks).toBeGreaterThan(10); // this thread's timers ran while the part died and came back
    expect(process.memoryUsage().heapUsed).toBeLessThan(512 * 1024 * 1024);
  });

  it('ends and restarts a part whose event loop is blocked, and one that throws', async () => {
    supervisor = createSupervisor({ policy: { ...POLICY, hangMs: 500 } });
    const part = await start(supervisor);
    const { port } = part.info();
    provoke(port, 'hang');
    await waitFor(
      'the blocked part restarted',
      async () => (part.status().restarts === 1 && part.status().state === 'up' ? threadOn(port) : undefined),
      20_000,
      20,
    );
    expect(part.status().cause).toMatch(/no answer to the supervisor's ping for .* \(event loop blocked\)/);

    provoke(port, 'throw');
    await waitFor(
      'the throwing part restarted',
      async () => (part.status().restarts === 2 && part.status().state === 'up' ? threadOn(port) : undefined),
      20_000,
      20,
    );
    expect(part.status().cause).toMatch(/uncaught in the part/);
  });

  it('kill() ends the thread as a crash would; stop() ends it for good', async () => {
    supervisor = createSupervisor({ policy: POLICY });
    const part = await start(supervisor);
    const { port } = part.info();
    await part.kill();
    expect(part.status().state).toBe('down');
    expect(await part.whenUp()).toMatchObject({ port });
    await part.stop();
    expect(part.status().state).toBe('stopped');
    expect(await threadOn(port)).toBeUndefined();
    // A second part killed twice from here is restarted after back-offs of 50 and 100 ms: the longest a
    // restart of the stopped part (its second death, so 100 ms) could have been scheduled for has passed.
    const marker = await starter(isolation, 'marker')(supervisor);
    for (const restarts of [1, 2]) {
      await marker.kill();
      await marker.whenUp();
      expect(marker.status()).toMatchObject({ state: 'up', restarts });
    }
    expect(part.status()).toMatchObject({ state: 'stopped', restarts: 1 });
  });

  it("a failing first start is the caller's; failing restarts back off, doubling up to the maximum", async () => {
    supervisor = createSupervisor({ policy: POLICY });
    await expect(start(supervisor, { failStart: true })).rejects.toThrow(/cannot start: told to fail/);
    expect(supervisor.status('part')?.state).toBe('stopped');

    // a part whose restarts fail: the port is taken by the time it comes back
    const lines: string[] = [];
    const other = createSupervisor({ policy: POLICY, log: (l) => lines.push(l) });
    try {
      const part = await start(other);
      const { port } = part.info();
      const net = await import('node:net');
      await part.kill();
      const squatter = net.createServer();
      await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
      try {
        await waitFor('four failed restarts', () => (lines.filter((l) => /restart failed/.test(l)).length >= 4 ? true : undefined), 30_000, 20);
        const waits = lines
          .map((l) => /restarting in (\d+) ms$/.exec(l)?.[1])
          .filter(Boolean)
          .map(Number);
        expect(waits.slice(0, 5)).toEqual([50, 100, 200, 400, 400]);
        expect(lines.find((l) => /restart failed/.test(l))).toMatch(/EADDRINUSE/);
      } finally {
        await new Promise((resolve) => squatter.close(resolve));
      }
      await waitFor('the part up once its port is free', () => (part.status().state === 'up' ? true : undefined), 20_000, 20);
      expect(part.info().port).toBe(port);
    } finally {
      await other.stop();
    }
  });
});

describe('a part in a child process', () => {
  it('exits when its supervisor is killed (kill -9 of the stack leaves no orphan holding its ports)', async () => {
    const { spawn } = await import('node:child_process');
    const parent = spawn(process.execPath, [new URL('./fixtures/supervise-one.mjs', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const info = await new Promise<Info & { pid: number }>((resolve, reject) => {
        let out = '';
        parent.stdout!.on('data', (d) => {
          out += d;
          if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]) as Info & { pid: number });
        });
        parent.on('exit', (code) => reject(new Error(`the supervising process exited with ${code} before its part was up`)));
      });
      expect(info.pid).not.toBe(parent.pid);
      expect(await threadOn(info.port)).toBe(info.id);
      parent.kill('SIGKILL');
      const alive = (pid: number) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      await waitFor('the orphaned part gone', () => (alive(info.pid) ? undefined : true), 20_000, 50);
      expect(await threadOn(info.port)).toBeUndefined();
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('names the cause from its standard error', () => {
    expect(
      causeFromStderr('\n<--- Last few GCs --->\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n 1: 0xb8 node::Abort()\n'),
    ).toBe('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory');
    expect(
      causeFromStderr(
        "file:///x.mjs:19\n    throw new Error('boom');\n    ^\n\nError: boom\n    at Timeout._onTimeout (file:///x.mjs:19:11)\n\nNode.js v20.19.0\n",
      ),
    ).toBe('Error: boom');
    expect(causeFromStderr('TypeError [ERR_INVALID_ARG_TYPE]: The "path" argument must be of type string\n    at f\n')).toBe(
      'TypeError [ERR_INVALID_ARG_TYPE]: The "path" argument must be of type string',
    );
    expect(causeFromStderr('')).toBeUndefined();
  });
});

describe('the health strip of a supervised part', () => {
  const inner: HealthTarget = { name: 'ksqlDB', check: async () => ({ status: 'up', detail: 'healthcheck: healthy' }) };
  const check = (state: Parameters<typeof supervisedHealthTarget>[1]) => supervisedHealthTarget(inner, state).check(new AbortController().signal, 1000);

  it("says down with the cause and the next start, restarting while a thread starts, then the part's own answer", async () => {
    expect(await check(() => ({ state: 'down', restarts: 0, cause: 'ERR_WORKER_OUT_OF_MEMORY: heap', nextStartAt: Date.now() + 1500 }))).toEqual({
      status: 'down',
      detail: 'it died: ERR_WORKER_OUT_OF_MEMORY: heap; next start in 2 s',
    });
    expect(await check(() => ({ state: 'restarting', restarts: 1, cause: 'thread exited with code 1' }))).toEqual({
      status: 'restarting',
      detail: 'starting again (restart 1) after: thread exited with code 1',
    });
    expect(await check(() => ({ state: 'up', restarts: 1, cause: 'thread exited with code 1' }))).toEqual({
      status: 'up',
      detail: 'healthcheck: healthy; restarted 1 time(s), last after: thread exited with code 1',
    });
    expect(await check(() => ({ state: 'up', restarts: 0 }))).toEqual({ status: 'up', detail: 'healthcheck: healthy' });
    expect(await check(() => undefined)).toEqual({ status: 'up', detail: 'healthcheck: healthy' });
  });
});
