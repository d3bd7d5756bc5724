// PARTITION BY: re-keys a stream by new key expressions (in-process: one partition, no topic hop).
import type { Compiled } from '../expr/compile.ts';
import type { Emit } from './types.ts';

/** keyOnly: the expression reads key columns only, so it can be evaluated for null-value records */
export function repartition(keyExprs: (Compiled & { keyOnly?: boolean })[], next: Emit): Emit {
  return (rec) => {
    const row = rec.row;
    const keyRow = rec.keyRow;
    const key = new Array<unknown>(keyExprs.length);
    for (let i = 0; i < keyExprs.length; i++) {
      const k = keyExprs[i]!;
      key[i] = (row ? k.eval(row) : k.keyOnly && keyRow ? k.eval(keyRow) : null) ?? null;
    }
    rec.key = key;
    next(rec);
  };
}
