// MAP functions: keys, values, union, building a map from two arrays, and its entries as structs.
import { compareValues } from '../expr/cast.ts';
import { T, type SqlType } from '../types.ts';
import { def, nullSafe, sig } from './registry.ts';

type SqlMap = Record<string, unknown>;

function mapFn(name: string, desc: string, arity: number, ret: (ts: SqlType[]) => SqlType, f: (a: unknown[]) => unknown): void {
  def(name, desc, (ts) => {
    if (ts.length !== arity || ts.some((t) => t.base !== 'MAP')) return `Function '${name.toLowerCase()}' does not accept parameters (${sig(ts)}).`;
    return { returnType: ret(ts), invoke: f };
  });
}

mapFn(
  'MAP_KEYS',
  'The keys of a map, as an array',
  1,
  (ts) => T.array(ts[0]!.key!),
  nullSafe((a) => Object.keys(a[0] as SqlMap)),
);
mapFn(
  'MAP_VALUES',
  'The values of a map, as an array',
  1,
  (ts) => T.array(ts[0]!.value!),
  nullSafe((a) => Object.values(a[0] as SqlMap)),
);
// null only when both are null; on a shared key the second map's value wins
mapFn(
  'MAP_UNION',
  'The entries of two maps, the second winning on a shared key',
  2,
  (ts) => ts[0]!,
  (a) => (a[0] == null && a[1] == null ? null : { ...((a[0] as SqlMap | null) ?? {}), ...((a[1] as SqlMap | null) ?? {}) }),
);

def('AS_MAP', 'A map from an array of keys and an array of values', (ts) => {
  if (ts.length !== 2 || ts[0]!.base !== 'ARRAY' || ts[0]!.item?.base !== 'STRING' || ts[1]!.base !== 'ARRAY')
    return `Function 'as_map' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.map(T.STRING, ts[1]!.item ?? T.NULL),
    invoke: nullSafe((a) => {
      const [keys, values] = a as [unknown[], unknown[]];
      const out: SqlMap = {};
      keys.forEach((k, i) => (out[String(k)] = i < values.length ? (values[i] ?? null) : null));
      return out;
    }),
  };
});

def('ENTRIES', 'The entries of a map as an array of STRUCT<K, V>, optionally sorted by key', (ts) => {
  if (ts.length !== 2 || ts[0]!.base !== 'MAP' || ts[1]!.base !== 'BOOLEAN') return `Function 'entries' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.array(
      T.struct([
        { name: 'K', type: ts[0]!.key! },
        { name: 'V', type: ts[0]!.value! },
      ]),
    ),
    invoke: (a) => {
      if (a[0] == null) return null;
      const keys = Object.keys(a[0] as SqlMap);
      if (a[1] === true) keys.sort(compareValues);
      return keys.map((k) => ({ K: k, V: (a[0] as SqlMap)[k] ?? null }));
    },
  };
});
