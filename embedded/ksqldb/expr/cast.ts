// Values across types: CAST (ksqlDB's CastEvaluator), comparison and equality of SQL values.
import { Bytes } from './bytes.ts';
import { Decimal, fitDecimal } from './decimal.ts';
import { DAY_MS, parseTemporal } from './temporal.ts';
import { javaDouble, javaObjectText } from './javaText.ts';
import { normLong } from './long.ts';
import { T, isNumber, typeToString, type SqlType } from '../types.ts';

const isNull = (v: unknown) => v === null || v === undefined;

function toInt32(v: number): number {
  return v | 0;
}

/** A numeric value (number, bigint or Decimal) as a Decimal. */
export function toDecimal(v: unknown): Decimal {
  if (v instanceof Decimal) return v;
  if (typeof v === 'bigint') return Decimal.fromInteger(v);
  if (typeof v === 'number') return Number.isInteger(v) ? Decimal.fromInteger(v) : Decimal.fromNumber(v);
  if (typeof v === 'string') return Decimal.parse(v);
  throw new Error(`Cannot convert ${String(v)} to DECIMAL`);
}

function castToInteger(v: unknown, from: SqlType, to: 'INTEGER' | 'BIGINT'): unknown {
  let n: number;
  if (v instanceof Decimal) {
    // BigDecimal.intValue()/longValue(): the whole part, wrapped to the type's width
    const truncated = v.scale === 0 ? v.unscaled : v.unscaled / 10n ** BigInt(v.scale);
    return to === 'BIGINT' ? normLong(truncated) : Number(BigInt.asIntN(32, truncated));
  }
  if (typeof v === 'bigint') {
    if (to === 'BIGINT') return v;
    n = Number(BigInt.asIntN(32, v));
  } else if (typeof v === 'number') n = Math.trunc(v);
  else if (typeof v === 'string') {
    const s = v.trim();
    if (!/^[-+]?\d+$/.test(s)) throw new Error(`For input string: "${v}"`);
    n = Number(s);
    if (to === 'BIGINT' && !Number.isSafeInteger(n)) return normLong(BigInt(s));
  } else throw new Error(`Cannot cast ${typeToString(from)} to ${to}`);
  return to === 'INTEGER' ? toInt32(n) : n;
}

export function castValue(v: unknown, from: SqlType, to: SqlType): unknown {
  if (isNull(v)) return null;
  switch (to.base) {
    case 'STRING':
      if (from.base === 'DOUBLE') return javaDouble(v as number);
      if (typeof v === 'string') return v;
      return javaObjectText(v, from);
    case 'TIMESTAMP':
    case 'DATE':
    case 'TIME':
      return castTemporal(v, from, to.base);
    case 'BYTES':
      if (v instanceof Bytes) return v;
      if (typeof v === 'string') return Bytes.fromBase64(v.trim());
      throw new Error(`Cannot cast ${typeToString(from)} to BYTES`);
    case 'BOOLEAN':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string') return v.trim().toLowerCase() === 'true';
      throw new Error(`Cannot cast ${typeToString(from)} to BOOLEAN`);
    case 'INTEGER':
    case 'BIGINT':
      return castToInteger(v, from, to.base);
    case 'DOUBLE': {
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(v);
      if (v instanceof Decimal) return v.toNumber();
      if (typeof v === 'string') {
        const n = Number(v.trim());
        if (v.trim() === '' || Number.isNaN(n)) throw new Error(`For input string: "${v}"`);
        return n;
      }
      throw new Error(`Cannot cast ${typeToString(from)} to DOUBLE`);
    }
    case 'DECIMAL': {
      const d = typeof v === 'string' ? Decimal.parse(v) : toDecimal(v);
      return fitDecimal(d, to.precision!, to.scale!);
    }
    case 'ARRAY':
      if (!Array.isArray(v)) throw new Error(`Cannot cast ${typeToString(from)} to ARRAY`);
      return v.map((x) => castValue(x, from.item ?? T.NULL, to.item ?? T.NULL));
    case 'MAP': {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        out[String(castValue(k, from.key ?? T.STRING, to.key ?? T.STRING))] = castValue(x, from.value ?? T.NULL, to.value ?? T.NULL);
      }
      return out;
    }
    case 'STRUCT': {
      // fields are matched by name; a field the source lacks is null
      const src = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of to.fields ?? []) {
        const sf = from.fields?.find((x) => x.name === f.name);
        out[f.name] = sf ? castValue(src[f.name], sf.type, f.type) : null;
      }
      return out;
    }
    default:
      return v;
  }
}

