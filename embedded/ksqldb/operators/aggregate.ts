// GROUP BY aggregation over streams and tables, optionally windowed (tumbling, hopping, session).
// Emits one change per update: { row: new aggregate row, old: previous aggregate row }, marked `created`
// when the key (and window) had no aggregate before it, so the record cache can drop a session that is
// created and merged away within one flush, as Kafka Streams' cache does.
import type { Row } from '../expr/compile.ts';
import type { AggregateSpec, WindowInfo } from '../plan/logical.ts';
import type { KeyValueStore } from '../state/store.ts';
import { keyString, windowKeyString } from '../state/key-string.ts';
import type { Emit, Rec } from './types.ts';
import { overlappingSessions, timeWindowsFor, type Session } from './window.ts';

interface Entry {
  key: unknown[];
  accs: unknown[];
  ts: number;
}

type Drop = ((why: string) => void) | undefined;

/** `oldNeeded`: something downstream reads `old` (HAVING, a projection that can throw); else it is not built. */
export function aggregate(spec: AggregateSpec, store: KeyValueStore<unknown>, next: Emit, onDrop?: (why: string) => void, oldNeeded = true): Emit {
  const ops = aggregateOps(spec);
  const win = spec.window;
  if (!win) return spec.tableInput ? tableAggregate(ops, store, next, onDrop, oldNeeded) : streamAggregate(ops, store, next, onDrop, oldNeeded);
  if (win.type !== 'SESSION') return timeWindowedAggregate(ops, win, store, next, onDrop, oldNeeded);
  return sessionAggregate(ops, win, store, next, onDrop, oldNeeded);
}

/** The group key, accumulator steps and output row of one aggregation, with no per-record closures. */
interface AggregateOps {
  groupOf(row: Row): unknown[] | null;
  init(): unknown[];
  /** accumulators with `row` added (into `into` when given: the entry's own array, updated in place) */
  add(accs: unknown[], row: Row, into?: unknown[]): unknown[];
  undo(accs: unknown[], row: Row): unknown[];
  merge(a: unknown[], b: unknown[]): unknown[];
  toRow(key: unknown[], accs: unknown[], win?: { start: number; end: number }): Row;
}

function aggregateOps(spec: AggregateSpec): AggregateOps {
  const { aggs, groupBy } = spec;
  const n = aggs.length;
  const impls = aggs.map((a) => a.impl);
  const argExprs = aggs.map((a) => a.args);
  const gNames = groupBy.map((_, i) => `#G${i}`);
  const aNames = aggs.map((_, i) => `#A${i}`);
  const argsOf = (i: number, row: Row): unknown[] => {
    const exprs = argExprs[i]!;
    const args = new Array<unknown>(exprs.length);
    for (let j = 0; j < exprs.length; j++) args[j] = exprs[j]!.eval(row) ?? null;
    return args;
  };
  return {
    groupOf(row) {
      const g = new Array<unknown>(groupBy.length);
      for (let i = 0; i < groupBy.length; i++) {
        const v = groupBy[i]!.eval(row) ?? null;
        if (v === null) return null;
        g[i] = v;
      }
      return g;
    },
    init: () => impls.map((impl) => impl.init()),
    add(accs, row, into) {
      const out = into ?? new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = impls[i]!.add(accs[i], argsOf(i, row));
      return out;
    },
    undo(accs, row) {
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) {
        const impl = impls[i]!;
        if (!impl.undo) throw new Error(`${aggs[i]!.text} cannot remove a row`);
        out[i] = impl.undo(accs[i], argsOf(i, row));
      }
      return out;
    },
    merge(a, b) {
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = impls[i]!.merge(a[i], b[i]);
      return out;
    },
    toRow(key, accs, win) {
      const r: Row = {};
      for (let i = 0; i < key.length; i++) r[gNames[i] ?? `#G${i}`] = key[i];
      for (let i = 0; i < accs.length; i++) r[aNames[i] ?? `#A${i}`] = impls[i]!.result(accs[i]);
      if (win) {
        r.WINDOWSTART = win.start;
        r.WINDOWEND = win.end;
      }
      return r;
    },
  };
}

/** The latest record time the aggregation has seen (Kafka Streams' stream time), kept in its store. */
function streamClock(store: KeyValueStore<unknown>): { now(): number; observe(ts: number): void } {
  let streamTime = (store.get('__streamTime') as number | undefined) ?? -Infinity;
  return {
    now: () => streamTime,
    observe(ts) {
      if (ts > streamTime) {
        streamTime = ts;
        store.put('__streamTime', ts);
      }
    },
  };
}

/**
 * Adds (or with `undo` removes) a row to its group's entry and emits the group's new row. Without `old`
 * downstream, an existing entry is updated in place: no previous row needs its accumulators.
 */
function groupUpdater(ops: AggregateOps, store: KeyValueStore<unknown>, next: Emit, onDrop: Drop, oldNeeded: boolean) {
  return (row: Row, ts: number, undo: boolean): void => {
    const key = ops.groupOf(row);
    if (!key) {
      onDrop?.('Group-by key is null');
      return;
    }
    const k = keyString(key);
    const prev = store.get(k) as Entry | undefined;
    if (undo && !prev) return;
    let e: Entry;
    if (prev && !oldNeeded && !undo) {
      ops.add(prev.accs, row, prev.accs);
      if (ts > prev.ts) prev.ts = ts;
      e = prev;
    } else {
      const accs = undo ? ops.undo(prev!.accs, row) : ops.add(prev ? prev.accs : ops.init(), row);
      e = { key, accs, ts: Math.max(prev?.ts ?? -Infinity, ts) };
    }
    store.put(k, e);
    const old = !oldNeeded ? undefined : prev ? ops.toRow(key, prev.accs) : null;
    next({ key, row: ops.toRow(key, e.accs), old, ts: e.ts, created: prev === undefined });
  };
}

