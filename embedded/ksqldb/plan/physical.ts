// Physical planning: turns an analysed query into a chain of operators fed by topic handlers.
import type { AnalyzedQuery } from '../analyzer/analyzer.ts';
import type { SinkRecord, SourceRecord } from '../io.ts';
import { aggregate } from '../operators/aggregate.ts';
import { streamFilter, tableFilter } from '../operators/filter.ts';
import { foreignKeyJoin, keyString, streamStreamJoin, streamTableJoin, tableTableJoin } from '../operators/join.ts';
import { project } from '../operators/project.ts';
import { repartition } from '../operators/repartition.ts';
import { sinkEncoder, type SinkSpec } from '../operators/sink.ts';
import { sourceDecoder } from '../operators/source.ts';
import { suppressUntilWindowCloses } from '../operators/suppress.ts';
import type { Emit, ProcessingLogger, Rec } from '../operators/types.ts';
import type { Row } from '../expr/compile.ts';
import type { KeyValueStore, StateBackend } from '../state/store.ts';

/** A materialized table row: key column values, value columns by name, timestamp and window. */
export interface ViewRow {
  key: unknown[];
  row: Row;
  ts: number;
  window?: { start: number; end: number };
}
import { allColumns, PSEUDO_COLUMNS } from '../types.ts';

export interface QueryPipeline {
  id: string;
  /** source topic -> handler, in the order handlers must run */
  inputs: { topic: string; handle: (r: SourceRecord) => void }[];
}

