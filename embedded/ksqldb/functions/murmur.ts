// The 32-bit hash ksqlDB's COUNT_DISTINCT feeds its HyperLogLog: clearspring stream-lib's
// `MurmurHash.hash(Object)` (MurmurHash2, stream-lib 2.9.5 as bundled by ksqlDB 0.29), applied to the
// Java object ksqlDB hands the UDAF for each SQL type. Integer and Long go through the 64-bit integer
// path, Double through its raw IEEE bits, String through its UTF-8 bytes (the server's default charset:
// Confluent's images set LANG=C.UTF-8), anything else through its toString() as a String.
import type { Long } from '../expr/long.ts';
import { javaObjectText } from '../expr/javaText.ts';
import type { SqlType } from '../types.ts';

const MIX = 0x5bd1e995;

/** MurmurHash.hashLong: the low and high 32-bit words of a Java long. */
export function murmurLong(lo: number, hi: number): number {
  let k = Math.imul(lo, MIX);
  k ^= k >>> 24;
  let h = Math.imul(k, MIX);
  k = Math.imul(hi, MIX);
  k ^= k >>> 24;
  h = Math.imul(h, MIX) ^ Math.imul(k, MIX);
  h ^= h >>> 13;
  h = Math.imul(h, MIX);
  return (h ^ (h >>> 15)) | 0;
}

/** MurmurHash.hash(byte[]): seed -1; note Java's signed bytes in the 1-3 byte tail (sign-extended). */
export function murmurBytes(data: Uint8Array, length: number): number {
  let h = ~length; // -1 ^ length
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, MIX);
    k ^= k >>> 24;
    h = Math.imul(h, MIX) ^ Math.imul(k, MIX);
  }
  const left = length - whole;
  if (left > 0) {
    const signed = (i: number) => (data[i]! << 24) >> 24;
    if (left >= 3) h ^= signed(length - 3) << 16;
    if (left >= 2) h ^= signed(length - 2) << 8;
    h ^= signed(length - 1);
    h = Math.imul(h, MIX);
  }
  h ^= h >>> 13;
  h = Math.imul(h, MIX);
  return (h ^ (h >>> 15)) | 0;
}

// reused UTF-8 buffer: strings are hashed one at a time on the engine's thread
let utf8 = new Uint8Array(256);

/**
 * Java's String.getBytes() in UTF-8 into the shared buffer; returns the byte length. Java writes '?'
 * for an unpaired surrogate (TextEncoder would write U+FFFD), so the encoding is done by hand.
 */
function encodeUtf8(s: string): number {
  if (utf8.length < s.length * 3) utf8 = new Uint8Array(s.length * 3);
  const out = utf8;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const lo = s.charCodeAt(i + 1);
      if (c <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i++;
        out[n++] = 0xf0 | (c >> 18);
        out[n++] = 0x80 | ((c >> 12) & 0x3f);
        out[n++] = 0x80 | ((c >> 6) & 0x3f);
        out[n++] = 0x80 | (c & 0x3f);
      } else {
        out[n++] = 0x3f; // '?'
      }
    } else {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    }
  }
  return n;
}

export function murmurString(s: string): number {
  return murmurBytes(utf8, encodeUtf8(s));
}

const TWO_32 = 2 ** 32;

/** A BIGINT (a JS number while exact, else a bigint) as the Java long it is. */
export function murmurBigint(v: Long): number {
  if (typeof v === 'bigint') return murmurLong(Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)));
  const hi = Math.floor(v / TWO_32);
  return murmurLong((v - hi * TWO_32) | 0, hi | 0);
}

const bits = new DataView(new ArrayBuffer(8));

/** Double.doubleToRawLongBits, then hashLong. */
export function murmurDouble(d: number): number {
  bits.setFloat64(0, d, true);
  return murmurLong(bits.getInt32(0, true), bits.getInt32(4, true));
}

/** The hash ksqlDB's COUNT_DISTINCT computes for a non-null value of the given SQL type. */
export function javaHashFor(type: SqlType): (v: unknown) => number {
  switch (type.base) {
    case 'INTEGER':
      // Integer is widened to long: a negative int's high word is all ones
      return (v) => {
        const i = (v as number) | 0;
        return murmurLong(i, i >> 31);
      };
    case 'BIGINT':
      return (v) => murmurBigint(v as Long);
    case 'DOUBLE':
      return (v) => murmurDouble(Number(v));
    case 'STRING':
      return (v) => murmurString(String(v));
    default:
      return (v) => murmurString(javaObjectText(v, type));
  }
}
