/**
 * One segment of a partition log: the `.log` file of whole batches plus its sparse offset and time
 * indexes, all named by the segment's base offset.
 */
import fs from 'node:fs';
import { BATCH_HEADER_BYTES, batchSizeAt, LOG_OVERHEAD, MAGIC_V2, readBatchHeader, type BatchHeader } from '../protocol/record-batch/index.ts';
import { LOOKUP_CHUNK_BYTES, readStoredBatches, readStoredHeaders, scanValidBatches, SCAN_CHUNK_BYTES, type StoredBatch } from './batch-scanner.ts';
import type { ValidatedBatch } from './batch-validation.ts';
import { readFully, writeFully } from './file-io.ts';
import type { CachedFile, OpenFileCache } from './open-files.ts';
import { OffsetIndex } from './offset-index.ts';
import { CLEANED_SUFFIX, LOG_SUFFIX, OFFSET_INDEX_SUFFIX, segmentFilePath, TIME_INDEX_SUFFIX } from './segment-files.ts';
import { TimeIndex } from './time-index.ts';

export interface RecoveryResult {
  truncatedBytes: number;
  problem?: string;
}

export class LogSegment {
  readonly logPath: string;
  private readonly file: CachedFile;
  private offsetIndex: OffsetIndex;
  private timeIndex: TimeIndex;
  private fileSize = 0;
  private next: number;
  private maxTs = -1;
  private offsetOfMaxTs: number;
  private firstBatchMaxTs = -1;
  private bytesSinceLastIndexEntry = 0;
  private dirty = false;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private readonly indexIntervalBytes: number,
    readonly createdAtMs: number,
    private readonly files: OpenFileCache,
  ) {
    this.logPath = segmentFilePath(dir, baseOffset, LOG_SUFFIX);
    this.file = files.file(this.logPath);
    this.offsetIndex = new OffsetIndex(this.offsetIndexPath, baseOffset, files);
    this.timeIndex = new TimeIndex(this.timeIndexPath, baseOffset, files);
    this.fileSize = fs.fstatSync(this.file.fd).size;
    this.next = baseOffset;
    this.offsetOfMaxTs = baseOffset;
  }

  /** A new, empty segment; stale files of the same name are emptied. */
  static create(dir: string, baseOffset: number, indexIntervalBytes: number, now: number, files: OpenFileCache): LogSegment {
    const segment = new LogSegment(dir, baseOffset, indexIntervalBytes, now, files);
    segment.truncateFile(0);
    segment.offsetIndex.clear();
    segment.timeIndex.clear();
    return segment;
  }

  /** An existing segment whose state the caller must then establish with `loadFromIndexes` or `recover`. */
  static open(dir: string, baseOffset: number, indexIntervalBytes: number, files: OpenFileCache): { segment: LogSegment; indexesMissing: boolean } {
    const indexesMissing = [OFFSET_INDEX_SUFFIX, TIME_INDEX_SUFFIX].some((suffix) => !fs.existsSync(segmentFilePath(dir, baseOffset, suffix)));
    return { segment: new LogSegment(dir, baseOffset, indexIntervalBytes, Date.now(), files), indexesMissing };
  }

  get size(): number {
    return this.fileSize;
  }

  /** Offset after the last stored batch; the base offset when empty. */
  get nextOffset(): number {
    return this.next;
  }

  get isEmpty(): boolean {
    return this.fileSize === 0;
  }

  /** Largest batch maxTimestamp in the segment, -1 when empty. */
  get maxTimestamp(): number {
    return this.maxTs;
  }

  /** The first batch's maxTimestamp (what segment.ms measures from, as in Kafka), -1 when unknown. */
  get rollingBaseTimestamp(): number {
    return this.firstBatchMaxTs;
  }

  private get offsetIndexPath(): string {
    return segmentFilePath(this.dir, this.baseOffset, OFFSET_INDEX_SUFFIX);
  }

  private get timeIndexPath(): string {
    return segmentFilePath(this.dir, this.baseOffset, TIME_INDEX_SUFFIX);
  }

  /**
   * Trusts the index files after cheap checks, like Kafka does for cleanly closed segments: entries
   * ordered and in range, and the batches after the last offset entry chaining exactly to the file end.
   * False means the caller must `recover()`.
   */
  loadFromIndexes(): boolean {
    return this.offsetIndex.isConsistent(this.fileSize) && this.restoreStateFromIndexes() && this.timeIndex.isConsistent(this.next, this.maxTs);
  }

  /** Checks every batch, cuts the file at the first bad one and rebuilds both indexes from scratch. */
  recover(): RecoveryResult {
    this.offsetIndex.clear();
    this.timeIndex.clear();
    this.resetState();
    const onDisk = fs.fstatSync(this.file.fd).size;
    const scan = scanValidBatches(this.file, 0, onDisk, this.baseOffset, this.baseOffset, (batch) => this.indexBatch(batch.position, batch.header));
    if (scan.validEnd < onDisk) this.truncateFile(scan.validEnd);
    this.fileSize = scan.validEnd;
    this.next = scan.nextOffset;
    this.persistIndexes();
    return { truncatedBytes: onDisk - scan.validEnd, ...(scan.problem ? { problem: scan.problem } : {}) };
  }

  /** Appends validated batches (positions relative to `bytes`) at the end of the file. */
  append(bytes: Buffer, batches: readonly ValidatedBatch[]): void {
    const start = this.fileSize;
    try {
      writeFully(this.file.fd, bytes, start);
    } catch (error) {
      this.truncateFile(start);
      throw error;
    }
    this.dirty = true;
    this.fileSize += bytes.length;
    for (const batch of batches) this.indexBatch(start + batch.position, batch.header);
    try {
      this.persistIndexes();
    } catch {
      // The data is written and its offsets are taken, so the append stands. Index files only mirror the
      // in-memory entries: the next persist retries, and open() rebuilds or tail-scans what is missing.
    }
  }

  read(position: number, length: number): Buffer {
    return readFully(this.file.fd, length, position);
  }

  /**
   * Whole batches from `position` (where a batch of `firstBatchSize` bytes starts) up to `endPosition`,
   * at most `maxBytes` of them but never less than the first batch (KIP-74).
   */
  readBatches(position: number, firstBatchSize: number, endPosition: number, maxBytes: number): Buffer {
    const length = Math.max(firstBatchSize, Math.min(maxBytes, endPosition - position));
    const bytes = this.read(position, length);
    let end = 0;
    while (end + LOG_OVERHEAD <= bytes.length) {
      const size = batchSizeAt(bytes, end);
      if (end + size > bytes.length) break;
      end += size;
    }
    return end === bytes.length ? bytes : bytes.subarray(0, end);
  }

  /** The first batch whose last offset is >= `offset`, found through the offset index. */
  findBatch(offset: number): StoredBatch | null {
    if (offset >= this.next) return null;
    const start = this.offsetIndex.lookup(offset).position;
    for (const batch of readStoredHeaders(this.file, start, this.fileSize, LOOKUP_CHUNK_BYTES)) {
      if (batch.header.lastOffset >= offset) return batch;
    }
    return null;
  }

  /** File position of the first batch starting at or after `offset`; the file end if none. */
  positionOfFirstBatchFrom(offset: number): number {
    const batch = this.findBatch(offset);
    if (!batch) return this.fileSize;
    return batch.header.baseOffset >= offset ? batch.position : batch.position + batch.header.sizeInBytes;
  }

  headers(fromPosition = 0): Generator<StoredBatch> {
    return readStoredHeaders(this.file, fromPosition, this.fileSize, SCAN_CHUNK_BYTES);
  }

  batches(): Generator<StoredBatch & { bytes: Buffer }> {
    return readStoredBatches(this.file, 0, this.fileSize);
  }

  /** Batches with maxTimestamp >= `timestamp` and an offset >= `minOffset`, in order, starting via the time index. */
  *batchesReachingTimestamp(timestamp: number, minOffset: number): Generator<StoredBatch> {
    if (this.maxTs < timestamp) return;
    const startOffset = Math.max(this.timeIndex.lookup(timestamp), minOffset);
    const start = this.offsetIndex.lookup(startOffset).position;
    for (const batch of readStoredHeaders(this.file, start, this.fileSize, LOOKUP_CHUNK_BYTES * 4)) {
      if (batch.header.maxTimestamp >= timestamp && batch.header.lastOffset >= minOffset) yield batch;
    }
  }

  /** Drops every batch whose last offset is >= `offset` (a batch containing `offset` goes entirely). */
  truncateToOffset(offset: number): void {
    const first = this.findBatch(offset);
    if (!first) return;
    this.truncateFile(first.position);
    this.fileSize = first.position;
    this.offsetIndex.truncateToPosition(first.position);
    this.timeIndex.truncateFromOffset(first.header.baseOffset);
    if (!this.restoreStateFromIndexes()) {
      throw new Error(`segment ${this.logPath} is inconsistent after truncation to ${offset}`);
    }
  }

  /**
   * Replaces the file's batches (compaction). Crash-safe ordering: the new file is complete and synced
   * under a temporary name, the old indexes are deleted, then the rename swaps the data atomically; an
   * open() after a crash anywhere in between finds indexes missing and rebuilds them from whichever
   * `.log` is present.
   */
  replaceBatches(batches: readonly Buffer[]): void {
    const cleanedPath = this.logPath + CLEANED_SUFFIX;
    const cleanedFd = fs.openSync(cleanedPath, 'w');
    try {
      let position = 0;
      for (const batch of batches) {
        writeFully(cleanedFd, batch, position);
        position += batch.length;
      }
      fs.fsyncSync(cleanedFd);
    } finally {
      fs.closeSync(cleanedFd);
    }
    this.offsetIndex.closeAndDelete();
    this.timeIndex.closeAndDelete();
    this.file.release();
    fs.renameSync(cleanedPath, this.logPath);
    this.offsetIndex = new OffsetIndex(this.offsetIndexPath, this.baseOffset, this.files);
    this.timeIndex = new TimeIndex(this.timeIndexPath, this.baseOffset, this.files);
    this.recover();
    this.dirty = true;
  }

  flush(): void {
    if (!this.dirty) return;
    fs.fsyncSync(this.file.fd);
    this.offsetIndex.flush();
    this.timeIndex.flush();
    this.dirty = false;
  }

  close(): void {
    this.offsetIndex.close();
    this.timeIndex.close();
    this.file.close();
  }

  closeAndDelete(): void {
    this.offsetIndex.closeAndDelete();
    this.timeIndex.closeAndDelete();
    this.file.close();
    fs.rmSync(this.logPath, { force: true });
  }

  /** Kafka's LogSegment.append indexing: an entry for the first batch after indexIntervalBytes of data. */
  private indexBatch(position: number, header: BatchHeader): void {
    if (position === 0) this.firstBatchMaxTs = header.maxTimestamp;
    if (header.maxTimestamp > this.maxTs) {
      this.maxTs = header.maxTimestamp;
      this.offsetOfMaxTs = header.baseOffset;
    }
    if (this.bytesSinceLastIndexEntry > this.indexIntervalBytes) {
      this.offsetIndex.append(header.baseOffset, position);
      this.timeIndex.maybeAppend(this.maxTs, this.offsetOfMaxTs);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += header.sizeInBytes;
    this.next = header.lastOffset + 1;
  }

  /**
   * Derives the in-memory state from the indexes plus the batches after the last offset entry. The last
   * time-index entry covers every batch up to that offset entry (both are written together), so the
   * segment's max timestamp is the larger of it and the tail's. False if the tail does not chain cleanly.
   */
  private restoreStateFromIndexes(): boolean {
    this.resetState();
    const lastOffsetEntry = this.offsetIndex.last();
    const lastTimeEntry = this.timeIndex.last();
    if (lastTimeEntry) {
      this.maxTs = lastTimeEntry.timestamp;
      this.offsetOfMaxTs = lastTimeEntry.offset;
    }
    const tailStart = lastOffsetEntry?.position ?? 0;
    try {
      if (this.fileSize > 0) {
        const first = this.read(0, BATCH_HEADER_BYTES);
        if (first.length < BATCH_HEADER_BYTES) return false;
        this.firstBatchMaxTs = readBatchHeader(first).maxTimestamp;
      }
      let expectedMinOffset = lastOffsetEntry?.offset ?? this.baseOffset;
      let end = tailStart;
      for (const { header } of readStoredHeaders(this.file, tailStart, this.fileSize, LOOKUP_CHUNK_BYTES)) {
        const startsAtIndexedOffset = end !== tailStart || !lastOffsetEntry || header.baseOffset === lastOffsetEntry.offset;
        if (header.magic !== MAGIC_V2 || header.baseOffset < expectedMinOffset || !startsAtIndexedOffset) return false;
        if (header.maxTimestamp > this.maxTs) {
          this.maxTs = header.maxTimestamp;
          this.offsetOfMaxTs = header.baseOffset;
        }
        expectedMinOffset = header.lastOffset + 1;
        this.next = expectedMinOffset;
        end += header.sizeInBytes;
      }
      if (end !== this.fileSize) return false;
    } catch {
      return false;
    }
    this.bytesSinceLastIndexEntry = this.fileSize - tailStart;
    return true;
  }

  private resetState(): void {
    this.next = this.baseOffset;
    this.maxTs = -1;
    this.offsetOfMaxTs = this.baseOffset;
    this.firstBatchMaxTs = -1;
    this.bytesSinceLastIndexEntry = 0;
  }

  private persistIndexes(): void {
    this.offsetIndex.persist();
    this.timeIndex.persist();
  }

  private truncateFile(size: number): void {
    fs.ftruncateSync(this.file.fd, size);
    this.dirty = true;
  }
}