export function buildPipeline(opts: {
  id: string;
  query: AnalyzedQuery;
  sink: SinkSpec;
  state: StateBackend;
  emit: (r: SinkRecord) => void;
  /** transient queries: receive output records directly instead of serialized sink records */
  deliver?: (rec: Rec) => void;
  /** TABLE results: latest row per key (and window), served to pull queries */
  view?: KeyValueStore<ViewRow>;
  log: ProcessingLogger;
}): QueryPipeline {
  const { id, query: q, state, log } = opts;
  const encode = sinkEncoder(opts.sink);
  const view = opts.view;
  let chain: Emit = opts.deliver
    ? opts.deliver
    : (rec) => {
        if (view) {
          const k = keyString(rec.window ? [rec.key, rec.window.start, rec.window.end] : rec.key);
          view.put(k, rec.row ? { key: rec.key ?? [], row: rec.row, ts: rec.ts, window: rec.window } : undefined);
        }
        const out = encode(rec);
        if (out) opts.emit(out);
      };
  // the final emit (and the table-function step before it) never reads `old`
  chain = project(q.values, chain, true);
  if (q.tableFunctions) {
    const tfs = q.tableFunctions;
    const next = chain;
    chain = (rec) => {
      if (!rec.row) return next(rec);
      // a table function that throws outputs no rows for this record (ksqlDB logs it and goes on)
      const arrays = tfs.map((t) => {
        try {
          return t.explode(t.arg.eval(rec.row!));
        } catch (e) {
          log({ queryId: id, message: `table function failed: ${(e as Error).message}` });
          return [];
        }
      });
      const n = Math.max(0, ...arrays.map((a) => a.length));
      for (let i = 0; i < n; i++) {
        const row = { ...rec.row };
        tfs.forEach((t, j) => (row[t.field] = arrays[j]?.[i] ?? null));
        next({ ...rec, row });
      }
    };
  }
  const isTableOut = q.resultType === 'TABLE';
  if (q.aggregate) {
    const a = q.aggregate;
    if (a.having) chain = tableFilter(a.having, chain);
    if (a.emitFinal && a.window) chain = suppressUntilWindowCloses(a.window, state.open(`${id}-suppress`), chain);
    // `old` feeds HAVING, and the final projection evaluates it only when an expression can throw
    const oldNeeded = !!a.having || !q.values.every((v) => v.expr.safe);
    chain = aggregate(a, state.open(`${id}-aggregate`), chain, (why) => log({ queryId: id, message: why }), oldNeeded);
  } else if (q.partitionBy) {
    chain = repartition(q.partitionBy, chain);
  } else if (q.rekey) {
    const perm = q.rekey;
    const next = chain;
    chain = (rec) => next({ ...rec, key: rec.key ? perm.map((i) => rec.key![i]) : null });
  }
  const last = q.joins[q.joins.length - 1];
  const leftIsTable = last ? last.kind === 'table-table' || last.kind === 'table-table-fk' : q.sides[0]!.source.type === 'TABLE';
  if (q.where) chain = leftIsTable ? tableFilter(q.where, chain) : streamFilter(q.where, chain);

  const onError = (message: string, record: SourceRecord) =>
    log({ queryId: id, message, record: { topic: record.topic, partition: record.partition, offset: record.offset } });
  const inputs: QueryPipeline['inputs'] = [];
  const left = q.sides[0]!;
  const decodeLeft = sourceDecoder(left.source, left.prefix, onError);

  if (q.joins.length) {
    const fieldsOf = (side: typeof left) => [...allColumns(side.source.schema).map((c) => side.prefix + c.name), ...PSEUDO_COLUMNS.map((p) => side.prefix + p)];
    // build from the last join back to the first: each join's left input is the previous join's output
    const name = q.syntheticKey;
    let downstream: Emit = name ? (rec) => chain({ ...rec, row: rec.row ? { ...rec.row, [name]: rec.key?.[0] ?? null } : rec.row }) : chain;
    const rightInputs: QueryPipeline['inputs'] = [];
    for (let i = q.joins.length - 1; i >= 0; i--) {
      const j = q.joins[i]!;
      const right = q.sides[i + 1]!;
      const leftFields = q.sides.slice(0, i + 1).flatMap(fieldsOf);
      const decodeRight = sourceDecoder(right.source, right.prefix, onError);
      let onLeft: (rec: Rec) => void;
      let onRight: (rec: Rec) => void;
      if (j.kind === 'stream-table') {
        const join = streamTableJoin({ type: j.type as 'INNER' | 'LEFT', leftKey: j.leftKey, rightFields: fieldsOf(right), store: state.open<Row>(`${id}-join${i}-table`), next: downstream });
        onLeft = join.onStream;
        onRight = join.onTable;
      } else if (j.kind === 'table-table-fk') {
        const join = foreignKeyJoin({ type: j.type as 'INNER' | 'LEFT', leftKey: j.leftKey, rightFields: fieldsOf(right), leftStore: state.open(`${id}-join${i}-left`), rightStore: state.open(`${id}-join${i}-right`), next: downstream });
        onLeft = join.onLeft;
        onRight = join.onRight;
      } else if (j.kind === 'table-table') {
        const join = tableTableJoin({ type: j.type, leftFields, rightFields: fieldsOf(right), leftStore: state.open(`${id}-join${i}-left`), rightStore: state.open(`${id}-join${i}-right`), next: downstream });
        onLeft = join.onLeft;
        onRight = join.onRight;
      } else {
        const join = streamStreamJoin({ type: j.type, leftKey: j.leftKey, rightKey: j.rightKey, before: j.within!.before, after: j.within!.after, grace: j.within!.grace, leftFields, rightFields: fieldsOf(right), store: state.open(`${id}-join${i}-windows`), next: downstream });
        onLeft = join.onLeft;
        onRight = join.onRight;
      }
      rightInputs.unshift({ topic: right.source.topic, handle: (r) => { const rec = decodeRight(r); if (rec) onRight(rec); } });
      downstream = onLeft;
    }
    const first = downstream;
    // right (table) sides are registered first, so a topic read by both sides updates the table before the stream looks it up
    inputs.push(...rightInputs);
    inputs.push({ topic: left.source.topic, handle: (r) => { const rec = decodeLeft(r); if (rec) first(rec); } });
    return { id, inputs };
  }

  if (left.source.type === 'TABLE') {
    const store = state.open<Row>(`${id}-source`);
    const materialize = !!q.aggregate;
    inputs.push({
      topic: left.source.topic,
      handle: (r) => {
        const rec = decodeLeft(r);
        if (!rec || !rec.key || rec.key.every((v) => v === null)) return;
        const k = keyString(rec.key);
        const old = store.get(k) ?? null;
        store.put(k, rec.row ?? undefined);
        const change: Rec = { ...rec, old: materialize ? old : undefined };
        if (isTableOut) chain(change);
      },
    });
    return { id, inputs };
  }

  inputs.push({
    topic: left.source.topic,
    handle: (r) => {
      const rec = decodeLeft(r);
      if (rec) chain(rec);
    },
  });
  return { id, inputs };
}
