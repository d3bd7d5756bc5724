// Java-compatible text renderings (Double.toString) used by CAST, DELIMITED and KAFKA formats.
import { T, type SqlType } from '../types.ts';
import { formatDateText, formatTimeText, formatTimestampText } from './temporal.ts';

/** Java's Double.toString for a finite or special double. */
export function javaDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  if (Math.abs(d) === Number.MIN_VALUE) return d < 0 ? '-4.9E-324' : '4.9E-324';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : s + '.0';
  }
  // scientific: shortest digits from JS, Java layout d.dddE[-]n
  const exp = d.toExponential(); // e.g. "1.2345e+21"
  const [mant, e] = exp.split('e') as [string, string];
  const m = mant.includes('.') ? mant : mant + '.0';
  const n = Number(e);
  return `${m}E${n}`;
}

/** Render a SQL value as Java's String.valueOf would for the given base type. */
export function javaString(v: unknown, base: string): string {
  if (v === null || v === undefined) return 'null';
  if (base === 'DOUBLE' && typeof v === 'number') return javaDouble(v);
  if (Array.isArray(v)) return '[' + v.map((x) => javaString(x, typeof x === 'number' && !Number.isInteger(x) ? 'DOUBLE' : '')).join(', ') + ']';
  return String(v);
}

/**
 * toString() of the Java object ksqlDB holds for a non-null value of the given SQL type: Boolean
 * "true"/"false", Integer/Long decimal, Double as Double.toString, a List as "[a, b]" (null items
 * "null"). Typed, unlike javaString, so a DOUBLE 2 renders "2.0" wherever it sits.
 */
export function javaObjectText(v: unknown, type: SqlType): string {
  if (v === null || v === undefined) return 'null';
  switch (type.base) {
    case 'DOUBLE':
      return javaDouble(Number(v));
    case 'ARRAY': {
      const item = type.item ?? T.STRING;
      return '[' + (v as unknown[]).map((x) => javaObjectText(x, item)).join(', ') + ']';
    }
    case 'TIMESTAMP':
      return formatTimestampText(Number(v));
    case 'DATE':
      return formatDateText(Number(v));
    case 'TIME':
      return formatTimeText(Number(v));
    case 'MAP': {
      const value = type.value ?? T.STRING;
      return (
        '{' +
        Object.entries(v as Record<string, unknown>)
          .map(([k, x]) => `${k}=${javaObjectText(x, value)}`)
          .join(', ') +
        '}'
      );
    }
    case 'STRUCT': {
      // Kafka Connect's Struct.toString: null fields left out
      const o = v as Record<string, unknown>;
      const parts = (type.fields ?? [])
        .filter((f) => o[f.name] !== null && o[f.name] !== undefined)
        .map((f) => `${f.name}=${javaObjectText(o[f.name], f.type)}`);
      return 'Struct{' + parts.join(',') + '}';
    }
    default:
      return String(v);
  }
}
