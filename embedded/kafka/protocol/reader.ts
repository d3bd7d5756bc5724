/**
 * Bounds-checked reader of Kafka primitive types over a Buffer (big-endian).
 *
 * Rules:
 * - Every read checks the bytes left first and throws `ProtocolError` on truncation; nothing ever
 *   reads past the end.
 * - Lengths and counts from the wire are checked against the bytes left BEFORE anything is allocated
 *   or looped over (every array element takes at least one byte), so a hostile length can never
 *   trigger a huge allocation.
 * - Bytes (`readBytes`, `readNullableBytes`, compact variants) are zero-copy views into the source
 *   Buffer. Copy them if the source is reused.
 *
 * INT64 choice: `readInt64()` returns a JS `number`. Offsets, timestamps and durations all fit in
 * 2^53, and numbers are much cheaper than bigint; values beyond ±2^53 are rounded to the nearest
 * double. Where an exact 64-bit value matters (producer ids) use `readInt64Big()` → `bigint`.
 */
import { ProtocolError } from './errors.ts';

const TWO_32 = 4294967296;

export class Reader {
  offset: number;
  private readonly end: number;

  constructor(
    readonly buffer: Buffer,
    offset = 0,
    end = buffer.length,
  ) {
    if (offset < 0 || end > buffer.length || offset > end) throw new ProtocolError('reader: bad bounds');
    this.offset = offset;
    this.end = end;
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.end - this.offset;
  }

  /** Throws unless `n` more bytes are available. */
  need(n: number): void {
    if (n > this.end - this.offset) {
      throw new ProtocolError(`truncated input: need ${n} bytes at offset ${this.offset}, only ${this.end - this.offset} left`);
    }
  }

  skip(n: number): void {
    if (n < 0) throw new ProtocolError(`negative skip ${n}`);
    this.need(n);
    this.offset += n;
  }

  // ---- fixed-width integers ----

  readInt8(): number {
    this.need(1);
    return this.buffer.readInt8(this.offset++);
  }

  readUInt8(): number {
    this.need(1);
    return this.buffer[this.offset++]!;
  }

