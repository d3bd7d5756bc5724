/**
 * The structural checks of record batches, one set for every caller: the broker's log on append and on
 * recovery, and `validateRecordBatches` for a whole records blob. What every stored batch must pass (a
 * length that fits, magic 2, a matching CRC-32C, sane offset deltas) plus, for what a producer sent, a
 * consistent record count, a known codec and a count the bytes can hold.
 */
import { crc32c } from '../crc32c.ts';
import { ErrorCode } from '../errors.ts';
import { readBatchHeader, type BatchHeader } from './header.ts';
import { BATCH_HEADER_BYTES, Compression, CRC_START, Field, LOG_OVERHEAD, MAGIC_V2, MIN_BATCH_LENGTH } from './layout.ts';

export type BatchProblem =
  | 'truncated-batch'
  | 'invalid-batch-length'
  | 'unsupported-magic'
  | 'crc-mismatch'
  | 'inconsistent-record-count'
  | 'unsupported-compression';

export type BatchInspection =
  | { ok: true; header: BatchHeader }
  | {
      ok: false;
      problem: BatchProblem;
      /** human-readable cause, e.g. "CRC mismatch (stored 0x…, computed 0x…)" */
      detail: string;
      /** the Kafka error code a broker answers with */
      errorCode: number;
    };

export interface InspectionRules {
  /** false when the bytes come from a log that already checked them (a follower copying its leader) */
  checkCrc?: boolean;
  /** the batch comes from a producer: its record count must match lastOffsetDelta, its codec be known */
  producerInput?: boolean;
}

/** an uncompressed record takes at least 7 bytes (length, attributes, two deltas, key, value, header count) */
const MIN_RECORD_BYTES = 7;

/** Checks the batch starting at `pos`, which must end by `end`. Never throws. */
export function inspectBatch(buf: Buffer, pos: number, end: number, rules: InspectionRules = {}): BatchInspection {
  const left = end - pos;
  if (left > Field.magic) {
    const magic = buf.readInt8(pos + Field.magic);
    if (magic === 0 || magic === 1) {
      return fail('unsupported-magic', `unsupported magic ${magic} (only magic 2 record batches are accepted)`, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
    }
    if (magic !== MAGIC_V2) return fail('unsupported-magic', `invalid magic ${magic}`);
  }
  if (left < BATCH_HEADER_BYTES) return fail('truncated-batch', `truncated: ${left} bytes left, a batch header needs ${BATCH_HEADER_BYTES}`);
  const batchLength = buf.readInt32BE(pos + Field.batchLength);
  if (batchLength < MIN_BATCH_LENGTH) return fail('invalid-batch-length', `batchLength ${batchLength} is smaller than the header`);
  if (batchLength > left - LOG_OVERHEAD) return fail('truncated-batch', `batchLength ${batchLength} exceeds the ${left - LOG_OVERHEAD} bytes left`);
  const size = LOG_OVERHEAD + batchLength;
  const header = readBatchHeader(buf, pos);
  if (header.lastOffsetDelta < 0) return fail('inconsistent-record-count', `invalid lastOffsetDelta ${header.lastOffsetDelta}`);
  if (header.recordsCount < 0 || (rules.producerInput && header.recordsCount === 0)) {
    return fail('inconsistent-record-count', `invalid record count ${header.recordsCount}`);
  }
  if (rules.producerInput) {
    if (header.compression > Compression.zstd) {
      return fail('unsupported-compression', `unknown compression codec ${header.compression}`, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    }
    if (header.compression === Compression.none && header.recordsCount > (size - BATCH_HEADER_BYTES) / MIN_RECORD_BYTES) {
      return fail('inconsistent-record-count', `record count ${header.recordsCount} does not fit in ${size - BATCH_HEADER_BYTES} bytes`);
    }
    if (header.lastOffsetDelta !== header.recordsCount - 1) {
      return fail('inconsistent-record-count', `recordsCount ${header.recordsCount} with lastOffsetDelta ${header.lastOffsetDelta}`);
    }
  }
  if (rules.checkCrc !== false) {
    const computed = crc32c(buf, pos + CRC_START, pos + size);
    if (computed !== header.crc) return fail('crc-mismatch', `CRC mismatch (stored ${hex(header.crc)}, computed ${hex(computed)})`);
  }
  return { ok: true, header };
}

/** One batch inside a records blob: its bytes (a view) and its parsed header. */
export interface BatchSlice {
  /** start of the batch within the blob */
  position: number;
  /** the batch's bytes (a view into the blob; rewriting it rewrites the blob) */
  buffer: Buffer;
  header: BatchHeader;
}

export type BatchValidation =
  | { ok: true; batches: BatchSlice[] }
  | {
      ok: false;
      /** e.g. "batch 0 at byte 0: CRC mismatch (stored 0x…, computed 0x…)" */
      reason: string;
      errorCode: number;
    };

/**
 * Splits a records blob from a producer into batches, checking each one fully (whole batches only, no
 * trailing partial batch). Never throws; returns the reason for the first failure.
 */
export function validateRecordBatches(buf: Buffer): BatchValidation {
  if (buf.length === 0) return { ok: false, reason: 'empty record set', errorCode: ErrorCode.CORRUPT_MESSAGE };
  const batches: BatchSlice[] = [];
  for (let pos = 0; pos < buf.length; ) {
    const inspection = inspectBatch(buf, pos, buf.length, { producerInput: true });
    if (!inspection.ok) return { ok: false, reason: `batch ${batches.length} at byte ${pos}: ${inspection.detail}`, errorCode: inspection.errorCode };
    const size = inspection.header.sizeInBytes;
    batches.push({ position: pos, buffer: buf.subarray(pos, pos + size), header: inspection.header });
    pos += size;
  }
  return { ok: true, batches };
}

function fail(problem: BatchProblem, detail: string, errorCode: number = ErrorCode.CORRUPT_MESSAGE): BatchInspection {
  return { ok: false, problem, detail, errorCode };
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}
