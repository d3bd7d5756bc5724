// Projection: computes the value columns of the output row.
import type { Compiled, Row } from '../expr/compile.ts';
import type { Emit } from './types.ts';

export function project(values: { name: string; expr: Compiled }[], next: Emit): Emit {
  const apply = (r: Row | null | undefined): Row | null | undefined => {
    if (r === undefined) return undefined;
    if (r === null) return null;
    const out: Row = {};
    for (const v of values) out[v.name] = v.expr.eval(r);
    return out;
  };
  return (rec) => next({ ...rec, row: apply(rec.row) ?? null, old: apply(rec.old) });
}
