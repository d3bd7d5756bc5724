// ksqlDB's COUNT_DISTINCT estimator: clearspring stream-lib's HyperLogLog with log2m = 14 (the version
// ksqlDB 0.29 bundles, 2.9.5), register for register, so the embedded engine answers exactly what a real
// ksqlDB answers for the same inputs. Hashes come from murmur.ts.
//
// The algorithm (HyperLogLog.offerHashed(int), RegisterSet, cardinality()):
// - a 32-bit hash x picks register j = the top 14 bits of x, and offers rank
//   r = numberOfLeadingZeros((x << 14) | 0x2001) + 1 (1..19); a register keeps the largest rank offered.
// - merge (session windows) is the register-wise maximum.
// - the estimate: sum = Σ 2^-register over the 2^14 registers, E = alphaMM / sum with
//   alphaMM = (0.7213 / (1 + 1.079 / m)) * m * m; while E <= 2.5 m the answer is linear counting,
//   Math.round(m * ln(m / zeros)), else Math.round(E). No large-range correction.
//
// Representation: an accumulator is an immutable HllSketch (the engine keeps the previous one for the
// `old` row and shares accumulators between session merges). A sketch with few non-zero registers is
// sparse: a sorted Uint32Array of (index << 5 | rank); past DENSE_AT of them it becomes dense: one byte
// per register (16 KiB). It carries the zero count and the exact sum, so an estimate costs O(1): every
// partial sum of 2^-r terms is a multiple of 2^-19 below 2^15, exactly representable in a double, so
// updating it term by term gives Java's sum bit for bit whatever the order.
// In the changelog a sketch is a short string (toJSON): 's' + base64 of varints (index delta << 5 | rank)
// for a sparse one, 'd' + base64 of the registers packed 5 bits each (10 KiB) for a dense one.

export const LOG2M = 14;
export const M = 1 << LOG2M;
/** non-zero registers beyond which a sketch goes dense (4 bytes each sparse: the same 16 KiB) */
export const DENSE_AT = M / 4;

const ALPHA_MM = (0.7213 / (1 + 1.079 / M)) * M * M;
/** 2^-r, as Java's 1.0 / (1 << r) */
const INV_POW2 = Array.from({ length: 32 }, (_, r) => 1 / 2 ** r);

export class HllSketch {
  /**
   * @param sparse sorted (index << 5 | rank) of the non-zero registers, or null when dense
   * @param dense one byte per register, or null when sparse
   * @param zeros registers still 0
   * @param sum Σ 2^-register over all M registers (exact)
   */
  constructor(
    readonly sparse: Uint32Array | null,
    readonly dense: Uint8Array | null,
    readonly zeros: number,
    readonly sum: number,
  ) {}

  /** the changelog form (JSON.stringify calls this); decodeSketch reads it back */
  toJSON(): string {
    return encodeSketch(this);
  }
}

export const EMPTY_SKETCH = new HllSketch(new Uint32Array(0), null, M, M);

/** The register a 32-bit hash updates and the rank it offers, as HyperLogLog.offerHashed(int). */
export function registerOf(hash: number): number {
  return hash >>> (32 - LOG2M);
}
export function rankOf(hash: number): number {
  return Math.clz32((hash << LOG2M) | ((1 << (LOG2M - 1)) + 1)) + 1;
}

/** The sketch after offering a hash: the same object when no register grows. */
export function offerHash(s: HllSketch, hash: number): HllSketch {
  const j = registerOf(hash);
  const r = rankOf(hash);
  if (s.dense) {
    const cur = s.dense[j]!;
    if (cur >= r) return s;
    const d = s.dense.slice();
    d[j] = r;
    return new HllSketch(null, d, cur === 0 ? s.zeros - 1 : s.zeros, s.sum - INV_POW2[cur]! + INV_POW2[r]!);
  }
  const sp = s.sparse!;
  const at = findRegister(sp, j);
  if (at < sp.length && sp[at]! >>> 5 === j) {
    const cur = sp[at]! & 31;
    if (cur >= r) return s;
    const copy = sp.slice();
    copy[at] = (j << 5) | r;
    return new HllSketch(copy, null, s.zeros, s.sum - INV_POW2[cur]! + INV_POW2[r]!);
  }
  const sum = s.sum - 1 + INV_POW2[r]!;
  if (sp.length >= DENSE_AT) {
    const d = toDense(sp);
    d[j] = r;
    return new HllSketch(null, d, s.zeros - 1, sum);
  }
  const grown = new Uint32Array(sp.length + 1);
  grown.set(sp.subarray(0, at));
  grown[at] = (j << 5) | r;
  grown.set(sp.subarray(at), at + 1);
  return new HllSketch(grown, null, s.zeros - 1, sum);
}

