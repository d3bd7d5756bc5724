/**
 * A bounded cache of open file descriptors, shared by the partition logs of a cluster. Kafka keeps every
 * segment's files open and asks for an open-file limit in the 100,000s; here the brokers share one process
 * (and its descriptor table) with the rest of the stack, so a log file is opened when it is used and the
 * least recently used ones are closed beyond `maxOpen`: the descriptors partitions take stay bounded
 * however many partitions and segments there are. Data a closed descriptor wrote is in the page cache;
 * a later fsync through a new descriptor flushes it all the same.
 */
import fs from 'node:fs';
import { READ_WRITE_CREATE } from './file-io.ts';

/** What the log's readers and writers need of a file: a descriptor to use at once (never to keep). */
export interface FileRef {
  readonly fd: number;
}

export class OpenFileCache {
  /** Files holding a descriptor, a list from the least (oldest) to the most recently used (newest). */
  private oldest: CachedFile | undefined;
  private newest: CachedFile | undefined;
  private count = 0;
  /** Descriptors closed to stay under maxOpen (or to give them back when the process ran out). */
  evictions = 0;

  constructor(readonly maxOpen: number) {
    if (!Number.isInteger(maxOpen) || maxOpen < 1) throw new RangeError(`maxOpen must be a positive integer, got ${maxOpen}`);
  }

  /** A file opened (read-write, created if missing) on first use. */
  file(path: string): CachedFile {
    return new CachedFile(this, path);
  }

  get openCount(): number {
    return this.count;
  }

  /** The file's descriptor, opening it (and closing the least recently used beyond maxOpen) if needed. */
  acquire(file: CachedFile): number {
    if (file.descriptor >= 0) {
      if (this.newest !== file) {
        this.unlink(file);
        this.append(file);
      }
      return file.descriptor;
    }
    while (this.count >= this.maxOpen) this.evictOldest();
    file.descriptor = this.openOrMakeRoom(file.path);
    this.append(file);
    this.count++;
    return file.descriptor;
  }

  /** Closes the file's descriptor if it has one; the next use opens the file again. */
  release(file: CachedFile): void {
    if (file.descriptor < 0) return;
    const fd = file.descriptor;
    file.descriptor = -1;
    this.unlink(file);
    this.count--;
    fs.closeSync(fd);
  }

  /** Closes every descriptor; the files stay usable and reopen when used. */
  releaseAll(): void {
    while (this.oldest) this.evictOldest();
  }

  /**
   * An open that fails with EMFILE/ENFILE (the process or system is out of descriptors, e.g. taken by
   * connections) closes half of this cache's descriptors and tries once more before giving up.
   */
  private openOrMakeRoom(path: string): number {
    try {
      return fs.openSync(path, READ_WRITE_CREATE);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'EMFILE' && code !== 'ENFILE') || this.count === 0) throw error;
      for (let n = Math.ceil(this.count / 2); n > 0; n--) this.evictOldest();
      return fs.openSync(path, READ_WRITE_CREATE);
    }
  }

  private evictOldest(): void {
    if (!this.oldest) return;
    this.evictions++;
    this.release(this.oldest);
  }

  private append(file: CachedFile): void {
    file.older = this.newest;
    file.newer = undefined;
    if (this.newest) this.newest.newer = file;
    else this.oldest = file;
    this.newest = file;
  }

  private unlink(file: CachedFile): void {
    if (file.older) file.older.newer = file.newer;
    else this.oldest = file.newer;
    if (file.newer) file.newer.older = file.older;
    else this.newest = file.older;
    file.older = undefined;
    file.newer = undefined;
  }
}

/** One file of a partition log, open only while the cache keeps it so. */
export class CachedFile implements FileRef {
  private closed = false;
  /** The open descriptor, -1 when none (owned by the cache, as are the list links). */
  descriptor = -1;
  older: CachedFile | undefined;
  newer: CachedFile | undefined;

  constructor(
    private readonly cache: OpenFileCache,
    readonly path: string,
  ) {}

  /** A descriptor valid until the next call into the cache: use it at once, never keep it. */
  get fd(): number {
    if (this.closed) throw new Error(`${this.path} was closed by the log and cannot be used any more`);
    return this.cache.acquire(this);
  }

  /** Closes the descriptor for now (e.g. before a rename over the file); the next use reopens the path. */
  release(): void {
    this.cache.release(this);
  }

  /** Closes the descriptor for good. */
  close(): void {
    this.closed = true;
    this.cache.release(this);
  }
}
