/**
 * RecordBatch v2 (magic 2), AK DefaultRecordBatch.java / DefaultRecord.java.
 *
 * Byte layout of a batch (offsets from its start):
 *    0 baseOffset INT64          8 batchLength INT32 (bytes after this field)
 *   12 partitionLeaderEpoch INT32  16 magic INT8 (2)   17 crc UINT32 (CRC-32C of [21, end))
 *   21 attributes INT16 (bits 0-2 codec, 3 timestamp type, 4 transactional, 5 control)
 *   23 lastOffsetDelta INT32    27 baseTimestamp INT64   35 maxTimestamp INT64
 *   43 producerId INT64         51 producerEpoch INT16   53 baseSequence INT32
 *   57 recordsCount INT32       61 records (or one compressed blob of them)
 *
 * The broker stores and serves batches verbatim; only baseOffset and partitionLeaderEpoch (both
 * outside the CRC range) are rewritten in place. Compressed batches are never opened, so no codecs
 * are needed here. The builder and the record decoder handle UNCOMPRESSED batches only.
 *
 * Numbers: offsets and timestamps are JS numbers (exact below 2^53); producerId is a bigint.
 */
import { crc32c } from './crc32c.ts';
import { ErrorCode, ProtocolError } from './errors.ts';
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';

export const RECORD_BATCH_HEADER_SIZE = 61;
/** bytes before batchLength's counted region (baseOffset + batchLength) */
export const LOG_OVERHEAD = 12;
export const MAGIC_V2 = 2;

const OFF_BASE_OFFSET = 0;
const OFF_BATCH_LENGTH = 8;
const OFF_LEADER_EPOCH = 12;
const OFF_MAGIC = 16;
const OFF_CRC = 17;
const OFF_ATTRIBUTES = 21;

export const CompressionCodec = { None: 0, Gzip: 1, Snappy: 2, Lz4: 3, Zstd: 4 } as const;
export type CompressionCodecValue = (typeof CompressionCodec)[keyof typeof CompressionCodec];

export const TimestampType = { CreateTime: 0, LogAppendTime: 1 } as const;
export type TimestampTypeValue = (typeof TimestampType)[keyof typeof TimestampType];

const ATTR_CODEC_MASK = 0x07;
const ATTR_TIMESTAMP_TYPE = 0x08;
const ATTR_TRANSACTIONAL = 0x10;
const ATTR_CONTROL = 0x20;

