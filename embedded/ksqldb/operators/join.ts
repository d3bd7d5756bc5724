// Stream-table join: table changes update state; each stream record looks up the table row by key.
import type { Compiled, Row } from '../expr/compile.ts';
import type { KeyValueStore } from '../state/store.ts';
import type { Emit, Rec } from './types.ts';

import { keyString } from '../state/key-string.ts';

export { keyString };

/** Join-state key: the record key, plus the window bounds for windowed sources. */
const joinKey = (key: unknown[] | null, window?: { start: number; end: number }) => keyString(window ? [key, window.start, window.end] : key);

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
      const k = joinKey(rec.key, rec.window);
      if (rec.row) store.put(k, rec.row);
      else store.put(k, undefined);
    },
    onStream(rec) {
      if (!rec.row) return;
      const jk = opts.leftKey.eval(rec.row);
      if (jk === null || jk === undefined) return;
      const right = store.get(joinKey([jk], rec.window));
      if (!right && opts.type === 'INNER') return;
      // the stream's row is this record's own (decoded for it, or joined for it upstream): the right
      // side's columns are added to it rather than to a copy
      const row: Row = rec.row;
      if (right) Object.assign(row, right);
      else for (const f of opts.rightFields) row[f] = null;
      next({ key: [jk], row, ts: rec.ts, window: rec.window });
    },
  };
}

interface Stamped {
  row: Row;
  ts: number;
}

export interface TwoSidedJoin {
  onLeft(rec: Rec): void;
  onRight(rec: Rec): void;
}

/**
 * Table-table primary-key join (Kafka Streams KTable-KTable join semantics): an update on either
 * side re-joins with the other side's current row; deletes become tombstones.
 */
export function tableTableJoin(opts: {
  type: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
  leftFields: string[];
  rightFields: string[];
  leftStore: KeyValueStore<Stamped>;
  rightStore: KeyValueStore<Stamped>;
  next: Emit;
}): TwoSidedJoin {
  const nulls = (fields: string[]): Row => Object.fromEntries(fields.map((f) => [f, null]));
  const { type, next } = opts;
  const side = (fromLeft: boolean) => (rec: Rec) => {
    if (!rec.key || rec.key.every((v) => v === null)) return;
    const k = joinKey(rec.key, rec.window);
    const own = fromLeft ? opts.leftStore : opts.rightStore;
    const other = fromLeft ? opts.rightStore : opts.leftStore;
    const old = own.get(k);
    own.put(k, rec.row ? { row: rec.row, ts: rec.ts } : undefined);
    const o = other.get(k);
    // this side is "outer" when its rows survive without a partner
    const ownOuter = fromLeft ? type === 'LEFT' || type === 'FULL' : type === 'RIGHT' || type === 'FULL';
    const otherOuter = fromLeft ? type === 'RIGHT' || type === 'FULL' : type === 'LEFT' || type === 'FULL';
    if (!o) {
      if (!ownOuter) return;
      if (!rec.row && !old) return;
    }
    const ts = o ? Math.max(rec.ts, o.ts) : rec.ts;
    let row: Row | null = null;
    if (rec.row) {
      const mine = rec.row;
      const theirs = o ? o.row : nulls(fromLeft ? opts.rightFields : opts.leftFields);
      row = fromLeft ? { ...mine, ...theirs } : { ...theirs, ...mine };
    } else if (o && otherOuter) {
      row = fromLeft ? { ...nulls(opts.leftFields), ...o.row } : { ...o.row, ...nulls(opts.rightFields) };
    }
    let oldRow: Row | null = null;
    if (old && (o || ownOuter)) {
      const theirs = o ? o.row : nulls(fromLeft ? opts.rightFields : opts.leftFields);
      oldRow = fromLeft ? { ...old.row, ...theirs } : { ...theirs, ...old.row };
    } else if (!old && o && otherOuter) {
      oldRow = fromLeft ? { ...nulls(opts.leftFields), ...o.row } : { ...o.row, ...nulls(opts.rightFields) };
    }
    next({ key: rec.key, row, old: oldRow, ts, window: rec.window });
  };
  return { onLeft: side(true), onRight: side(false) };
}

interface Buffered {
  key: string;
  keyVals: unknown[];
  window?: { start: number; end: number };
  row: Row;
  ts: number;
  seq: number;
  matched: boolean;
}

/**
 * Stream-stream join WITHIN (before, after): a left record at t matches right records with
 * timestamps in [t - before, t + after]. Unmatched outer records are emitted at once when no
 * GRACE PERIOD is given (legacy ksqlDB behaviour), or when the join window closes otherwise.
 */
