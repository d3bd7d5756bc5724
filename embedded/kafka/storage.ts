/**
 * The brokers' disks. A write the disk refuses (full, over quota, read-only, failing) is not a bug of the
 * request: the partition answers KAFKA_STORAGE_ERROR (56, retriable) and the broker keeps serving. Each
 * disk's trouble is logged once, naming the directory, the cause and the space left, and once more when
 * writes succeed again with no refusal for RECOVERED_AFTER_MS (a nearly full disk takes some small writes
 * and refuses the next); the state is kept for health checks.
 *
 * Unlike Kafka, which takes a failed log directory offline until the broker restarts, a broker here
 * retries the disk on the next write, so it recovers by itself once space returns.
 */
import fs from 'node:fs';

/** Writes must succeed with no refusal for this long before a disk counts as recovered. */
const RECOVERED_AFTER_MS = 5_000;

const CAUSES: Record<string, string> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'disk is read-only',
  EIO: 'disk I/O error',
  EFBIG: 'file too large for the disk',
};

/** The error when it is the disk refusing a write (ENOSPC, EDQUOT, EROFS, EIO, EFBIG), else undefined. */
export function diskError(error: unknown): NodeJS.ErrnoException | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && code in CAUSES ? (error as NodeJS.ErrnoException) : undefined;
}

export interface StorageProblem {
  /** Whose write: "broker 2", "cluster metadata". */
  who: string;
  /** The directory written to. */
  dir: string;
  /** ENOSPC, EDQUOT, EROFS, EIO or EFBIG. */
  code: string;
  /** e.g. "disk full (ENOSPC: no space left on device)" */
  cause: string;
  sinceMs: number;
  lastRefusedMs: number;
  /** Writes refused since. */
  refused: number;
}

export class StorageHealth {
  private readonly failing = new Map<string, StorageProblem>();

  constructor(private readonly log: (line: string) => void) {}

  /**
   * Notes a write the disk refused to `who` (e.g. "broker 2") in `dir` and returns the message for the
   * client. The first refusal on a disk logs one line; later ones (other brokers on the same disk too)
   * are only counted.
   */
  refused(who: string, dir: string, error: NodeJS.ErrnoException, now = Date.now()): string {
    const code = error.code ?? 'EIO';
    const cause = `${CAUSES[code] ?? 'disk error'} (${code}: ${plainMessage(error)})`;
    const known = this.failing.get(who);
    if (known) {
      known.refused++;
      known.lastRefusedMs = now;
      return `The broker cannot write to ${dir}: ${cause}`;
    }
    const sameDisk = this.othersOnDisk(dir, who).some((p) => p.code === code);
    this.failing.set(who, { who, dir, code, cause, sinceMs: now, lastRefusedMs: now, refused: 1 });
    if (!sameDisk) {
      this.log(
        `${who}: ${cause} writing to ${dir}${spaceLeft(dir)}; produce requests to the partitions it cannot write answer KAFKA_STORAGE_ERROR until writes succeed again`,
      );
    }
    return `The broker cannot write to ${dir}: ${cause}`;
  }

  /** A write of `who` succeeded: the end of its trouble once nothing was refused for a while; logged when its disk has no other. */
  succeeded(who: string, now = Date.now()): void {
    if (this.failing.size === 0) return;
    const problem = this.failing.get(who);
    if (!problem || now - problem.lastRefusedMs < RECOVERED_AFTER_MS) return;
    this.failing.delete(who);
    if (this.othersOnDisk(problem.dir, who).length > 0) return;
    this.log(`${who}: writes to ${problem.dir} succeed again after ${((now - problem.sinceMs) / 1000).toFixed(1)} s (${problem.refused} refused)`);
  }

  private othersOnDisk(dir: string, who: string): StorageProblem[] {
    const device = deviceOf(dir);
    return [...this.failing.values()].filter((p) => p.who !== who && deviceOf(p.dir) === device);
  }

  /** Who had their last write refused. */
  problems(): StorageProblem[] {
    return [...this.failing.values()].map((p) => ({ ...p }));
  }
}

function plainMessage(error: NodeJS.ErrnoException): string {
  // "ENOSPC: no space left on device, write" -> "no space left on device"
  return error.message.replace(/^[A-Z]+: /, '').replace(/, \w+( '.*')?$/, '');
}

function deviceOf(dir: string): number | undefined {
  try {
    return fs.statSync(dir).dev;
  } catch {
    return undefined;
  }
}

function spaceLeft(dir: string): string {
  try {
    const s = fs.statfsSync(dir);
    return ` (${formatBytes(s.bavail * s.bsize)} free of ${formatBytes(s.blocks * s.bsize)})`;
  } catch {
    return '';
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${bytes} B`;
}
