/**
 * Reference clusters start one at a time on this machine. Starting JVMs is the CPU-heavy part (a Pinot cluster
 * takes both cores for 30-60 s); when the Kafka and Pinot conformance suites run side by side (vitest runs two
 * files at once) and both start their references together, a Kafka node could miss its 120 s readiness
 * deadline. The turn is held only while starting, never while a cluster runs.
 *
 * The lock is a directory (mkdir is atomic) holding the owner's pid; a lock whose owner is gone, or older
 * than `staleMs`, is taken over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface StartupTurnOptions {
  /** The lock directory. Default: <tmp>/pageview-reference-startup.lock. */
  lockDir?: string;
  /** Waiting longer than this, start anyway (and say so). Default 5 minutes. */
  maxWaitMs?: number;
  /** A lock older than this is abandoned. Default 5 minutes. */
  staleMs?: number;
  log?: (line: string) => void;
}

function ownerAlive(lockDir: string, staleMs: number): boolean {
  let ageMs: number;
  try {
    ageMs = Date.now() - fs.statSync(lockDir).mtimeMs;
  } catch {
    return false;
  }
  if (ageMs > staleMs) return false;
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
  } catch {
    return ageMs < 10_000; // just made: its owner is writing the pid
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but is not ours to signal; ESRCH: gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryTake(lockDir: string): boolean {
  try {
    fs.mkdirSync(lockDir);
  } catch {
    return false;
  }
  fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
  return true;
}

/** Runs `start` in this machine's reference start-up turn; resolves or rejects with what `start` does. */
export async function inStartupTurn<T>(what: string, start: () => Promise<T>, options: StartupTurnOptions = {}): Promise<T> {
  const lockDir = options.lockDir ?? path.join(os.tmpdir(), 'pageview-reference-startup.lock');
  const staleMs = options.staleMs ?? 300_000;
  const deadline = Date.now() + (options.maxWaitMs ?? 300_000);
  let held = tryTake(lockDir);
  if (!held) options.log?.(`waiting for another reference to finish starting before starting ${what}`);
  while (!held) {
    if (Date.now() > deadline) {
      options.log?.(`still waiting after ${options.maxWaitMs ?? 300_000} ms: starting ${what} anyway`);
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
    if (!ownerAlive(lockDir, staleMs)) fs.rmSync(lockDir, { recursive: true, force: true });
    held = tryTake(lockDir);
  }
  try {
    return await start();
  } finally {
    if (held) fs.rmSync(lockDir, { recursive: true, force: true });
  }
}
