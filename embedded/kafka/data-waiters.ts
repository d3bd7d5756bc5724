/**
 * Long-poll support for Fetch: a parked fetch waits on the partitions it asked for and is woken
 * when any of them gets new committed data (its high watermark moves) or when its wait expires.
 */
type Wake = () => void;

export class DataWaiters {
  private readonly waiting = new Map<string, Set<Wake>>();

  /** Resolves when one of `keys` is notified, or after `maxWaitMs`; `signal` aborts early. */
  wait(keys: string[], maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        for (const key of keys) {
          const set = this.waiting.get(key);
          set?.delete(finish);
          if (set && set.size === 0) this.waiting.delete(key);
        }
        resolve();
      };
      const timer = setTimeout(finish, Math.max(0, maxWaitMs));
      signal?.addEventListener('abort', finish);
      for (const key of keys) {
        let set = this.waiting.get(key);
        if (!set) this.waiting.set(key, (set = new Set()));
        set.add(finish);
      }
    });
  }

  notify(key: string): void {
    const set = this.waiting.get(key);
    if (!set) return;
    for (const wake of [...set]) wake();
  }
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
