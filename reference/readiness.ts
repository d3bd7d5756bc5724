/**
 * How every reference engine is waited for: a probe asked again and again until it says ready, failing at
 * once when the engine's process has died, or at the deadline with what the probe saw last.
 */

export interface ReadinessOptions {
  /** Epoch ms after which the wait fails. */
  deadline: number;
  /** Pause between two probes, ms. */
  everyMs: number;
  /** Why the engine's process is gone, or undefined while it runs. */
  exited: () => string | undefined;
}

/**
 * `probe` answers true when ready, or a short text of what it saw (kept for the timeout's message); it
 * throws only to give up at once (a fault that waiting cannot mend).
 */
export async function waitUntilReady(what: string, probe: () => Promise<true | string>, options: ReadinessOptions): Promise<void> {
  let last = 'no answer yet';
  for (;;) {
    const problem = options.exited();
    if (problem) throw new Error(problem);
    if (Date.now() > options.deadline) throw new Error(`${what} not ready in time (${last})`);
    const answer = await probe();
    if (answer === true) return;
    last = answer;
    await new Promise((r) => setTimeout(r, options.everyMs));
  }
}
