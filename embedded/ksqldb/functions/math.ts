// Numeric functions: rounding, powers and logarithms, trigonometry, GREATEST/LEAST.
import { castValue, compareValues, toDecimal } from '../expr/cast.ts';
import { isTemporal } from '../expr/temporal.ts';
import { Decimal, fitDecimal } from '../expr/decimal.ts';
import { T, isNumber, isNumeric, typeToString, widen, type SqlType } from '../types.ts';
import { def, nullSafe, sig, type ResolvedFn } from './registry.ts';

function numFn(name: string, desc: string, f: (x: number) => number, ret: (t: SqlType) => SqlType): void {
  def(name, desc, (ts) => {
    if (ts.length !== 1 || !isNumeric(ts[0]!)) return `Function '${name.toLowerCase()}' does not accept parameters (${sig(ts)}).`;
    const rt = ret(ts[0]!);
    return { returnType: rt, invoke: nullSafe((a) => f(Number(a[0]))) };
  });
}
numFn('ABS', 'Absolute value', Math.abs, (t) => t);
numFn('CEIL', 'Ceiling', Math.ceil, (t) => t);
numFn('FLOOR', 'Floor', Math.floor, (t) => t);
numFn('SQRT', 'Square root', Math.sqrt, () => T.DOUBLE);
numFn('EXP', 'e^x', Math.exp, () => T.DOUBLE);
numFn('LN', 'Natural log', Math.log, () => T.DOUBLE);
numFn('SIGN', 'Sign', Math.sign, () => T.INTEGER);
def('ROUND', 'Round half up', (ts) => {
  if (ts.length < 1 || ts.length > 2 || !isNumeric(ts[0]!)) return `Function 'round' does not accept parameters (${sig(ts)}).`;
  if (ts.length === 1) {
    const rt = ts[0]!.base === 'DOUBLE' ? T.BIGINT : ts[0]!;
    return { returnType: rt, invoke: nullSafe((a) => Math.round(Number(a[0]))) };
  }
  return {
    returnType: ts[0]!.base === 'DOUBLE' ? T.DOUBLE : ts[0]!,
    invoke: nullSafe((a) => {
      const f = Math.pow(10, Number(a[1]));
      return Math.round(Number(a[0]) * f) / f;
    }),
  };
});
def(['POWER', 'POW'], 'x^y', (ts) => {
  if (ts.length !== 2 || !ts.every(isNumeric)) return `Function 'power' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.DOUBLE, invoke: nullSafe((a) => Math.pow(Number(a[0]), Number(a[1]))) };
});
def('RANDOM', 'Random double in [0,1)', (ts) => (ts.length ? 'RANDOM takes no arguments' : { returnType: T.DOUBLE, invoke: () => Math.random() }));
/**
 * The overload of GREATEST/LEAST that ksqlDB picks (one per type: INT, BIGINT, DOUBLE, STRING ...): the
 * exact one when the typed arguments share a type; else, among numbers, the one every argument widens
 * to, which is unique only when a DOUBLE is present (INT with BIGINT fits BIGINT, DECIMAL and DOUBLE
 * alike, so ksqlDB calls it ambiguous). Nulls fit any overload.
 */
function greatestOverload(fn: string, ts: SqlType[]): SqlType | string {
  const typed = ts.filter((t) => t.base !== 'NULL');
  if (!ts.length) return `Function '${fn}' does not accept parameters ().`;
  const ambiguous = `Function '${fn}' cannot be resolved due to ambiguous method parameters (${ts.map((t) => (t.base === 'NULL' ? 'null' : typeToString(t))).join(', ')}).`;
  if (!typed.length) return ambiguous;
  const first = typed[0]!;
  // TIMESTAMP, DATE, TIME and BYTES overloads; a string beside them is read as that type
  const other = typed.find((t) => isTemporal(t.base) || t.base === 'BYTES');
  if (other && typed.every((t) => t.base === other.base || t.base === 'STRING')) return other;
  if (first.base === 'DECIMAL' && typed.every((t) => t.base === 'DECIMAL')) return typed.reduce((a, b) => widen(a, b));
  if ((isNumeric(first) || first.base === 'STRING') && typed.every((t) => t.base === first.base)) return first;
  if (!typed.every(isNumber)) return `Function '${fn}' does not accept parameters (${sig(ts)}).`;
  return typed.some((t) => t.base === 'DOUBLE') ? T.DOUBLE : ambiguous;
}

for (const [name, pick] of [
  ['GREATEST', 1],
  ['LEAST', -1],
] as const) {
  def(name, `${name.toLowerCase()} of the arguments`, (ts) => {
    const rt = greatestOverload(name.toLowerCase(), ts);
    if (typeof rt === 'string') return rt;
    return {
      returnType: rt,
      invoke: (a) => {
        let xs: unknown[] = a.filter((x) => x !== null && x !== undefined);
        if (isTemporal(rt.base) || rt.base === 'BYTES') xs = xs.map((x) => (typeof x === 'string' ? castValue(x, T.STRING, rt) : x));
        if (!xs.length) return null;
        const best = xs.reduce((m, x) => (compareValues(x, m) * pick > 0 ? x : m));
        if (rt.base === 'DOUBLE') return Number(best instanceof Decimal ? best.toNumber() : best);
        if (rt.base === 'DECIMAL') return fitDecimal(toDecimal(best), rt.precision!, rt.scale!);
        return best;
      },
    };
  });
}
// ---- more math ----
for (const [name, f] of [
  ['SIN', Math.sin],
  ['COS', Math.cos],
  ['TAN', Math.tan],
  ['ASIN', Math.asin],
  ['ACOS', Math.acos],
  ['ATAN', Math.atan],
  ['SINH', Math.sinh],
  ['COSH', Math.cosh],
  ['TANH', Math.tanh],
  ['COT', (x: number) => 1 / Math.tan(x)],
  ['RADIANS', (x: number) => (x * Math.PI) / 180],
  ['DEGREES', (x: number) => (x * 180) / Math.PI],
  ['CBRT', Math.cbrt],
] as const) {
  numFn(name, `${name.toLowerCase()}(x)`, f, () => T.DOUBLE);
}
def('PI', 'The constant pi', (ts) => (ts.length ? "Function 'pi' takes no arguments" : { returnType: T.DOUBLE, invoke: () => Math.PI }));
def('ATAN2', 'atan2(y, x)', (ts) => {
  if (ts.length !== 2 || !ts.every(isNumeric)) return `Function 'atan2' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.DOUBLE, invoke: nullSafe((a) => Math.atan2(Number(a[0]), Number(a[1]))) };
});
def('LOG', 'Natural log, or log of x in base b: LOG(b, x)', (ts) => {
  if (ts.length < 1 || ts.length > 2 || !ts.every(isNumeric)) return `Function 'log' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.DOUBLE,
    // ksqlDB: a base that is not positive, or is 1, gives NaN (log(0) would make 0 or -0 a result)
    invoke: nullSafe((a) => {
      if (a.length === 1) return Math.log(Number(a[0]));
      const base = Number(a[0]);
      return base <= 0 || base === 1 ? NaN : Math.log(Number(a[1])) / Math.log(base);
    }),
  };
});
def('TRUNC', 'Truncate towards zero, optionally to n decimal places', (ts) => {
  if (ts[0]?.base === 'DECIMAL' && (ts.length === 1 || (ts.length === 2 && ts[1]!.base === 'INTEGER'))) return truncDecimal(ts[0], ts.length === 2);
  if (ts.length < 1 || ts.length > 2 || !ts.every(isNumeric)) return `Function 'trunc' does not accept parameters (${sig(ts)}).`;
  if (ts.length === 1) return { returnType: ts[0]!.base === 'DOUBLE' ? T.BIGINT : ts[0]!, invoke: nullSafe((a) => Math.trunc(Number(a[0]))) };
  return {
    returnType: ts[0]!,
    invoke: nullSafe((a) => {
      const f = Math.pow(10, Number(a[1]));
      return Math.trunc(Number(a[0]) * f) / f;
    }),
  };
});

/** TRUNC of a DECIMAL: to a whole DECIMAL(p - s, 0), or to n places (n < 0: tens, hundreds ...) keeping the type. */
function truncDecimal(t: SqlType, withPlaces: boolean): ResolvedFn {
  const p = t.precision!;
  const sc = t.scale!;
  const truncTo = (d: Decimal, places: number): Decimal => {
    if (places >= d.scale) return d;
    const f = 10n ** BigInt(d.scale - places);
    return new Decimal((d.unscaled / f) * f, d.scale);
  };
  if (!withPlaces) {
    const rt = T.decimal(Math.max(p - sc, 1), 0);
    return { returnType: rt, invoke: nullSafe((a) => truncTo(a[0] as Decimal, 0).setScale(0)) };
  }
  return { returnType: t, invoke: nullSafe((a) => truncTo(a[0] as Decimal, Number(a[1]))) };
}
