/**
 * Pacing for `--rate R/s`. Record i (0-based) is due at `start + i * 1000 / R`; a rate of 0 means
 * "as fast as possible". The clock is injectable so pacing is tested without sleeping.
 */

export type MonotonicClock = () => number;

const defaultClock: MonotonicClock = () => performance.now();

/** Records due within this many ms are released together instead of sleeping for each one. */
export const RATE_QUANTUM_MS = 10;

export class RateLimiter {
  private start: number | undefined;

  constructor(
    readonly ratePerSecond: number,
    private readonly clock: MonotonicClock = defaultClock,
  ) {
    if (!(Number.isFinite(ratePerSecond) && ratePerSecond >= 0)) {
      throw new RangeError(`rate must be a number >= 0, got ${ratePerSecond}`);
    }
  }

  get unlimited(): boolean {
    return this.ratePerSecond === 0;
  }

  /**
   * Milliseconds to wait before record `index` may go out (0 = now). Starts the schedule on first call.
   * Waits shorter than RATE_QUANTUM_MS are reported as 0, so fast rates go out in small bursts.
   */
  delayFor(index: number): number {
    if (this.unlimited) return 0;
    const now = this.clock();
    this.start ??= now;
    const due = this.start + (index * 1000) / this.ratePerSecond;
    const wait = due - now;
    return wait < RATE_QUANTUM_MS ? 0 : Math.ceil(wait);
  }
}

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Parses a CLI rate: "100", "100/s", "2.5/s". Returns undefined when the text is not a rate. */
export function parseRate(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  return Number.isFinite(value) ? value : undefined;
}
