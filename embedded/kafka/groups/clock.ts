/** Time as the coordinator sees it; injected so tests can drive session and rebalance timeouts. */
export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * Real time. Looks `setTimeout` up on every call so `vi.useFakeTimers()` also works, and unrefs
 * timers so a forgotten coordinator never keeps the process alive.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, delayMs) {
    const timer = globalThis.setTimeout(callback, Math.max(0, delayMs));
    (timer as { unref?: () => void }).unref?.();
    return timer;
  },
  clearTimeout(handle) {
    globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>);
  },
};
