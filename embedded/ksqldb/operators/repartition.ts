// PARTITION BY: re-keys a stream by new key expressions (in-process: one partition, no topic hop).
import type { Compiled } from '../expr/compile.ts';
import type { Emit } from './types.ts';

/** keyOnly: the expression reads key columns only, so it can be evaluated for null-value records */
export function repartition(keyExprs: (Compiled & { keyOnly?: boolean })[], next: Emit): Emit {
  return (rec) => {
    if (keyExprs.length === 0) {
      next({ ...rec, key: [] });
      return;
    }
    const row = rec.row;
    const keyRow = rec.keyRow;
    const key = keyExprs.map((k) => (row ? k.eval(row) : k.keyOnly && keyRow ? k.eval(keyRow) : null) ?? null);
    next({ ...rec, key });
  };
}
