/**
 * Engine results -> ksqlDB's REST JSON (KsqlEntity subtypes, error bodies, schema strings, row values).
 */
import { AssertionFailed, awaitAssertion, schemaAssertionFailure, topicAssertionFailure } from '../assertions.ts';
import type { KsqlEngine, QueryDescription } from '../engine.ts';
import type { KsqlError } from '../errors.ts';
import { stringifyJson } from '../expr/long.ts';
import { formatDateText, formatTimeText, formatTimestampText } from '../expr/temporal.ts';
import type { DataSource, QueryInfo } from '../metastore.ts';
import type { SqlType } from '../types.ts';
import type { StatementOutcome } from '../runtime/runtime.ts';

export type Json = Record<string, unknown>;

export function genericError(message: string, errorCode = 40000): Json {
  return { '@type': 'generic_error', error_code: errorCode, message };
}

/** Message with ksqlDB's `line L:C: ` prefix when the error has a position. */
export function errorMessage(e: KsqlError): string {
  if (!e.pos || /^line \d+:\d+/.test(e.message)) return e.message;
  return `line ${e.pos.line}:${e.pos.column}: ${e.message}`;
}

export function statementError(e: KsqlError, statementText: string, entities: Json[], errorCode = 40001): Json {
  return { '@type': 'statement_error', error_code: errorCode, message: errorMessage(e), statementText, entities };
}

/** ksqlDB's SchemaInfo: STRUCT fields, ARRAY and MAP member (item or value) schemas, DECIMAL parameters. */
function schemaInfo(t: SqlType): Json {
  switch (t.base) {
    case 'ARRAY':
      return { type: 'ARRAY', fields: null, memberSchema: schemaInfo(t.item ?? { base: 'STRING' }) };
    case 'MAP':
      return { type: 'MAP', fields: null, memberSchema: schemaInfo(t.value ?? { base: 'STRING' }) };
    case 'STRUCT':
      return { type: 'STRUCT', fields: (t.fields ?? []).map((f) => ({ name: f.name, schema: schemaInfo(f.type) })), memberSchema: null };
    case 'DECIMAL':
      return { type: 'DECIMAL', fields: null, memberSchema: null, parameters: { precision: t.precision, scale: t.scale } };
    default:
      return { type: t.base === 'NULL' ? 'STRING' : t.base, fields: null, memberSchema: null };
  }
}

export function runningQuery(q: QueryInfo): Json {
  return {
    queryString: q.sql,
    sinks: q.sink ? [q.sink] : [],
    sinkKafkaTopics: q.sinkTopic ? [q.sinkTopic] : [],
    id: q.id,
    statusCount: { [q.state]: 1 },
    queryType: q.type ?? 'PERSISTENT',
    state: q.state,
  };
}

export function sourceDescription(engine: KsqlEngine, src: DataSource, extended: boolean): Json {
  const queries = [...engine.metastore.queries.values()];
  return {
    name: src.name,
    windowType: src.windowType ?? null,
    readQueries: queries.filter((q) => q.sources.includes(src.name)).map(runningQuery),
    writeQueries: queries.filter((q) => src.writeQueries.includes(q.id)).map(runningQuery),
    fields: [
      ...src.schema.key.map((c) => ({ name: c.name, schema: schemaInfo(c.type), type: 'KEY' })),
      ...src.schema.value.map((c) => ({ name: c.name, schema: schemaInfo(c.type) })),
    ],
    type: src.type,
    timestamp: src.timestampColumn ?? '',
    statistics: '',
    errorStats: '',
    extended,
    keyFormat: src.keyFormat,
    valueFormat: src.valueFormat,
    topic: src.topic,
    partitions: extended ? src.partitions : 0,
    replication: extended ? src.replicas : 0,
    statement: src.sql,
    queryOffsetSummaries: [],
    sourceConstraints: [],
    clusterStatistics: [],
    clusterErrorStats: [],
  };
}

export interface EntityContext {
  engine: KsqlEngine;
  serverProperties: Record<string, string>;
  topics: () => Promise<{ name: string; replicaInfo: number[] }[]>;
  /** the consumer group the persistent queries read their input with */
  queryConsumerGroup: string;
  /** that group's committed offsets in these topics, with each partition's log start and end */
  committedOffsets: (topics: string[]) => Promise<{ topic: string; partition: number; start: number; end: number; committed: number }[]>;
}

/**
 * DESCRIBE EXTENDED's consumer-group summary, one per query writing the source: where the queries'
 * group is in that query's input topics (ksqlDB gives each query a group of its own; here they share one).
 */
async function queryOffsetSummaries(ctx: EntityContext, src: DataSource): Promise<Json[]> {
  const summaries: Json[] = [];
  for (const id of src.writeQueries) {
    const query = ctx.engine.metastore.queries.get(id);
    if (!query) continue;
    const topics = [...new Set(query.sources.map((name) => ctx.engine.metastore.get(name)?.topic).filter((t): t is string => t !== undefined))];
    const offsets = await ctx.committedOffsets(topics);
    summaries.push({
      groupId: ctx.queryConsumerGroup,
      topicSummaries: topics
        .filter((t) => offsets.some((o) => o.topic === t))
        .map((kafkaTopic) => ({
          kafkaTopic,
          offsets: offsets
            .filter((o) => o.topic === kafkaTopic)
            .map((o) => ({ partition: o.partition, logStartOffset: o.start, logEndOffset: o.end, consumerOffset: o.committed })),
        })),
    });
  }
  return summaries;
}

