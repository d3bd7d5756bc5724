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
  const encode = sinkEncoder(opts.sink);
  const view = opts.view;
  const sink: Emit = opts.deliver
    ? opts.deliver
    : (rec) => {
        if (view) {
          const k = keyString(rec.window ? [rec.key, rec.window.start, rec.window.end] : rec.key);
          view.put(k, rec.row ? { key: rec.key ?? [], row: rec.row, ts: rec.ts, window: rec.window } : undefined);
        }
        const out = encode(rec);
        if (out) opts.emit(out);
      };
  const projection = plan.source;
  // `old` feeds HAVING, and the final projection evaluates it only when an expression can throw
  const oldNeeded =
    planNodes(plan).some((n) => n.kind === 'filter' && (n.source.kind === 'aggregate' || n.source.kind === 'suppress')) ||
    !projection.values.every((v) => v.expr.safe);
  // a table source feeding an aggregation passes each key's previous row, to undo
  const tableChangesOld = !!findNode(plan, 'aggregate');
  const onError = (message: string, record: SourceRecord) =>
    log({ queryId: id, message, record: { topic: record.topic, partition: record.partition, offset: record.offset } });

  /** the topic handler of a source whose decoded records go to `next` as they are */
  const sourceInput = (side: Side, next: Emit): Input => {
    const decode = sourceDecoder(side.source, side.prefix, onError);
    return {
      topic: side.source.topic,
      handle: (r) => {
        const rec = decode(r);
        if (rec) next(rec);
      },
    };
  };

  /** the FROM source without a join: a table's records become changes of its rows */
  const fromInput = (node: DataSourceNode, next: Emit): Input => {
    const side = node.side;
    if (side.source.type !== 'TABLE') return sourceInput(side, next);
    const decode = sourceDecoder(side.source, side.prefix, onError);
    const store = state.open<Row>(`${id}-source`);
    const isTableOut = plan.resultType === 'TABLE';
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
  };

  const fieldsOf = (side: Side) => [...allColumns(side.source.schema).map((c) => side.prefix + c.name), ...PSEUDO_COLUMNS.map((p) => side.prefix + p)];

  /** the operator of a join; its right side's handler goes to `rights` (in join order), its left side is connected on */
  const rights: Input[] = [];
  const connectJoin = (node: JoinNode, next: Emit): Input => {
    const i = node.index;
    const j = node.spec;
    const name = node.syntheticKey;
    const downstream: Emit = name ? (rec) => next({ ...rec, row: rec.row ? { ...rec.row, [name]: rec.key?.[0] ?? null } : rec.row }) : next;
    const right = node.right.side;
    const leftFields = sourcesOf(node.left).flatMap((s) => fieldsOf(s.side));
    let onLeft: Emit;
    let onRight: Emit;
    if (j.kind === 'stream-table') {
      const join = streamTableJoin({
        type: j.type as 'INNER' | 'LEFT',
        leftKey: j.leftKey,
        rightFields: fieldsOf(right),
        store: state.open<Row>(`${id}-join${i}-table`),
        next: downstream,
      });
      onLeft = join.onStream;
      onRight = join.onTable;
    } else if (j.kind === 'table-table-fk') {
      const join = foreignKeyJoin({
        type: j.type as 'INNER' | 'LEFT',
        leftKey: j.leftKey,
        rightFields: fieldsOf(right),
        leftStore: state.open(`${id}-join${i}-left`),
        rightStore: state.open(`${id}-join${i}-right`),
        next: downstream,
      });
      onLeft = join.onLeft;
      onRight = join.onRight;
    } else if (j.kind === 'table-table') {
      const join = tableTableJoin({
        type: j.type,
        leftFields,
        rightFields: fieldsOf(right),
        leftStore: state.open(`${id}-join${i}-left`),
        rightStore: state.open(`${id}-join${i}-right`),
        next: downstream,
      });
      onLeft = join.onLeft;
      onRight = join.onRight;
    } else {
      const join = streamStreamJoin({
        type: j.type,
        leftKey: j.leftKey,
        rightKey: j.rightKey,
        before: j.within!.before,
        after: j.within!.after,
        grace: j.within!.grace,
        leftFields,
        rightFields: fieldsOf(right),
        store: state.open(`${id}-join${i}-windows`),
        next: downstream,
      });
      onLeft = join.onLeft;
      onRight = join.onRight;
    }
    // right (table) sides are registered first, so a topic read by both sides updates the table before the stream looks it up
    rights.unshift(sourceInput(right, onRight));
    return node.left.kind === 'source' ? sourceInput(node.left.side, onLeft) : connectJoin(node.left, onLeft);
  };

  /** connects `node` to `next`; returns the FROM source's handler */
  const connect = (node: PlanNode, next: Emit): Input => {
    switch (node.kind) {
      case 'sink':
        return connect(node.source, next);
      case 'project':
        // the final emit (and the table-function step before it) never reads `old`
        return connect(node.source, project(node.values, next, node === projection));
      case 'flatMap':
        return connect(node.source, flatMap(node, next));
      case 'filter':
        return connect(node.source, node.onTable ? tableFilter(node.predicate, next) : streamFilter(node.predicate, next));
      case 'suppress':
        return connect(node.source, suppressUntilWindowCloses(node.window, state.open(`${id}-suppress`), next));
      case 'aggregate':
        return connect(
          node.source,
          aggregate(node.spec, state.open(`${id}-aggregate`), next, (why) => log({ queryId: id, message: why }), oldNeeded),
        );
      case 'repartition': {
        if (node.keys) return connect(node.source, repartition(node.keys, next));
        const perm = node.order!;
        return connect(node.source, (rec) => next({ ...rec, key: rec.key ? perm.map((i) => rec.key![i]) : null }));
      }
      case 'join':
        return connectJoin(node, next);
      case 'source':
        return fromInput(node, next);
    }
  };

  /** a table function that throws outputs no rows for this record (ksqlDB logs it and goes on) */
  const flatMap = (node: FlatMapNode, next: Emit): Emit => {
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
  };

  const from = connect(plan, sink);
  return { id, inputs: [...rights, from] };
}
