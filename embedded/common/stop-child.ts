/** How every launcher stops a child process: SIGTERM, then SIGKILL if it has not exited within the grace time. */
import type { ChildProcess } from 'node:child_process';

/** Resolves once `child` has exited (at once if it already had). */
export function stopChild(child: ChildProcess, graceMs = 20_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
