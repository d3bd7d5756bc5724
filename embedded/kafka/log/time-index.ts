/**
 * Sparse time index (`.timeindex`): 12-byte entries of (timestamp INT64, offset relative to the segment
 * base INT32). Each entry records a new maximum timestamp of the segment and the base offset of the batch
 * that first reached it, so every batch before that one has a smaller maxTimestamp.
 */
import type { OpenFileCache } from './open-files.ts';
import { SegmentIndex } from './segment-index.ts';
import { readInt64, writeInt64 } from '../protocol/int64.ts';
import { lastIndexAtOrBelow } from './sorted-search.ts';

const ENTRY_BYTES = 12;

export interface TimestampOffset {
  timestamp: number;
  offset: number;
}

export class TimeIndex extends SegmentIndex {
  constructor(path: string, baseOffset: number, files: OpenFileCache) {
    super(path, baseOffset, ENTRY_BYTES, files);
  }

  entry(i: number): TimestampOffset {
    const at = this.file.entryPosition(i);
    const buf = this.file.buffer;
    return { timestamp: readInt64(buf, at), offset: this.baseOffset + buf.readInt32BE(at + 8) };
  }

  last(): TimestampOffset | null {
    return this.count === 0 ? null : this.entry(this.count - 1);
  }

  /** Adds an entry only when it raises the segment's indexed maximum timestamp. */
  maybeAppend(timestamp: number, offset: number): void {
    const last = this.last();
    if (last && timestamp <= last.timestamp) return;
    const at = this.file.appendEntry();
    writeInt64(this.file.buffer, timestamp, at);
    this.file.buffer.writeInt32BE(offset - this.baseOffset, at + 8);
  }

  /** The offset to start searching from for the first batch with maxTimestamp >= `timestamp`. */
  lookup(timestamp: number): number {
    const i = lastIndexAtOrBelow(this.count, (j) => this.entry(j).timestamp, timestamp);
    return i < 0 ? this.baseOffset : this.entry(i).offset;
  }

  truncateFromOffset(offset: number): void {
    const keep = lastIndexAtOrBelow(this.count, (j) => this.entry(j).offset, offset - 1) + 1;
    this.file.truncateToEntries(keep);
  }

  /** Strictly increasing timestamps, non-decreasing offsets inside [baseOffset, nextOffset). */
  isConsistent(nextOffset: number, maxTimestamp: number): boolean {
    if (this.file.hadPartialEntry) return false;
    let previous: TimestampOffset | null = null;
    for (let i = 0; i < this.count; i++) {
      const e = this.entry(i);
      if (e.offset < this.baseOffset || e.offset >= nextOffset || e.timestamp > maxTimestamp) return false;
      if (previous && (e.timestamp <= previous.timestamp || e.offset < previous.offset)) return false;
      previous = e;
    }
    return true;
  }
}
