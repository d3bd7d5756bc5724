/**
 * The on-disk log of one partition replica: a directory of segments named by base offset, plus
 * checkpoints for the high watermark and the log start offset. Synchronous by design: the broker owns
 * each log from one event loop, and writes land in the page cache as in Kafka.
 */
import fs from 'node:fs';
import path from 'node:path';
import { canOpen, decodeRecordBatch, setBaseOffset, type BatchHeader } from '../protocol/record-batch/index.ts';
import type { StoredBatch } from './batch-scanner.ts';
import { validateBatches, type ValidatedBatch } from './batch-validation.ts';
import { compactionSteps, type CompactionResult } from './compaction.ts';
import { policyCompacts, policyDeletes, resolveLogConfig, type LogConfig } from './config.ts';
import { CorruptRecordError, LogClosedError, OffsetOutOfRangeError, UnexpectedAppendOffsetError } from './errors.ts';
import { OffsetCheckpoint } from './offset-checkpoint.ts';
import { OpenFileCache } from './open-files.ts';
import { loadSegments } from './recovery.ts';
import { HIGH_WATERMARK_FILE, LOG_START_OFFSET_FILE } from './segment-files.ts';
import { LogSegment } from './segment.ts';
import { lastIndexAtOrBelow } from './sorted-search.ts';

export interface AppendInfo {
  firstOffset: number;
  lastOffset: number;
  /** Largest batch maxTimestamp appended, -1 if none. */
  maxTimestamp: number;
  batches: BatchHeader[];
}

export interface TimestampOffset {
  offset: number;
  timestamp: number;
}

const MAX_RELATIVE_OFFSET = 0x7fffffff;
/** Descriptors of a log opened on its own, without a cluster's shared cache. */
const STANDALONE_MAX_OPEN_FILES = 256;
const EMPTY = Buffer.alloc(0);

export class PartitionLog {
  private segments: LogSegment[];
  private nextOffset: number;
  private startOffset: number;
  private hwm: number;
  private unflushedRecords = 0;
  private lastFlushMs = Date.now();
  private closed = false;
  /** Where the last compaction's closed segments ended, and when a tombstone it kept may be dropped. */
  private cleaning = { closedEnd: -1, dueAgainMs: Infinity };
  private cleaningUnderWay = false;

  private constructor(
    readonly dir: string,
    readonly config: Readonly<LogConfig>,
    private readonly hwmCheckpoint: OffsetCheckpoint,
    private readonly startOffsetCheckpoint: OffsetCheckpoint,
    private readonly files: OpenFileCache,
  ) {
    const checkpointedStart = startOffsetCheckpoint.read() ?? 0;
    this.segments = loadSegments(dir, config.indexIntervalBytes, checkpointedStart, (line) => console.warn(line), files);
    this.nextOffset = this.activeSegment.nextOffset;
    this.startOffset = Math.min(Math.max(checkpointedStart, this.segments[0]!.baseOffset), this.nextOffset);
    this.hwm = clamp(hwmCheckpoint.read() ?? 0, this.startOffset, this.nextOffset);
    this.writeCheckpoints();
  }