  readInt16(): number {
    this.need(2);
    const v = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  readInt32(): number {
    this.need(4);
    const v = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  readUInt32(): number {
    this.need(4);
    const v = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  /** INT64 as a number: exact within ±2^53, rounded beyond (see the file comment). */
  readInt64(): number {
    this.need(8);
    const hi = this.buffer.readInt32BE(this.offset);
    const lo = this.buffer.readUInt32BE(this.offset + 4);
    this.offset += 8;
    return hi * TWO_32 + lo;
  }

  /** INT64 as an exact bigint (producer ids). */
  readInt64Big(): bigint {
    this.need(8);
    const v = this.buffer.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  readBoolean(): boolean {
    return this.readUInt8() !== 0;
  }

  /** UUID as 16 raw bytes rendered in the usual 8-4-4-4-12 hex form. */
  readUuid(): string {
    this.need(16);
    const h = this.buffer.toString('hex', this.offset, this.offset + 16);
    this.offset += 16;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // ---- varints ----

  /** UNSIGNED_VARINT (LEB128), at most 5 bytes, value in [0, 2^32). */
  readUVarInt(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.readUInt8();
      if (i === 4 && b > 0x0f) throw new ProtocolError('unsigned varint overflows 32 bits');
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
    throw new ProtocolError('unsigned varint longer than 5 bytes');
  }

  /** VARINT: zig-zag encoded 32-bit signed value. */
  readVarInt(): number {
    const u = this.readUVarInt();
    // u < 2^32; zig-zag decode without going through signed 32-bit overflow surprises
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** Unsigned LEB128 up to 10 bytes, as a number (exact below 2^53). */
  readUVarLong(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.readUInt8();
      if (i === 9 && b > 0x01) throw new ProtocolError('unsigned varlong overflows 64 bits');
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw new ProtocolError('varlong longer than 10 bytes');
  }

  /** VARLONG: zig-zag encoded 64-bit signed value, as a number (exact within ±2^53). */
  readVarLong(): number {
    const start = this.offset;
    const u = this.readUVarLong();
    if (u < 2 ** 53) return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    // the zig-zag value itself is beyond 2^53: redo it exactly with bigint
    let big = 0n;
    let shift = 0n;
    for (let i = start; i < this.offset; i++, shift += 7n) big |= BigInt(this.buffer[i]! & 0x7f) << shift;
    return Number((big >> 1n) ^ -(big & 1n));
  }

  // ---- strings and bytes (classic encodings) ----

  /** STRING: INT16 length + UTF-8. A -1 length is an error here (use readNullableString). */
  readString(): string {
    const s = this.readNullableString();
    if (s === null) throw new ProtocolError(`null string at offset ${this.offset - 2} where a string is required`);
    return s;
  }

  /** NULLABLE_STRING: INT16 length (-1 = null) + UTF-8. */
  readNullableString(): string | null {
    const len = this.readInt16();
    if (len === -1) return null;
    if (len < -1) throw new ProtocolError(`invalid string length ${len}`);
    return this.readUtf8(len);
  }

  /** BYTES: INT32 length + bytes (view). */
  readBytes(): Buffer {
    const b = this.readNullableBytes();
    if (b === null) throw new ProtocolError(`null bytes at offset ${this.offset - 4} where bytes are required`);
    return b;
  }

  /** NULLABLE_BYTES / RECORDS: INT32 length (-1 = null) + bytes (view). */
  readNullableBytes(): Buffer | null {
    const len = this.readInt32();
    if (len === -1) return null;
    if (len < -1) throw new ProtocolError(`invalid bytes length ${len}`);
    return this.readRaw(len);
  }

  /** `n` raw bytes as a view. */
  readRaw(n: number): Buffer {
    if (n < 0) throw new ProtocolError(`negative length ${n}`);
    this.need(n);
    const b = this.buffer.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }

  readUtf8(n: number): string {
    if (n < 0) throw new ProtocolError(`negative length ${n}`);
    this.need(n);
    const s = this.buffer.toString('utf8', this.offset, this.offset + n);
    this.offset += n;
    return s;
  }

  // ---- arrays (classic encoding) ----

  /** ARRAY: INT32 count. A -1 count is an error here (use readNullableArray). */
  readArray<T>(readItem: (r: Reader) => T): T[] {
    const a = this.readNullableArray(readItem);
    if (a === null) throw new ProtocolError('null array where an array is required');
    return a;
  }

  /** Nullable ARRAY: INT32 count, -1 = null. */
  readNullableArray<T>(readItem: (r: Reader) => T): T[] | null {
    const n = this.readInt32();
    if (n === -1) return null;
    return this.readItems(n, readItem);
  }

  // ---- flexible (compact) encodings ----

  /** COMPACT_STRING: uvarint(len+1) + UTF-8; 0 is an error here. */
  readCompactString(): string {
    const s = this.readCompactNullableString();
    if (s === null) throw new ProtocolError('null compact string where a string is required');
    return s;
  }

  /** COMPACT_NULLABLE_STRING: uvarint(len+1), 0 = null. */
  readCompactNullableString(): string | null {
    const n = this.readUVarInt();
    if (n === 0) return null;
    return this.readUtf8(n - 1);
  }

  readCompactBytes(): Buffer {
    const b = this.readCompactNullableBytes();
    if (b === null) throw new ProtocolError('null compact bytes where bytes are required');
    return b;
  }

  /** COMPACT_NULLABLE_BYTES / COMPACT_RECORDS: uvarint(len+1), 0 = null (view). */
  readCompactNullableBytes(): Buffer | null {
    const n = this.readUVarInt();
    if (n === 0) return null;
    return this.readRaw(n - 1);
  }

  readCompactArray<T>(readItem: (r: Reader) => T): T[] {
    const a = this.readCompactNullableArray(readItem);
    if (a === null) throw new ProtocolError('null compact array where an array is required');
    return a;
  }

  /** COMPACT_ARRAY: uvarint(count+1), 0 = null. */
  readCompactNullableArray<T>(readItem: (r: Reader) => T): T[] | null {
    const n = this.readUVarInt();
    if (n === 0) return null;
    return this.readItems(n - 1, readItem);
  }

  /**
   * TAG_BUFFER: uvarint count, then (uvarint tag, uvarint size, bytes) per field. We model no
   * tagged fields, so all are skipped (after bounds and ordering checks).
   */
  skipTaggedFields(): void {
    const count = this.readUVarInt();
    if (count > this.remaining) throw new ProtocolError(`tagged field count ${count} exceeds ${this.remaining} bytes left`);
    let prev = -1;
    for (let i = 0; i < count; i++) {
      const tag = this.readUVarInt();
      if (tag <= prev) throw new ProtocolError(`tagged fields out of order: tag ${tag} after ${prev}`);
      prev = tag;
      this.skip(this.readUVarInt());
    }
  }

  private readItems<T>(n: number, readItem: (r: Reader) => T): T[] {
    if (n < 0) throw new ProtocolError(`invalid array count ${n}`);
    // every element occupies at least one byte: reject impossible counts before looping
    if (n > this.remaining) throw new ProtocolError(`array count ${n} exceeds ${this.remaining} bytes left`);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(readItem(this));
    return out;
  }
}
