/**
 * The fixed 61-byte header of a RecordBatch v2: read without touching the records, and the two fields the
 * broker rewrites in place (baseOffset and partitionLeaderEpoch, both outside the CRC range).
 *
 * Numbers: offsets, timestamps and the producer id are JS numbers (exact below 2^53; a broker hands out
 * producer ids from 0 upwards), so reading a header allocates no bigint.
 */
import { crc32c } from '../crc32c.ts';
import { ProtocolError } from '../errors.ts';
import { readInt64, writeInt64 } from '../int64.ts';
import { Attribute, BATCH_HEADER_BYTES, CRC_START, Field, LOG_OVERHEAD, TimestampType, type TimestampTypeValue } from './layout.ts';

export interface BatchHeader {
  baseOffset: number;
  /** baseOffset + lastOffsetDelta. */
  lastOffset: number;
  /** The bytes after the batchLength field. */
  batchLength: number;
  /** Whole batch, LOG_OVERHEAD included. */
  sizeInBytes: number;
  partitionLeaderEpoch: number;
  magic: number;
  /** stored CRC (unsigned) */
  crc: number;
  attributes: number;
  /** attributes & 0x07: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. */
  compression: number;
  /** attributes bit 3: 0 CreateTime, 1 LogAppendTime */
  timestampType: TimestampTypeValue;
  isTransactional: boolean;
  isControl: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

/** Parses the header of the batch at `pos`. Throws ProtocolError if fewer than 61 bytes are left. */
export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  if (pos < 0 || buf.length - pos < BATCH_HEADER_BYTES) {
    throw new ProtocolError(`record batch header truncated: ${Math.max(0, buf.length - pos)} of ${BATCH_HEADER_BYTES} bytes`);
  }
  const baseOffset = readInt64(buf, pos + Field.baseOffset);
  const batchLength = buf.readInt32BE(pos + Field.batchLength);
  const lastOffsetDelta = buf.readInt32BE(pos + Field.lastOffsetDelta);
  const attributes = buf.readInt16BE(pos + Field.attributes);
  return {
    baseOffset,
    lastOffset: baseOffset + lastOffsetDelta,
    batchLength,
    sizeInBytes: LOG_OVERHEAD + batchLength,
    partitionLeaderEpoch: buf.readInt32BE(pos + Field.partitionLeaderEpoch),
    magic: buf.readInt8(pos + Field.magic),
    crc: buf.readUInt32BE(pos + Field.crc),
    attributes,
    compression: attributes & Attribute.compressionMask,
    timestampType: attributes & Attribute.logAppendTime ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    isTransactional: (attributes & Attribute.transactional) !== 0,
    isControl: (attributes & Attribute.control) !== 0,
    lastOffsetDelta,
    baseTimestamp: readInt64(buf, pos + Field.baseTimestamp),
    maxTimestamp: readInt64(buf, pos + Field.maxTimestamp),
    producerId: readInt64(buf, pos + Field.producerId),
    producerEpoch: buf.readInt16BE(pos + Field.producerEpoch),
    baseSequence: buf.readInt32BE(pos + Field.baseSequence),
    recordsCount: buf.readInt32BE(pos + Field.recordsCount),
  };
}

/** Total size (12 + batchLength) of the batch starting at `pos`, or -1 if fewer than 12 bytes are left. */
export function batchSizeAt(buf: Buffer, pos = 0): number {
  if (buf.length - pos < LOG_OVERHEAD) return -1;
  return LOG_OVERHEAD + buf.readInt32BE(pos + Field.batchLength);
}

/** CRC-32C the batch at `pos` should carry (over attributes … end). */
export function computeBatchCrc(buf: Buffer, pos = 0): number {
  return crc32c(buf, pos + CRC_START, pos + batchSizeAt(buf, pos));
}

/** Overwrites baseOffset of the batch at `pos` in place (outside the CRC range). */
export function setBaseOffset(buf: Buffer, baseOffset: number, pos = 0): void {
  if (buf.length - pos < BATCH_HEADER_BYTES) throw new ProtocolError('record batch header truncated');
  writeInt64(buf, baseOffset, pos + Field.baseOffset);
}

/** Overwrites partitionLeaderEpoch of the batch at `pos` in place (outside the CRC range). */
export function setPartitionLeaderEpoch(buf: Buffer, epoch: number, pos = 0): void {
  if (buf.length - pos < BATCH_HEADER_BYTES) throw new ProtocolError('record batch header truncated');
  buf.writeInt32BE(epoch, pos + Field.partitionLeaderEpoch);
}
