// EMIT FINAL: buffers the latest result per (key, window) and emits it once the window closes:
// streamTime >= windowEnd (+ gap for sessions) + grace.
import type { WindowInfo } from '../plan/logical.ts';
import type { KeyValueStore } from '../state/store.ts';
import { keyString } from './join.ts';
import type { Emit, Rec } from './types.ts';

export function suppressUntilWindowCloses(win: WindowInfo, store: KeyValueStore<unknown>, next: Emit): Emit {
  let streamTime = (store.get('__streamTime') as number | undefined) ?? -Infinity;
  let seq = 0;
  const bufferTime = (r: Rec) => r.window!.end + (win.type === 'SESSION' ? win.size : 0);
  return (rec: Rec) => {
    const k = keyString([rec.key, rec.window?.start, rec.window?.end]);
    if (rec.row) store.put(k, { rec, seq: seq++ });
    else store.put(k, undefined);
    if (rec.ts > streamTime) {
      streamTime = rec.ts;
      store.put('__streamTime', streamTime);
    }
    const due: { k: string; rec: Rec; seq: number }[] = [];
    for (const [key, v] of store.entries()) {
      if (key === '__streamTime') continue;
      const e = v as { rec: Rec; seq: number };
      if (bufferTime(e.rec) + win.grace <= streamTime) due.push({ k: key, rec: e.rec, seq: e.seq });
    }
    due.sort((a, b) => bufferTime(a.rec) - bufferTime(b.rec) || a.seq - b.seq);
    // strict retention (KAFKA-12960): a window already expired from the store when it closes is never emitted
    const retention = win.retention ?? win.size + win.grace;
    for (const d of due) {
      store.put(d.k, undefined);
      if (win.type !== 'SESSION' && d.rec.window!.start < streamTime - retention) continue;
      next({ ...d.rec, old: undefined });
    }
  };
}