  /**
   * Opens the log in `dir`, creating it if needed, and recovers whatever a crash left behind. Its files
   * take descriptors from `files` (shared by a cluster's logs, so many partitions use a bounded number).
   */
  static open(dir: string, config: Partial<LogConfig> = {}, files: OpenFileCache = new OpenFileCache(STANDALONE_MAX_OPEN_FILES)): PartitionLog {
    const resolved = Object.freeze(resolveLogConfig(config));
    fs.mkdirSync(dir, { recursive: true });
    return new PartitionLog(
      dir,
      resolved,
      new OffsetCheckpoint(path.join(dir, HIGH_WATERMARK_FILE), files),
      new OffsetCheckpoint(path.join(dir, LOG_START_OFFSET_FILE), files),
      files,
    );
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  get logEndOffset(): number {
    return this.nextOffset;
  }

  get highWatermark(): number {
    return this.hwm;
  }

  /** Clamped to [logStartOffset, logEndOffset] and checkpointed. */
  setHighWatermark(offset: number): void {
    this.ensureOpen();
    this.hwm = clamp(offset, this.startOffset, this.nextOffset);
    this.hwmCheckpoint.write(this.hwm);
  }

  /**
   * Leader append: validates every batch, then assigns offsets from logEndOffset by rewriting each
   * batch's baseOffset in `records` itself (outside the CRC); nothing else is re-encoded.
   */
  append(records: Buffer, now: number = Date.now()): AppendInfo {
    this.ensureOpen();
    const batches = validateBatches(records, { maxMessageBytes: this.config.maxMessageBytes });
    let next = this.nextOffset;
    for (const { position, header } of batches) {
      setBaseOffset(records, next, position);
      header.baseOffset = next;
      header.lastOffset = next + header.lastOffsetDelta;
      next = header.lastOffset + 1;
    }
    return this.appendValidated(records, batches, now);
  }

  /** Follower append: offsets come from the leader and must continue exactly at logEndOffset. */
  /** `trustedCrc`: the bytes come from a log that already checked them (the cluster's own leader). */
  appendAsFollower(records: Buffer, options: { trustedCrc?: boolean } = {}): AppendInfo {
    this.ensureOpen();
    const batches = validateBatches(records, { trustedCrc: options.trustedCrc === true });
    const first = batches[0];
    if (first && first.header.baseOffset !== this.nextOffset) {
      throw new UnexpectedAppendOffsetError(this.nextOffset, first.header.baseOffset);
    }
    for (let i = 1; i < batches.length; i++) {
      const { position, header } = batches[i]!;
      const previous = batches[i - 1]!.header;
      if (header.baseOffset <= previous.lastOffset) {
        throw new CorruptRecordError('offsets-out-of-order', position, `batch at offset ${header.baseOffset} does not follow ${previous.lastOffset}`);
      }
    }
    return this.appendValidated(records, batches, Date.now());
  }

  /**
   * Whole batches starting with the one containing `fetchOffset`, from a single segment, up to `maxBytes`
   * but at least one batch (KIP-74), none starting at or beyond `maxOffset` (exclusive, usually the HWM).
   */
  read(fetchOffset: number, maxBytes: number, maxOffset: number = this.nextOffset): Buffer {
    this.ensureOpen();
    if (fetchOffset < this.startOffset || fetchOffset > this.nextOffset) {
      throw new OffsetOutOfRangeError(fetchOffset, this.startOffset, this.nextOffset);
    }
    const limit = Math.min(maxOffset, this.nextOffset);
    if (fetchOffset >= limit) return EMPTY;
    for (let i = this.segmentIndexFor(fetchOffset); i < this.segments.length; i++) {
      const segment = this.segments[i]!;
      const first = segment.findBatch(fetchOffset);
      if (!first) continue;
      if (first.header.baseOffset >= limit) return EMPTY;
      const end = limit >= segment.nextOffset ? segment.size : segment.positionOfFirstBatchFrom(limit);
      return segment.readBatches(first.position, first.header.sizeInBytes, end, maxBytes);
    }
    return EMPTY;
  }

  /**
   * The first record at or after logStartOffset with timestamp >= `timestamp`, found through the time
   * indexes. Uncompressed and gzip batches are searched record by record; for snappy/lz4/zstd batches,
   * which this log does not decompress, the answer is the batch's base offset and maxTimestamp.
   */
  offsetForTimestamp(timestamp: number): TimestampOffset | null {
    this.ensureOpen();
    for (let i = this.segmentIndexFor(this.startOffset); i < this.segments.length; i++) {
      const segment = this.segments[i]!;
      for (const batch of segment.batchesReachingTimestamp(timestamp, this.startOffset)) {
        const found = this.firstRecordReaching(segment, batch, timestamp);
        if (found) return found;
      }
    }
    return null;
  }

  /** Header fields of every stored batch whose last offset is >= `fromOffset`, in offset order. */
  *batchHeaders(fromOffset = 0): Generator<BatchHeader> {
    this.ensureOpen();
    const segments = this.segments.slice(this.segmentIndexFor(fromOffset));
    for (const [i, segment] of segments.entries()) {
      const start = i === 0 ? segment.findBatch(fromOffset)?.position : 0;
      if (start === undefined) continue;
      for (const { header } of segment.headers(start)) {
        if (header.lastOffset >= fromOffset) yield header;
      }
    }
  }

  /**
   * Drops everything at and after `offset`; a batch containing `offset` goes entirely. logEndOffset
   * becomes `offset` (as in Kafka), the high watermark is clamped to it.
   */
  truncateTo(offset: number): void {
    this.ensureOpen();
    if (offset >= this.nextOffset) return;
    if (offset < this.startOffset) {
      this.truncateFullyAndStartAt(offset);
      return;
    }
    const keep = this.segmentIndexFor(offset);
    this.cleaning = { closedEnd: -1, dueAgainMs: Infinity };
    for (const segment of this.segments.splice(keep + 1)) segment.closeAndDelete();
    this.activeSegment.truncateToOffset(offset);
    this.nextOffset = offset;
    this.hwm = Math.min(this.hwm, offset);
    this.writeCheckpoints();
  }

  /**
   * Empties the log and restarts it at `offset` (Kafka's truncateFullyAndStartAt), e.g. for a follower
   * whose log end is below the leader's log start offset.
   */
  truncateFullyAndStartAt(offset: number): void {
    this.ensureOpen();
    for (const segment of this.segments) segment.closeAndDelete();
    this.cleaning = { closedEnd: -1, dueAgainMs: Infinity };
    this.segments = [LogSegment.create(this.dir, offset, this.config.indexIntervalBytes, Date.now(), this.files)];
    this.nextOffset = offset;
    this.startOffset = offset;
    this.hwm = offset;
    this.writeCheckpoints();
  }

  /** DeleteRecords: moves logStartOffset up to `offset` (at most the high watermark) and deletes whole segments below it. */
  deleteRecordsBefore(offset: number): void {
    this.ensureOpen();
    if (offset > this.hwm) throw new OffsetOutOfRangeError(offset, this.startOffset, this.hwm);
    if (offset <= this.startOffset) return;
    this.startOffset = offset;
    if (offset === this.nextOffset && !this.activeSegment.isEmpty) this.roll(Date.now());
    this.deleteOldestSegmentsWhile((_, next) => next.baseOffset <= this.startOffset);
    this.writeCheckpoints();
  }

  /** Deletes the oldest closed segments past retentionMs (by their max timestamp) or beyond retentionBytes. */
  enforceRetention(now: number = Date.now()): void {
    this.ensureOpen();
    if (!policyDeletes(this.config)) return;
    const { retentionMs, retentionBytes } = this.config;
    if (retentionMs >= 0) this.deleteOldestSegmentsWhile((segment) => now - segment.maxTimestamp > retentionMs);
    if (retentionBytes >= 0) {
      let excess = this.sizeBytes() - retentionBytes;
      this.deleteOldestSegmentsWhile((segment) => {
        if (excess < segment.size) return false;
        excess -= segment.size;
        return true;
      });
    }
  }

  /** Compacts the closed segments when the cleanup policy includes compact; see compaction.ts. */
  compact(now: number = Date.now()): CompactionResult {
    const cleaning = this.startCleaning(now);
    if (!cleaning) return this.skippedCleaning();
    for (;;) {
      const step = cleaning.next();
      if (step.done) return step.value;
    }
  }

  /**
   * The same cleaning, awaiting `pause()` every few thousand records so a broker keeps serving while
   * a big log is cleaned. Abandoned (nothing more rewritten) if the closed segments change meanwhile:
   * truncated, deleted, or the log closed.
   */
  async compactInSlices(pause: () => Promise<void>, now: number = Date.now()): Promise<CompactionResult> {
    const cleaning = this.startCleaning(now);
    if (!cleaning) return this.skippedCleaning();
    for (;;) {
      const step = cleaning.next();
      if (step.done) return step.value;
      await pause();
    }
  }

  private skippedCleaning(): CompactionResult {
    return { segmentsRewritten: 0, recordsRemoved: 0, tombstonesDueMs: this.cleaning.dueAgainMs };
  }

  /** The cleaning's steps, or null when there is nothing to clean. */
  private startCleaning(now: number): Generator<void, CompactionResult> | null {
    this.ensureOpen();
    if (!policyCompacts(this.config) || this.cleaningUnderWay) return null;
    const closed = this.segments.slice(0, -1);
    const closedEnd = closed.at(-1)?.nextOffset ?? -1;
    // Closed segments only change by compaction, so a cleaning with nothing rolled since and no
    // tombstone horizon passed would read them all and change nothing (a stall of seconds on big logs).
    if (closedEnd === this.cleaning.closedEnd && now < this.cleaning.dueAgainMs) return null;
    const unchanged = () => !this.closed && closed.every((segment) => segment !== this.activeSegment && this.segments.includes(segment));
    const steps = compactionSteps(closed, this.config.deleteRetentionMs, now, unchanged);
    const self = this;
    this.cleaningUnderWay = true;
    return (function* cleaning(): Generator<void, CompactionResult> {
      try {
        for (;;) {
          const step = steps.next();
          if (step.done) {
            self.cleaning = { closedEnd, dueAgainMs: step.value.tombstonesDueMs };
            return step.value;
          }
          yield;
          // segments read before the pause may be gone: stop here, the next cleaning starts over
          if (!unchanged()) return { segmentsRewritten: 0, recordsRemoved: 0, tombstonesDueMs: now };
        }
      } finally {
        self.cleaningUnderWay = false;
      }
    })();
  }

  /** fsyncs segment data, indexes and checkpoints. */
  flush(now: number = Date.now()): void {
    this.ensureOpen();
    for (const segment of this.segments) segment.flush();
    this.hwmCheckpoint.flush();
    this.startOffsetCheckpoint.flush();
    this.unflushedRecords = 0;
    this.lastFlushMs = now;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.releaseFiles();
  }

  /** Closes the log and removes its directory (topic deletion). */
  deleteLog(): void {
    if (!this.closed) this.releaseFiles();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Bytes of segment data (indexes and checkpoints not counted, as in Kafka's log size). */
  sizeBytes(): number {
    return this.segments.reduce((sum, segment) => sum + segment.size, 0);
  }

  private get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  private appendValidated(records: Buffer, batches: ValidatedBatch[], now: number): AppendInfo {
    const headers = batches.map((b) => b.header);
    const last = headers[headers.length - 1];
    if (!last) return { firstOffset: this.nextOffset, lastOffset: this.nextOffset - 1, maxTimestamp: -1, batches: [] };
    const maxTimestamp = headers.reduce((max, h) => Math.max(max, h.maxTimestamp), -1);
    const segment = this.segmentForAppend(records.length, last.lastOffset, maxTimestamp, now);
    segment.append(records, batches);
    this.nextOffset = last.lastOffset + 1;
    this.unflushedRecords += headers.reduce((sum, h) => sum + h.recordsCount, 0);
    if (this.unflushedRecords >= this.config.flushIntervalMessages || now - this.lastFlushMs >= this.config.flushIntervalMs) {
      this.flush(now);
    }
    return { firstOffset: headers[0]!.baseOffset, lastOffset: last.lastOffset, maxTimestamp, batches: headers };
  }

  /** Kafka's roll rules: size, age of the segment's timestamps (segment.ms), or relative offsets overflowing 32 bits. */
  private segmentForAppend(bytes: number, lastOffset: number, maxTimestamp: number, now: number): LogSegment {
    const active = this.activeSegment;
    if (active.isEmpty) return active;
    const rollingBase = active.rollingBaseTimestamp;
    const age = rollingBase >= 0 ? maxTimestamp - rollingBase : now - active.createdAtMs;
    const full = active.size + bytes > this.config.segmentBytes;
    if (full || age > this.config.segmentMs || lastOffset - active.baseOffset > MAX_RELATIVE_OFFSET) {
      return this.roll(now);
    }
    return active;
  }

  private roll(now: number): LogSegment {
    const segment = LogSegment.create(this.dir, this.nextOffset, this.config.indexIntervalBytes, now, this.files);
    this.segments.push(segment);
    return segment;
  }

  private firstRecordReaching(segment: LogSegment, batch: StoredBatch, timestamp: number): TimestampOffset | null {
    const { header } = batch;
    const openable = !header.isControl && canOpen(header.compression);
    if (!openable) return { offset: Math.max(header.baseOffset, this.startOffset), timestamp: header.maxTimestamp };
    const { records } = decodeRecordBatch(segment.read(batch.position, header.sizeInBytes));
    const found = records.find((r) => r.offset >= this.startOffset && r.timestamp >= timestamp);
    return found ? { offset: found.offset, timestamp: found.timestamp } : null;
  }

  /** The segment whose range holds `offset`: the last one with baseOffset <= offset (the first if none). */
  private segmentIndexFor(offset: number): number {
    return Math.max(
      0,
      lastIndexAtOrBelow(this.segments.length, (i) => this.segments[i]!.baseOffset, offset),
    );
  }

  /** Never the active segment. Moves logStartOffset past what was deleted. */
  private deleteOldestSegmentsWhile(deletable: (segment: LogSegment, next: LogSegment) => boolean): void {
    while (this.segments.length > 1 && deletable(this.segments[0]!, this.segments[1]!)) {
      this.segments.shift()!.closeAndDelete();
    }
    this.startOffset = Math.max(this.startOffset, this.segments[0]!.baseOffset);
    this.hwm = clamp(this.hwm, this.startOffset, this.nextOffset);
    this.writeCheckpoints();
  }

  private writeCheckpoints(): void {
    this.hwmCheckpoint.write(this.hwm);
    this.startOffsetCheckpoint.write(this.startOffset);
  }

  private releaseFiles(): void {
    for (const segment of this.segments) segment.close();
    this.hwmCheckpoint.close();
    this.startOffsetCheckpoint.close();
    this.closed = true;
  }

  private ensureOpen(): void {
    if (this.closed) throw new LogClosedError(this.dir);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
