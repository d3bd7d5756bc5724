// WHERE and HAVING filters.
import type { Compiled, Row } from '../expr/compile.ts';
import type { Emit, Rec } from './types.ts';

/** Stream filter: null rows and non-matching rows are dropped. */
export function streamFilter(pred: Compiled, next: Emit): Emit {
  return (rec) => {
    if (rec.row && pred.eval(rec.row) === true) next(rec);
  };
}

/**
 * Table filter (Kafka Streams KTable.filter). A row that stops matching becomes a tombstone.
 * When the previous row is known (materialized parent), a change where neither old nor new
 * matches is not forwarded at all.
 */
export function tableFilter(pred: Compiled, next: Emit): Emit {
  const pass = (r: Row | null | undefined) => !!r && pred.eval(r) === true;
  return (rec: Rec) => {
    const newRow = pass(rec.row) ? rec.row : null;
    if (rec.old === undefined) {
      rec.row = newRow;
      next(rec);
      return;
    }
    const oldRow = pass(rec.old) ? rec.old : null;
    if (!newRow && !oldRow) return;
    rec.row = newRow;
    rec.old = oldRow;
    next(rec);
  };
}
