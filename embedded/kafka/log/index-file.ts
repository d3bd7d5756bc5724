/**
 * A file of fixed-size index entries, mirrored in memory. Appends collect in memory and reach the file on
 * `persist()`, once per log append, so an append costs one index write however many entries it adds.
 */
import fs from 'node:fs';
import { readFully, writeFully } from './file-io.ts';
import type { CachedFile, OpenFileCache } from './open-files.ts';

export class IndexFile {
  private readonly file: CachedFile;
  private bytes: Buffer;
  private entryCount: number;
  private persistedCount: number;
  /** The file held a torn trailing entry when it was opened. */
  readonly hadPartialEntry: boolean;

  constructor(
    readonly path: string,
    readonly entryBytes: number,
    files: OpenFileCache,
  ) {
    this.file = files.file(path);
    const fileSize = fs.fstatSync(this.file.fd).size;
    this.hadPartialEntry = fileSize % entryBytes !== 0;
    this.entryCount = Math.floor(fileSize / entryBytes);
    this.persistedCount = this.entryCount;
    this.bytes = Buffer.alloc(Math.max(entryBytes * 64, fileSize));
    readFully(this.file.fd, this.entryCount * entryBytes, 0).copy(this.bytes);
  }

  get count(): number {
    return this.entryCount;
  }

  /** Entry i starts at `entryPosition(i)` in `buffer`. */
  get buffer(): Buffer {
    return this.bytes;
  }

  entryPosition(i: number): number {
    return i * this.entryBytes;
  }

  /** Reserves the next entry and returns its position in `buffer` for the caller to fill. */
  appendEntry(): number {
    const needed = (this.entryCount + 1) * this.entryBytes;
    if (needed > this.bytes.length) {
      const grown = Buffer.alloc(this.bytes.length * 2);
      this.bytes.copy(grown, 0, 0, this.entryCount * this.entryBytes);
      this.bytes = grown;
    }
    return this.entryCount++ * this.entryBytes;
  }

  persist(): void {
    if (this.persistedCount === this.entryCount) return;
    const from = this.persistedCount * this.entryBytes;
    const to = this.entryCount * this.entryBytes;
    writeFully(this.file.fd, this.bytes.subarray(from, to), from);
    this.persistedCount = this.entryCount;
  }

  truncateToEntries(count: number): void {
    if (count >= this.entryCount && !this.hadPartialEntry) return;
    this.entryCount = Math.min(count, this.entryCount);
    this.persistedCount = Math.min(this.persistedCount, this.entryCount);
    fs.ftruncateSync(this.file.fd, this.persistedCount * this.entryBytes);
  }

  flush(): void {
    this.persist();
    fs.fsyncSync(this.file.fd);
  }

  close(): void {
    this.persist();
    this.file.close();
  }

  closeAndDelete(): void {
    this.file.close();
    fs.rmSync(this.path, { force: true });
  }
}
