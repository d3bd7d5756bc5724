/**
 * The loop every producer runs: generate records, pace them (`rate.ts`), write them in batches,
 * report progress. On abort it stops generating, writes what is pending, and returns normally.
 */
import type { ProgressListener } from './progress.ts';
import { RateLimiter, sleep, type MonotonicClock } from './rate.ts';

export interface PumpOptions<T> {
  /** Records to produce; 0 = until aborted. */
  count: number;
  next: () => T;
  write: (batch: T[]) => Promise<void>;
  batchSize: number;
  /** Records per second; 0 = as fast as possible. */
  rate: number;
  signal?: AbortSignal | undefined;
  onProgress?: ProgressListener | undefined;
  clock?: MonotonicClock;
}

export interface PumpResult {
  /** Records written (acknowledged by the sink). */
  done: number;
  elapsedMs: number;
  /** True when stopped by the signal before `count` was reached. */
  interrupted: boolean;
}

export async function pump<T>(options: PumpOptions<T>): Promise<PumpResult> {
  const { count, next, write, signal, onProgress } = options;
  if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`count must be a whole number >= 0, got ${count}`);
  const batchSize = Math.max(1, Math.floor(options.batchSize));
  const clock = options.clock ?? (() => performance.now());
  const limiter = new RateLimiter(options.rate, clock);
  const start = clock();
  let generated = 0;
  let done = 0;
  let pending: T[] = [];

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    await write(batch);
    done += batch.length;
    onProgress?.({ done, total: count, elapsedMs: clock() - start });
  };

  onProgress?.({ done: 0, total: count, elapsedMs: 0 });
  while ((count === 0 || generated < count) && !signal?.aborted) {
    const wait = limiter.delayFor(generated);
    if (wait > 0) {
      await flush(); // nothing waits in memory while we sleep
      await sleep(limiter.delayFor(generated), signal); // re-read: the flush took time
      continue;
    }
    pending.push(next());
    generated++;
    if (pending.length >= batchSize) await flush();
  }
  await flush();
  return { done, elapsedMs: clock() - start, interrupted: count === 0 ? true : generated < count };
}
