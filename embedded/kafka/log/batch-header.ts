/**
 * The fixed 61-byte header of a RecordBatch v2 (kafka-protocol.md §3.17), read without touching the records.
 */
import { readInt64 } from './int64.ts';

export const BATCH_HEADER_BYTES = 61;
/** baseOffset (8) + batchLength (4): the bytes not counted by batchLength. */
export const LOG_OVERHEAD = 12;
/** Smallest legal batchLength: a header with no records. */
export const MIN_BATCH_LENGTH = BATCH_HEADER_BYTES - LOG_OVERHEAD;
export const CURRENT_MAGIC = 2;

export const Field = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordsCount: 57,
  records: 61,
} as const;

/** The range the CRC covers starts here and runs to the end of the batch. */
export const CRC_START = Field.attributes;

export const Attribute = {
  compressionMask: 0x07,
  logAppendTime: 0x08,
  transactional: 0x10,
  control: 0x20,
  deleteHorizon: 0x40,
} as const;

export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

export interface BatchHeader {
  baseOffset: number;
  /** baseOffset + lastOffsetDelta. */
  lastOffset: number;
  /** Whole batch on disk, LOG_OVERHEAD included. */
  sizeInBytes: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  /** attributes & 0x07: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. */
  compression: number;
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

/** Caller guarantees `pos + BATCH_HEADER_BYTES <= buf.length`. */
export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  const baseOffset = readInt64(buf, pos + Field.baseOffset);
  const lastOffsetDelta = buf.readInt32BE(pos + Field.lastOffsetDelta);
  const attributes = buf.readInt16BE(pos + Field.attributes);
  return {
    baseOffset,
    lastOffset: baseOffset + lastOffsetDelta,
    sizeInBytes: LOG_OVERHEAD + buf.readInt32BE(pos + Field.batchLength),
    partitionLeaderEpoch: buf.readInt32BE(pos + Field.partitionLeaderEpoch),
    magic: buf.readInt8(pos + Field.magic),
    crc: buf.readUInt32BE(pos + Field.crc),
    attributes,
    compression: attributes & Attribute.compressionMask,
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

/** Size of the batch starting at `pos`, read from its batchLength field; needs LOG_OVERHEAD bytes. */
export function batchSizeAt(buf: Buffer, pos: number): number {
  return LOG_OVERHEAD + buf.readInt32BE(pos + Field.batchLength);
}