/** EXPLAIN's answer, in ksqlDB's QueryDescription shape. */
export function queryDescription(q: QueryDescription, consumerGroup: string): Json {
  return {
    id: q.id,
    statementText: q.statementText,
    windowType: q.windowType ?? null,
    fields: [
      ...q.schema.key.map((c) => ({ name: c.name, schema: schemaInfo(c.type), type: 'KEY' })),
      ...q.schema.value.map((c) => ({ name: c.name, schema: schemaInfo(c.type) })),
    ],
    sources: q.sources,
    sinks: q.sinks,
    topology: q.topology,
    executionPlan: q.executionPlan,
    overriddenProperties: {},
    ksqlHostQueryStatus: {},
    queryType: q.queryType,
    queryErrors: [],
    tasksMetadata: [],
    ...(q.state ? { state: q.state } : {}),
    consumerGroupId: q.state ? consumerGroup : '',
  };
}

/** The REST entity of one statement, or undefined for statements that answer with none (SET, INSERT VALUES). */
export async function toEntity(o: StatementOutcome, ctx: EntityContext): Promise<Json | undefined> {
  const st = o.statement;
  const text = o.result.statementText;
  const e = o.result.entity;
  const base = { statementText: text };
  if (st.kind === 'set' || st.kind === 'unset' || st.kind === 'insertValues') return undefined;
  switch (e.type) {
    case 'currentStatus':
      return {
        '@type': 'currentStatus',
        ...base,
        commandId: o.commandId ?? `${st.kind}/${text}/execute`,
        commandStatus: { status: 'SUCCESS', message: e.commandStatus.message, queryId: e.commandStatus.queryId ?? null },
        commandSequenceNumber: o.commandSequenceNumber,
        warnings: [],
      };
    case 'streams':
    case 'tables':
      return {
        '@type': e.type,
        ...base,
        [e.type]: e.sources.map((s) => ({
          type: s.type,
          name: s.name,
          topic: s.topic,
          keyFormat: s.keyFormat,
          valueFormat: s.valueFormat,
          isWindowed: s.isWindowed,
        })),
        warnings: [],
      };
    case 'queries':
      return { '@type': 'queries', ...base, queries: e.queries.map(runningQuery), warnings: [] };
    case 'kafka_topics':
      return { '@type': 'kafka_topics', ...base, topics: await ctx.topics(), warnings: [] };
    case 'properties': {
      const props = { ...ctx.serverProperties, ...e.properties };
      return {
        '@type': 'properties',
        ...base,
        properties: Object.entries(props)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, value]) => ({
            name,
            scope: name.startsWith('ksql.') ? 'KSQL' : 'KAFKA_STREAMS',
            value,
            editable: name !== 'ksql.service.id',
            level: name === 'ksql.service.id' ? 'SERVER' : 'QUERY',
          })),
        overwrittenProperties: [],
        defaultProperties: [],
        warnings: [],
      };
    }
    case 'function_names':
      return { '@type': 'function_names', ...base, functions: e.functions, warnings: [] };
    case 'sourceDescription': {
      const src = ctx.engine.metastore.get(e.sourceDescription.name);
      const description = src ? sourceDescription(ctx.engine, src, e.sourceDescription.extended) : e.sourceDescription;
      if (src && e.sourceDescription.extended) Object.assign(description, { queryOffsetSummaries: await queryOffsetSummaries(ctx, src) });
      return { '@type': 'sourceDescription', ...base, sourceDescription: description, warnings: [] };
    }
    case 'queryDescription':
      return { '@type': 'queryDescription', ...base, queryDescription: queryDescription(e.queryDescription, ctx.queryConsumerGroup), warnings: [] };
    case 'assertion': {
      const a = e.assertion;
      const failure = await awaitAssertion(a.timeoutMs, async () =>
        a.kind === 'topic' ? topicAssertionFailure(a, await ctx.topics()) : schemaAssertionFailure(),
      );
      if (failure !== undefined) throw new AssertionFailed(failure);
      return a.kind === 'topic'
        ? { '@type': 'assert_topic', ...base, topicName: a.topic, exists: a.exists, warnings: [] }
        : { '@type': 'assert_schema', ...base, subject: a.subject ?? null, id: a.id ?? null, exists: a.exists, warnings: [] };
    }
  }
}

// ---------------------------------------------------------------- rows

const TEMPORAL_TEXT: Record<string, (v: number) => string> = { TIMESTAMP: formatTimestampText, DATE: formatDateText, TIME: formatTimeText };

/**
 * A row value as ksqlDB's ApiJsonMapper writes it: bigints and DECIMALs as plain numbers, bytes base64,
 * a column of type TIMESTAMP, DATE or TIME (`type`, the column's type text) as its ISO text.
 */
export function encodeValue(v: unknown, type?: string): unknown {
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (Array.isArray(v)) return v.map((x) => encodeValue(x));
  const text = type === undefined ? undefined : TEMPORAL_TEXT[type];
  if (text && typeof v === 'number') return text(v);
  return v === undefined ? null : v;
}

export function json(v: unknown): string {
  return stringifyJson(v);
}

/** Header schema string: "`A` STRING, `B` BIGINT" (key columns of pull queries suffixed KEY). */
export function schemaString(columns: { name: string; type: string }[], keyNames: Set<string> = new Set()): string {
  return columns.map((c) => `\`${c.name}\` ${c.type}${keyNames.has(c.name) ? ' KEY' : ''}`).join(', ');
}