/** first position whose register index is >= j */
function findRegister(sp: Uint32Array, j: number): number {
  let lo = 0;
  let hi = sp.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sp[mid]! >>> 5 < j) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function toDense(sp: Uint32Array): Uint8Array {
  const d = new Uint8Array(M);
  for (let i = 0; i < sp.length; i++) d[sp[i]! >>> 5] = sp[i]! & 31;
  return d;
}

/** A sketch from registers (one byte each), sparse or dense by how many are set. */
function fromRegisters(d: Uint8Array): HllSketch {
  let set = 0;
  let sum = 0;
  for (let j = 0; j < M; j++) {
    sum += INV_POW2[d[j]!]!;
    if (d[j] !== 0) set++;
  }
  if (set > DENSE_AT) return new HllSketch(null, d, M - set, sum);
  const sp = new Uint32Array(set);
  for (let j = 0, i = 0; j < M; j++) if (d[j] !== 0) sp[i++] = (j << 5) | d[j]!;
  return new HllSketch(sp, null, M - set, sum);
}

/** Register-wise maximum (RegisterSet.merge); shares an input when the other is empty. */
export function mergeSketches(a: HllSketch, b: HllSketch): HllSketch {
  if (b.zeros === M) return a;
  if (a.zeros === M) return b;
  const d = a.dense ? a.dense.slice() : toDense(a.sparse!);
  if (b.dense) {
    for (let j = 0; j < M; j++) if (b.dense[j]! > d[j]!) d[j] = b.dense[j]!;
  } else {
    const sp = b.sparse!;
    for (let i = 0; i < sp.length; i++) {
      const j = sp[i]! >>> 5;
      if ((sp[i]! & 31) > d[j]!) d[j] = sp[i]! & 31;
    }
  }
  return fromRegisters(d);
}

/** HyperLogLog.cardinality(): a BIGINT (Long.MAX_VALUE in the degenerate linear count of zero zeros, as Java rounds Infinity). */
export function cardinality(s: HllSketch): number | bigint {
  const estimate = ALPHA_MM * (1 / s.sum);
  if (estimate <= 2.5 * M) {
    if (s.zeros === 0) return 9223372036854775807n;
    return Math.round(M * Math.log(M / s.zeros));
  }
  return Math.round(estimate);
}

/** The registers one byte each (tests, encoding). */
export function registersOf(s: HllSketch): Uint8Array {
  return s.dense ? s.dense.slice() : toDense(s.sparse!);
}

export function encodeSketch(s: HllSketch): string {
  if (s.dense) {
    // 8 registers in 5 bytes, least significant bits first
    const out = new Uint8Array((M * 5) / 8);
    let acc = 0;
    let bits = 0;
    let o = 0;
    for (let j = 0; j < M; j++) {
      acc |= s.dense[j]! << bits;
      bits += 5;
      while (bits >= 8) {
        out[o++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
    return 'd' + Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('base64');
  }
  const sp = s.sparse!;
  const out = new Uint8Array(sp.length * 3);
  let o = 0;
  let prev = 0;
  for (let i = 0; i < sp.length; i++) {
    const j = sp[i]! >>> 5;
    let v = ((j - prev) << 5) | (sp[i]! & 31);
    prev = j;
    while (v >= 0x80) {
      out[o++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    out[o++] = v;
  }
  return 's' + Buffer.from(out.buffer, 0, o).toString('base64');
}

export function decodeSketch(text: string): HllSketch {
  const bytes = Buffer.from(text.slice(1), 'base64');
  const d = new Uint8Array(M);
  if (text[0] === 'd') {
    if (bytes.length !== (M * 5) / 8) throw new Error(`COUNT_DISTINCT state: dense sketch of ${bytes.length} bytes`);
    let acc = 0;
    let bits = 0;
    let i = 0;
    for (let j = 0; j < M; j++) {
      while (bits < 5) {
        acc |= bytes[i++]! << bits;
        bits += 8;
      }
      d[j] = acc & 31;
      acc >>>= 5;
      bits -= 5;
    }
    return fromRegisters(d);
  }
  if (text[0] !== 's') throw new Error(`COUNT_DISTINCT state: unknown sketch form '${text.slice(0, 8)}'`);
  let j = 0;
  for (let i = 0; i < bytes.length; ) {
    let v = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[i++]!;
      v |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80 && i < bytes.length);
    j += v >>> 5;
    if (j >= M) throw new Error('COUNT_DISTINCT state: register index out of range');
    d[j] = v & 31;
  }
  return fromRegisters(d);
}
