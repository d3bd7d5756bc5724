// Null handling: IFNULL, COALESCE, NULLIF, and AS_VALUE.
import { stringifyJson } from '../expr/long.ts';
import { T } from '../types.ts';
import { def, sig } from './registry.ts';

def('IFNULL', 'First argument unless null, else the second', (ts) => {
  if (ts.length !== 2) return `Function 'ifnull' does not accept parameters (${sig(ts)}).`;
  const rt = ts[0]!.base === 'NULL' ? ts[1]! : ts[0]!;
  return { returnType: rt, invoke: (a) => (a[0] === null || a[0] === undefined ? a[1] : a[0]) };
});
def('COALESCE', 'First non-null argument', (ts) => {
  if (!ts.length) return `Function 'coalesce' does not accept parameters ().`;
  const rt = ts.find((t) => t.base !== 'NULL') ?? T.NULL;
  return { returnType: rt, invoke: (a) => a.find((x) => x !== null && x !== undefined) ?? null };
});
def('NULLIF', 'Null when both arguments are equal', (ts) => {
  if (ts.length !== 2) return `Function 'nullif' does not accept parameters (${sig(ts)}).`;
  // Java's Objects.equals: arrays are equal when their elements are
  return { returnType: ts[0]!, invoke: (a) => (a[0] !== null && a[0] !== undefined && stringifyJson(a[0]) === stringifyJson(a[1] ?? null) ? null : a[0]) };
});
def('AS_VALUE', 'Copy a key column into the value', (ts) => {
  if (ts.length !== 1) return `Function 'as_value' does not accept parameters (${sig(ts)}).`;
  return { returnType: ts[0]!, invoke: (a) => a[0] };
});
