// JSON format: values are objects keyed by column name; a key with one column is a bare primitive.
import { stringifyJson } from '../expr/long.ts';
import type { Column, SqlType } from '../types.ts';
import { coerce, SerdeError, type Format } from './format.ts';

function lookup(obj: Record<string, unknown>, name: string): unknown {
  if (name in obj) return obj[name];
  const up = name.toUpperCase();
  if (up in obj) return obj[up];
  for (const k of Object.keys(obj)) if (k.toUpperCase() === up) return obj[k];
  return null;
}

/**
 * ksqlDB's JSON serializer (Jackson) writes a DOUBLE that is NaN or infinite as the quoted text
 * "NaN", "Infinity" or "-Infinity"; JSON.stringify would write null.
 */
function nonFiniteAsText(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (Array.isArray(v)) return v.some((x) => typeof x === 'number' && !Number.isFinite(x)) ? v.map(nonFiniteAsText) : v;
  return v;
}

function hasNonStringMapKey(t: SqlType): boolean {
  if (t.base === 'MAP') return t.key!.base !== 'STRING' || hasNonStringMapKey(t.value!);
  if (t.base === 'ARRAY') return hasNonStringMapKey(t.item!);
  if (t.base === 'STRUCT') return t.fields!.some((f) => hasNonStringMapKey(f.type));
  return false;
}

export const JsonFormat: Format = {
  name: 'JSON',
  validate: (cols) => (cols.some((c) => hasNonStringMapKey(c.type)) ? 'JSON only supports MAP types with STRING keys' : undefined),
  serialize(values, cols, isKey) {
    if (isKey && cols.length === 1) return Buffer.from(stringifyJson(nonFiniteAsText(values[0] ?? null)));
    const obj: Record<string, unknown> = {};
    cols.forEach((c, i) => (obj[c.name] = nonFiniteAsText(values[i] ?? null)));
    return Buffer.from(stringifyJson(obj));
  },
  deserialize(data, cols, isKey) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString('utf8'));
    } catch (e) {
      throw new SerdeError(`Failed to deserialize JSON: ${(e as Error).message}`);
    }
    if (cols.length === 1 && (isKey || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))) {
      return [coerce(parsed, cols[0]!)];
    }
    if (parsed === null) return cols.map(() => null);
    if (typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new SerdeError(`Can't convert type. sourceType: ${Array.isArray(parsed) ? 'ArrayNode' : typeof parsed}, requiredType: STRUCT`);
    }
    return cols.map((c: Column) => coerce(lookup(parsed as Record<string, unknown>, c.name), c));
  },
};
