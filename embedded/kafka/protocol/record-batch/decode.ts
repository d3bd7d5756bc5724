/**
 * Batches out of a records blob: splitting by length fields, and decoding the records of a batch with
 * absolute offsets and timestamps. Uncompressed and gzip bodies are opened (node's zlib); snappy, lz4 and
 * zstd batches are stored and served verbatim by the broker and never opened, so they are refused here.
 */
import zlib from 'node:zlib';
import { ProtocolError } from '../errors.ts';
import { batchSizeAt, readBatchHeader, type BatchHeader } from './header.ts';
import { BATCH_HEADER_BYTES, Compression, Field, MAGIC_V2, TimestampType } from './layout.ts';
import { readRecords, type RecordView } from './records.ts';

export interface DecodedRecord extends RecordView {
  offset: number;
  /** for LogAppendTime batches this is the batch's maxTimestamp */
  timestamp: number;
  /** baseTimestamp + timestampDelta: what the producer wrote, even when the batch uses LogAppendTime */
  createTimestamp: number;
}

export interface DecodedBatch {
  header: BatchHeader;
  records: DecodedRecord[];
}

/** Whether decodeRecordBatch can open a batch of this codec. */
export function canOpen(compression: number): boolean {
  return compression === Compression.none || compression === Compression.gzip;
}

/**
 * Decodes the records of the first batch in `batch` (it may hold more after it). Keys, values and header
 * values are views into `batch` (or into the inflated body of a gzip batch). Throws ProtocolError for
 * snappy/lz4/zstd or malformed batches; the CRC is not checked here (see inspectBatch).
 */
export function decodeRecordBatch(batch: Buffer): DecodedBatch {
  const header = readBatchHeader(batch);
  if (header.magic !== MAGIC_V2) throw new ProtocolError(`unsupported magic ${header.magic}`);
  if (header.batchLength < 0 || header.sizeInBytes > batch.length) {
    throw new ProtocolError(`batch of ${header.sizeInBytes} bytes truncated to ${batch.length}`);
  }
  const body = recordsBody(batch.subarray(Field.records, header.sizeInBytes), header.compression);
  const logAppendTime = header.timestampType === TimestampType.LogAppendTime;
  const records: DecodedRecord[] = [];
  for (const record of readRecords(body, header.recordsCount)) {
    const createTimestamp = header.baseTimestamp + record.timestampDelta;
    records.push({
      ...record,
      offset: header.baseOffset + record.offsetDelta,
      timestamp: logAppendTime ? header.maxTimestamp : createTimestamp,
      createTimestamp,
    });
  }
  return { header, records };
}

function recordsBody(stored: Buffer, compression: number): Buffer {
  if (compression === Compression.none) return stored;
  if (compression === Compression.gzip) return zlib.unzipSync(stored);
  throw new ProtocolError(`compressed batch (codec ${compression}) cannot be decoded here`);
}

/** Decodes every batch in a records blob (e.g. a Fetch partition's `records`), dropping a partial tail. */
export function decodeRecordBatches(blob: Buffer): DecodedBatch[] {
  return splitRecordBatches(blob, true).map(decodeRecordBatch);
}

/**
 * Splits a records blob into batch views by their length fields only (no CRC check). A trailing partial
 * batch (as a size-limited fetch may return) is dropped when `allowPartialTail` is set, otherwise it is a
 * ProtocolError.
 */
export function splitRecordBatches(buf: Buffer, allowPartialTail = false): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const size = batchSizeAt(buf, pos);
    if (size < 0 || size > buf.length - pos) {
      if (allowPartialTail) break;
      throw new ProtocolError(`partial record batch at byte ${pos}`);
    }
    if (size < BATCH_HEADER_BYTES) throw new ProtocolError(`batch at byte ${pos} is shorter than its header (${size} bytes)`);
    out.push(buf.subarray(pos, pos + size));
    pos += size;
  }
  return out;
}
