// Serialization formats for record keys and values. A format turns a list of column values into
// bytes and back; null rows (tombstones) are handled by the caller.
import { normLong, stringifyJson } from '../expr/long.ts';
import { Bytes } from '../expr/bytes.ts';
import { Decimal, fitDecimal } from '../expr/decimal.ts';
import { typeToString, type Column } from '../types.ts';
import { javaHashMapOrder } from './java-hash-map.ts';

function typeName(v: unknown): string {
  return Array.isArray(v)
    ? 'ArrayNode'
    : typeof v === 'object'
      ? 'ObjectNode'
      : typeof v === 'number'
        ? 'NumericNode'
        : typeof v === 'string'
          ? 'TextNode'
          : typeof v === 'boolean'
            ? 'BooleanNode'
            : typeof v;
}

/** A number or numeric text as the column's DECIMAL; digits beyond the scale are an error (DecimalUtil.ensureFit). */
function coerceDecimal(v: unknown, col: Column): Decimal {
  let d: Decimal;
  try {
    if (v instanceof Decimal) d = v;
    else if (typeof v === 'number') d = Decimal.fromNumber(v);
    else if (typeof v === 'bigint') d = Decimal.fromInteger(v);
    else if (typeof v === 'string') d = Decimal.parse(v);
    else throw new Error(`Can't convert type. sourceType: ${typeName(v)}, requiredType: ${typeToString(col.type)}, path: ${col.name}`);
    const fitted = fitDecimal(d, col.type.precision!, col.type.scale!);
    if (fitted.compareTo(d) !== 0) throw new Error(`Cannot fit decimal '${d.toString()}' into ${typeToString(col.type)} without rounding.`);
    return fitted;
  } catch (e) {
    throw new SerdeError((e as Error).message);
  }
}

export interface Format {
  name: string;
  /** error message when the format cannot carry these columns, else undefined */
  validate(cols: Column[], isKey: boolean): string | undefined;
  serialize(values: unknown[], cols: Column[], isKey: boolean): Buffer;
  /** throws on malformed data */
  deserialize(data: Buffer, cols: Column[], isKey: boolean): unknown[];
}

export class SerdeError extends Error {}

/** Coerce a decoded primitive to a column type the way ksqlDB's lenient deserializers do. */
export function coerce(v: unknown, col: Column): unknown {
  if (v === null || v === undefined) return null;
  const t = col.type.base;
  switch (t) {
    case 'INTEGER':
    case 'BIGINT': {
      let n: number;
      if (typeof v === 'bigint') {
        if (t === 'BIGINT') return normLong(v);
        n = Number(v);
      } else if (typeof v === 'number') n = Math.trunc(v);
      else if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) {
        n = Number(v);
        if (t === 'BIGINT' && !Number.isSafeInteger(n)) return normLong(BigInt(v.trim()));
      } else throw new SerdeError(`Can't convert type. sourceType: ${typeof v}, requiredType: ${t}, path: ${col.name}`);
      if (t === 'INTEGER' && (n > 2147483647 || n < -2147483648)) throw new SerdeError(`Value out of range for INTEGER: ${String(v)}`);
      return n;
    }
    case 'DOUBLE':
      if (typeof v === 'number') return v;
      if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
      throw new SerdeError(`Can't convert type. sourceType: ${typeof v}, requiredType: DOUBLE, path: ${col.name}`);
    case 'STRING':
      if (typeof v === 'string') return v;
      if (typeof v === 'object') return stringifyJson(v);
      return String(v);
    case 'BOOLEAN':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
      throw new SerdeError(`Can't convert type. sourceType: ${typeof v}, requiredType: BOOLEAN, path: ${col.name}`);
    case 'ARRAY':
      if (Array.isArray(v)) return v.map((x) => coerce(x, { name: col.name, type: col.type.item!, namespace: col.namespace }));
      throw new SerdeError(`Can't convert type. sourceType: ${typeof v}, requiredType: ARRAY, path: ${col.name}`);
    case 'DECIMAL':
      return coerceDecimal(v, col);
    case 'MAP': {
      if (typeof v !== 'object' || Array.isArray(v))
        throw new SerdeError(`Can't convert type. sourceType: ${typeName(v)}, requiredType: ${typeToString(col.type)}, path: ${col.name}`);
      const valueCol = { name: col.name, type: col.type.value!, namespace: col.namespace };
      const o = v as Record<string, unknown>;
      // entries in the order of the HashMap ksqlDB's JSON reader builds (new HashMap<>(size))
      const out: Record<string, unknown> = {};
      for (const k of javaHashMapOrder(Object.keys(o))) out[k] = coerce(o[k], valueCol);
      return out;
    }
    case 'STRUCT': {
      if (typeof v !== 'object' || Array.isArray(v))
        throw new SerdeError(`Can't convert type. sourceType: ${typeName(v)}, requiredType: ${typeToString(col.type)}, path: ${col.name}`);
      const o = v as Record<string, unknown>;
      let upper: Record<string, unknown> | undefined;
      const out: Record<string, unknown> = {};
      for (const f of col.type.fields ?? []) {
        let x = o[f.name];
        if (x === undefined) {
          upper ??= Object.fromEntries(Object.entries(o).map(([k, y]) => [k.toUpperCase(), y]));
          x = upper[f.name];
        }
        out[f.name] = coerce(x, { name: f.name, type: f.type, namespace: col.namespace });
      }
      return out;
    }
    case 'BYTES':
      if (v instanceof Bytes) return v;
      if (typeof v === 'string') {
        try {
          return Bytes.fromBase64(v);
        } catch (e) {
          throw new SerdeError((e as Error).message);
        }
      }
      throw new SerdeError(`Can't convert type. sourceType: ${typeName(v)}, requiredType: BYTES, path: ${col.name}`);
    case 'TIMESTAMP':
    case 'DATE':
    case 'TIME':
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) return Number(v);
      throw new SerdeError(`Can't convert type. sourceType: ${typeName(v)}, requiredType: ${t}, path: ${col.name}`);
    default:
      return v;
  }
}
