/**
 * Heap trimming (stack/heap-trim.ts): a heap holding more dead objects than the slack is collected in full
 * on the next check, and the supervisor gives each part, on a thread or in a process, the stack's settings,
 * so a part left with 80 MB of dead objects gives them back while it idles.
 */
import v8 from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { heapTrimFromEnv, nextCheckAt, startHeapTrim, TIME_SHARE, type HeapTrim } from '../../stack/heap-trim.ts';
import { createSupervisor, type Supervisor } from '../../stack/supervisor.ts';
import { waitFor } from '../support/kafka.ts';

const MB = 1024 * 1024;
const ENTRY = new URL('./fixtures/part-worker-entry.mjs', import.meta.url);
const POLICY = { backoffMs: 50, maxBackoffMs: 400, stableMs: 60_000, startTimeoutMs: 20_000, hangMs: 0 };

/** About 80 MB of objects kept past a few young-generation collections, then dropped. */
function leaveGarbage(): void {
  let hoard: number[][] | null = [];
  for (let i = 0; i < 400; i++) hoard.push(new Array(25_000).fill(i));
  hoard = null;
}

describe('heap trimming', () => {
  let trim: HeapTrim | undefined;
  let supervisor: Supervisor | undefined;
  afterEach(async () => {
    trim?.stop();
    await supervisor?.stop();
    supervisor = undefined;
  });

  it('collects once the dead objects exceed the slack, and not before', () => {
    trim = startHeapTrim({ intervalMs: 3_600_000, slackMb: 48 });
    // the first check sets the survivors' size
    trim.check();
    expect(trim.check()).toBe(false);
    leaveGarbage();
    const before = v8.getHeapStatistics().used_heap_size;
    expect(trim.check()).toBe(true);
    const after = v8.getHeapStatistics().used_heap_size;
    expect(before - after).toBeGreaterThan(50 * MB);
    expect(trim.check()).toBe(false);
  });

  it("puts the next check off so that collections take at most TIME_SHARE of the thread's time", () => {
    expect(nextCheckAt(1_000, 40)).toBe(1_000 + 40 / TIME_SHARE);
    // a collection of 40 ms, then the wait: the collection's share of that span
    expect(40 / (nextCheckAt(1_000, 40) - 1_000)).toBeLessThanOrEqual(TIME_SHARE);
  });

  it("is off with interval 0, and reads a part's settings from its environment", () => {
    expect(startHeapTrim({ intervalMs: 0, slackMb: 1 }).check()).toBe(false);
    expect(heapTrimFromEnv({})).toEqual({ intervalMs: 0, slackMb: 0 });
    expect(heapTrimFromEnv({ PART_HEAP_TRIM: '{"intervalMs":2000,"slackMb":32}' })).toEqual({ intervalMs: 2000, slackMb: 32 });
  });

  it.each(['thread', 'process'] as const)('a part in a %s gives its dead objects back while it idles', async (isolation) => {
    supervisor = createSupervisor({ policy: POLICY, heapTrim: { intervalMs: 200, slackMb: 16 } });
    const part = await supervisor.start<{ port: number }>({
      name: 'part',
      entry: ENTRY,
      isolation,
      data: () => ({}),
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    const heap = async (route: 'heap' | 'garbage') => Number(await (await fetch(`http://127.0.0.1:${part.info().port}/${route}`)).text());
    const idle = await heap('heap');
    expect(await heap('garbage'), 'the heap right after the garbage was dropped').toBeGreaterThan(idle + 40 * MB);
    await waitFor("the part's heap back near its idle size", async () => ((await heap('heap')) < idle + 24 * MB ? true : undefined), 5_000);
  });
});
