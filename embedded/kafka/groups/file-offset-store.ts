/**
 * Committed offsets in an append-only JSON-lines file (`consumer-offsets.jsonl` in a directory):
 * one line per commit request or group deletion, fsynced before `save` returns. On open the file is
 * read, folded to the latest offset per partition and rewritten compacted (write a temp file,
 * fsync, rename, fsync the directory). A line that does not parse (a torn last line after a crash)
 * is skipped; the rewrite on open drops it, so later appends never land behind a torn line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LatestOffsets, type OffsetStore, type StoredGroupOffsets, type StoredOffset } from './offset-store.ts';

export const OFFSETS_FILE_NAME = 'consumer-offsets.jsonl';

type OffsetLogRecord = { op: 'commit'; groupId: string; offsets: StoredOffset[] } | { op: 'deleteGroup'; groupId: string };

export interface FileOffsetStoreOptions {
  /** Compact again, while open, after this many appended records. 0 = only on open. Default 10000. */
  compactAfterRecords?: number;
}

export class FileOffsetStore implements OffsetStore {
  readonly filePath: string;
  /** Lines found unreadable when the file was opened (normally 0, or 1 for a torn tail). */
  readonly skippedLines: number;
  private readonly latest = new LatestOffsets();
  private readonly compactAfterRecords: number;
  private appendFd: number | null = null;
  /** Bytes in the file that are known to be whole records; a failed append is cut back to this. */
  private wholeBytes = 0;
  private recordsSinceCompaction = 0;
  private closed = false;

  constructor(
    readonly dir: string,
    options: FileOffsetStoreOptions = {},
  ) {
    this.compactAfterRecords = options.compactAfterRecords ?? 10_000;
    fs.mkdirSync(dir, { recursive: true });
    this.filePath = path.join(dir, OFFSETS_FILE_NAME);
    this.skippedLines = this.readLog();
    this.compact();
  }

  save(groupId: string, offsets: readonly StoredOffset[]): void {
    this.append({ op: 'commit', groupId, offsets: offsets.map((offset) => ({ ...offset })) });
    this.latest.apply(groupId, offsets);
    this.afterAppend();
  }

  deleteGroup(groupId: string): void {
    this.append({ op: 'deleteGroup', groupId });
    this.latest.deleteGroup(groupId);
    this.afterAppend();
  }

  loadAll(): StoredGroupOffsets[] {
    return this.latest.snapshot();
  }

  /** Rewrites the file with one line per group. Runs on open, and every `compactAfterRecords` appends. */
  compact(): void {
    this.assertOpen();
    const temporaryPath = `${this.filePath}.compacting`;
    const lines = this.latest
      .snapshot()
      .map((group) => JSON.stringify({ op: 'commit', groupId: group.groupId, offsets: group.offsets }) + '\n')
      .join('');
    const bytes = Buffer.from(lines, 'utf8');
    const fd = fs.openSync(temporaryPath, 'w');
    try {
      writeFully(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporaryPath, this.filePath);
    fsyncDirectory(this.dir);
    this.closeAppendFd();
    this.wholeBytes = bytes.length;
    this.recordsSinceCompaction = 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeAppendFd();
  }

  private readLog(): number {
    let text: string;
    try {
      text = fs.readFileSync(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const record = parseRecord(line);
      if (!record) {
        skipped++;
        continue;
      }
      if (record.op === 'commit') this.latest.apply(record.groupId, record.offsets);
      else this.latest.deleteGroup(record.groupId);
    }
    return skipped;
  }

  private append(record: OffsetLogRecord): void {
    this.assertOpen();
    const bytes = Buffer.from(JSON.stringify(record) + '\n', 'utf8');
    if (this.appendFd === null) this.appendFd = fs.openSync(this.filePath, 'a');
    const fd = this.appendFd;
    try {
      writeFully(fd, bytes);
      fs.fsyncSync(fd);
    } catch (error) {
      // Do not leave half a line for the next record to be glued onto.
      try {
        fs.ftruncateSync(fd, this.wholeBytes);
      } catch {
        // The next open skips the torn line anyway.
      }
      throw error;
    }
    this.wholeBytes += bytes.length;
  }

  private afterAppend(): void {
    this.recordsSinceCompaction++;
    if (this.compactAfterRecords <= 0 || this.recordsSinceCompaction < this.compactAfterRecords) return;
    try {
      this.compact();
    } catch {
      // The record is already durable in the uncompacted file; try again after the next batch.
      this.recordsSinceCompaction = 0;
    }
  }

  private closeAppendFd(): void {
    if (this.appendFd === null) return;
    const fd = this.appendFd;
    this.appendFd = null;
    fs.closeSync(fd);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`offset store ${this.filePath} is closed`);
  }
}

function writeFully(fd: number, bytes: Buffer): void {
  let written = 0;
  while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
}

function fsyncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

function parseRecord(line: string): OffsetLogRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  if (typeof record.groupId !== 'string') return null;
  if (record.op === 'deleteGroup') return { op: 'deleteGroup', groupId: record.groupId };
  if (record.op !== 'commit' || !Array.isArray(record.offsets)) return null;
  const offsets: StoredOffset[] = [];
  for (const entry of record.offsets as unknown[]) {
    const offset = parseStoredOffset(entry);
    if (!offset) return null;
    offsets.push(offset);
  }
  return { op: 'commit', groupId: record.groupId, offsets };
}

function parseStoredOffset(value: unknown): StoredOffset | null {
  if (typeof value !== 'object' || value === null) return null;
  const entry = value as Record<string, unknown>;
  const { topic, partition, offset, leaderEpoch, metadata, commitTimestamp } = entry;
  if (typeof topic !== 'string' || !Number.isInteger(partition) || !Number.isFinite(offset)) return null;
  return {
    topic,
    partition: partition as number,
    offset: offset as number,
    leaderEpoch: Number.isInteger(leaderEpoch) ? (leaderEpoch as number) : -1,
    metadata: typeof metadata === 'string' ? metadata : '',
    commitTimestamp: Number.isFinite(commitTimestamp) ? (commitTimestamp as number) : 0,
  };
}
