import { describe, expect, it } from 'vitest';
import { ProgressReporter, formatStream, type ProgressUpdate } from '../../producers/progress.ts';
import { pump } from '../../producers/pump.ts';
import { RATE_QUANTUM_MS, RateLimiter, parseRate, sleep } from '../../producers/rate.ts';

function fakeClock(start = 1_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

describe('RateLimiter', () => {
  it('schedules record i at start + i / rate', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(100, clock.now);
    expect(limiter.delayFor(0)).toBe(0);
    expect(limiter.delayFor(50)).toBe(500);
    clock.advance(200);
    expect(limiter.delayFor(50)).toBe(300);
    expect(limiter.delayFor(20)).toBe(0); // due in the past
    expect(limiter.delayFor(20 + Math.floor((RATE_QUANTUM_MS - 1) / 10))).toBe(0); // within the quantum
  });

  it('never waits at rate 0 and rejects negative or non-finite rates', () => {
    const limiter = new RateLimiter(0);
    expect(limiter.unlimited).toBe(true);
    expect(limiter.delayFor(1_000_000)).toBe(0);
    expect(() => new RateLimiter(-1)).toThrow();
    expect(() => new RateLimiter(Number.NaN)).toThrow();
  });

  it('parses CLI rates', () => {
    expect(parseRate('100')).toBe(100);
    expect(parseRate('100/s')).toBe(100);
    expect(parseRate('2.5/s')).toBe(2.5);
    expect(parseRate('0')).toBe(0);
    for (const bad of ['fast', '-5', '10/m', '', '1e3', '/s']) expect(parseRate(bad), bad).toBeUndefined();
  });

  it('sleep ends early on abort', async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 20);
    await sleep(10_000, controller.signal);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('pump', () => {
  it('writes in batches and reports progress after each', async () => {
    let i = 0;
    const batches: number[][] = [];
    const updates: ProgressUpdate[] = [];
    const result = await pump({
      count: 25,
      batchSize: 10,
      rate: 0,
      next: () => i++,
      write: async (batch) => {
        batches.push(batch);
      },
      onProgress: (u) => updates.push(u),
    });
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(Array.from({ length: 25 }, (_, k) => k));
    expect(updates.map((u) => u.done)).toEqual([0, 10, 20, 25]);
    expect(updates.every((u) => u.total === 25)).toBe(true);
    expect(result).toMatchObject({ done: 25, interrupted: false });
  });

  it('on abort, writes what is pending and returns', async () => {
    const controller = new AbortController();
    let generated = 0;
    let written = 0;
    const result = await pump({
      count: 1_000_000,
      batchSize: 1_000,
      rate: 0,
      signal: controller.signal,
      next: () => {
        generated++;
        if (generated === 2_500) controller.abort();
        return generated;
      },
      write: async (batch) => {
        written += batch.length;
      },
    });
    expect(result.interrupted).toBe(true);
    expect(result.done).toBe(2_500);
    expect(written).toBe(2_500);
  });

  it('runs unbounded (count 0) until aborted', async () => {
    const controller = new AbortController();
    let n = 0;
    const result = await pump({
      count: 0,
      batchSize: 7,
      rate: 0,
      signal: controller.signal,
      next: () => n++,
      write: async () => {
        if (n >= 100) controller.abort();
      },
    });
    expect(result.done).toBe(n);
    expect(result.done).toBeGreaterThanOrEqual(100);
    expect(result.interrupted).toBe(true);
  });

  it('paces at the rate, flushing before it sleeps', async () => {
    const writes: number[] = [];
    const started = performance.now();
    const result = await pump({
      count: 30,
      batchSize: 1_000,
      rate: 200,
      next: () => 0,
      write: async (batch) => {
        writes.push(batch.length);
      },
    });
    // 30 records at 200/s: the last is due 145 ms after the first.
    expect(performance.now() - started).toBeGreaterThanOrEqual(130);
    expect(result.done).toBe(30);
    expect(writes.length).toBeGreaterThan(1); // not held back into one batch
  });

  it('propagates a write failure', async () => {
    await expect(
      pump({
        count: 5,
        batchSize: 2,
        rate: 0,
        next: () => 1,
        write: async () => {
          throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
  });
});

describe('progress', () => {
  it('formats bounded and unbounded streams', () => {
    expect(formatStream('users', { done: 1_200, total: 10_000, elapsedMs: 1_000 })).toBe('users 1,200/10,000 (12%) 1,200/s');
    expect(formatStream('pageviews', { done: 500, total: 0, elapsedMs: 2_000 })).toBe('pageviews 500 250/s');
  });

  it('rewrites one line with \\r on a TTY and ends it on finish', () => {
    const out: string[] = [];
    const clock = fakeClock(0);
    const reporter = new ProgressReporter({ stream: { isTTY: true, write: (t: string) => out.push(t) }, now: clock.now });
    const users = reporter.listener('users', 100);
    const views = reporter.listener('pageviews', 0);
    users({ done: 10, total: 100, elapsedMs: 100 });
    clock.advance(10);
    users({ done: 20, total: 100, elapsedMs: 110 }); // throttled
    clock.advance(200);
    views({ done: 5, total: 0, elapsedMs: 50 });
    reporter.finish();
    expect(out.length).toBe(4);
    expect(out[0]).toMatch(/^\rusers 10\/100 \(10%\) 100\/s \| pageviews 0 0\/s\x1b\[K$/);
    expect(out[1]).toContain('users 20/100');
    expect(out[1]).toContain('pageviews 5 100/s');
    expect(out.slice(0, 3).every((t) => t.startsWith('\r') && !t.includes('\n'))).toBe(true);
    expect(out[3]).toBe('\n');
  });

  it('prints periodic plain lines when not a TTY', () => {
    const out: string[] = [];
    const clock = fakeClock(0);
    const reporter = new ProgressReporter({ stream: { write: (t: string) => out.push(t) }, intervalMs: 1_000, now: clock.now });
    const users = reporter.listener('users', 100);
    for (let i = 1; i <= 50; i++) {
      clock.advance(100);
      users({ done: i * 2, total: 100, elapsedMs: i * 100 });
    }
    reporter.finish();
    expect(out.every((t) => t.endsWith('\n') && !t.includes('\r'))).toBe(true);
    expect(out.length).toBeGreaterThanOrEqual(5);
    expect(out.length).toBeLessThanOrEqual(7);
    expect(out.at(-1)).toBe('users 100/100 (100%) 20/s\n');
  });

  it('prints nothing when nothing started', () => {
    const out: string[] = [];
    const reporter = new ProgressReporter({ stream: { write: (t: string) => out.push(t) } });
    reporter.listener('users', 10);
    reporter.finish();
    expect(out).toEqual([]);
  });
});
