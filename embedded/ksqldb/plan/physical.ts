// Physical planning: maps each node of a logical plan (plan/logical.ts) to its operator and chains
// them, from the sink back to the source topics' handlers.
import type { Side } from '../analyzer/scope.ts';
import type { Row } from '../expr/compile.ts';
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
import type { KeyValueStore, StateBackend } from '../state/store.ts';
import { allColumns, PSEUDO_COLUMNS } from '../types.ts';
import { findNode, planNodes, sourcesOf, type DataSourceNode, type FlatMapNode, type JoinNode, type PlanNode, type SinkNode } from './logical.ts';

/** A materialized table row: key column values, value columns by name, timestamp and window. */
export interface ViewRow {
  key: unknown[];
  row: Row;
  ts: number;
  window?: { start: number; end: number };
}

export interface QueryPipeline {
  id: string;
  /** source topic -> handler, in the order handlers must run */
  inputs: { topic: string; handle: (r: SourceRecord) => void }[];
}

type Input = QueryPipeline['inputs'][number];

export function buildPipeline(opts: {
  id: string;
  plan: SinkNode;
  sink: SinkSpec;
  state: StateBackend;
  emit: (r: SinkRecord) => void;
  /** transient queries: receive output records directly instead of serialized sink records */
  deliver?: (rec: Rec) => void;
  /** TABLE results: latest row per key (and window), served to pull queries */
  view?: KeyValueStore<ViewRow>;
  log: ProcessingLogger;
}): QueryPipeline {
  const { id, plan, state, log } = opts;
  const projection = plan.source;
  const wiring: Wiring = {
    id,
    plan,
    state,
    log,
    // `old` feeds HAVING, and the final projection evaluates it only when an expression can throw
    oldNeeded:
      planNodes(plan).some((n) => n.kind === 'filter' && (n.source.kind === 'aggregate' || n.source.kind === 'suppress')) ||
      !projection.values.every((v) => v.expr.safe),
    // a table source feeding an aggregation passes each key's previous row, to undo
    tableChangesOld: !!findNode(plan, 'aggregate'),
    onError: (message, record) => log({ queryId: id, message, record: { topic: record.topic, partition: record.partition, offset: record.offset } }),
    rights: [],
  };
  const from = connect(wiring, plan, sinkEmit(opts));
  return { id, inputs: [...wiring.rights, from] };
}

/** What the steps of one pipeline's wiring share. */
interface Wiring {
  id: string;
  plan: SinkNode;
  state: StateBackend;
  log: ProcessingLogger;
  /** whether operators must pass each row's previous value (`old`) on */
  oldNeeded: boolean;
  /** a table source feeding an aggregation passes each key's previous row, to undo */
  tableChangesOld: boolean;
  onError: (message: string, record: SourceRecord) => void;
  /** the right sides' handlers of the joins, in the order they must run */
  rights: Input[];
}

/** The end of the pipeline: records to the transient query's receiver, or to the materialized view and the encoded sink topic. */
function sinkEmit(opts: Parameters<typeof buildPipeline>[0]): Emit {
  if (opts.deliver) return opts.deliver;
  const encode = sinkEncoder(opts.sink);
  const view = opts.view;
  return (rec) => {
    if (view) {
      const k = keyString(rec.window ? [rec.key, rec.window.start, rec.window.end] : rec.key);
      view.put(k, rec.row ? { key: rec.key ?? [], row: rec.row, ts: rec.ts, window: rec.window } : undefined);
    }
    const out = encode(rec);
    if (out) opts.emit(out);
  };
}

/** connects `node` to `next`; returns the FROM source's handler */
function connect(w: Wiring, node: PlanNode, next: Emit): Input {
  const { id, state } = w;
  switch (node.kind) {
    case 'sink':
      return connect(w, node.source, next);
    case 'project':
      // the final emit (and the table-function step before it) never reads `old`
      return connect(w, node.source, project(node.values, next, node === w.plan.source));
    case 'flatMap':
      return connect(w, node.source, flatMap(w, node, next));
    case 'filter':
      return connect(w, node.source, node.onTable ? tableFilter(node.predicate, next) : streamFilter(node.predicate, next));
    case 'suppress':
      return connect(w, node.source, suppressUntilWindowCloses(node.window, state.open(`${id}-suppress`), next));
    case 'aggregate':
      return connect(
        w,
        node.source,
        aggregate(node.spec, state.open(`${id}-aggregate`), next, (why) => w.log({ queryId: id, message: why }), w.oldNeeded),
      );
    case 'repartition': {
      if (node.keys) return connect(w, node.source, repartition(node.keys, next));
      const perm = node.order!;
      return connect(w, node.source, (rec) => next({ ...rec, key: rec.key ? perm.map((i) => rec.key![i]) : null }));
    }
    case 'join':
      return connectJoin(w, node, next);
    case 'source':
      return fromInput(w, node, next);
  }
}

