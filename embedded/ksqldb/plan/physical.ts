// Physical planning: turns an analysed query into a chain of operators fed by topic handlers.
import type { AnalyzedQuery } from '../analyzer/analyzer.ts';
import type { SinkRecord, SourceRecord } from '../io.ts';
import { aggregate } from '../operators/aggregate.ts';
import { streamFilter, tableFilter } from '../operators/filter.ts';
import { keyString, streamTableJoin } from '../operators/join.ts';
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
  const leftIsTable = q.sides[0]!.source.type === 'TABLE' && !q.join;
  if (q.where) chain = leftIsTable ? tableFilter(q.where, chain) : streamFilter(q.where, chain);

  const onError = (message: string, record: SourceRecord) =>
    log({ queryId: id, message, record: { topic: record.topic, partition: record.partition, offset: record.offset } });
  const inputs: QueryPipeline['inputs'] = [];
  const left = q.sides[0]!;
  const decodeLeft = sourceDecoder(left.source, left.prefix, onError);

  if (q.join) {
    const right = q.sides[1]!;
    const decodeRight = sourceDecoder(right.source, right.prefix, onError);
    const rightFields = [...allColumns(right.source.schema).map((c) => right.prefix + c.name), ...PSEUDO_COLUMNS.map((p) => right.prefix + p)];
    const join = streamTableJoin({ type: q.join.type, leftKey: q.join.leftKey, rightFields, store: state.open<Row>(`${id}-join-table`), next: chain });
    inputs.push({
      topic: right.source.topic,
      handle: (r) => {
        const rec = decodeRight(r);
        if (rec) join.onTable(rec);
      },
    });
    inputs.push({
      topic: left.source.topic,
      handle: (r) => {
        const rec = decodeLeft(r);
        if (rec) join.onStream(rec);
      },
    });
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
