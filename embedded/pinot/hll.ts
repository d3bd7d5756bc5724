/**
 * Pinot's DISTINCTCOUNTHLL estimate. Pinot (0.11 and 1.2 alike) offers every value to clearspring stream-lib's
 * `HyperLogLog` (log2m 8 by default, `CommonConstants.Helix.DEFAULT_HYPERLOGLOG_LOG2M`) and answers its
 * `cardinality()`. Reproduced here so ours answers the same estimate for the same distinct values:
 *   - the value's 32-bit MurmurHash 2 (`MurmurHash.hash(Object)`): integers (INT and LONG alike) and the raw
 *     bits of FLOAT / DOUBLE through `hashLong`, strings as their UTF-8 bytes with seed -1, bytes as they are;
 *   - register `hash >>> (32 - log2m)` keeps the largest `numberOfLeadingZeros((hash << log2m) | (2^(log2m-1) + 1)) + 1`;
 *   - the estimate `alpha·m² / Σ 2^-register`, with linear counting `m·ln(m / zeros)` while it is at most 2.5·m,
 *     rounded.
 * The registers of a union are the maxima of each part's, so the estimate depends only on the set of distinct
 * values: ours hashes the distinct values DuckDB collects.
 */

const M = 0x5bd1e995;

/** MurmurHash 2 of a long, as clearspring's `hashLong` (Java int arithmetic). */
export function murmurHashLong(value: bigint): number {
  const low = Number(BigInt.asIntN(32, value));
  const high = Number(BigInt.asIntN(32, value >> 32n));
  let k = Math.imul(low, M);
  k ^= k >>> 24;
  let h = Math.imul(k, M);
  k = Math.imul(high, M);
  k ^= k >>> 24;
  h = Math.imul(h, M);
  h ^= Math.imul(k, M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** MurmurHash 2 of bytes with seed -1, as clearspring's `hash(byte[])` (Java's signed bytes in the tail). */
export function murmurHashBytes(data: Uint8Array): number {
  const length = data.length;
  let h = -1 ^ length;
  const whole = length >> 2;
  for (let i = 0; i < whole; i++) {
    const at = i << 2;
    let k = data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const left = length - (whole << 2);
  const signed = (i: number) => (data[i]! << 24) >> 24;
  if (left !== 0) {
    if (left >= 3) h ^= signed(length - 3) << 16;
    if (left >= 2) h ^= signed(length - 2) << 8;
    h ^= signed(length - 1);
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

const scratch = new DataView(new ArrayBuffer(8));

/** A FLOAT's hash: `hashLong(Float.floatToRawIntBits(f))`, the int bits widened with their sign. */
export function murmurHashFloat(value: number): number {
  scratch.setFloat32(0, value);
  return murmurHashLong(BigInt(scratch.getInt32(0)));
}

/** A DOUBLE's hash: `hashLong(Double.doubleToRawLongBits(d))`. */
export function murmurHashDouble(value: number): number {
  scratch.setFloat64(0, value);
  return murmurHashLong(scratch.getBigInt64(0));
}

const utf8 = new TextEncoder();

export const murmurHashString = (value: string): number => murmurHashBytes(utf8.encode(value));

/** clearspring's `getAlphaMM`. */
function alphaMM(log2m: number, m: number): number {
  if (log2m === 4) return 0.673 * m * m;
  if (log2m === 5) return 0.697 * m * m;
  if (log2m === 6) return 0.709 * m * m;
  return (0.7213 / (1 + 1.079 / m)) * m * m;
}

/** HyperLogLog's estimate of how many distinct values have these hashes (`cardinality()`). */
export function hllEstimate(hashes: Iterable<number>, log2m: number): number {
  if (!Number.isInteger(log2m) || log2m < 0 || log2m > 30) throw new RangeError(`log2m argument is ${log2m} and is outside the range [0, 30]`);
  const m = 2 ** log2m;
  const registers = new Uint8Array(m);
  const low = ((1 << (log2m - 1)) + 1) | 0;
  for (const hash of hashes) {
    const j = log2m === 0 ? 0 : hash >>> (32 - log2m);
    const r = Math.clz32(((hash << log2m) | low) >>> 0) + 1;
    if (r > registers[j]!) registers[j] = r;
  }
  let sum = 0;
  let zeros = 0;
  for (const register of registers) {
    sum += 1 / 2 ** register;
    if (register === 0) zeros++;
  }
  const estimate = alphaMM(log2m, m) / sum;
  // Java's Math.round: half up.
  return Math.floor((estimate <= 2.5 * m ? m * Math.log(m / zeros) : estimate) + 0.5);
}
