/**
 * The records inside an uncompressed batch body (kafka-protocol.md §3.17): zig-zag varint lengths, a
 * timestamp and offset delta against the batch header, key, value and headers. Only compaction and
 * timestamp lookup look inside batches; appends and reads never do.
 */

export interface RecordView {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  /** The whole record, length prefix included. */
  bytes: Buffer;
  /** Where the attributes byte sits in `bytes`. */
  attributesAt: number;
  /** Where offsetDelta starts in `bytes`; nothing from here on depends on the batch's baseTimestamp. */
  afterTimestampAt: number;
}

export class MalformedRecordError extends Error {
  constructor(detail: string) {
    super(`malformed record: ${detail}`);
    this.name = 'MalformedRecordError';
  }
}

export function* readRecords(body: Buffer, count: number): Generator<RecordView> {
  const cursor = new VarintCursor(body, 0);
  for (let i = 0; i < count; i++) {
    const recordStart = cursor.pos;
    const length = cursor.varint();
    const attributesAt = cursor.pos - recordStart;
    const end = cursor.pos + length;
    if (length < 0 || end > body.length) throw new MalformedRecordError(`record ${i} overruns the batch`);
    cursor.pos += 1;
    const timestampDelta = cursor.varint();
    const afterTimestampAt = cursor.pos - recordStart;
    const offsetDelta = cursor.varint();
    const key = cursor.nullableBytes();
    const value = cursor.nullableBytes();
    if (cursor.pos > end) throw new MalformedRecordError(`record ${i} fields overrun its length`);
    cursor.pos = end;
    yield { offsetDelta, timestampDelta, key, value, bytes: body.subarray(recordStart, end), attributesAt, afterTimestampAt };
  }
}

/** The record's bytes with a different timestampDelta (when the batch's baseTimestamp changes). */
export function withTimestampDelta(record: RecordView, timestampDelta: number): Buffer {
  if (timestampDelta === record.timestampDelta) return record.bytes;
  const body = Buffer.concat([
    record.bytes.subarray(record.attributesAt, record.attributesAt + 1),
    encodeVarint(timestampDelta),
    record.bytes.subarray(record.afterTimestampAt),
  ]);
  return Buffer.concat([encodeVarint(body.length), body]);
}

/** Zig-zag varint/varlong, exact for magnitudes below 2^53. */
export function encodeVarint(value: number): Buffer {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  const bytes: number[] = [];
  while (zigzag >= 0x80) {
    bytes.push((zigzag % 0x80) | 0x80);
    zigzag = Math.floor(zigzag / 0x80);
  }
  bytes.push(zigzag);
  return Buffer.from(bytes);
}

class VarintCursor {
  constructor(
    private readonly buf: Buffer,
    public pos: number,
  ) {}

  varint(): number {
    let unsigned = 0;
    let multiplier = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this.buf[this.pos++];
      if (byte === undefined) throw new MalformedRecordError('varint runs past the batch');
      unsigned += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return unsigned % 2 === 0 ? unsigned / 2 : -(unsigned + 1) / 2;
      multiplier *= 0x80;
    }
    throw new MalformedRecordError('varint longer than 10 bytes');
  }

  nullableBytes(): Buffer | null {
    const length = this.varint();
    if (length < 0) return null;
    if (this.pos + length > this.buf.length) throw new MalformedRecordError('field runs past the batch');
    const bytes = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return bytes;
  }
}
