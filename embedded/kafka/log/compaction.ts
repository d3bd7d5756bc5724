/**
 * Log compaction (cleanup.policy=compact) over closed segments, after Kafka's LogCleaner:
 *  1. map every key to its latest offset across the segments;
 *  2. rewrite each segment keeping, per batch, the records that are still the latest for their key.
 * Kept batches keep their base offset and lastOffsetDelta, so offsets are preserved and gaps appear.
 * Unchanged batches are copied verbatim; changed ones are rebuilt uncompressed with a fresh CRC.
 * Tombstones (null value) follow KIP-534: the first cleaning that keeps one stamps a delete horizon
 * (now + deleteRetentionMs) into its batch (attribute bit 0x40, stored as baseTimestamp); a later
 * cleaning past that horizon drops it. Control batches and batches this log cannot decompress
 * (snappy, lz4, zstd) are left intact and their keys ignored. Segments are not merged.
 */
import { Attribute, buildBatch, decodeRecordBatch, withTimestampDelta, type BatchHeader, type DecodedRecord } from '../protocol/record-batch/index.ts';
import type { LogSegment } from './segment.ts';

export interface CompactionResult {
  segmentsRewritten: number;
  recordsRemoved: number;
  /** the earliest delete horizon of a tombstone kept (Infinity: none), when a cleaning can drop it */
  tombstonesDueMs: number;
}

/** Records decoded between two pauses of a sliced cleaning (2-3 ms of work). */
const RECORDS_PER_SLICE = 2_000;

/** Compacts `segments` in one go. */
export function compactSegments(segments: readonly LogSegment[], deleteRetentionMs: number, now: number): CompactionResult {
  const steps = compactionSteps(segments, deleteRetentionMs, now, () => true);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same cleaning as steps: it yields after every few thousand records so a caller can let other
 * work run in between (a 64 MB changelog segment takes most of a second to clean). Segments may
 * change meanwhile; `canReplace(segment)` is asked right before each rewrite, and a segment it
 * refuses (deleted, truncated, log closed) is left as it is.
 */
export function* compactionSteps(
  segments: readonly LogSegment[],
  deleteRetentionMs: number,
  now: number,
  canReplace: (segment: LogSegment) => boolean,
): Generator<void, CompactionResult> {
  const latest = yield* latestOffsets(segments);
  const result: CompactionResult = { segmentsRewritten: 0, recordsRemoved: 0, tombstonesDueMs: Infinity };
  let decoded = 0;
  for (const segment of segments) {
    const output: Buffer[] = [];
    let changed = false;
    let removed = 0;
    let tombstonesDueMs = Infinity;
    for (const { header, bytes } of segment.batches()) {
      const records = header.isControl ? null : decodeSafely(bytes);
      if (!records) {
        output.push(bytes);
        continue;
      }
      decoded += records.length;
      if (decoded >= RECORDS_PER_SLICE) {
        decoded = 0;
        yield;
      }
      const horizonPassed = hasDeleteHorizon(header) && now >= header.baseTimestamp;
      const retained = records.filter((r) => (r.key === null || latest.keys.get(keyOf(r.key)) === r.offset) && !(r.value === null && horizonPassed));
      const keepsTombstone = retained.some((r) => r.value === null);
      const horizon = keepsTombstone ? (hasDeleteHorizon(header) ? header.baseTimestamp : now + deleteRetentionMs) : null;
      if (horizon !== null) tombstonesDueMs = Math.min(tombstonesDueMs, horizon);
      if (retained.length === records.length && keepsTombstone === hasDeleteHorizon(header)) {
        output.push(bytes);
        continue;
      }
      changed = true;
      removed += records.length - retained.length;
      if (retained.length > 0) {
        output.push(rebuildBatch(header, retained, horizon));
      } else if (header.producerId >= 0 && latest.producerLastBatch.get(header.producerId) === header.baseOffset) {
        // Kafka keeps an empty batch for a producer's last batch so its sequence state survives a restart.
        output.push(rebuildBatch(header, [], null));
      }
    }
    if (changed && !canReplace(segment)) continue;
    if (changed) {
      segment.replaceBatches(output);
      result.segmentsRewritten++;
      result.recordsRemoved += removed;
    }
    result.tombstonesDueMs = Math.min(result.tombstonesDueMs, tombstonesDueMs);
  }
  return result;
}

interface LatestOffsets {
  keys: Map<string, number>;
  producerLastBatch: Map<number, number>;
}

function* latestOffsets(segments: readonly LogSegment[]): Generator<void, LatestOffsets> {
  const latest: LatestOffsets = { keys: new Map(), producerLastBatch: new Map() };
  let decoded = 0;
  for (const segment of segments) {
    for (const { header, bytes } of segment.batches()) {
      if (header.producerId >= 0) latest.producerLastBatch.set(header.producerId, header.baseOffset);
      if (header.isControl) continue;
      const records = decodeSafely(bytes) ?? [];
      for (const record of records) {
        if (record.key !== null) latest.keys.set(keyOf(record.key), record.offset);
      }
      decoded += records.length;
      if (decoded >= RECORDS_PER_SLICE) {
        decoded = 0;
        yield;
      }
    }
  }
  return latest;
}

/** Same header identity (offsets, producer, epoch), uncompressed, timestamps recomputed from what is kept. */
function rebuildBatch(header: BatchHeader, records: readonly DecodedRecord[], deleteHorizon: number | null): Buffer {
  // Without a horizon the original baseTimestamp stays, so kept records are copied byte for byte.
  const baseTimestamp = deleteHorizon ?? (hasDeleteHorizon(header) ? (records[0]?.createTimestamp ?? header.baseTimestamp) : header.baseTimestamp);
  const logAppendTime = (header.attributes & Attribute.logAppendTime) !== 0;
  const maxTimestamp = logAppendTime || records.length === 0 ? header.maxTimestamp : records.reduce((max, r) => Math.max(max, r.timestamp), -1);
  const flags = header.attributes & (Attribute.logAppendTime | Attribute.transactional | Attribute.control);
  return buildBatch(
    {
      baseOffset: header.baseOffset,
      lastOffsetDelta: header.lastOffsetDelta,
      partitionLeaderEpoch: header.partitionLeaderEpoch,
      attributes: flags | (deleteHorizon === null ? 0 : Attribute.deleteHorizon),
      baseTimestamp,
      maxTimestamp,
      producerId: header.producerId,
      producerEpoch: header.producerEpoch,
      baseSequence: header.baseSequence,
    },
    records.map((r) => withTimestampDelta(r, r.createTimestamp - baseTimestamp)),
  );
}

function hasDeleteHorizon(header: BatchHeader): boolean {
  return (header.attributes & Attribute.deleteHorizon) !== 0;
}

/** A batch whose records do not parse is kept as it is rather than failing the whole cleaning. */
function decodeSafely(bytes: Buffer): DecodedRecord[] | null {
  try {
    return decodeRecordBatch(bytes).records;
  } catch {
    return null;
  }
}

function keyOf(key: Buffer): string {
  return key.toString('latin1');
}
