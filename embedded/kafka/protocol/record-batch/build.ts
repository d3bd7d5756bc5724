/** Writes uncompressed RecordBatch v2 batches with a fresh CRC-32C: from plain records, or around records already encoded. */
import { crc32c } from '../crc32c.ts';
import { ProtocolError } from '../errors.ts';
import { writeInt64 } from '../int64.ts';
import { Writer } from '../writer.ts';
import type { BatchHeader } from './header.ts';
import { Attribute, BATCH_HEADER_BYTES, Compression, CRC_START, Field, LOG_OVERHEAD, MAGIC_V2, TimestampType, type TimestampTypeValue } from './layout.ts';
import { writeRecord } from './records.ts';

/** Every header field a builder sets; batchLength, magic, crc and recordsCount follow from the bytes. */
export type BatchFields = Pick<
  BatchHeader,
  'baseOffset' | 'lastOffsetDelta' | 'partitionLeaderEpoch' | 'attributes' | 'baseTimestamp' | 'maxTimestamp' | 'producerId' | 'producerEpoch' | 'baseSequence'
>;

/** A batch around `records` (each one encoded, length prefix included), e.g. the survivors of compaction. */
export function buildBatch(fields: BatchFields, records: readonly Buffer[]): Buffer {
  const recordBytes = records.reduce((sum, r) => sum + r.length, 0);
  const batch = Buffer.allocUnsafe(BATCH_HEADER_BYTES + recordBytes);
  let position = Field.records;
  for (const record of records) position += record.copy(batch, position);
  sealBatch(batch, fields, records.length);
  return batch;
}

/** Writes the header of `batch` (whose records are in place after byte 61) and its CRC-32C. */
function sealBatch(batch: Buffer, fields: BatchFields, recordsCount: number): void {
  writeInt64(batch, fields.baseOffset, Field.baseOffset);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, Field.batchLength);
  batch.writeInt32BE(fields.partitionLeaderEpoch, Field.partitionLeaderEpoch);
  batch.writeInt8(MAGIC_V2, Field.magic);
  batch.writeInt16BE(fields.attributes, Field.attributes);
  batch.writeInt32BE(fields.lastOffsetDelta, Field.lastOffsetDelta);
  writeInt64(batch, fields.baseTimestamp, Field.baseTimestamp);
  writeInt64(batch, fields.maxTimestamp, Field.maxTimestamp);
  writeInt64(batch, fields.producerId, Field.producerId);
  batch.writeInt16BE(fields.producerEpoch, Field.producerEpoch);
  batch.writeInt32BE(fields.baseSequence, Field.baseSequence);
  batch.writeInt32BE(recordsCount, Field.recordsCount);
  batch.writeUInt32BE(crc32c(batch, CRC_START, batch.length), Field.crc);
}

export interface RecordInput {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  /** an array (duplicates allowed, order kept) or an object */
  headers?: Array<{ key: string; value: Buffer | string | null }> | Record<string, Buffer | string | null>;
  /** ms since epoch; defaults to the batch's `timestamp` option, else Date.now() */
  timestamp?: number;
}

export interface BuildBatchOptions {
  baseOffset?: number;
  /** default -1 (AK's "no epoch") */
  partitionLeaderEpoch?: number;
  /** default timestamp for records without one */
  timestamp?: number;
  timestampType?: TimestampTypeValue;
  /** default -1 (not idempotent) */
  producerId?: bigint | number;
  /** default -1 */
  producerEpoch?: number;
  /** default -1 */
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
}

/** One uncompressed batch of `records`, offset deltas 0, 1, … */
export function buildRecordBatch(records: readonly RecordInput[], options: BuildBatchOptions = {}): Buffer {
  if (records.length === 0) throw new ProtocolError('a record batch needs at least one record');
  const now = options.timestamp ?? Date.now();
  const timestamps = records.map((rec) => rec.timestamp ?? now);
  const baseTimestamp = timestamps[0]!;
  let maxTimestamp = baseTimestamp;
  for (const t of timestamps) if (t > maxTimestamp) maxTimestamp = t;

  let attributes: number = Compression.none;
  if (options.timestampType === TimestampType.LogAppendTime) attributes |= Attribute.logAppendTime;
  if (options.isTransactional) attributes |= Attribute.transactional;
  if (options.isControl) attributes |= Attribute.control;

  const w = new Writer(BATCH_HEADER_BYTES + records.length * 64);
  w.writeRaw(EMPTY_HEADER);
  const scratch = new Writer(128);
  records.forEach((rec, i) => {
    const fields = {
      timestampDelta: timestamps[i]! - baseTimestamp,
      offsetDelta: i,
      key: toBytes(rec.key),
      value: toBytes(rec.value),
      headers: headerList(rec.headers),
    };
    writeRecord(w, fields, scratch);
  });
  const batch = w.toBuffer();
  sealBatch(
    batch,
    {
      baseOffset: options.baseOffset ?? 0,
      lastOffsetDelta: records.length - 1,
      partitionLeaderEpoch: options.partitionLeaderEpoch ?? -1,
      attributes,
      baseTimestamp,
      maxTimestamp,
      producerId: Number(options.producerId ?? -1),
      producerEpoch: options.producerEpoch ?? -1,
      baseSequence: options.baseSequence ?? -1,
    },
    records.length,
  );
  return batch;
}

const EMPTY_HEADER = Buffer.alloc(BATCH_HEADER_BYTES);

const toBytes = (v: Buffer | string | null | undefined): Buffer | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? Buffer.from(v, 'utf8') : v;

function headerList(h: RecordInput['headers']): Array<{ key: string; value: Buffer | null }> {
  if (!h) return [];
  const list = Array.isArray(h) ? h : Object.entries(h).map(([key, value]) => ({ key, value }));
  return list.map(({ key, value }) => ({ key, value: toBytes(value) }));
}
