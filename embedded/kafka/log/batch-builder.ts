/** Writes an uncompressed RecordBatch v2 around already encoded records, with a fresh CRC-32C. */
import { CRC_START, CURRENT_MAGIC, Field, LOG_OVERHEAD, BATCH_HEADER_BYTES } from './batch-header.ts';
import { crc32c } from './crc32c.ts';
import { writeInt64 } from './int64.ts';

export interface BatchFields {
  baseOffset: number;
  lastOffsetDelta: number;
  partitionLeaderEpoch: number;
  attributes: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
}

export function buildBatch(fields: BatchFields, records: readonly Buffer[]): Buffer {
  const recordBytes = records.reduce((sum, r) => sum + r.length, 0);
  const batch = Buffer.allocUnsafe(BATCH_HEADER_BYTES + recordBytes);
  writeInt64(batch, fields.baseOffset, Field.baseOffset);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, Field.batchLength);
  batch.writeInt32BE(fields.partitionLeaderEpoch, Field.partitionLeaderEpoch);
  batch.writeInt8(CURRENT_MAGIC, Field.magic);
  batch.writeInt16BE(fields.attributes, Field.attributes);
  batch.writeInt32BE(fields.lastOffsetDelta, Field.lastOffsetDelta);
  writeInt64(batch, fields.baseTimestamp, Field.baseTimestamp);
  writeInt64(batch, fields.maxTimestamp, Field.maxTimestamp);
  writeInt64(batch, fields.producerId, Field.producerId);
  batch.writeInt16BE(fields.producerEpoch, Field.producerEpoch);
  batch.writeInt32BE(fields.baseSequence, Field.baseSequence);
  batch.writeInt32BE(records.length, Field.recordsCount);
  let position = Field.records;
  for (const record of records) position += record.copy(batch, position);
  batch.writeUInt32BE(crc32c(batch, CRC_START, batch.length), Field.crc);
  return batch;
}
