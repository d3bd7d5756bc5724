/**
 * Seeded randomness for the generators. One small, fast PRNG (sfc32) drives both our own draws and
 * faker (through faker's `Randomizer` interface), so a seed fixes every generated value.
 * Sub-streams are derived by hashing the run seed with a label (`deriveSeed(seed, 'users')`), so the
 * users, page views and sessions of one seed are the same whether they are produced alone or by `all`.
 */
import { Faker, base, en, type Randomizer } from '@faker-js/faker';

/** cyrb53-style hash of a list of parts to a 32-bit unsigned seed. */
export function deriveSeed(...parts: Array<string | number>): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const text = parts.map(String).join('\u0000');
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) >>> 0;
}

/** A random 32-bit seed, for runs without `--seed` (printed in the summary so the run can be repeated). */
export function randomSeed(): number {
  return (Math.random() * 0x1_0000_0000) >>> 0;
}

/** sfc32: a 128-bit-state PRNG, fast, well distributed, and trivially seedable. Implements faker's Randomizer. */
export class Rng implements Randomizer {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed: number) {
    this.seed(seed);
  }

  seed(seed: number | number[]): void {
    const s = Array.isArray(seed) ? deriveSeed(...seed) : seed >>> 0;
    // splitmix32 to spread one 32-bit seed over the four state words.
    let x = s;
    const mix = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** The next 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). A bound property: faker calls it detached from the object. */
  readonly next = (): number => this.uint32() / 0x1_0000_0000;

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  /** A standard normal draw (Box–Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A version-4-shaped UUID built from four draws. */
  uuid(): string {
    const hex = (n: number): string => n.toString(16).padStart(8, '0');
    const w = [this.uint32(), this.uint32(), this.uint32(), this.uint32()];
    w[1] = ((w[1]! & 0xffff0fff) | 0x00004000) >>> 0; // version 4
    w[2] = ((w[2]! & 0x3fffffff) | 0x80000000) >>> 0; // RFC 4122 variant
    const s = w.map(hex).join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
  }
}

/** A faker instance (English locale) drawing from the given Rng, so faker's values follow the seed too. */
export function seededFaker(rng: Rng): Faker {
  return new Faker({ locale: [en, base], randomizer: rng });
}

export interface Weighted<T> {
  readonly value: T;
  readonly weight: number;
}

/** Picks from a weighted table with one draw; precomputes cumulative weights once. */
export function weightedPicker<T>(table: ReadonlyArray<Weighted<T>>): (rng: Rng) => T {
  if (table.length === 0) throw new Error('weightedPicker: empty table');
  const cumulative: number[] = [];
  let total = 0;
  for (const entry of table) {
    if (!(entry.weight > 0)) throw new Error(`weightedPicker: weight of ${String(entry.value)} must be positive`);
    total += entry.weight;
    cumulative.push(total);
  }
  return (rng) => {
    const x = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (x < cumulative[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return table[lo]!.value;
  };
}