/** the topic handler of a source whose decoded records go to `next` as they are */
function sourceInput(w: Wiring, side: Side, next: Emit): Input {
  const decode = sourceDecoder(side.source, side.prefix, w.onError);
  return {
    topic: side.source.topic,
    handle: (r) => {
      const rec = decode(r);
      if (rec) next(rec);
    },
  };
}

/** the FROM source without a join: a table's records become changes of its rows */
function fromInput(w: Wiring, node: DataSourceNode, next: Emit): Input {
  const side = node.side;
  if (side.source.type !== 'TABLE') return sourceInput(w, side, next);
  const decode = sourceDecoder(side.source, side.prefix, w.onError);
  const store = w.state.open<Row>(`${w.id}-source`);
  const isTableOut = w.plan.resultType === 'TABLE';
  const tableChangesOld = w.tableChangesOld;
  return {
    topic: side.source.topic,
    handle: (r) => {
      const rec = decode(r);
      if (!rec || !rec.key || rec.key.every((v) => v === null)) return;
      const k = keyString(rec.key);
      const old = store.get(k) ?? null;
      store.put(k, rec.row ?? undefined);
      const change: Rec = { ...rec, old: tableChangesOld ? old : undefined };
      if (isTableOut) next(change);
    },
  };
}

const fieldsOf = (side: Side) => [...allColumns(side.source.schema).map((c) => side.prefix + c.name), ...PSEUDO_COLUMNS.map((p) => side.prefix + p)];

/** the operator of a join; its right side's handler goes to `w.rights` (in join order), its left side is connected on */
function connectJoin(w: Wiring, node: JoinNode, next: Emit): Input {
  const name = node.syntheticKey;
  const downstream: Emit = name ? (rec) => next({ ...rec, row: rec.row ? { ...rec.row, [name]: rec.key?.[0] ?? null } : rec.row }) : next;
  const { onLeft, onRight } = joinOperator(w, node, downstream);
  // right (table) sides are registered first, so a topic read by both sides updates the table before the stream looks it up
  w.rights.unshift(sourceInput(w, node.right.side, onRight));
  return node.left.kind === 'source' ? sourceInput(w, node.left.side, onLeft) : connectJoin(w, node.left, onLeft);
}

/** The join operator of a join's kind, with its state stores; `onLeft` and `onRight` take each side's records. */
function joinOperator(w: Wiring, node: JoinNode, downstream: Emit): { onLeft: Emit; onRight: Emit } {
  const { id, state } = w;
  const i = node.index;
  const j = node.spec;
  const rightFields = fieldsOf(node.right.side);
  const leftFields = sourcesOf(node.left).flatMap((s) => fieldsOf(s.side));
  switch (j.kind) {
    case 'stream-table': {
      const join = streamTableJoin({
        type: j.type as 'INNER' | 'LEFT',
        leftKey: j.leftKey,
        rightFields,
        store: state.open<Row>(`${id}-join${i}-table`),
        next: downstream,
      });
      return { onLeft: join.onStream, onRight: join.onTable };
    }
    case 'table-table-fk':
      return foreignKeyJoin({
        type: j.type as 'INNER' | 'LEFT',
        leftKey: j.leftKey,
        rightFields,
        leftStore: state.open(`${id}-join${i}-left`),
        rightStore: state.open(`${id}-join${i}-right`),
        next: downstream,
      });
    case 'table-table':
      return tableTableJoin({
        type: j.type,
        leftFields,
        rightFields,
        leftStore: state.open(`${id}-join${i}-left`),
        rightStore: state.open(`${id}-join${i}-right`),
        next: downstream,
      });
    case 'stream-stream':
      return streamStreamJoin({
        type: j.type,
        leftKey: j.leftKey,
        rightKey: j.rightKey,
        before: j.within!.before,
        after: j.within!.after,
        grace: j.within!.grace,
        leftFields,
        rightFields,
        store: state.open(`${id}-join${i}-windows`),
        next: downstream,
      });
  }
}

/** a table function that throws outputs no rows for this record (ksqlDB logs it and goes on) */
function flatMap(w: Wiring, node: FlatMapNode, next: Emit): Emit {
  const { id, log } = w;
  const tfs = node.functions;
  return (rec) => {
    if (!rec.row) return next(rec);
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
