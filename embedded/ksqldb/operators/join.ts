// Stream-table join: table changes update state; each stream record looks up the table row by key.
import type { Compiled, Row } from '../expr/compile.ts';
import type { KeyValueStore } from '../state/store.ts';
import type { Emit, Rec } from './types.ts';

export const keyString = (key: unknown[] | null) => JSON.stringify(key);

export interface StreamTableJoin {
  onTable(rec: Rec): void;
  onStream(rec: Rec): void;
}

export function streamTableJoin(opts: {
  type: 'INNER' | 'LEFT';
  leftKey: Compiled;
  rightFields: string[];
  store: KeyValueStore<Row>;
  next: Emit;
}): StreamTableJoin {
  const { store, next } = opts;
  return {
    onTable(rec) {
      const k = keyString(rec.key);
      if (rec.row) store.put(k, rec.row);
      else store.put(k, undefined);
    },
    onStream(rec) {
      if (!rec.row) return;
      const jk = opts.leftKey.eval(rec.row);
      if (jk === null || jk === undefined) return;
      const right = store.get(keyString([jk]));
      if (!right && opts.type === 'INNER') return;
      const row: Row = { ...rec.row };
      if (right) Object.assign(row, right);
      else for (const f of opts.rightFields) row[f] = null;
      next({ key: [jk], row, ts: rec.ts, window: rec.window });
    },
  };
}