export function streamStreamJoin(opts: {
  type: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
  leftKey: Compiled;
  rightKey: Compiled;
  before: number;
  after: number;
  grace?: number;
  leftFields: string[];
  rightFields: string[];
  store: KeyValueStore<unknown>;
  next: Emit;
}): TwoSidedJoin {
  const { type, before, after, next } = opts;
  const grace = opts.grace ?? 86_400_000;
  const eager = opts.grace === undefined;
  const nulls = (fields: string[]): Row => Object.fromEntries(fields.map((f) => [f, null]));
  const bufs: { left: Buffered[]; right: Buffered[] } = { left: [], right: [] };
  let streamTime = -Infinity;
  // each side's window store has its own observed time (the latest timestamp put into it): its
  // records expire against that, not against the join's shared stream time (as Kafka Streams' stores)
  let storeTime = { left: -Infinity, right: -Infinity };
  let seq = 0;
  const leftOuter = type === 'LEFT' || type === 'FULL';
  const rightOuter = type === 'RIGHT' || type === 'FULL';
  const persist = () => opts.store.put('buffers', { left: bufs.left, right: bufs.right, streamTime, storeTime, seq });
  const saved = opts.store.get('buffers') as { left: Buffered[]; right: Buffered[]; streamTime: number; storeTime?: typeof storeTime; seq: number } | undefined;
  if (saved) {
    bufs.left = saved.left;
    bufs.right = saved.right;
    streamTime = saved.streamTime;
    // state written before store times were kept: the shared stream time stands in for both
    storeTime = saved.storeTime ?? { left: saved.streamTime, right: saved.streamTime };
    seq = saved.seq;
  }
  const emitOuter = (b: Buffered, fromLeft: boolean) =>
    next({ key: b.keyVals, row: fromLeft ? { ...b.row, ...nulls(opts.rightFields) } : { ...nulls(opts.leftFields), ...b.row }, ts: b.ts, window: b.window });
  const retention = before + after + grace;
  const flushClosed = () => {
    const closed: { b: Buffered; fromLeft: boolean }[] = [];
    for (const [name, fromLeft, outer] of [
      ['left', true, leftOuter],
      ['right', false, rightOuter],
    ] as const) {
      const keep: Buffered[] = [];
      for (const b of bufs[name]) {
        const pendingOuter = !eager && outer && !b.matched;
        if (pendingOuter && b.ts + (fromLeft ? after : before) + grace < streamTime) {
          closed.push({ b, fromLeft });
          b.matched = true;
        }
        if (b.ts >= storeTime[name] - retention || (pendingOuter && !b.matched)) keep.push(b);
      }
      bufs[name] = keep;
    }
    closed.sort((x, y) => x.b.ts - y.b.ts || x.b.seq - y.b.seq);
    for (const c of closed) emitOuter(c.b, c.fromLeft);
  };
  const side = (fromLeft: boolean) => (rec: Rec) => {
    if (!rec.row) return;
    const kv = (fromLeft ? opts.leftKey : opts.rightKey).eval(rec.row);
    if (kv === null || kv === undefined) return;
    const ts = rec.ts;
    streamTime = Math.max(streamTime, ts);
    if (ts === streamTime) flushClosed();
    const k = joinKey([kv], rec.window);
    const others = fromLeft ? bufs.right : bufs.left;
    const lo = fromLeft ? ts - before : ts - after;
    const hi = fromLeft ? ts + after : ts + before;
    const otherTime = fromLeft ? storeTime.right : storeTime.left;
    const visible = (o: Buffered) => o.ts >= otherTime - retention;
    const matches = others.filter((o) => o.key === k && o.ts >= lo && o.ts <= hi && visible(o)).sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    const me: Buffered = { key: k, keyVals: [kv], window: rec.window, row: rec.row, ts, seq: seq++, matched: matches.length > 0 };
    for (const m of matches) {
      m.matched = true;
      const row = fromLeft ? { ...rec.row, ...m.row } : { ...m.row, ...rec.row };
      next({ key: [kv], row, ts: Math.max(ts, m.ts), window: rec.window });
    }
    const outer = fromLeft ? leftOuter : rightOuter;
    if (!matches.length && outer && (eager || hi < streamTime)) {
      emitOuter(me, fromLeft);
      me.matched = true;
    }
    // records older than their store's retention are not kept (they still joined above)
    const own = fromLeft ? 'left' : 'right';
    storeTime[own] = Math.max(storeTime[own], ts);
    if (ts >= storeTime[own] - retention) bufs[own].push(me);
    persist();
  };
  return { onLeft: side(true), onRight: side(false) };
}

/**
 * Table-table foreign-key join: each left row joins the right row whose primary key equals the
 * left's foreign-key expression. Output is keyed by the left key; right updates fan out to every
 * left row currently referencing them.
 */
export function foreignKeyJoin(opts: {
  type: 'INNER' | 'LEFT';
  leftKey: Compiled;
  rightFields: string[];
  leftStore: KeyValueStore<{ key: unknown[]; row: Row; ts: number; fk: string | null }>;
  rightStore: KeyValueStore<Stamped>;
  next: Emit;
}): TwoSidedJoin {
  const { next } = opts;
  const nulls = Object.fromEntries(opts.rightFields.map((f) => [f, null])) as Row;
  return {
    onLeft(rec) {
      if (!rec.key || rec.key.every((v) => v === null)) return;
      const k = keyString(rec.key);
      const old = opts.leftStore.get(k);
      if (!rec.row) {
        opts.leftStore.put(k, undefined);
        if (old) next({ key: rec.key, row: null, ts: rec.ts });
        return;
      }
      const fkVal = opts.leftKey.eval(rec.row);
      const fk = fkVal === null || fkVal === undefined ? null : keyString([fkVal]);
      opts.leftStore.put(k, { key: rec.key, row: rec.row, ts: rec.ts, fk });
      const r = fk === null ? undefined : opts.rightStore.get(fk);
      if (r) next({ key: rec.key, row: { ...rec.row, ...r.row }, ts: rec.ts });
      else if (opts.type === 'LEFT') next({ key: rec.key, row: { ...rec.row, ...nulls }, ts: rec.ts });
      else if (old && old.fk !== null && opts.rightStore.get(old.fk)) next({ key: rec.key, row: null, ts: rec.ts });
    },
    onRight(rec) {
      if (!rec.key || rec.key.every((v) => v === null)) return;
      const k = keyString(rec.key);
      opts.rightStore.put(k, rec.row ? { row: rec.row, ts: rec.ts } : undefined);
      for (const [, l] of opts.leftStore.entries()) {
        if (l.fk !== k) continue;
        if (rec.row) next({ key: l.key, row: { ...l.row, ...rec.row }, ts: rec.ts });
        else next({ key: l.key, row: opts.type === 'LEFT' ? { ...l.row, ...nulls } : null, ts: rec.ts });
      }
    },
  };
}