function streamAggregate(ops: AggregateOps, store: KeyValueStore<unknown>, next: Emit, onDrop: Drop, oldNeeded: boolean): Emit {
  const update = groupUpdater(ops, store, next, onDrop, oldNeeded);
  return (rec) => {
    if (rec.row) update(rec.row, rec.ts, false);
  };
}

/** A table's change: the old row leaves its group and the new row joins its own (one update when both are in one group). */
function tableAggregate(ops: AggregateOps, store: KeyValueStore<unknown>, next: Emit, onDrop: Drop, oldNeeded: boolean): Emit {
  const update = groupUpdater(ops, store, next, onDrop, oldNeeded);
  return (rec: Rec) => {
    if (rec.old && rec.row) {
      const ko = ops.groupOf(rec.old);
      const kn = ops.groupOf(rec.row);
      const k = kn && keyString(kn);
      if (ko && k !== null && keyString(ko) === k) {
        const prev = store.get(k) as Entry | undefined;
        if (prev) {
          const accs = ops.add(ops.undo(prev.accs, rec.old), rec.row);
          const e: Entry = { key: kn!, accs, ts: Math.max(prev.ts, rec.ts) };
          store.put(k, e);
          next({ key: kn, row: ops.toRow(kn!, accs), old: oldNeeded ? ops.toRow(kn!, prev.accs) : undefined, ts: e.ts });
          return;
        }
      }
    }
    if (rec.old) update(rec.old, rec.ts, true);
    if (rec.row) update(rec.row, rec.ts, false);
  };
}

/** Tumbling and hopping windows: the record is added to every window containing it that is not closed yet. */
function timeWindowedAggregate(ops: AggregateOps, win: WindowInfo, store: KeyValueStore<unknown>, next: Emit, onDrop: Drop, oldNeeded: boolean): Emit {
  const clock = streamClock(store);
  return (rec: Rec) => {
    const row = rec.row;
    if (!row) return;
    const key = ops.groupOf(row);
    if (!key) {
      onDrop?.('Group-by key is null');
      return;
    }
    clock.observe(rec.ts);
    const streamTime = clock.now();
    const closeTime = streamTime - win.grace;
    for (const w of timeWindowsFor(rec.ts, win.size, win.advance)) {
      if (!(w.end > closeTime)) {
        onDrop?.(`Skipping record for expired window. window=[${w.start},${w.end}) streamTime=${streamTime}`);
        continue;
      }
      const k = windowKeyString(key, w.start);
      const prev = store.get(k) as Entry | undefined;
      let e: Entry;
      if (prev && !oldNeeded) {
        ops.add(prev.accs, row, prev.accs);
        if (rec.ts > prev.ts) prev.ts = rec.ts;
        e = prev;
      } else e = { key, accs: ops.add(prev ? prev.accs : ops.init(), row), ts: Math.max(prev?.ts ?? -Infinity, rec.ts) };
      store.put(k, e);
      const old = !oldNeeded ? undefined : prev ? ops.toRow(key, prev.accs, w) : null;
      next({ key, row: ops.toRow(key, e.accs, w), old, ts: e.ts, window: w, created: prev === undefined });
    }
  };
}

/**
 * Session windows: the record's session merges every session of its key within the gap of it. The
 * merged sessions are deleted (a tombstone each) and the grown one is written under its new bounds.
 */
function sessionAggregate(ops: AggregateOps, win: WindowInfo, store: KeyValueStore<unknown>, next: Emit, onDrop: Drop, oldNeeded: boolean): Emit {
  const clock = streamClock(store);
  const gap = win.size;
  // sessions older than the store retention (gap + grace, or RETENTION) are gone
  const retention = win.retention ?? gap + win.grace;
  return (rec: Rec) => {
    if (!rec.row) return;
    const key = ops.groupOf(rec.row);
    if (!key) {
      onDrop?.('Group-by key is null');
      return;
    }
    const ts = rec.ts;
    clock.observe(ts);
    const streamTime = clock.now();
    const k = keyString(key);
    const stored = store.get(k) as Session<unknown[]>[] | undefined;
    const sessions = stored ? stored.filter((s) => s.end >= streamTime - retention) : [];
    const overlapping = overlappingSessions(sessions, ts, gap);
    if (overlapping.length > 1) overlapping.sort((a, b) => a.start - b.start);
    let start = ts;
    let end = ts;
    let accs = ops.init();
    for (const s of overlapping) {
      start = Math.min(start, s.start);
      end = Math.max(end, s.end);
      accs = ops.merge(accs, s.accs);
    }
    if (end < streamTime - win.grace - gap) {
      onDrop?.(`Skipping record for expired session. session=[${start},${end}] streamTime=${streamTime}`);
      return;
    }
    if (!(start === ts && end === ts)) {
      for (const s of overlapping) {
        next({ key, row: null, old: oldNeeded ? ops.toRow(key, s.accs, s) : undefined, ts: s.end, window: { start: s.start, end: s.end } });
      }
    }
    accs = ops.add(accs, rec.row);
    const merged: Session<unknown[]> = { start, end, accs, ts: end };
    const kept = overlapping.length === 0 ? sessions : sessions.filter((s) => !overlapping.includes(s));
    kept.push(merged);
    if (kept.length > 1) kept.sort((a, b) => a.start - b.start);
    store.put(k, kept);
    // created: no session of these bounds was there before (one of the same bounds is replaced in place)
    const created = !overlapping.some((s) => s.start === start && s.end === end);
    next({ key, row: ops.toRow(key, accs, merged), old: null, ts: end, window: { start, end }, created });
  };
}
