/**
 * Structural checks of record batches: the ones every stored batch must pass (used by appends and by
 * recovery), plus the stricter ones a leader applies to what producers send.
 */
import {
  CRC_START,
  CURRENT_MAGIC,
  Field,
  LOG_OVERHEAD,
  MIN_BATCH_LENGTH,
  readBatchHeader,
  type BatchHeader,
} from './batch-header.ts';
import { crc32c } from './crc32c.ts';
import { CorruptRecordError, RecordTooLargeError, type CorruptRecordReason } from './errors.ts';

export type BatchInspection =
  | { ok: true; header: BatchHeader }
  | { ok: false; reason: CorruptRecordReason; detail: string };

/** Checks the batch starting at `pos`, which must end by `end`: length, magic and (unless skipped) CRC-32C. */
export function inspectBatch(buf: Buffer, pos: number, end: number, checkCrc = true): BatchInspection {
  const available = end - pos;
  if (available < LOG_OVERHEAD) {
    return { ok: false, reason: 'truncated-batch', detail: `${available} trailing bytes` };
  }
  const batchLength = buf.readInt32BE(pos + Field.batchLength);
  if (batchLength < MIN_BATCH_LENGTH) {
    return { ok: false, reason: 'invalid-batch-length', detail: `batchLength ${batchLength} < ${MIN_BATCH_LENGTH}` };
  }
  const size = LOG_OVERHEAD + batchLength;
  if (size > available) {
    return { ok: false, reason: 'truncated-batch', detail: `batch of ${size} bytes but only ${available} present` };
  }
  const magic = buf.readInt8(pos + Field.magic);
  if (magic !== CURRENT_MAGIC) {
    return { ok: false, reason: 'unsupported-magic', detail: `magic ${magic}, only ${CURRENT_MAGIC} is supported` };
  }
  const stored = buf.readUInt32BE(pos + Field.crc);
  const computed = checkCrc ? crc32c(buf, pos + CRC_START, pos + size) : stored;
  if (stored !== computed) {
    return { ok: false, reason: 'crc-mismatch', detail: `stored ${hex(stored)}, computed ${hex(computed)}` };
  }
  const header = readBatchHeader(buf, pos);
  if (header.lastOffsetDelta < 0 || header.recordsCount < 0) {
    return { ok: false, reason: 'inconsistent-record-count', detail: `lastOffsetDelta ${header.lastOffsetDelta}` };
  }
  return { ok: true, header };
}

export interface ValidatedBatch {
  /** Byte position of the batch inside the validated buffer. */
  position: number;
  header: BatchHeader;
}

export interface ValidationRules {
  /** Leader appends: a size limit, and lastOffsetDelta must match a non-zero record count. */
  maxMessageBytes?: number;
  /**
   * Follower copies come from this cluster's own leader log, whose append already checked every CRC;
   * checking again would triple the CRC work of every produce with RF 3.
   */
  trustedCrc?: boolean;
}

/** Every batch in `records`, or a typed error for the first bad one. The buffer must hold whole batches only. */
export function validateBatches(records: Buffer, rules: ValidationRules): ValidatedBatch[] {
  const batches: ValidatedBatch[] = [];
  for (let pos = 0; pos < records.length; ) {
    const inspection = inspectBatch(records, pos, records.length, !rules.trustedCrc);
    if (!inspection.ok) {
      throw new CorruptRecordError(inspection.reason, pos, inspection.detail);
    }
    const { header } = inspection;
    if (rules.maxMessageBytes !== undefined) {
      throwIfTooLarge(records, pos, rules.maxMessageBytes);
      if (header.recordsCount === 0 || header.lastOffsetDelta !== header.recordsCount - 1) {
        throw new CorruptRecordError(
          'inconsistent-record-count',
          pos,
          `recordsCount ${header.recordsCount} with lastOffsetDelta ${header.lastOffsetDelta}`,
        );
      }
    }
    batches.push({ position: pos, header });
    pos += header.sizeInBytes;
  }
  return batches;
}

function throwIfTooLarge(records: Buffer, pos: number, maxMessageBytes: number): void {
  const size = LOG_OVERHEAD + records.readInt32BE(pos + Field.batchLength);
  if (size > maxMessageBytes) throw new RecordTooLargeError(size, maxMessageBytes, pos);
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}
