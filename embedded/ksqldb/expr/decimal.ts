// DECIMAL values: an exact unscaled integer and a scale, as Java's BigDecimal holds them. ksqlDB
// evaluates DECIMAL arithmetic exactly and fits every result into its column's DECIMAL(p,s).

const TEN = 10n;

function pow10(n: number): bigint {
  return TEN ** BigInt(n);
}

function abs(b: bigint): bigint {
  return b < 0n ? -b : b;
}

/** Integer division rounding half away from zero (Java's RoundingMode.HALF_UP). */
function divHalfUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  if (2n * abs(r) >= abs(d)) return n < 0n !== d < 0n ? q - 1n : q + 1n;
  return q;
}

export class Decimal {
  constructor(
    readonly unscaled: bigint,
    readonly scale: number,
  ) {}

  /** BigDecimal's text forms: "12.50", "-.5", "1E+3", "1.5e-2". */
  static parse(text: string): Decimal {
    const m = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text.trim());
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`Invalid decimal: ${text}`);
    const frac = m[3] ?? '';
    let unscaled = BigInt((m[2] || '0') + frac);
    if (m[1] === '-') unscaled = -unscaled;
    let scale = frac.length - Number(m[4] ?? 0);
    if (scale < 0) {
      unscaled *= pow10(-scale);
      scale = 0;
    }
    return new Decimal(unscaled, scale);
  }

  /** A JS number by its shortest text (what a JSON reader sees). */
  static fromNumber(n: number): Decimal {
    if (!Number.isFinite(n)) throw new Error(`Cannot convert ${n} to DECIMAL`);
    return Decimal.parse(String(n));
  }

  static fromInteger(n: number | bigint): Decimal {
    return new Decimal(BigInt(n), 0);
  }

  /** Number of digits of the unscaled value (BigDecimal.precision()). */
  precision(): number {
    return this.unscaled === 0n ? 1 : abs(this.unscaled).toString().length;
  }

  /** The value at another scale; rounding HALF_UP, or throwing when `exact` and digits would be lost. */
  setScale(scale: number, exact = false): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.unscaled * pow10(scale - this.scale), scale);
    const d = pow10(this.scale - scale);
    if (exact && this.unscaled % d !== 0n) throw new Error('Rounding necessary');
    return new Decimal(divHalfUp(this.unscaled, d), scale);
  }

  negate(): Decimal {
    return new Decimal(-this.unscaled, this.scale);
  }

  private aligned(o: Decimal): [bigint, bigint, number] {
    const s = Math.max(this.scale, o.scale);
    return [this.setScale(s).unscaled, o.setScale(s).unscaled, s];
  }

  add(o: Decimal): Decimal {
    const [a, b, s] = this.aligned(o);
    return new Decimal(a + b, s);
  }

  subtract(o: Decimal): Decimal {
    const [a, b, s] = this.aligned(o);
    return new Decimal(a - b, s);
  }

  multiply(o: Decimal): Decimal {
    return new Decimal(this.unscaled * o.unscaled, this.scale + o.scale);
  }

  /**
   * Quotient at the given scale. `exact`: throws when digits beyond the scale would be lost (ksqlDB
   * divides with RoundingMode.UNNECESSARY); otherwise rounds HALF_UP. Throws on division by zero.
   */
  divide(o: Decimal, scale: number, exact = false): Decimal {
    if (o.unscaled === 0n) throw new Error('Division by zero');
    // this / o = (a * 10^-sa) / (b * 10^-sb); scaled by 10^scale
    const shift = scale - this.scale + o.scale;
    const n = shift >= 0 ? this.unscaled * pow10(shift) : this.unscaled;
    const d = shift >= 0 ? o.unscaled : o.unscaled * pow10(-shift);
    if (exact && n % d !== 0n) throw new Error('Rounding necessary');
    return new Decimal(divHalfUp(n, d), scale);
  }

  /** Remainder with the dividend's sign (BigDecimal.remainder); throws on division by zero. */
  remainder(o: Decimal): Decimal {
    if (o.unscaled === 0n) throw new Error('Division by zero');
    const [a, b, s] = this.aligned(o);
    return new Decimal(a % b, s);
  }

  compareTo(o: Decimal): number {
    const [a, b] = this.aligned(o);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  signum(): number {
    return this.unscaled < 0n ? -1 : this.unscaled > 0n ? 1 : 0;
  }

  toNumber(): number {
    return Number(this.toString());
  }

  /** BigDecimal.toPlainString(): "10.0000", "-0.05", "12". */
  toString(): string {
    const neg = this.unscaled < 0n;
    let digits = abs(this.unscaled).toString();
    if (this.scale === 0) return (neg ? '-' : '') + digits;
    if (digits.length <= this.scale) digits = '0'.repeat(this.scale - digits.length + 1) + digits;
    const cut = digits.length - this.scale;
    return (neg ? '-' : '') + digits.slice(0, cut) + '.' + digits.slice(cut);
  }

  /** JSON writers write a DECIMAL as a bare number with its scale (see stringifyJson). */
  toJSON(): string {
    return DECIMAL_MARK + this.toString() + DECIMAL_MARK;
  }
}

/** Brackets a DECIMAL's text inside JSON.stringify's output until stringifyJson unquotes it. */
export const DECIMAL_MARK = '\u0001DEC';

/**
 * Fits a value into DECIMAL(precision, scale) as ksqlDB's DecimalUtil.cast does: rounding HALF_UP to the
 * scale; an error when the whole part needs more than precision - scale digits.
 */
export function fitDecimal(v: Decimal, precision: number, scale: number): Decimal {
  const r = v.setScale(scale);
  const whole = precision - scale;
  // |v| must be < 10^whole
  if (abs(v.unscaled) >= pow10(whole + v.scale)) {
    throw new Error(
      `Numeric field overflow: A field with precision ${precision} and scale ${scale} must round to an absolute value less than 10^${whole}. Got ${v.toString()}`,
    );
  }
  return r;
}

/** The DECIMAL type of a literal (DecimalUtil.fromValue). */
export function literalDecimalType(v: Decimal): { precision: number; scale: number } {
  if (abs(v.unscaled) < pow10(v.scale)) return { precision: v.scale + 1, scale: v.scale };
  return { precision: v.precision(), scale: v.scale };
}
