// GROUP BY aggregation over streams and tables, optionally windowed (tumbling, hopping, session).
// Emits one change per update: { row: new aggregate row, old: previous aggregate row }.
import type { AggregateSpec } from '../plan/logical.ts';
import type { Row } from '../expr/compile.ts';
import type { KeyValueStore } from '../state/store.ts';
import { keyString } from './join.ts';
import type { Emit, Rec } from './types.ts';
import { overlappingSessions, timeWindowsFor, type Session } from './window.ts';

interface Entry {
  key: unknown[];
  accs: unknown[];
  ts: number;
}

/** `oldNeeded`: something downstream reads `old` (HAVING, a projection that can throw); else it is not built. */
export function aggregate(spec: AggregateSpec, store: KeyValueStore<unknown>, next: Emit, onDrop?: (why: string) => void, oldNeeded = true): Emit {
  const { aggs, groupBy } = spec;
  const groupOf = (row: Row): unknown[] | null => {
    const g = groupBy.map((c) => c.eval(row) ?? null);
    return g.some((v) => v === null) ? null : g;
  };
  const init = () => aggs.map((a) => a.impl.init());
  const argsOf = (row: Row) => aggs.map((a) => a.args.map((c) => c.eval(row) ?? null));
  const addAll = (accs: unknown[], row: Row) => {
    const args = argsOf(row);
    return accs.map((acc, i) => aggs[i]!.impl.add(acc, args[i]!));
  };
  const undoAll = (accs: unknown[], row: Row) => {
    const args = argsOf(row);
    return accs.map((acc, i) => aggs[i]!.impl.undo!(acc, args[i]!));
  };
  const gNames = groupBy.map((_, i) => `#G${i}`);
  const aNames = aggs.map((_, i) => `#A${i}`);
  const toRow = (key: unknown[], accs: unknown[], win?: { start: number; end: number }): Row => {
    const r: Row = {};
    for (let i = 0; i < key.length; i++) r[gNames[i] ?? `#G${i}`] = key[i];
    for (let i = 0; i < accs.length; i++) r[aNames[i] ?? `#A${i}`] = aggs[i]!.impl.result(accs[i]);
    if (win) {
      r['WINDOWSTART'] = win.start;
      r['WINDOWEND'] = win.end;
    }
    return r;
  };
  let streamTime = -Infinity;
  const meta = store.get('__streamTime') as number | undefined;
  if (meta !== undefined) streamTime = meta;
  const observe = (ts: number) => {
    if (ts > streamTime) {
      streamTime = ts;
      store.put('__streamTime', ts);
    }
  };

  const win = spec.window;
  if (!win) {
    const update = (row: Row, ts: number, undo: boolean) => {
      const key = groupOf(row);
      if (!key) {
        onDrop?.('Group-by key is null');
        return;
      }
      const k = keyString(key);
      const prev = store.get(k) as Entry | undefined;
      const accs = undo ? (prev ? undoAll(prev.accs, row) : undefined) : addAll(prev ? prev.accs : init(), row);
      if (!accs) return;
      const e: Entry = { key, accs, ts: Math.max(prev?.ts ?? -Infinity, ts) };
      store.put(k, e);
      next({ key, row: toRow(key, accs), old: !oldNeeded ? undefined : prev ? toRow(key, prev.accs) : null, ts: e.ts });
    };
    return (rec: Rec) => {
      if (spec.tableInput) {
        if (rec.old && rec.row) {
          const ko = groupOf(rec.old);
          const kn = groupOf(rec.row);
          if (ko && kn && keyString(ko) === keyString(kn)) {
            const k = keyString(kn);
            const prev = store.get(k) as Entry | undefined;
            if (prev) {
              const accs = addAll(undoAll(prev.accs, rec.old), rec.row);
              const e: Entry = { key: kn, accs, ts: Math.max(prev.ts, rec.ts) };
              store.put(k, e);
              next({ key: kn, row: toRow(kn, accs), old: oldNeeded ? toRow(kn, prev.accs) : undefined, ts: e.ts });
              return;
            }
          }
        }
        if (rec.old) update(rec.old, rec.ts, true);
        if (rec.row) update(rec.row, rec.ts, false);
        return;
      }
      if (rec.row) update(rec.row, rec.ts, false);
    };
  }

  if (win.type !== 'SESSION') {
    return (rec: Rec) => {
      if (!rec.row) return;
      const key = groupOf(rec.row);
      if (!key) {
        onDrop?.('Group-by key is null');
        return;
      }
      observe(rec.ts);
      const closeTime = streamTime - win.grace;
      for (const w of timeWindowsFor(rec.ts, win.size, win.advance)) {
        if (!(w.end > closeTime)) {
          onDrop?.(`Skipping record for expired window. window=[${w.start},${w.end}) streamTime=${streamTime}`);
          continue;
        }
        const k = keyString([key, w.start]);
        const prev = store.get(k) as Entry | undefined;
        const accs = addAll(prev ? prev.accs : init(), rec.row);
        const e: Entry = { key, accs, ts: Math.max(prev?.ts ?? -Infinity, rec.ts) };
        store.put(k, e);
        next({ key, row: toRow(key, accs, w), old: !oldNeeded ? undefined : prev ? toRow(key, prev.accs, w) : null, ts: e.ts, window: w });
      }
    };
  }

  const gap = win.size;
  return (rec: Rec) => {
    if (!rec.row) return;
    const key = groupOf(rec.row);
    if (!key) {
      onDrop?.('Group-by key is null');
      return;
    }
    const ts = rec.ts;
    observe(ts);
    const closeTime = streamTime - win.grace - gap;
    const k = keyString(key);
    // sessions older than the store retention (gap + grace, or RETENTION) are gone
    const retention = win.retention ?? gap + win.grace;
    const sessions = ((store.get(k) as Session<unknown[]>[] | undefined) ?? []).filter((s) => s.end >= streamTime - retention);
    const overlapping = overlappingSessions(sessions, ts, gap).sort((a, b) => a.start - b.start);
    let start = ts;
    let end = ts;
    let accs = init();
    for (const s of overlapping) {
      start = Math.min(start, s.start);
      end = Math.max(end, s.end);
      accs = accs.map((a, i) => aggs[i]!.impl.merge(a, s.accs[i]));
    }
    if (end < closeTime) {
      onDrop?.(`Skipping record for expired session. session=[${start},${end}] streamTime=${streamTime}`);
      return;
    }
    const remaining = sessions.filter((s) => !overlapping.includes(s));
    if (!(start === ts && end === ts)) {
      for (const s of overlapping) {
        next({ key, row: null, old: oldNeeded ? toRow(key, s.accs, s) : undefined, ts: s.end, window: { start: s.start, end: s.end } });
      }
    }
    accs = addAll(accs, rec.row);
    const merged: Session<unknown[]> = { start, end, accs, ts: end };
    store.put(
      k,
      [...remaining, merged].sort((a, b) => a.start - b.start),
    );
    next({ key, row: toRow(key, accs, merged), old: null, ts: end, window: { start, end } });
  };
}
