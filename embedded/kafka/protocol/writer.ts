/**
 * Growable writer of Kafka primitive types (big-endian). Methods chain.
 *
 * INT64: `writeInt64` takes a number (offsets, timestamps; any integer up to ±2^63 that a double
 * holds exactly), `writeInt64Big` a bigint (producer ids). Non-integers are rejected.
 *
 * `toBuffer()` returns a view of the internal storage (no copy); do not keep writing afterwards.
 */
import { ProtocolError } from './errors.ts';

const TWO_32 = 4294967296;
const INT64_LIMIT = 2 ** 63;
const INT64_MIN_BIG = -(2n ** 63n);
const INT64_MAX_BIG = 2n ** 63n - 1n;

/** Range check that throws ProtocolError (Buffer would throw a RangeError). */
function checkInt(v: number, min: number, max: number, type: string): void {
  if (!(v >= min && v <= max) || !Number.isInteger(v)) throw new ProtocolError(`not an ${type}: ${v}`);
}

export class Writer {
  private buf: Buffer;
  private pos = 0;

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialCapacity));
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** Makes room for `n` more bytes. */
  private ensure(n: number): void {
    const needed = this.pos + n;
    if (needed <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < needed) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  toBuffer(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Forgets what was written (keeps the storage); earlier `toBuffer()` views get overwritten. */
  reset(): this {
    this.pos = 0;
    return this;
  }

  // ---- fixed-width integers ----

  writeInt8(v: number): this {
    checkInt(v, -128, 127, 'int8');
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }

  writeUInt8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  writeInt16(v: number): this {
    checkInt(v, -32768, 32767, 'int16');
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  writeInt32(v: number): this {
    checkInt(v, -2147483648, 2147483647, 'int32');
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  writeUInt32(v: number): this {
    checkInt(v, 0, 4294967295, 'uint32');
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  writeInt64(v: number): this {
    if (!Number.isInteger(v) || v >= INT64_LIMIT || v < -INT64_LIMIT) {
      throw new ProtocolError(`not an int64: ${v}`);
    }
    this.ensure(8);
    const hi = Math.floor(v / TWO_32);
    const lo = v - hi * TWO_32;
    this.buf.writeInt32BE(hi, this.pos);
    this.buf.writeUInt32BE(lo, this.pos + 4);
    this.pos += 8;
    return this;
  }

  writeInt64Big(v: bigint): this {
    if (v < INT64_MIN_BIG || v > INT64_MAX_BIG) throw new ProtocolError(`not an int64: ${v}`);
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
    return this;
  }

  writeBoolean(v: boolean): this {
    return this.writeUInt8(v ? 1 : 0);
  }

  /** UUID from its hex form (dashes optional). */
  writeUuid(uuid: string): this {
    const hex = uuid.replace(/-/g, '');
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new ProtocolError(`not a uuid: ${uuid}`);
    this.ensure(16);
    this.buf.write(hex, this.pos, 16, 'hex');
    this.pos += 16;
    return this;
  }

  // ---- varints ----

  /** UNSIGNED_VARINT for a value in [0, 2^32). */
  writeUVarInt(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v >= TWO_32) throw new ProtocolError(`not a uint32 varint: ${v}`);
    this.ensure(5);
    let n = v >>> 0;
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.pos++] = n;
    return this;
  }

  /** VARINT (zig-zag) for a signed 32-bit value. */
  writeVarInt(v: number): this {
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw new ProtocolError(`not an int32 varint: ${v}`);
    return this.writeUVarInt(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /** Unsigned LEB128 of a non-negative integer number (up to 10 bytes). */
  writeUVarLong(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v >= 2 ** 64) throw new ProtocolError(`not a uint64 varlong: ${v}`);
    this.ensure(10);
    let n = v;
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
    return this;
  }

  /** VARLONG (zig-zag) for a signed safe integer (|v| < 2^53). */
  writeVarLong(v: number): this {
    if (!Number.isSafeInteger(v)) throw new ProtocolError(`not a safe-integer varlong: ${v}`);
    if (v < 2 ** 52 && v > -(2 ** 52)) return this.writeUVarLong(v >= 0 ? v * 2 : -v * 2 - 1);
    // the zig-zag value would exceed 2^53: encode exactly with bigint
    const b = BigInt(v);
    let z = b >= 0n ? b << 1n : (-b << 1n) - 1n;
    this.ensure(10);
    while (z >= 0x80n) {
      this.buf[this.pos++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    this.buf[this.pos++] = Number(z);
    return this;
  }

  // ---- strings and bytes (classic encodings) ----

  writeString(s: string): this {
    return this.writeNullableString(s);
  }

  writeNullableString(s: string | null): this {
    if (s === null) return this.writeInt16(-1);
    const len = Buffer.byteLength(s, 'utf8');
    if (len > 0x7fff) throw new ProtocolError(`string of ${len} bytes is too long for INT16 length`);
    this.ensure(2 + len);
    this.buf.writeInt16BE(len, this.pos);
    this.buf.write(s, this.pos + 2, len, 'utf8');
    this.pos += 2 + len;
    return this;
  }

  writeBytes(b: Uint8Array): this {
    return this.writeNullableBytes(b);
  }

  writeNullableBytes(b: Uint8Array | null): this {
    if (b === null) return this.writeInt32(-1);
    this.writeInt32(b.length);
    return this.writeRaw(b);
  }

  /** Raw bytes, no length prefix. */
  writeRaw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  // ---- arrays (classic encoding) ----

  writeArray<T>(items: readonly T[], writeItem: (w: Writer, item: T) => void): this {
    this.writeInt32(items.length);
    for (const item of items) writeItem(this, item);
    return this;
  }

  writeNullableArray<T>(items: readonly T[] | null, writeItem: (w: Writer, item: T) => void): this {
    if (items === null) return this.writeInt32(-1);
    return this.writeArray(items, writeItem);
  }

  // ---- flexible (compact) encodings ----

  writeCompactString(s: string): this {
    return this.writeCompactNullableString(s);
  }

  writeCompactNullableString(s: string | null): this {
    if (s === null) return this.writeUVarInt(0);
    const len = Buffer.byteLength(s, 'utf8');
    this.writeUVarInt(len + 1);
    this.ensure(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
    return this;
  }

  writeCompactBytes(b: Uint8Array): this {
    return this.writeCompactNullableBytes(b);
  }

  writeCompactNullableBytes(b: Uint8Array | null): this {
    if (b === null) return this.writeUVarInt(0);
    this.writeUVarInt(b.length + 1);
    return this.writeRaw(b);
  }

  writeCompactArray<T>(items: readonly T[], writeItem: (w: Writer, item: T) => void): this {
    this.writeUVarInt(items.length + 1);
    for (const item of items) writeItem(this, item);
    return this;
  }

  writeCompactNullableArray<T>(items: readonly T[] | null, writeItem: (w: Writer, item: T) => void): this {
    if (items === null) return this.writeUVarInt(0);
    return this.writeCompactArray(items, writeItem);
  }

  /** An empty TAG_BUFFER (we never send tagged fields). */
  writeEmptyTaggedFields(): this {
    return this.writeUInt8(0);
  }

  // ---- patching ----

  /** Overwrites an INT32 already written at `at` (e.g. a size prefix). */
  patchInt32(at: number, v: number): this {
    if (at < 0 || at + 4 > this.pos) throw new ProtocolError(`patch outside written range: ${at}`);
    this.buf.writeInt32BE(v, at);
    return this;
  }
}