export interface RecordBatchHeader {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  /** stored CRC (unsigned) */
  crc: number;
  attributes: number;
  /** attributes bits 0-2 */
  compression: number;
  /** attributes bit 3: 0 CreateTime, 1 LogAppendTime */
  timestampType: TimestampTypeValue;
  isTransactional: boolean;
  isControl: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

/** One batch inside a records blob: its bytes (a view) and its parsed header. */
export interface BatchSlice {
  /** start of the batch within the blob */
  position: number;
  /** the batch's bytes (a view into the blob; rewriting it rewrites the blob) */
  buffer: Buffer;
  header: RecordBatchHeader;
}

export type BatchValidation =
  | { ok: true; batches: BatchSlice[] }
  | {
      ok: false;
      /** human-readable cause, e.g. "batch 0: CRC mismatch (stored 0x…, computed 0x…)" */
      reason: string;
      /** the Kafka error code a broker should answer with */
      errorCode: number;
    };

/** Total size (12 + batchLength) of the batch starting at `position`, or -1 if fewer than 12 bytes are left. */
export function batchSizeAt(buf: Buffer, position = 0): number {
  if (buf.length - position < LOG_OVERHEAD) return -1;
  return LOG_OVERHEAD + buf.readInt32BE(position + OFF_BATCH_LENGTH);
}

/** Parses the 61-byte header of the batch at `position`. Throws ProtocolError if it is truncated. */
export function readBatchHeader(buf: Buffer, position = 0): RecordBatchHeader {
  if (position < 0 || buf.length - position < RECORD_BATCH_HEADER_SIZE) {
    throw new ProtocolError(`record batch header truncated: ${Math.max(0, buf.length - position)} of ${RECORD_BATCH_HEADER_SIZE} bytes`);
  }
  const r = new Reader(buf, position, position + RECORD_BATCH_HEADER_SIZE);
  const baseOffset = r.readInt64();
  const batchLength = r.readInt32();
  const partitionLeaderEpoch = r.readInt32();
  const magic = r.readInt8();
  const crc = r.readUInt32();
  const attributes = r.readInt16();
  return {
    baseOffset,
    batchLength,
    partitionLeaderEpoch,
    magic,
    crc,
    attributes,
    compression: attributes & ATTR_CODEC_MASK,
    timestampType: attributes & ATTR_TIMESTAMP_TYPE ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    isTransactional: (attributes & ATTR_TRANSACTIONAL) !== 0,
    isControl: (attributes & ATTR_CONTROL) !== 0,
    lastOffsetDelta: r.readInt32(),
    baseTimestamp: r.readInt64(),
    maxTimestamp: r.readInt64(),
    producerId: r.readInt64Big(),
    producerEpoch: r.readInt16(),
    baseSequence: r.readInt32(),
    recordsCount: r.readInt32(),
  };
}

/** CRC-32C the batch at `position` should carry (over attributes … end). */
export function computeBatchCrc(buf: Buffer, position = 0): number {
  const size = batchSizeAt(buf, position);
  return crc32c(buf, position + OFF_ATTRIBUTES, position + size);
}

/**
 * Splits a records blob into batches, checking each one fully: whole batches only (no trailing
 * partial batch), magic 2, consistent lengths, a plausible record count and a matching CRC-32C.
 * Never throws; returns the reason for the first failure.
 */
export function validateRecordBatches(buf: Buffer): BatchValidation {
  const batches: BatchSlice[] = [];
  let pos = 0;
  let index = 0;
  const fail = (reason: string, errorCode: number = ErrorCode.CORRUPT_MESSAGE): BatchValidation => ({
    ok: false,
    reason: `batch ${index} at byte ${pos}: ${reason}`,
    errorCode,
  });
  if (buf.length === 0) return { ok: false, reason: 'empty record set', errorCode: ErrorCode.CORRUPT_MESSAGE };
  while (pos < buf.length) {
    const left = buf.length - pos;
    if (left < RECORD_BATCH_HEADER_SIZE) {
      // old magic 0/1 message sets can be shorter than 61 bytes: report them as such when possible
      if (left > OFF_MAGIC && buf[pos + OFF_MAGIC]! < 2) return fail(`unsupported magic ${buf[pos + OFF_MAGIC]}`, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
      return fail(`truncated: ${left} bytes left, a batch header needs ${RECORD_BATCH_HEADER_SIZE}`);
    }
    const magic = buf.readInt8(pos + OFF_MAGIC);
    if (magic !== MAGIC_V2) {
      return magic === 0 || magic === 1
        ? fail(`unsupported magic ${magic} (only magic 2 record batches are accepted)`, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT)
        : fail(`invalid magic ${magic}`);
    }
    const batchLength = buf.readInt32BE(pos + OFF_BATCH_LENGTH);
    if (batchLength < RECORD_BATCH_HEADER_SIZE - LOG_OVERHEAD) return fail(`batchLength ${batchLength} is smaller than the header`);
    if (batchLength > left - LOG_OVERHEAD) return fail(`batchLength ${batchLength} exceeds the ${left - LOG_OVERHEAD} bytes left`);
    const size = LOG_OVERHEAD + batchLength;
    const header = readBatchHeader(buf, pos);
    if (header.recordsCount <= 0) return fail(`invalid record count ${header.recordsCount}`);
    if (header.lastOffsetDelta < 0) return fail(`invalid lastOffsetDelta ${header.lastOffsetDelta}`);
    if (header.compression > CompressionCodec.Zstd) {
      return fail(`unknown compression codec ${header.compression}`, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    }
    // uncompressed records take at least 7 bytes each; reject counts the bytes cannot hold
    if (header.compression === CompressionCodec.None && header.recordsCount > (size - RECORD_BATCH_HEADER_SIZE) / 7) {
      return fail(`record count ${header.recordsCount} does not fit in ${size - RECORD_BATCH_HEADER_SIZE} bytes`);
    }
    const computed = crc32c(buf, pos + OFF_ATTRIBUTES, pos + size);
    if (computed !== header.crc) {
      return fail(`CRC mismatch (stored 0x${header.crc.toString(16).padStart(8, '0')}, computed 0x${computed.toString(16).padStart(8, '0')})`);
    }
    batches.push({ position: pos, buffer: buf.subarray(pos, pos + size), header });
    pos += size;
    index++;
  }
  return { ok: true, batches };
}

/**
 * Splits a records blob into batch views by their length fields only (no CRC check). A trailing
 * partial batch (as a size-limited fetch may return) is dropped when `allowPartialTail` is set,
 * otherwise it is a ProtocolError.
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
    if (size < RECORD_BATCH_HEADER_SIZE) throw new ProtocolError(`batch at byte ${pos} is shorter than its header (${size} bytes)`);
    out.push(buf.subarray(pos, pos + size));
    pos += size;
  }
  return out;
}

/** Overwrites baseOffset of the batch at `position` in place (outside the CRC range). */
export function setBaseOffset(buf: Buffer, baseOffset: number, position = 0): void {
  if (buf.length - position < RECORD_BATCH_HEADER_SIZE) throw new ProtocolError('record batch header truncated');
  const w = new Writer(8).writeInt64(baseOffset).toBuffer();
  w.copy(buf, position + OFF_BASE_OFFSET);
}

/** Overwrites partitionLeaderEpoch of the batch at `position` in place (outside the CRC range). */
export function setPartitionLeaderEpoch(buf: Buffer, epoch: number, position = 0): void {
  if (buf.length - position < RECORD_BATCH_HEADER_SIZE) throw new ProtocolError('record batch header truncated');
  buf.writeInt32BE(epoch, position + OFF_LEADER_EPOCH);
}

// ------------------------------------------------------------------ builder

export interface RecordHeader {
  key: string;
  value: Buffer | string | null;
}

export interface RecordInput {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  /** an array (duplicates allowed, order kept) or an object */
  headers?: RecordHeader[] | Record<string, Buffer | string | null>;
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
  /** default -1n (not idempotent) */
  producerId?: bigint;
  /** default -1 */
  producerEpoch?: number;
  /** default -1 */
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
}

const toBytes = (v: Buffer | string | null | undefined): Buffer | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? Buffer.from(v, 'utf8') : v;

function headerList(h: RecordInput['headers']): RecordHeader[] {
  if (!h) return [];
  if (Array.isArray(h)) return h;
  return Object.entries(h).map(([key, value]) => ({ key, value }));
}

/** Builds one UNCOMPRESSED RecordBatch v2 with a valid CRC-32C. */
export function buildRecordBatch(records: readonly RecordInput[], options: BuildBatchOptions = {}): Buffer {
  if (records.length === 0) throw new ProtocolError('a record batch needs at least one record');
  const now = options.timestamp ?? Date.now();
  const timestamps = records.map((rec) => rec.timestamp ?? now);
  const baseTimestamp = timestamps[0]!;
  let maxTimestamp = baseTimestamp;
  for (const t of timestamps) if (t > maxTimestamp) maxTimestamp = t;

  let attributes = CompressionCodec.None as number;
  if (options.timestampType === TimestampType.LogAppendTime) attributes |= ATTR_TIMESTAMP_TYPE;
  if (options.isTransactional) attributes |= ATTR_TRANSACTIONAL;
  if (options.isControl) attributes |= ATTR_CONTROL;

  const w = new Writer(RECORD_BATCH_HEADER_SIZE + records.length * 64);
  w.writeInt64(options.baseOffset ?? 0)
    .writeInt32(0) // batchLength, patched below
    .writeInt32(options.partitionLeaderEpoch ?? -1)
    .writeInt8(MAGIC_V2)
    .writeUInt32(0) // crc, patched below
    .writeInt16(attributes)
    .writeInt32(records.length - 1)
    .writeInt64(baseTimestamp)
    .writeInt64(maxTimestamp)
    .writeInt64Big(options.producerId ?? -1n)
    .writeInt16(options.producerEpoch ?? -1)
    .writeInt32(options.baseSequence ?? -1)
    .writeInt32(records.length);

  const body = new Writer(128);
  records.forEach((rec, i) => {
    body.writeInt8(0); // record attributes (unused)
    body.writeVarLong(timestamps[i]! - baseTimestamp);
    body.writeVarInt(i);
    writeVarBytes(body, toBytes(rec.key));
    writeVarBytes(body, toBytes(rec.value));
    const headers = headerList(rec.headers);
    body.writeVarInt(headers.length);
    for (const h of headers) {
      const k = Buffer.from(h.key, 'utf8');
      body.writeVarInt(k.length).writeRaw(k);
      writeVarBytes(body, toBytes(h.value));
    }
    const encoded = body.toBuffer();
    w.writeVarInt(encoded.length).writeRaw(encoded);
    body.reset();
  });

  const batch = w.toBuffer();
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, OFF_BATCH_LENGTH);
  batch.writeUInt32BE(crc32c(batch, OFF_ATTRIBUTES), OFF_CRC);
  return batch;
}

function writeVarBytes(w: Writer, b: Buffer | null): void {
  if (b === null) w.writeVarInt(-1);
  else w.writeVarInt(b.length).writeRaw(b);
}

// ------------------------------------------------------------------ decoder

export interface DecodedRecord {
  offset: number;
  /** for LogAppendTime batches this is the batch's maxTimestamp */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
}

export interface DecodedBatch {
  header: RecordBatchHeader;
  records: DecodedRecord[];
}

/**
 * Decodes the records of one UNCOMPRESSED batch (the buffer may hold more after it; only the first
 * batch is read). Keys, values and header values are views into `batch`. Throws ProtocolError for
 * compressed or malformed batches; the CRC is not checked here (see validateRecordBatches).
 */
export function decodeRecordBatch(batch: Buffer): DecodedBatch {
  const header = readBatchHeader(batch);
  if (header.magic !== MAGIC_V2) throw new ProtocolError(`unsupported magic ${header.magic}`);
  if (header.compression !== CompressionCodec.None) {
    throw new ProtocolError(`compressed batch (codec ${header.compression}) cannot be decoded here`);
  }
  const size = LOG_OVERHEAD + header.batchLength;
  if (header.batchLength < 0 || size > batch.length) throw new ProtocolError(`batch of ${size} bytes truncated to ${batch.length}`);
  const r = new Reader(batch, RECORD_BATCH_HEADER_SIZE, size);
  if (header.recordsCount < 0 || header.recordsCount > r.remaining) throw new ProtocolError(`invalid record count ${header.recordsCount}`);
  const records: DecodedRecord[] = [];
  for (let i = 0; i < header.recordsCount; i++) {
    const length = r.readVarInt();
    if (length < 0) throw new ProtocolError(`negative record length ${length}`);
    r.need(length);
    const rr = new Reader(batch, r.offset, r.offset + length);
    r.skip(length);
    rr.readInt8(); // attributes
    const timestampDelta = rr.readVarLong();
    const offsetDelta = rr.readVarInt();
    const key = readVarBytes(rr);
    const value = readVarBytes(rr);
    const headerCount = rr.readVarInt();
    if (headerCount < 0 || headerCount > rr.remaining) throw new ProtocolError(`invalid header count ${headerCount}`);
    const headers: Array<{ key: string; value: Buffer | null }> = [];
    for (let h = 0; h < headerCount; h++) {
      const klen = rr.readVarInt();
      if (klen < 0) throw new ProtocolError(`invalid header key length ${klen}`);
      headers.push({ key: rr.readUtf8(klen), value: readVarBytes(rr) });
    }
    if (rr.remaining !== 0) throw new ProtocolError(`record ${i}: ${rr.remaining} unexpected trailing bytes`);
    records.push({
      offset: header.baseOffset + offsetDelta,
      timestamp: header.timestampType === TimestampType.LogAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
      key,
      value,
      headers,
    });
  }
  return { header, records };
}

/** Decodes every batch in a records blob (e.g. a Fetch partition's `records`), dropping a partial tail. */
export function decodeRecordBatches(blob: Buffer): DecodedBatch[] {
  return splitRecordBatches(blob, true).map(decodeRecordBatch);
}

function readVarBytes(r: Reader): Buffer | null {
  const len = r.readVarInt();
  if (len === -1) return null;
  if (len < -1) throw new ProtocolError(`invalid length ${len}`);
  return r.readRaw(len);
}
