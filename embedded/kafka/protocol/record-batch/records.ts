/**
 * The records inside a batch's (uncompressed) body, DefaultRecord.java: a varint length, an attributes
 * byte, zig-zag varint timestamp and offset deltas against the batch header, key, value and headers.
 */
import { ProtocolError } from '../errors.ts';
import { Reader } from '../reader.ts';
import { Writer } from '../writer.ts';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** One record as it sits in a body; keys, values and `bytes` are views into the body. */
export interface RecordView {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** The whole record, length prefix included. */
  bytes: Buffer;
  /** Where the attributes byte sits in `bytes`. */
  attributesAt: number;
  /** Where offsetDelta starts in `bytes`; nothing from here on depends on the batch's baseTimestamp. */
  afterTimestampAt: number;
}

/** The `count` records of `body`. Throws ProtocolError for a record that overruns its length or the body. */
export function* readRecords(body: Buffer, count: number): Generator<RecordView> {
  if (count < 0 || count > body.length) throw new ProtocolError(`invalid record count ${count}`);
  const r = new Reader(body, 0, body.length);
  for (let i = 0; i < count; i++) {
    const recordStart = r.offset;
    const length = r.readVarInt();
    if (length < 0) throw new ProtocolError(`record ${i}: negative length ${length}`);
    const attributesAt = r.offset - recordStart;
    r.need(length);
    const end = r.offset + length;
    const rr = new Reader(body, r.offset, end);
    r.skip(length);
    rr.readInt8(); // attributes: unused by magic 2
    const timestampDelta = rr.readVarLong();
    const afterTimestampAt = rr.offset - recordStart;
    const offsetDelta = rr.readVarInt();
    const key = readVarBytes(rr);
    const value = readVarBytes(rr);
    const headers = readHeaders(rr);
    if (rr.remaining !== 0) throw new ProtocolError(`record ${i}: ${rr.remaining} unexpected trailing bytes`);
    yield { offsetDelta, timestampDelta, key, value, headers, bytes: body.subarray(recordStart, end), attributesAt, afterTimestampAt };
  }
}

function readHeaders(r: Reader): RecordHeader[] {
  const count = r.readVarInt();
  if (count < 0 || count > r.remaining) throw new ProtocolError(`invalid header count ${count}`);
  const headers: RecordHeader[] = [];
  for (let h = 0; h < count; h++) {
    const keyLength = r.readVarInt();
    if (keyLength < 0) throw new ProtocolError(`invalid header key length ${keyLength}`);
    headers.push({ key: r.readUtf8(keyLength), value: readVarBytes(r) });
  }
  return headers;
}

function readVarBytes(r: Reader): Buffer | null {
  const length = r.readVarInt();
  if (length === -1) return null;
  if (length < -1) throw new ProtocolError(`invalid length ${length}`);
  return r.readRaw(length);
}

export interface RecordFields {
  timestampDelta: number;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly { key: string; value: Buffer | null }[];
}

/** Appends one record, length prefix included, to `out`; `scratch` is reused for the record's body. */
export function writeRecord(out: Writer, record: RecordFields, scratch = new Writer(128)): void {
  scratch.reset();
  scratch.writeInt8(0); // attributes: unused by magic 2
  scratch.writeVarLong(record.timestampDelta);
  scratch.writeVarInt(record.offsetDelta);
  writeVarBytes(scratch, record.key);
  writeVarBytes(scratch, record.value);
  scratch.writeVarInt(record.headers.length);
  for (const h of record.headers) {
    const key = Buffer.from(h.key, 'utf8');
    scratch.writeVarInt(key.length).writeRaw(key);
    writeVarBytes(scratch, h.value);
  }
  const body = scratch.toBuffer();
  out.writeVarInt(body.length).writeRaw(body);
}

function writeVarBytes(w: Writer, b: Buffer | null): void {
  if (b === null) w.writeVarInt(-1);
  else w.writeVarInt(b.length).writeRaw(b);
}

/** The record's bytes with a different timestampDelta (when the batch's baseTimestamp changes). */
export function withTimestampDelta(record: RecordView, timestampDelta: number): Buffer {
  if (timestampDelta === record.timestampDelta) return record.bytes;
  const body = new Writer(record.bytes.length + 8)
    .writeRaw(record.bytes.subarray(record.attributesAt, record.attributesAt + 1))
    .writeVarLong(timestampDelta)
    .writeRaw(record.bytes.subarray(record.afterTimestampAt))
    .toBuffer();
  return new Writer(body.length + 5).writeVarInt(body.length).writeRaw(body).toBuffer();
}
