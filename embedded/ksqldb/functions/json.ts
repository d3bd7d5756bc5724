// JSON text functions.
import { stringifyJson } from '../expr/long.ts';
import { formatDateText, formatTimeText } from '../expr/temporal.ts';
import { T, type SqlType } from '../types.ts';
import { InvalidJsonError, parseJsonTree, writeJsonTree, type JsonNode } from './json-tree.ts';
import { def, nullSafe, sig } from './registry.ts';

/** A value as ksqlDB's JSON writer sees it: a DATE or TIME as its ISO text, inside structures too. */
function jsonView(v: unknown, t: SqlType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.base) {
    case 'DATE':
      return formatDateText(v as number);
    case 'TIME':
      return formatTimeText(v as number);
    case 'ARRAY':
      return (v as unknown[]).map((x) => jsonView(x, t.item!));
    case 'MAP':
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, jsonView(x, t.value!)]));
    case 'STRUCT':
      return Object.fromEntries(t.fields!.map((f) => [f.name, jsonView((v as Record<string, unknown>)[f.name], f.type)]));
    default:
      return v;
  }
}

def('TO_JSON_STRING', 'The value as JSON text', (ts) => {
  if (ts.length !== 1) return `Function 'to_json_string' does not accept parameters (${sig(ts)}).`;
  const type = ts[0]!;
  return { returnType: T.STRING, invoke: (a) => stringifyJson(jsonView(a[0] ?? null, type)) };
});
def('EXTRACTJSONFIELD', 'A field of a JSON string, by $.path', (ts) => {
  if (ts.length !== 2) return `Function 'extractjsonfield' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.STRING,
    invoke: nullSafe((a) => {
      let v: unknown = JSON.parse(String(a[0]));
      for (const part of String(a[1])
        .replace(/^\$\.?/, '')
        .split(/\.|\[(\d+)\]/)
        .filter((x) => x !== undefined && x !== '')) {
        if (v === null || typeof v !== 'object') return null;
        v = (v as Record<string, unknown>)[part];
      }
      if (v === undefined || v === null) return null;
      return typeof v === 'string' ? v : JSON.stringify(v);
    }),
  };
});

/** JSON text parsed for a function; undefined when empty (the function then answers null). */
const tree = (text: unknown) => parseJsonTree(String(text));

def('IS_JSON_STRING', 'Whether the string is valid, non-empty JSON', (ts) => {
  if (ts.length !== 1 || ts[0]!.base !== 'STRING') return `Function 'is_json_string' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.BOOLEAN,
    invoke: (a) => {
      if (a[0] === null || a[0] === undefined) return false;
      try {
        return tree(a[0]) !== undefined;
      } catch {
        return false;
      }
    },
  };
});

/**
 * JSON_ARRAY_CONTAINS(json, value): whether a top-level item of the JSON array equals the value; an item
 * matches only a value of its own kind (an integer item an INT or BIGINT, a fractional one a DOUBLE).
 * Text that is not a JSON array gives false.
 */
def('JSON_ARRAY_CONTAINS', 'Whether a JSON array holds the value', (ts) => {
  if (ts.length !== 2 || ts[0]!.base !== 'STRING' || ts[1]!.base === 'ARRAY') return `Function 'json_array_contains' does not accept parameters (${sig(ts)}).`;
  const kind = ts[1]!.base;
  const matches = (item: JsonNode, v: unknown): boolean => {
    if (v === null || v === undefined) return item.kind === 'null';
    switch (item.kind) {
      case 'string':
        return kind === 'STRING' && item.value === v;
      case 'boolean':
        return kind === 'BOOLEAN' && item.value === v;
      case 'number': {
        const integral = !/[.eE]/.test(item.text);
        if (integral ? kind !== 'INTEGER' && kind !== 'BIGINT' : kind !== 'DOUBLE') return false;
        return integral ? BigInt(item.text) === BigInt(v as number | bigint) : Number(item.text) === v;
      }
      default:
        return false;
    }
  };
  return {
    returnType: T.BOOLEAN,
    invoke: (a) => {
      if (a[0] === null || a[0] === undefined) return false;
      let root: JsonNode | undefined;
      try {
        root = tree(a[0]);
      } catch {
        return false;
      }
      return root?.kind === 'array' && root.items.some((item) => matches(item, a[1]));
    },
  };
});

/**
 * JSON_CONCAT(json...): objects merge (a later key replaces an earlier one's value in place); when any
 * argument is not an object, every argument becomes an array (a non-array is wrapped) and they are
 * concatenated. Null or empty text in any argument gives null.
 */
def('JSON_CONCAT', 'Merge JSON objects, or concatenate JSON arrays', (ts) => {
  if (ts.length < 1 || ts.some((t) => t.base !== 'STRING' && t.base !== 'NULL')) return `Function 'json_concat' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.STRING,
    invoke: nullSafe((a) => {
      const nodes = a.map(tree);
      if (nodes.some((n) => n === undefined)) return null;
      const all = nodes as JsonNode[];
      if (all.every((n) => n.kind === 'object')) {
        const fields = new Map<string, JsonNode>();
        for (const n of all) for (const [k, v] of (n as { fields: Map<string, JsonNode> }).fields) fields.set(k, v);
        return writeJsonTree({ kind: 'object', fields });
      }
      return writeJsonTree({ kind: 'array', items: all.flatMap((n) => (n.kind === 'array' ? n.items : [n])) });
    }),
  };
});

def('JSON_ITEMS', 'The items of a JSON array, each as JSON text', (ts) => {
  if (ts.length !== 1 || ts[0]!.base !== 'STRING') return `Function 'json_items' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.array(T.STRING),
    invoke: nullSafe((a) => {
      const root = tree(a[0]);
      if (root?.kind !== 'array') throw new InvalidJsonError(`Invalid JSON format:${String(a[0])}`);
      return root.items.map(writeJsonTree);
    }),
  };
});

def('JSON_KEYS', 'The keys of a JSON object, in document order', (ts) => {
  if (ts.length !== 1 || ts[0]!.base !== 'STRING') return `Function 'json_keys' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.array(T.STRING),
    invoke: nullSafe((a) => {
      const root = tree(a[0]);
      return root?.kind === 'object' ? [...root.fields.keys()] : null;
    }),
  };
});
def('JSON_RECORDS', 'The fields of a JSON object as a map of name to text', (ts) => {
  if (ts.length !== 1 || ts[0]!.base !== 'STRING') return `Function 'json_records' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.map(T.STRING, T.STRING),
    invoke: nullSafe((a) => {
      const root = tree(a[0]);
      if (root?.kind !== 'object') return null;
      // a string field is its text, anything else its JSON
      return Object.fromEntries([...root.fields].map(([k, v]) => [k, v.kind === 'string' ? v.value : writeJsonTree(v)]));
    }),
  };
});