/** TIMESTAMP, DATE and TIME from text or from one another (a TIMESTAMP's date or time of day, a DATE's midnight). */
function castTemporal(v: unknown, from: SqlType, to: 'TIMESTAMP' | 'DATE' | 'TIME'): number {
  if (typeof v === 'string') return parseTemporal(v.trim(), to);
  const n = Number(v);
  if (from.base === to) return n;
  if (from.base === 'TIMESTAMP' && to === 'DATE') return Math.floor(n / DAY_MS);
  if (from.base === 'TIMESTAMP' && to === 'TIME') return ((n % DAY_MS) + DAY_MS) % DAY_MS;
  if (from.base === 'DATE' && to === 'TIMESTAMP') return n * DAY_MS;
  throw new Error(`Cannot cast ${typeToString(from)} to ${to}`);
}

const CASTS_FROM_STRING = ['BOOLEAN', 'INTEGER', 'BIGINT', 'DOUBLE', 'DECIMAL', 'TIMESTAMP', 'DATE', 'TIME', 'BYTES'];

/** Whether CAST(from AS to) is defined (ksqlDB's CastEvaluator). */
export function castAllowed(from: SqlType, to: SqlType): boolean {
  if (from.base === 'ARRAY' && to.base === 'ARRAY') return castAllowed(from.item ?? T.NULL, to.item ?? T.NULL);
  if (from.base === 'MAP' && to.base === 'MAP')
    return castAllowed(from.key ?? T.NULL, to.key ?? T.NULL) && castAllowed(from.value ?? T.NULL, to.value ?? T.NULL);
  if (from.base === 'STRUCT' && to.base === 'STRUCT') {
    return (to.fields ?? []).every((f) => {
      const sf = from.fields?.find((x) => x.name === f.name);
      return !sf || castAllowed(sf.type, f.type);
    });
  }
  if (from.base === 'NULL' || (from.base === to.base && !['ARRAY', 'MAP', 'STRUCT'].includes(from.base))) return true;
  if (to.base === 'STRING') return true;
  if (isNumber(to)) return isNumber(from) || from.base === 'STRING';
  if (from.base === 'STRING') return CASTS_FROM_STRING.includes(to.base);
  if (from.base === 'TIMESTAMP') return to.base === 'DATE' || to.base === 'TIME';
  if (from.base === 'DATE') return to.base === 'TIMESTAMP';
  return false;
}

/** Orders two non-null values of comparable types: numbers of any kind, strings, booleans. */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Bytes && b instanceof Bytes) return a.compareTo(b);
  if (a instanceof Decimal || b instanceof Decimal) {
    // beside a DOUBLE, a DECIMAL compares as a double; beside an integer, exactly
    if ((typeof a === 'number' && !Number.isInteger(a)) || (typeof b === 'number' && !Number.isInteger(b))) {
      const x = a instanceof Decimal ? a.toNumber() : Number(a);
      const y = b instanceof Decimal ? b.toNumber() : Number(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    return toDecimal(a).compareTo(toDecimal(b));
  }
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    if ((typeof a === 'number' && !Number.isInteger(a)) || (typeof b === 'number' && !Number.isInteger(b))) {
      const x = Number(a);
      const y = Number(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    const x = BigInt(a as number);
    const y = BigInt(b as number);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Equality of two SQL values, deep for ARRAY, MAP and STRUCT (Java's equals). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (isNull(a) || isNull(b)) return isNull(a) && isNull(b);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => valuesEqual(x, b[i]));
  if (a instanceof Decimal || b instanceof Decimal) return compareValues(a, b) === 0;
  if (a instanceof Bytes || b instanceof Bytes) return a instanceof Bytes && b instanceof Bytes && a.equals(b);
  if (typeof a === 'object') {
    if (typeof b !== 'object' || Array.isArray(b)) return false;
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    return ka.length === kb.length && ka.every((k) => k in (b as object) && valuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return compareValues(a, b) === 0;
}
