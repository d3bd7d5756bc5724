/**
 * Notices when the process runs out of file descriptors. An accept() failing with EMFILE/ENFILE never
 * reaches the listener: libuv (Node's I/O layer) closes its reserved descriptor, accepts and closes the
 * pending connections and keeps listening, silently. So a cheap probe (open and close /dev/null every
 * few seconds) tells the cluster, which counts it and logs a line now and then.
 */
import fs from 'node:fs';
import { openFileLimit } from '../common/open-file-limit.ts';

export const DESCRIPTOR_PROBE_INTERVAL_MS = 2_000;

export class DescriptorWatch {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly onExhausted: (code: 'EMFILE' | 'ENFILE') => void) {}

  start(intervalMs = DESCRIPTOR_PROBE_INTERVAL_MS): void {
    if (process.platform === 'win32' || this.timer) return;
    this.timer = setInterval(() => this.probe(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** True when a descriptor could be opened. */
  probe(): boolean {
    try {
      fs.closeSync(fs.openSync('/dev/null', 'r'));
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EMFILE' || code === 'ENFILE') this.onExhausted(code);
      return false;
    }
  }
}

/**
 * How many log files may be open: the configured maximum, but at most a quarter of the process's soft
 * open-file limit, so that connections and the rest of the process keep the other three quarters.
 */
export function logFileBudget(configured: number, limit: { soft: number } | undefined = openFileLimit()): number {
  if (!limit || !Number.isFinite(limit.soft)) return configured;
  return Math.max(16, Math.min(configured, Math.floor(limit.soft / 4)));
}
