// Physical planning: turns an analysed query into a chain of operators fed by topic handlers.
import type { AnalyzedQuery } from '../analyzer/analyzer.ts';
import type { SinkRecord, SourceRecord } from '../io.ts';
import { aggregate } from '../operators/aggregate.ts';
import { streamFilter, tableFilter } from '../operators/filter.ts';
import { keyString, streamStreamJoin, streamTableJoin, tableTableJoin } from '../operators/join.ts';
import { project } from '../operators/project.ts';
import { repartition } from '../operators/repartition.ts';
import { sinkEncoder, type SinkSpec } from '../operators/sink.ts';
import { sourceDecoder } from '../operators/source.ts';
import { suppressUntilWindowCloses } from '../operators/suppress.ts';
import type { Emit, ProcessingLogger, Rec } from '../operators/types.ts';
import type { Row } from '../expr/compile.ts';
import type { StateBackend } from '../state/store.ts';
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
  log: ProcessingLogger;
}): QueryPipeline {
  const { id, query: q, state, log } = opts;
  const encode = sinkEncoder(opts.sink);
  let chain: Emit = (rec) => {
    const out = encode(rec);
    if (out) opts.emit(out);
  };
  chain = project(q.values, chain);
  const isTableOut = q.resultType === 'TABLE';
  if (q.aggregate) {
    const a = q.aggregate;
    if (a.having) chain = tableFilter(a.having, chain);
    if (a.emitFinal && a.window) chain = suppressUntilWindowCloses(a.window, state.open(`${id}-suppress`), chain);
    chain = aggregate(a, state.open(`${id}-aggregate`), chain, (why) => log({ queryId: id, message: why }));
  } else if (q.partitionBy) {
    chain = repartition(q.partitionBy, chain);
  } else if (q.rekey) {
    const perm = q.rekey;
    const next = chain;
    chain = (rec) => next({ ...rec, key: rec.key ? perm.map((i) => rec.key![i]) : null });
  }
  const leftIsTable = q.join ? q.join.kind === 'table-table' : q.sides[0]!.source.type === 'TABLE';
  if (q.where) chain = leftIsTable ? tableFilter(q.where, chain) : streamFilter(q.where, chain);

  const onError = (message: string, record: SourceRecord) =>
    log({ queryId: id, message, record: { topic: record.topic, partition: record.partition, offset: record.offset } });
  const inputs: QueryPipeline['inputs'] = [];
  const left = q.sides[0]!;
  const decodeLeft = sourceDecoder(left.source, left.prefix, onError);

  if (q.join) {
    const right = q.sides[1]!;
    const decodeRight = sourceDecoder(right.source, right.prefix, onError);
    const fieldsOf = (side: typeof left) => [...allColumns(side.source.schema).map((c) => side.prefix + c.name), ...PSEUDO_COLUMNS.map((p) => side.prefix + p)];
    const j = q.join;
    let onLeft: (rec: Rec) => void;
    let onRight: (rec: Rec) => void;
    if (j.kind === 'stream-table') {
      const join = streamTableJoin({ type: j.type as 'INNER' | 'LEFT', leftKey: j.leftKey, rightFields: fieldsOf(right), store: state.open<Row>(`${id}-join-table`), next: chain });
      onLeft = join.onStream;
      onRight = join.onTable;
    } else if (j.kind === 'table-table') {
      const join = tableTableJoin({ type: j.type, leftFields: fieldsOf(left), rightFields: fieldsOf(right), leftStore: state.open(`${id}-join-left`), rightStore: state.open(`${id}-join-right`), next: chain });
      onLeft = join.onLeft;
      onRight = join.onRight;
    } else {
      const join = streamStreamJoin({ type: j.type, leftKey: j.leftKey, rightKey: j.rightKey, before: j.within!.before, after: j.within!.after, grace: j.within!.grace, leftFields: fieldsOf(left), rightFields: fieldsOf(right), store: state.open(`${id}-join-windows`), next: chain });
      onLeft = join.onLeft;
      onRight = join.onRight;
    }
    // a self-join reads one topic twice: the right (table) side first, as ksqlDB does
    inputs.push({ topic: right.source.topic, handle: (r) => { const rec = decodeRight(r); if (rec) onRight(rec); } });
    inputs.push({ topic: left.source.topic, handle: (r) => { const rec = decodeLeft(r); if (rec) onLeft(rec); } });
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
