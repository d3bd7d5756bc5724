/**
 * What the offset and time indexes share: a fixed-width entry file in memory, kept per segment and
 * relative to the segment's base offset. Subclasses give the entries their meaning.
 */
import { IndexFile } from './index-file.ts';
import type { OpenFileCache } from './open-files.ts';

export abstract class SegmentIndex {
  protected readonly file: IndexFile;

  constructor(
    path: string,
    readonly baseOffset: number,
    entryBytes: number,
    files: OpenFileCache,
  ) {
    this.file = new IndexFile(path, entryBytes, files);
  }

  get count(): number {
    return this.file.count;
  }

  clear(): void {
    this.file.truncateToEntries(0);
  }

  persist(): void {
    this.file.persist();
  }

  flush(): void {
    this.file.flush();
  }

  close(): void {
    this.file.close();
  }

  closeAndDelete(): void {
    this.file.closeAndDelete();
  }
}
