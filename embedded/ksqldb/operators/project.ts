// Projection: computes the value columns of the output row.
import type { Compiled, Row } from '../expr/compile.ts';
import type { Emit, Rec } from './types.ts';

/**
 * `oldUnused`: nothing downstream reads `old` (sinks, views, transient delivery), so the previous row
 * is not projected when no expression can throw (a throwing one must still skip the record).
 * The record is handed on with its rows replaced (a new row object: the input row may be shared).
 */
export function project(values: { name: string; expr: Compiled }[], next: Emit, oldUnused = false): Emit {
  const names = values.map((v) => v.name);
  const exprs = values.map((v) => v.expr);
  const n = values.length;
  const apply = (r: Row): Row => {
    const out: Row = {};
    for (let i = 0; i < n; i++) out[names[i]!] = exprs[i]!.eval(r);
    return out;
  };
  const skipOld = oldUnused && exprs.every((e) => e.safe);
  return (rec: Rec) => {
    const old = rec.old;
    rec.row = rec.row ? apply(rec.row) : null;
    rec.old = skipOld || old === undefined ? undefined : old === null ? null : apply(old);
    next(rec);
  };
}
