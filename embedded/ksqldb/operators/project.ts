// Projection: computes the value columns of the output row.
import type { Compiled, Row } from '../expr/compile.ts';
import type { Emit } from './types.ts';

/**
 * `oldUnused`: nothing downstream reads `old` (sinks, views, transient delivery), so the previous row
 * is not projected when no expression can throw (a throwing one must still skip the record).
 */
export function project(values: { name: string; expr: Compiled }[], next: Emit, oldUnused = false): Emit {
  const apply = (r: Row | null | undefined): Row | null | undefined => {
    if (r === undefined) return undefined;
    if (r === null) return null;
    const out: Row = {};
    for (const v of values) out[v.name] = v.expr.eval(r);
    return out;
  };
  if (oldUnused && values.every((v) => v.expr.safe)) return (rec) => next({ ...rec, row: apply(rec.row) ?? null, old: undefined });
  return (rec) => next({ ...rec, row: apply(rec.row) ?? null, old: apply(rec.old) });
}
