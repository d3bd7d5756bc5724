// Array functions.
import { T, isNumeric, widen, type SqlType } from '../types.ts';
import { def, nullSafe, sig } from './registry.ts';
import { compareValues, valuesEqual } from '../expr/cast.ts';
import { javaObjectText } from '../expr/javaText.ts';

def('ARRAY_LENGTH', 'Length of an array', (ts) => {
  if (ts.length !== 1 || ts[0]!.base !== 'ARRAY') return `Function 'array_length' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.INTEGER, invoke: nullSafe((a) => (a[0] as unknown[]).length) };
});
const same = valuesEqual;
const cmp = (x: unknown, y: unknown) => compareValues(x, y);
const distinct = (xs: unknown[]) => xs.filter((x, i) => xs.findIndex((y) => same(x, y)) === i);
function arrFn(name: string, desc: string, arity: number, ret: (ts: SqlType[]) => SqlType, f: (a: unknown[]) => unknown, nullIfAnyNull = true): void {
  def(name, desc, (ts) => {
    if (ts.length !== arity || ts[0]!.base !== 'ARRAY') return `Function '${name.toLowerCase()}' does not accept parameters (${sig(ts)}).`;
    return { returnType: ret(ts), invoke: nullIfAnyNull ? nullSafe(f) : f };
  });
}
const arrType = (ts: SqlType[]) => ts[0]!;
const itemType = (ts: SqlType[]) => ts[0]!.item ?? T.STRING;
arrFn('ARRAY_DISTINCT', 'Distinct elements', 1, arrType, (a) => distinct(a[0] as unknown[]));
arrFn(
  'ARRAY_MAX',
  'Largest non-null element',
  1,
  itemType,
  (a) => (a[0] as unknown[]).filter((x) => x !== null).reduce((m: unknown, x) => (m === undefined || cmp(x, m) > 0 ? x : m), undefined) ?? null,
);
arrFn(
  'ARRAY_MIN',
  'Smallest non-null element',
  1,
  itemType,
  (a) => (a[0] as unknown[]).filter((x) => x !== null).reduce((m: unknown, x) => (m === undefined || cmp(x, m) < 0 ? x : m), undefined) ?? null,
);
arrFn(
  'ARRAY_CONTAINS',
  'Whether the array holds the value',
  2,
  () => T.BOOLEAN,
  (a) => (a[0] === null ? false : (a[0] as unknown[]).some((x) => same(x, a[1]))),
  false,
);
arrFn(
  'ARRAY_POSITION',
  '1-based position of a value, 0 if absent',
  2,
  () => T.INTEGER,
  (a) => (a[0] === null ? 0 : (a[0] as unknown[]).findIndex((x) => same(x, a[1])) + 1),
  false,
);
arrFn(
  'ARRAY_REMOVE',
  'Remove every occurrence of a value',
  2,
  arrType,
  (a) => (a[0] === null ? null : (a[0] as unknown[]).filter((x) => !same(x, a[1]))),
  false,
);
arrFn('ARRAY_UNION', 'Distinct union', 2, arrType, (a) => distinct([...(a[0] as unknown[]), ...(a[1] as unknown[])]));
arrFn('ARRAY_INTERSECT', 'Distinct intersection', 2, arrType, (a) => distinct((a[0] as unknown[]).filter((x) => (a[1] as unknown[]).some((y) => same(x, y)))));
arrFn('ARRAY_EXCEPT', 'Distinct elements of the first not in the second', 2, arrType, (a) =>
  distinct((a[0] as unknown[]).filter((x) => !(a[1] as unknown[]).some((y) => same(x, y)))),
);
arrFn(
  'ARRAY_CONCAT',
  'Concatenate two arrays',
  2,
  arrType,
  (a) => (a[0] === null && a[1] === null ? null : [...((a[0] as unknown[]) ?? []), ...((a[1] as unknown[]) ?? [])]),
  false,
);
def('ARRAY_JOIN', 'Join elements into a string', (ts) => {
  if (ts.length < 1 || ts.length > 2 || ts[0]!.base !== 'ARRAY') return `Function 'array_join' does not accept parameters (${sig(ts)}).`;
  const item = ts[0]!.item ?? T.STRING;
  return {
    returnType: T.STRING,
    invoke: (a) => (a[0] === null ? null : (a[0] as unknown[]).map((x) => javaObjectText(x, item)).join(a.length > 1 ? String(a[1] ?? '') : ',')),
  };
});
def('ARRAY_SORT', 'Sort ascending (or DESC)', (ts) => {
  if (ts.length < 1 || ts.length > 2 || ts[0]!.base !== 'ARRAY') return `Function 'array_sort' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: ts[0]!,
    invoke: (a) => {
      if (a[0] === null) return null;
      const desc = a.length > 1 && String(a[1]).toUpperCase() === 'DESC';
      const vals = (a[0] as unknown[]).filter((x) => x !== null).sort(cmp);
      if (desc) vals.reverse();
      const nulls = (a[0] as unknown[]).filter((x) => x === null);
      return [...vals, ...nulls];
    },
  };
});
def('SLICE', 'Sub-array from a 1-based start to an end (inclusive)', (ts) => {
  if (ts.length !== 3 || ts[0]!.base !== 'ARRAY') return `Function 'slice' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: ts[0]!,
    invoke: (a) => (a[0] === null ? null : (a[0] as unknown[]).slice(a[1] === null ? 0 : Number(a[1]) - 1, a[2] === null ? undefined : Number(a[2]))),
  };
});
def('GENERATE_SERIES', 'Array of numbers from start to end (inclusive) by step', (ts) => {
  if (ts.length < 2 || ts.length > 3 || !ts.every(isNumeric)) return `Function 'generate_series' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.array(widen(ts[0]!, ts[1]!)),
    invoke: nullSafe((a) => {
      const from = Number(a[0]);
      const to = Number(a[1]);
      const step = a.length > 2 ? Number(a[2]) : from <= to ? 1 : -1;
      if (step === 0 || (to - from) * step < 0) throw new Error('GENERATE_SERIES step has the wrong sign');
      const out: number[] = [];
      for (let v = from; step > 0 ? v <= to : v >= to; v += step) out.push(v);
      return out;
    }),
  };
});
