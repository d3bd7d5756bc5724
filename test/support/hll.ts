/**
 * What real ksqlDB's COUNT_DISTINCT answers for a set of values, for the tests' independent
 * recomputations: clearspring stream-lib 2.9.5's HyperLogLog(log2m = 14), written here from the
 * algorithm on its own (one plain array of registers, no sparse form, no incremental sum), apart from
 * the engine's embedded/ksqldb/functions/hyperloglog.ts. Both are anchored by the golden values in
 * test/ksqldb/count-distinct-hll.test.ts, produced by the real stream-lib jar.
 *
 * A HyperLogLog of a union equals the register-wise maximum of the parts', so a test can keep the set
 * of values of a group (or of merged sessions) and estimate it once at the end.
 */

const LOG2M = 14;
const REGISTERS = 1 << LOG2M;
const MURMUR_M = 0x5bd1e995;

/** MurmurHash2 mixing of one 32-bit block into h. */
function mixBlock(h: number, k: number): number {
  k = Math.imul(k, MURMUR_M);
  k ^= k >>> 24;
  k = Math.imul(k, MURMUR_M);
  return Math.imul(h, MURMUR_M) ^ k;
}

function finish(h: number): number {
  h ^= h >>> 13;
  h = Math.imul(h, MURMUR_M);
  return h ^ (h >>> 15);
}

/** clearspring MurmurHash.hashLong of the 64-bit two's complement value. */
export function hashJavaLong(value: bigint): number {
  const lo = Number(BigInt.asIntN(32, value));
  const hi = Number(BigInt.asIntN(32, value >> 32n));
  return finish(mixBlock(mixBlock(0, lo), hi));
}

/** clearspring MurmurHash.hash(String): the UTF-8 bytes, seed -1, tail bytes read as Java's signed bytes. */
export function hashJavaString(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  const signed = Int8Array.from(bytes, (b) => (b << 24) >> 24);
  let h = -1 ^ bytes.length;
  const blocks = Math.floor(bytes.length / 4);
  for (let b = 0; b < blocks; b++) {
    const i = 4 * b;
    h = mixBlock(h, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
  }
  const tail = bytes.length % 4;
  if (tail > 0) {
    for (let t = tail; t >= 1; t--) h ^= signed[bytes.length - t]! << (8 * (t - 1));
    h = Math.imul(h, MURMUR_M);
  }
  return finish(h);
}

/** Double.doubleToRawLongBits then hashLong. */
export function hashJavaDouble(value: number): number {
  const buf = Buffer.alloc(8);
  buf.writeDoubleLE(value);
  return hashJavaLong(buf.readBigInt64LE());
}

export class KsqlHyperLogLog {
  readonly registers = new Array<number>(REGISTERS).fill(0);

  offerHash(hash: number): this {
    const index = hash >>> (32 - LOG2M);
    const rank = Math.clz32((hash << LOG2M) | ((1 << (LOG2M - 1)) + 1)) + 1;
    this.registers[index] = Math.max(this.registers[index]!, rank);
    return this;
  }

  /** an INT or BIGINT column's value (ksqlDB hands the UDAF an Integer or a Long: both hash as long) */
  offerInteger(value: number | bigint): this {
    return this.offerHash(hashJavaLong(BigInt(value)));
  }
  offerDouble(value: number): this {
    return this.offerHash(hashJavaDouble(value));
  }
  offerString(value: string): this {
    return this.offerHash(hashJavaString(value));
  }

  merge(other: KsqlHyperLogLog): this {
    for (let i = 0; i < REGISTERS; i++) this.registers[i] = Math.max(this.registers[i]!, other.registers[i]!);
    return this;
  }

  /** HyperLogLog.cardinality(): linear counting while the raw estimate is at most 2.5 m. */
  cardinality(): number {
    let sum = 0;
    let zeros = 0;
    for (const r of this.registers) {
      sum += 1 / 2 ** r;
      if (r === 0) zeros++;
    }
    // as Java evaluates it: alphaMM times the reciprocal (a division by sum could round differently)
    const alphaMM = (0.7213 / (1 + 1.079 / REGISTERS)) * REGISTERS * REGISTERS;
    const raw = alphaMM * (1 / sum);
    return raw <= 2.5 * REGISTERS ? Math.round(REGISTERS * Math.log(REGISTERS / zeros)) : Math.round(raw);
  }
}

/** COUNT_DISTINCT over an INT or BIGINT column holding these values, as ksqlDB computes it. */
export function ksqlCountDistinct(values: Iterable<number | bigint>): number {
  const hll = new KsqlHyperLogLog();
  for (const v of values) hll.offerInteger(v);
  return hll.cardinality();
}

/** COUNT_DISTINCT over a STRING column. */
export function ksqlCountDistinctStrings(values: Iterable<string>): number {
  const hll = new KsqlHyperLogLog();
  for (const v of values) hll.offerString(v);
  return hll.cardinality();
}
