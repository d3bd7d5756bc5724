// State-store keys: the JSON text of a key's values. The text is what the changelog holds, so it must be
// exactly what stringifyJson writes; keys of strings, numbers, booleans and nulls (nested in arrays, as
// windowed keys are) are written here directly, which costs a fraction of a JSON.stringify call.
import { stringifyJson } from '../expr/long.ts';

/** The state-store key of `key` (its values in order), the same text as `stringifyJson(key)`. */
export function keyString(key: unknown[] | null): string {
  if (key === null) return 'null';
  return arrayText(key) ?? stringifyJson(key);
}

/** The key of a time window of `key` (by its start): the same text as `keyString([key, start])`. */
export function windowKeyString(key: unknown[], start: number): string {
  const inner = arrayText(key);
  return inner === undefined || !Number.isFinite(start) ? stringifyJson([key, start]) : `[${inner},${start}]`;
}

/** undefined: a value this writer leaves to stringifyJson (objects, bigints, DECIMALs, marked text) */
function arrayText(values: unknown[]): string | undefined {
  let s = '[';
  for (let i = 0; i < values.length; i++) {
    const part = valueText(values[i]);
    if (part === undefined) return undefined;
    s += i === 0 ? part : `,${part}`;
  }
  return `${s}]`;
}

function valueText(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return stringText(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return 'null';
    case 'object':
      if (v === null) return 'null';
      return Array.isArray(v) ? arrayText(v) : undefined;
    default:
      return undefined;
  }
}

/** A string as JSON text: quoted as it is when no character needs an escape (the common case), else by JSON.stringify. */
function stringText(v: string): string | undefined {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) {
      // stringifyJson rewrites a "\u0001DEC…" text (a DECIMAL's mark): such a string is left to it
      return v.includes('\u0001') ? undefined : JSON.stringify(v);
    }
  }
  return `"${v}"`;
}
