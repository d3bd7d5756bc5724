// PARTITION BY: re-keys a stream by new key expressions (in-process: one partition, no topic hop).
import type { Compiled } from '../expr/compile.ts';
import type { Emit } from './types.ts';

export function repartition(keyExprs: Compiled[], next: Emit): Emit {
  return (rec) => {
    if (keyExprs.length === 0) {
      next({ ...rec, key: [] });
      return;
    }
    const key = rec.row ? keyExprs.map((k) => k.eval(rec.row!) ?? null) : keyExprs.map(() => null);
    next({ ...rec, key });
  };
}
