/**
 * RecordBatch v2 (magic 2), apache/kafka DefaultRecordBatch.java: where each header field sits, the
 * attribute bits and the codec numbers.
 *
 * Byte layout of a batch (offsets from its start):
 *    0 baseOffset INT64          8 batchLength INT32 (bytes after this field)
 *   12 partitionLeaderEpoch INT32  16 magic INT8 (2)   17 crc UINT32 (CRC-32C of [21, end))
 *   21 attributes INT16 (bits 0-2 codec, 3 timestamp type, 4 transactional, 5 control, 6 delete horizon)
 *   23 lastOffsetDelta INT32    27 baseTimestamp INT64   35 maxTimestamp INT64
 *   43 producerId INT64         51 producerEpoch INT16   53 baseSequence INT32
 *   57 recordsCount INT32       61 records (or one compressed blob of them)
 */

export const BATCH_HEADER_BYTES = 61;
/** baseOffset (8) + batchLength (4): the bytes not counted by batchLength. */
export const LOG_OVERHEAD = 12;
/** Smallest legal batchLength: a header with no records. */
export const MIN_BATCH_LENGTH = BATCH_HEADER_BYTES - LOG_OVERHEAD;
export const MAGIC_V2 = 2;

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

export const TimestampType = { CreateTime: 0, LogAppendTime: 1 } as const;
export type TimestampTypeValue = (typeof TimestampType)[keyof typeof TimestampType];
