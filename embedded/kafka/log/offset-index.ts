/**
 * Sparse offset index (`.index`): 8-byte entries of (offset relative to the segment base INT32, file
 * position INT32), one every indexIntervalBytes. An entry names the base offset of the batch at that position.
 */
import type { OpenFileCache } from './open-files.ts';
import { SegmentIndex } from './segment-index.ts';
import { lastIndexAtOrBelow } from './sorted-search.ts';

const ENTRY_BYTES = 8;

export interface OffsetPosition {
  offset: number;
  position: number;
}

export class OffsetIndex extends SegmentIndex {
  constructor(path: string, baseOffset: number, files: OpenFileCache) {
    super(path, baseOffset, ENTRY_BYTES, files);
  }

  get hadPartialEntry(): boolean {
    return this.file.hadPartialEntry;
  }

  entry(i: number): OffsetPosition {
    const at = this.file.entryPosition(i);
    const buf = this.file.buffer;
    return { offset: this.baseOffset + buf.readInt32BE(at), position: buf.readInt32BE(at + 4) };
  }

  last(): OffsetPosition | null {
    return this.count === 0 ? null : this.entry(this.count - 1);
  }

  append(offset: number, position: number): void {
    const at = this.file.appendEntry();
    this.file.buffer.writeInt32BE(offset - this.baseOffset, at);
    this.file.buffer.writeInt32BE(position, at + 4);
  }

  /** The indexed batch start closest below (or at) `offset`; the segment start if none. */
  lookup(offset: number): OffsetPosition {
    const i = lastIndexAtOrBelow(this.count, (j) => this.entry(j).offset, offset);
    return i < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(i);
  }

  /** Drops entries for batches at or after `position`. */
  truncateToPosition(position: number): void {
    const keep = lastIndexAtOrBelow(this.count, (j) => this.entry(j).position, position - 1) + 1;
    this.file.truncateToEntries(keep);
  }

  /** Strictly increasing offsets and positions, all inside a log of `logSize` bytes. */
  isConsistent(logSize: number): boolean {
    if (this.file.hadPartialEntry) return false;
    let previous: OffsetPosition | null = null;
    for (let i = 0; i < this.count; i++) {
      const e = this.entry(i);
      if (e.offset < this.baseOffset || e.position < 0 || e.position >= logSize) return false;
      if (previous && (e.offset <= previous.offset || e.position <= previous.position)) return false;
      previous = e;
    }
    return true;
  }
}
