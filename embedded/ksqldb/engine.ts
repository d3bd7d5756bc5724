// The ksql engine: executes statements against the metastore, runs persistent queries over
// records handed in by a runtime, and hands back the records they produce.
import { readFileSync } from 'node:fs';
import { analyzeQuery, type AnalyzedQuery } from './analyzer/analyzer.ts';
import {
  buildSource,
  checkProps,
  checkSchemaNames,
  prop,
  resolveDelimiters,
  resolveFormats,
  resolveWrapping,
  validateFormats,
  validateTimestampColumn,
} from './ddl.ts';
import { KsqlError } from './errors.ts';
import { listAggregateFunctions } from './functions/aggregate.ts';
import { listScalarFunctions } from './functions/scalar.ts';
import { listTableFunctions } from './functions/table.ts';
import { compileExpr, castValue } from './expr/compile.ts';
import { getFormat, type WindowType } from './formats/index.ts';
import type { SinkRecord, SourceRecord, TopicSpec } from './io.ts';
import { Metastore, type DataSource, type MetastoreSnapshot, type QueryInfo } from './metastore.ts';
import { sourceTimestamp } from './operators/source.ts';
import type { ProcessingLogger } from './operators/types.ts';
import type { Statement } from './parser/ast.ts';
import { parseStatements } from './parser/parser.ts';
import type { SchemaAssertion, TopicAssertion } from './assertions.ts';
import { describeExecutionPlan, describeTopology } from './plan/describe.ts';
import type { SinkNode } from './plan/logical.ts';
import { buildPipeline, type QueryPipeline, type ViewRow } from './plan/physical.ts';
import { MemoryStateBackend, type StateBackend } from './state/store.ts';
import { schemaToString, typeEquals, typeToString, T, type LogicalSchema, type SqlType } from './types.ts';

export interface EngineOptions {
  /** engine properties, e.g. ksql.output.topic.name.prefix */
  config?: Record<string, string>;
  state?: StateBackend;
  processingLog?: ProcessingLogger;
}

export type Entity =
  | { type: 'currentStatus'; statementText: string; commandStatus: { status: 'SUCCESS'; message: string; queryId?: string } }
  | {
      type: 'streams' | 'tables';
      statementText: string;
      sources: { name: string; topic: string; keyFormat: string; valueFormat: string; isWindowed: boolean; type: string }[];
    }
  | { type: 'queries'; statementText: string; queries: QueryInfo[] }
  | { type: 'properties'; statementText: string; properties: Record<string, string> }
  | { type: 'function_names'; statementText: string; functions: FunctionName[] }
  | { type: 'kafka_topics'; statementText: string; topics: TopicSpec[] }
  | { type: 'sourceDescription'; statementText: string; sourceDescription: SourceDescription }
  | { type: 'queryDescription'; statementText: string; queryDescription: QueryDescription }
  /** ASSERT TOPIC / SCHEMA: what to check; the runtime checks it against the cluster (assertions.ts) */
  | { type: 'assertion'; statementText: string; assertion: TopicAssertion | SchemaAssertion };

/**
 * One entry of SHOW FUNCTIONS, as ksqlDB's FunctionNameList: the name, its kind, and a category (ksqlDB's
 * own categories for aggregate and table functions; scalar functions are not grouped here, so OTHER).
 */
export interface FunctionName {
  name: string;
  type: 'SCALAR' | 'AGGREGATE' | 'TABLE';
  category: string;
}

/** What EXPLAIN tells of a query: its id, text, output schema and what it reads and writes. */
export interface QueryDescription {
  id: string;
  statementText: string;
  windowType?: string;
  /** the rows it outputs: key columns, then value columns */
  schema: LogicalSchema;
  sources: string[];
  sinks: string[];
  queryType: 'PERSISTENT' | 'PUSH';
  /** RUNNING for a running query; absent for a statement explained without being run */
  state?: string;
  /** the plan's steps as ksqlDB's EXPLAIN prints them (plan/describe.ts) */
  executionPlan: string;
  /** the operators as a Kafka Streams topology description */
  topology: string;
}

export interface SourceDescription {
  name: string;
  type: 'STREAM' | 'TABLE';
  schema: string;
  fields: { name: string; type: string; key: boolean }[];
  topic: string;
  keyFormat: string;
  valueFormat: string;
  windowType?: string;
  timestamp: string;
  partitions: number;
  replication: number;
  readQueries: string[];
  writeQueries: string[];
  statement: string;
  extended: boolean;
}

export interface ExecuteResult {
  statementText: string;
  entity: Entity;
  /** records produced by the statement itself (INSERT VALUES) */
  produced: SinkRecord[];
}

export interface ProcessingLogEntry {
  queryId: string;
  message: string;
  record?: unknown;
}

interface Running {
  info: QueryInfo;
  pipeline: QueryPipeline;
  plan: SinkNode;
}

/** A transient push query (`SELECT ... EMIT CHANGES [LIMIT n]`), e.g. behind the REST /query endpoint. */
export interface TransientQuery {
  id: string;
  /** output columns in SELECT order */
  columns: { name: string; type: string }[];
  /** run one record through this query only (e.g. catching up from the start of a topic) */
  feed(rec: SourceRecord): void;
  close(): void;
  readonly done: boolean;
}

export interface TransientRow {
  values: unknown[];
  /** a table row was deleted (values hold the key columns only) */
  tombstone: boolean;
  timestamp: number;
  window?: { start: number; end: number };
}

export class KsqlEngine {
  readonly metastore: Metastore;
  readonly state: StateBackend;
  readonly config: Record<string, string>;
  readonly topics = new Map<string, TopicSpec>();
  readonly processingLog: ProcessingLogEntry[] = [];
  private running = new Map<string, Running>();
  private queryCounter = 0;
  private outbox: SinkRecord[] = [];
  /** every statement that changed the metastore, in order (the command topic) */
  readonly commands: string[] = [];

  constructor(private opts: EngineOptions = {}) {
    this.metastore = new Metastore();
    this.state = opts.state ?? new MemoryStateBackend();
    this.config = { ...(opts.config ?? {}) };
  }

  // ------------------------------------------------------------ statements
  /** Parses and executes every statement in order; throws a KsqlError (with statement text) on the first failure. */
  execute(sql: string): ExecuteResult[] {
    const stmts = parseStatements(sql, this.metastore.types);
    const out: ExecuteResult[] = [];
    for (const st of stmts) out.push(this.executeStatement(st));
    return out;
  }

  executeStatement(st: Statement): ExecuteResult {
    try {
      const r = this.run(st);
      return r;
    } catch (e) {
      if (e instanceof KsqlError) {
        e.statementText ??= st.text;
        throw e;
      }
      throw new KsqlError((e as Error).message, { statementText: st.text });
    }
  }

  private ok(st: Statement, message: string, queryId?: string): ExecuteResult {
    return {
      statementText: st.text,
      entity: { type: 'currentStatus', statementText: st.text, commandStatus: { status: 'SUCCESS', message, ...(queryId ? { queryId } : {}) } },
      produced: [],
    };
  }

  private run(st: Statement): ExecuteResult {
    switch (st.kind) {
      case 'createSource':
        return this.createSource(st);
      case 'createAs':
        return this.createAs(st);
      case 'insertInto':
        return this.insertInto(st);
      case 'insertValues':
        return this.insertValues(st);
      case 'drop':
        return this.drop(st);
      case 'terminate':
        return this.terminate(st);
      case 'show':
        return this.show(st);
      case 'describe': {
        const src = this.metastore.get(st.name);
        if (!src) throw new KsqlError(`Could not find STREAM/TABLE '${st.name}' in the Metastore`, { pos: st.pos });
        return {
          statementText: st.text,
          entity: { type: 'sourceDescription', statementText: st.text, sourceDescription: this.describe(src, st.extended) },
          produced: [],
        };
      }
      case 'set':
        this.config[st.name] = st.value;
        return this.ok(st, `Property ${st.name} set to ${st.value}`);
      case 'unset':
        delete this.config[st.name];
        return this.ok(st, `Property ${st.name} unset`);
      case 'runScript': {
        const text = readFileSync(st.path, 'utf8');
        const results = this.execute(text);
        return results[results.length - 1] ?? this.ok(st, 'Script executed');
      }
      case 'assertTopic': {
        const timeoutMs = st.timeoutMs ?? Number(this.config['ksql.assert.topic.default.timeout.ms'] ?? 1000);
        const properties = Object.fromEntries(Object.entries(st.props).map(([k, v]) => [k, v.value]));
        return {
          statementText: st.text,
          entity: { type: 'assertion', statementText: st.text, assertion: { kind: 'topic', topic: st.topic, exists: st.exists, properties, timeoutMs } },
          produced: [],
        };
      }
      case 'assertSchema': {
        const timeoutMs = st.timeoutMs ?? Number(this.config['ksql.assert.schema.default.timeout.ms'] ?? 1000);
        return {
          statementText: st.text,
          entity: { type: 'assertion', statementText: st.text, assertion: { kind: 'schema', subject: st.subject, id: st.id, exists: st.exists, timeoutMs } },
          produced: [],
        };
      }
      case 'explain':
        return { statementText: st.text, entity: { type: 'queryDescription', statementText: st.text, queryDescription: this.explain(st) }, produced: [] };
      case 'createType': {
        const existing = this.metastore.types.get(st.name);
        if (existing) {
          if (st.ifNotExists) return this.ok(st, `Type ${st.name} already exists`);
          throw new KsqlError(`Cannot register custom type '${st.name}' since it is already registered with type: ${typeToString(existing)}`, { pos: st.pos });
        }
        this.metastore.types.set(st.name, st.type);
        this.commands.push(st.text);
        return this.ok(st, `Registered custom type with name '${st.name}' and SQL type ${typeToString(st.type)}`);
      }
      case 'dropType': {
        if (!this.metastore.types.delete(st.name)) {
          if (st.ifExists) return this.ok(st, `Type ${st.name} does not exist`);
          throw new KsqlError(`Type ${st.name} does not exist.`, { pos: st.pos });
        }
        this.commands.push(st.text);
        return this.ok(st, `Dropped type '${st.name}'`);
      }
      case 'select':
        throw new KsqlError('Transient queries stream rows: use KsqlEngine.executeQuery() (the REST /query endpoint).', { pos: st.pos });
    }
  }

  /** CREATE STREAM / TABLE over a topic (no query): a source in the metastore. */
  private createSource(st: Extract<Statement, { kind: 'createSource' }>): ExecuteResult {
    const existing = this.metastore.get(st.name);
    if (st.orReplace && st.source)
      throw new KsqlError(
        `Cannot add ${st.sourceType.toLowerCase()} '${st.name}': CREATE OR REPLACE is not supported on source ${st.sourceType.toLowerCase()}s.`,
        { pos: st.pos },
      );
    if (existing && st.orReplace && existing.isSource)
      throw new KsqlError(
        `Cannot add ${st.sourceType.toLowerCase()} '${st.name}': CREATE OR REPLACE is not supported on source ${st.sourceType.toLowerCase()}s.`,
        { pos: st.pos },
      );
    if (existing) {
      if (st.ifNotExists) return this.ok(st, `A ${existing.type.toLowerCase()} with the same name already exists`);
      if (!st.orReplace)
        throw new KsqlError(`Cannot add ${st.sourceType.toLowerCase()} '${st.name}': A ${existing.type.toLowerCase()} with the same name already exists`, {
          pos: st.pos,
        });
    }
    const src = buildSource(st, this.config);
    this.metastore.put(src);
    this.registerTopic(src.topic, src.partitions, src.replicas);
    this.commands.push(st.text);
    return this.ok(st, `${st.sourceType === 'STREAM' ? 'Stream' : 'Table'} created`);
  }

  /** DROP STREAM / TABLE: refused while a running query reads or writes the source; DELETE TOPIC forgets its topic. */
  private drop(st: Extract<Statement, { kind: 'drop' }>): ExecuteResult {
    const src = this.metastore.get(st.name);
    if (!src) {
      if (st.ifExists) return this.ok(st, `Source ${st.name} does not exist.`);
      throw new KsqlError(`Source ${st.name} does not exist.`, { pos: st.pos });
    }
    if (src.isSource && st.deleteTopic) throw new KsqlError(`Cannot delete topic for read-only source: ${st.name}`, { pos: st.pos });
    if (src.type !== st.sourceType)
      throw new KsqlError(`Incompatible data source type is ${src.type}, but statement was DROP ${st.sourceType}`, { pos: st.pos });
    const readers = [...this.running.values()].filter((r) => r.info.sources.includes(st.name) && r.info.state === 'RUNNING');
    const writers = [...this.running.values()].filter((r) => r.info.sink === st.name && r.info.state === 'RUNNING');
    if (readers.length || writers.length) {
      throw new KsqlError(
        `Cannot drop ${st.name}.\nThe following queries read from this source: [${readers.map((r) => r.info.id).join(', ')}].\nThe following queries write into this source: [${writers.map((r) => r.info.id).join(', ')}].\nYou need to terminate them before dropping ${st.name}.`,
        { pos: st.pos },
      );
    }
    this.metastore.delete(st.name);
    if (st.deleteTopic) this.topics.delete(src.topic);
    this.commands.push(st.text);
    return this.ok(st, `Source \`${st.name}\` (topic: ${src.topic}) was dropped.`);
  }

  /** TERMINATE a query (or ALL): it stops and its sink no longer lists it as a writer. */
  private terminate(st: Extract<Statement, { kind: 'terminate' }>): ExecuteResult {
    const ids = st.queryId === 'ALL' ? [...this.running.keys()] : [st.queryId];
    for (const id of ids) {
      const q = this.running.get(id) ?? [...this.running.values()].find((r) => r.info.id.toUpperCase() === id.toUpperCase());
      if (!q) throw new KsqlError(`Unknown queryId: ${id}`, { pos: st.pos });
      this.running.delete(q.info.id);
      this.metastore.queries.delete(q.info.id);
      if (q.info.sink) {
        const s = this.metastore.get(q.info.sink);
        if (s) s.writeQueries = s.writeQueries.filter((x) => x !== q.info.id);
      }
    }
    this.commands.push(st.text);
    return this.ok(st, 'Query terminated.');
  }

  /**
   * EXPLAIN: a running persistent query by id, or a query statement analysed without being run (nothing
   * is created, no id is used up), as ksqlDB explains one in a sandbox. Its errors carry no position, as
   * ksqlDB's ExplainExecutor's do.
   */
  private explain(st: Extract<Statement, { kind: 'explain' }>): QueryDescription {
    if (st.queryId !== undefined) {
      const id = st.queryId;
      const q = this.running.get(id) ?? [...this.running.values()].find((r) => r.info.id.toUpperCase() === id.toUpperCase());
      if (!q) throw new KsqlError(`Query with id:${id} does not exist, use SHOW QUERIES to view the full set of queries.`);
      const sink = q.info.sink ? this.metastore.get(q.info.sink) : undefined;
      return {
        id: q.info.id,
        statementText: q.info.sql,
        windowType: sink?.windowType,
        schema: sink?.schema ?? { key: [], value: [] },
        sources: q.info.sources,
        sinks: q.info.sink ? [q.info.sink] : [],
        queryType: 'PERSISTENT',
        state: q.info.state,
        executionPlan: describeExecutionPlan(q.plan, q.info.id),
        topology: describeTopology(q.plan, q.info.id, q.info.sinkTopic),
      };
    }
    const inner = st.statement!;
    if (inner.kind !== 'createAs' && inner.kind !== 'insertInto' && inner.kind !== 'select')
      throw new KsqlError('The provided statement does not run a ksql query');
    const sinkName = inner.kind === 'createAs' ? inner.name : inner.kind === 'insertInto' ? inner.target : undefined;
    // the topic the statement would write: its KAFKA_TOPIC, else the (prefixed) name; INSERT INTO's target's
    const sinkTopic =
      inner.kind === 'createAs'
        ? (prop(inner.props, 'KAFKA_TOPIC') ?? (this.config['ksql.output.topic.name.prefix'] ?? '') + inner.name)
        : inner.kind === 'insertInto'
          ? this.metastore.get(inner.target)?.topic
          : undefined;
    const aq = analyzeQuery(inner.query, this.metastore, {
      persistent: sinkName !== undefined,
      sinkName,
      newPlanner: this.config['ksql.new.query.planner.enabled'] === 'true',
      config: this.config,
    });
    if (inner.kind === 'createAs' && aq.resultType !== inner.sourceType) {
      throw new KsqlError(
        `Invalid result type. Your SELECT query produces a ${aq.resultType}. Please use CREATE ${aq.resultType} AS SELECT statement instead.`,
        { pos: inner.pos },
      );
    }
    const id =
      inner.kind === 'createAs'
        ? `${inner.sourceType === 'STREAM' ? 'CSAS' : 'CTAS'}_${inner.name.toUpperCase()}_${this.queryCounter}`
        : inner.kind === 'insertInto'
          ? `INSERTQUERY_${this.queryCounter}`
          : `transient_${inner.query.from.name.toUpperCase()}_${this.transientCounter}`;
    // a SELECT's rows are its projection, key columns first
    const schema: LogicalSchema =
      inner.kind === 'select'
        ? {
            key: aq.projection.filter((c) => c.keyIndex !== undefined).map((c) => ({ name: c.name, type: c.type, namespace: 'KEY' })),
            value: aq.projection.filter((c) => c.keyIndex === undefined).map((c) => ({ name: c.name, type: c.type, namespace: 'VALUE' })),
          }
        : aq.schema;
    return {
      id,
      statementText: inner.text,
      windowType: aq.window?.type,
      schema,
      sources: aq.sides.map((side) => side.source.name),
      sinks: sinkName ? [sinkName] : [],
      queryType: inner.kind === 'select' ? 'PUSH' : 'PERSISTENT',
      executionPlan: describeExecutionPlan(aq.plan, id),
      topology: describeTopology(aq.plan, id, sinkTopic),
    };
  }

  private registerTopic(name: string, partitions: number, replicas: number): void {
    if (!this.topics.has(name)) this.topics.set(name, { name, partitions, replicas });
  }

  private nextQueryId(prefix: string, sink: string): string {
    return `${prefix}_${sink.toUpperCase()}_${this.queryCounter++}`;
  }

  private createAs(st: Extract<Statement, { kind: 'createAs' }>): ExecuteResult {
    checkProps(st.props);
    const existing = this.metastore.get(st.name);
    if (existing && !st.orReplace) {
      if (st.ifNotExists) return this.ok(st, `A ${existing.type.toLowerCase()} with the same name already exists`);
      throw new KsqlError(`Cannot add ${st.sourceType.toLowerCase()} '${st.name}': A ${existing.type.toLowerCase()} with the same name already exists`, {
        pos: st.pos,
      });
    }
    const aq = analyzeQuery(st.query, this.metastore, {
      persistent: true,
      sinkName: st.name,
      newPlanner: this.config['ksql.new.query.planner.enabled'] === 'true',
      config: this.config,
    });
    if (aq.resultType !== st.sourceType) {
      throw new KsqlError(
        `Invalid result type. Your SELECT query produces a ${aq.resultType}. Please use CREATE ${aq.resultType} AS SELECT statement instead.`,
        { pos: st.pos },
      );
    }
    const prefix = this.config['ksql.output.topic.name.prefix'] ?? '';
    const topic = prop(st.props, 'KAFKA_TOPIC') ?? prefix + st.name;
    for (const p of ['WINDOW_TYPE', 'WINDOW_SIZE'])
      if (st.props[p]) throw new KsqlError(`Invalid config variable in the WITH clause: ${p}`, { pos: st.props[p]!.pos });
    const defaultKey = (this.config['ksql.persistence.default.format.key'] ?? 'KAFKA').toUpperCase();
    const formats = resolveFormats(st.props, {
      key: aq.inheritedKeyFormat === 'NONE' && aq.schema.key.length ? defaultKey : aq.inheritedKeyFormat,
      value: aq.inheritedValueFormat,
    });
    let keyFormat = formats.key;
    if (aq.schema.key.length === 0 && aq.partitionedByNull) {
      if ((prop(st.props, 'KEY_FORMAT') ?? 'NONE').toUpperCase() !== 'NONE' || prop(st.props, 'FORMAT'))
        throw new KsqlError('Key format specified for stream without key columns.', { pos: st.pos });
      keyFormat = 'NONE';
    }
    if (aq.sides.some((s) => s.source.type === 'TABLE' && s.source.windowType))
      throw new KsqlError('KSQL does not support persistent queries on windowed tables.', { pos: st.pos });
    validateFormats(keyFormat, formats.value, aq.schema.key, aq.schema.value);
    checkSchemaNames(st.props, { key: keyFormat, value: formats.value });
    const delims = resolveDelimiters(st.props, { key: keyFormat, value: formats.value });
    const left = aq.sides[0]!.source;
    const keyDelimiter = delims.key ?? (keyFormat === 'DELIMITED' && left.keyFormat === 'DELIMITED' ? left.keyDelimiter : undefined);
    const valueDelimiter = delims.value ?? (formats.value === 'DELIMITED' && left.valueFormat === 'DELIMITED' ? left.valueDelimiter : undefined);
    const tsCol = validateTimestampColumn(prop(st.props, 'TIMESTAMP'), [...aq.schema.key, ...aq.schema.value], prop(st.props, 'TIMESTAMP_FORMAT'));
    const sourcePartitions = aq.sides[0]!.source.partitions;
    const src: DataSource = {
      name: st.name,
      type: st.sourceType,
      schema: aq.schema,
      topic,
      keyFormat,
      valueFormat: formats.value,
      keyDelimiter,
      valueDelimiter,
      wrapSingleValue:
        resolveWrapping(st.props, formats.value, aq.schema.value.length) ??
        (this.config['ksql.persistence.wrap.single.values'] === 'false' && aq.schema.value.length === 1 ? false : undefined),
      timestampColumn: tsCol,
      timestampFormat: prop(st.props, 'TIMESTAMP_FORMAT'),
      windowType: aq.window?.type,
      windowSize: aq.window?.size,
      partitions: Number(prop(st.props, 'PARTITIONS') ?? sourcePartitions),
      replicas: Number(prop(st.props, 'REPLICAS') ?? 1),
      isSource: false,
      sql: st.text,
      writeQueries: [],
    };
    const upgraded = existing && st.orReplace ? this.queryToUpgrade(st, existing) : undefined;
    const id = upgraded ?? this.nextQueryId(st.sourceType === 'STREAM' ? 'CSAS' : 'CTAS', st.name);
    this.startQuery(id, st.text, aq, src);
    src.writeQueries = [...new Set([...(existing && st.orReplace ? existing.writeQueries : []), id])];
    this.metastore.put(src);
    this.registerTopic(topic, src.partitions, src.replicas);
    this.commands.push(st.text);
    return this.ok(st, `Created query with ID ${id}`, id);
  }

  /**
   * CREATE OR REPLACE over a source a query already writes: ksqlDB's in-place upgrade. The new query
   * takes the old one's id, so it keeps its state stores and resumes where the old one stopped; the
   * old pipeline stops (startQuery replaces it under that id). Undefined: no such query, a new id.
   */
  private queryToUpgrade(st: Extract<Statement, { kind: 'createAs' }>, existing: DataSource): string | undefined {
    if (existing.isSource)
      throw new KsqlError(
        `Cannot add ${st.sourceType.toLowerCase()} '${st.name}': CREATE OR REPLACE is not supported on source ${existing.type.toLowerCase()}s.`,
        { pos: st.pos },
      );
    if (existing.type !== st.sourceType)
      throw new KsqlError(`Cannot add ${st.sourceType.toLowerCase()} '${st.name}': A ${existing.type.toLowerCase()} with the same name already exists`, {
        pos: st.pos,
      });
    return existing.writeQueries.find((q) => /^C[ST]AS_/.test(q) && this.running.has(q));
  }

  private startQuery(id: string, sql: string, aq: AnalyzedQuery, sink: DataSource): void {
    const pipeline = buildPipeline({
      id,
      plan: aq.plan,
      sink: {
        topic: sink.topic,
        schema: aq.schema.key.length === sink.schema.key.length ? sink.schema : aq.schema,
        keyFormat: sink.keyFormat,
        valueFormat: sink.valueFormat,
        windowType: sink.windowType,
        timestampColumn: sink.timestampColumn,
        timestampFormat: sink.timestampFormat,
        keyDelimiter: sink.keyDelimiter,
        valueDelimiter: sink.valueDelimiter,
        // the record cache drops most table values of a flush unread (runtime.ts, latestPerTableKey)
        lazyValue: Number(this.config['ksql.streams.cache.max.bytes.buffering'] ?? 0) > 0,
        unwrapSingleValue: sink.wrapSingleValue === false,
      },
      state: this.state,
      emit: (r) => this.outbox.push(r),
      log: (e) => this.logProblem(e),
      view: aq.resultType === 'TABLE' ? this.state.open<ViewRow>(`${id}-view`) : undefined,
    });
    const info: QueryInfo = { id, sql, sink: sink.name, sinkTopic: sink.topic, sources: aq.sides.map((s) => s.source.name), state: 'RUNNING' };
    this.metastore.queries.set(id, info);
    this.running.set(id, { info, pipeline, plan: aq.plan });
  }

  private insertInto(st: Extract<Statement, { kind: 'insertInto' }>): ExecuteResult {
    const target = this.metastore.get(st.target);
    if (!target) throw new KsqlError(`${st.target} does not exist.`, { pos: st.pos });
    if (target.type !== 'STREAM') throw new KsqlError(`INSERT INTO can only be used to insert into a stream. ${target.name} is a table.`, { pos: st.pos });
    if (target.isSource) throw new KsqlError(`Cannot insert into read-only stream: ${target.name}`, { pos: st.pos });
    if (target.schema.value.some((c) => c.header)) throw new KsqlError(`Cannot insert into ${target.name} because it has header columns`, { pos: st.pos });
    const aq = analyzeQuery(st.query, this.metastore, { persistent: true, sinkName: st.target, config: this.config });
    if (aq.resultType !== 'STREAM') throw new KsqlError(`INSERT INTO can only be used with a STREAM result`, { pos: st.pos });
    const same = (a: LogicalSchema, b: LogicalSchema) =>
      a.key.length === b.key.length &&
      a.value.length === b.value.length &&
      a.key.every((c, i) => typeEquals(c.type, b.key[i]!.type)) &&
      a.value.every((c, i) => c.name === b.value[i]!.name && typeEquals(c.type, b.value[i]!.type));
    if (!same(aq.schema, target.schema)) {
      throw new KsqlError(
        `Incompatible schema between results and sink.\nResult schema is ${schemaToString(aq.schema)}\nSink schema is ${schemaToString(target.schema)}`,
        { pos: st.pos },
      );
    }
    if ((aq.window?.type ?? null) !== (target.windowType ?? null)) throw new KsqlError('Incompatible windowing between results and sink', { pos: st.pos });
    const id = `INSERTQUERY_${this.queryCounter++}`;
    this.startQuery(id, st.text, aq, target);
    target.writeQueries.push(id);
    this.commands.push(st.text);
    return this.ok(st, `Created query with ID ${id}`, id);
  }

  private insertValues(st: Extract<Statement, { kind: 'insertValues' }>): ExecuteResult {
    const target = this.metastore.get(st.target);
    if (!target) throw new KsqlError(`Cannot insert values into an unknown stream/table: ${st.target}`, { pos: st.pos });
    if (target.isSource) throw new KsqlError(`Cannot insert values into read-only ${target.type.toLowerCase()}: ${target.name}`, { pos: st.pos });
    if (target.windowType) throw new KsqlError(`Cannot insert values into windowed ${target.type.toLowerCase()}: ${target.name}`, { pos: st.pos });
    const all = [...target.schema.key, ...target.schema.value];
    const names = st.columns ?? all.map((c) => c.name);
    const headerNames = names.filter((n) => all.find((c) => c.name === n)?.header);
    if (headerNames.length) throw new KsqlError(`Cannot insert into HEADER columns: ${headerNames.join(', ')}`, { pos: st.pos });
    if (names.length !== st.values.length)
      throw new KsqlError(`Expected a value for each column. Expected Columns: [${names.join(', ')}]. Got [${st.values.length} values]`, { pos: st.pos });
    const noScope = {
      resolve: (r: { name: string; pos?: { line: number; column: number } }) => {
        throw new KsqlError(`Column '${r.name}' cannot be referenced in VALUES`, { pos: r.pos });
      },
    };
    const row: Record<string, unknown> = {};
    let ts = Date.now();
    names.forEach((n, i) => {
      const e = st.values[i]!;
      const c = compileExpr(e, noScope);
      const v = c.eval({});
      if (n === 'ROWTIME') {
        ts = Number(v);
        return;
      }
      const col = all.find((x) => x.name === n);
      if (!col) throw new KsqlError(`Column name ${n} does not exist.`, { pos: e.pos });
      row[col.name] = c.type.base === 'NULL' ? null : castValue(v, c.type, col.type);
    });
    const keyVals = target.schema.key.map((c) => row[c.name] ?? null);
    const kf = getFormat(target.keyFormat, target.keyDelimiter)!;
    const vf = getFormat(target.valueFormat, target.valueDelimiter)!;
    const key = target.schema.key.length && keyVals.some((v) => v !== null) ? kf.serialize(keyVals, target.schema.key, true) : null;
    const value = vf.serialize(
      target.schema.value.map((c) => row[c.name] ?? null),
      target.schema.value,
      false,
    );
    const rec: SinkRecord = { topic: target.topic, timestamp: ts, key, value };
    return { ...this.ok(st, 'Inserted'), produced: [rec] };
  }

  private show(st: Extract<Statement, { kind: 'show' }>): ExecuteResult {
    const base = { statementText: st.text, produced: [] as SinkRecord[] };
    switch (st.what) {
      case 'STREAMS':
      case 'TABLES': {
        const want = st.what === 'STREAMS' ? 'STREAM' : 'TABLE';
        const sources = [...this.metastore.sources.values()]
          .filter((s) => s.type === want)
          .map((s) => ({ name: s.name, topic: s.topic, keyFormat: s.keyFormat, valueFormat: s.valueFormat, isWindowed: !!s.windowType, type: s.type }));
        return { ...base, entity: { type: st.what === 'STREAMS' ? 'streams' : 'tables', statementText: st.text, sources } };
      }
      case 'QUERIES':
        return { ...base, entity: { type: 'queries', statementText: st.text, queries: [...this.metastore.queries.values(), ...this.pushQueries()] } };
      case 'TOPICS':
        return { ...base, entity: { type: 'kafka_topics', statementText: st.text, topics: [...this.topics.values()] } };
      case 'FUNCTIONS':
        return { ...base, entity: { type: 'function_names', statementText: st.text, functions: functionNames() } };
      default:
        return { ...base, entity: { type: 'properties', statementText: st.text, properties: { ...this.config } } };
    }
  }

  describe(src: DataSource, extended = false): SourceDescription {
    return {
      name: src.name,
      type: src.type,
      schema: schemaToString(src.schema),
      fields: [
        ...src.schema.key.map((c) => ({ name: c.name, type: typeToString(c.type), key: true })),
        ...src.schema.value.map((c) => ({ name: c.name, type: typeToString(c.type), key: false })),
      ],
      topic: src.topic,
      keyFormat: src.keyFormat,
      valueFormat: src.valueFormat,
      windowType: src.windowType,
      timestamp: src.timestampColumn ?? '',
      partitions: src.partitions,
      replication: src.replicas,
      readQueries: [...this.metastore.queries.values()].filter((q) => q.sources.includes(src.name)).map((q) => q.id),
      writeQueries: [...src.writeQueries],
      statement: src.sql,
      extended,
    };
  }

  /** The transient push queries running now (SHOW QUERIES lists them beside the persistent ones). */
  pushQueries(): QueryInfo[] {
    return [...this.pushQueryInfos.values()];
  }

  private transients = new Map<string, { pipeline: QueryPipeline; close: () => void }>();
  /** Running push queries as SHOW QUERIES lists them (kept when a runtime detaches a query to feed it itself). */
  private readonly pushQueryInfos = new Map<string, QueryInfo>();
  private transientCounter = 0;

  /**
   * Starts a transient push query. Rows produced by records passed to process() (or feed()) are
   * handed to onRow until close() or LIMIT; onDone runs once at the end.
   */
  executeQuery(sql: string, onRow: (row: TransientRow) => void, onDone?: () => void): TransientQuery {
    const stmts = parseStatements(sql, this.metastore.types);
    const st = stmts[0];
    if (stmts.length !== 1 || !st || st.kind !== 'select') throw new KsqlError('Expected a single SELECT statement', { statementText: sql });
    if (!st.query.emit) return this.pullQuery(st, onRow, onDone);
    let aq: AnalyzedQuery;
    try {
      aq = analyzeQuery(st.query, this.metastore, { persistent: false, config: this.config });
    } catch (e) {
      if (e instanceof KsqlError) e.statementText ??= st.text;
      throw e;
    }
    const id = `transient_${(st.query.from.name).toUpperCase()}_${this.transientCounter++}`;
    const limit = st.query.limit;
    let count = 0;
    let done = false;
    const close = () => {
      if (done) return;
      done = true;
      this.transients.delete(id);
      this.pushQueryInfos.delete(id);
      onDone?.();
    };
    const deliver = (rec: { key: unknown[] | null; row: Record<string, unknown> | null; ts: number; window?: { start: number; end: number } }) => {
      if (done) return;
      const values = aq.projection.map((p) => (p.keyIndex !== undefined ? (rec.key?.[p.keyIndex] ?? null) : rec.row ? (rec.row[p.name] ?? null) : null));
      onRow({ values, tombstone: rec.row === null, timestamp: rec.ts, window: rec.window });
      if (limit !== undefined && ++count >= limit) close();
    };
    const pipeline = buildPipeline({
      id,
      plan: aq.plan,
      sink: { topic: '', schema: aq.schema, keyFormat: 'JSON', valueFormat: 'JSON' },
      state: new MemoryStateBackend(),
      emit: () => undefined,
      deliver,
      log: (e) => this.logProblem(e),
    });
    this.transients.set(id, { pipeline, close });
    this.pushQueryInfos.set(id, { id, sql: st.text, sources: [st.query.from.name.toUpperCase()], state: 'RUNNING', type: 'PUSH' });
    return {
      id,
      columns: aq.projection.map((p) => ({ name: p.name, type: typeToString(p.type) })),
      feed: (rec) => {
        for (const i of pipeline.inputs) if (i.topic === rec.topic && !done) i.handle(rec);
      },
      close,
      get done() {
        return done;
      },
    };
  }

  /**
   * Pull query (no EMIT clause): reads the current rows of a table materialized by a CTAS,
   * filtered by WHERE, and ends.
   */
  private pullQuery(st: Extract<Statement, { kind: 'select' }>, onRow: (row: TransientRow) => void, onDone?: () => void): TransientQuery {
    const q = st.query;
    const src = this.metastore.get(q.from.name);
    if (!src) throw new KsqlError(`${q.from.name} does not exist.`, { pos: q.from.pos, statementText: st.text });
    const writer = src.writeQueries.find((id) => this.running.has(id));
    if (src.type !== 'TABLE' || !writer) {
      throw new KsqlError(
        `Pull queries are only supported on materialized tables (created by CREATE TABLE AS SELECT). ${src.name} is not one. Add EMIT CHANGES for a push query.`,
        { pos: q.pos, statementText: st.text },
      );
    }
    if (q.joins.length || q.groupBy || q.partitionBy || q.window) {
      throw new KsqlError('Pull queries do not support JOIN, GROUP BY, PARTITION BY or WINDOW clauses.', { pos: q.pos, statementText: st.text });
    }
    let aq: AnalyzedQuery;
    try {
      aq = analyzeQuery(q, this.metastore, { persistent: false, config: this.config });
    } catch (e) {
      if (e instanceof KsqlError) e.statementText ??= st.text;
      throw e;
    }
    // SELECT * of a windowed table shows the window bounds right after the key, as ksqlDB's pull queries do
    const projection: { name: string; type: SqlType; keyIndex?: number }[] = [...aq.projection];
    if (src.windowType && q.select.some((item) => item.kind === 'star')) {
      const afterKey = projection.reduce((at, p, i) => (p.keyIndex !== undefined ? i + 1 : at), 0);
      projection.splice(afterKey, 0, { name: 'WINDOWSTART', type: T.BIGINT }, { name: 'WINDOWEND', type: T.BIGINT });
    }
    const view = this.state.open<ViewRow>(`${writer}-view`);
    let count = 0;
    for (const [, v] of view.entries()) {
      if (q.limit !== undefined && count >= q.limit) break;
      const row: Record<string, unknown> = { ...v.row, ROWTIME: v.ts, ROWPARTITION: 0, ROWOFFSET: 0 };
      src.schema.key.forEach((c, i) => (row[c.name] = v.key[i] ?? null));
      if (v.window) {
        row['WINDOWSTART'] = v.window.start;
        row['WINDOWEND'] = v.window.end;
      }
      if (aq.where && aq.where.eval(row) !== true) continue;
      const byName = new Map(aq.values.map((x) => [x.name, x.expr]));
      const values = projection.map((p) => {
        if (p.keyIndex !== undefined) {
          const keyCol = src.schema.key[p.keyIndex];
          return keyCol ? (row[keyCol.name] ?? null) : null;
        }
        const expr = byName.get(p.name);
        return expr ? (expr.eval(row) ?? null) : (row[p.name] ?? null);
      });
      onRow({ values, tombstone: false, timestamp: v.ts, window: v.window });
      count++;
    }
    onDone?.();
    return {
      id: `pull_${src.name}`,
      columns: projection.map((p) => ({ name: p.name, type: typeToString(p.type) })),
      feed: () => undefined,
      close: () => undefined,
      done: true,
    };
  }

  // ------------------------------------------------------------ records
  /** Topics that running queries read from. */
  subscribedTopics(): string[] {
    const s = new Set<string>();
    for (const r of this.running.values()) for (const i of r.pipeline.inputs) s.add(i.topic);
    for (const t of this.transients.values()) for (const i of t.pipeline.inputs) s.add(i.topic);
    return [...s];
  }

  /** per topic: the timestamp extractor records of it are selected by (see recordTime), for `commands.length` */
  private extractors = { version: -1, byTopic: new Map<string, ((rec: SourceRecord) => number) | null>() };

  /**
   * The timestamp a query's extractor gives a record of its topic: the TIMESTAMP column of the source
   * over the topic that declares one, else the record's own. The runtime orders the records of
   * co-partitioned inputs by it (Kafka Streams' timestamp-based record selection).
   */
  recordTime(rec: SourceRecord): number {
    if (this.extractors.version !== this.commands.length) this.extractors = { version: this.commands.length, byTopic: new Map() };
    let extract = this.extractors.byTopic.get(rec.topic);
    if (extract === undefined) {
      const src = [...this.metastore.sources.values()].find((s) => s.topic === rec.topic && s.timestampColumn);
      const time = src ? sourceTimestamp(src) : undefined;
      extract = time ? (r) => time(r) ?? r.timestamp : null;
      this.extractors.byTopic.set(rec.topic, extract);
    }
    return extract ? extract(rec) : rec.timestamp;
  }

  /** Runs one source record through every query that reads its topic; returns what they produced. */
  process(rec: SourceRecord): SinkRecord[] {
    const run = (id: string, handle: (r: SourceRecord) => void) => {
      try {
        handle(rec);
      } catch (e) {
        // a record that breaks an operator is logged and skipped; the query keeps running
        this.logProblem({
          queryId: id,
          message: `Error processing record: ${(e as Error).message}`,
          record: { topic: rec.topic, partition: rec.partition, offset: rec.offset },
        });
      }
    };
    for (const r of this.running.values()) {
      for (const i of r.pipeline.inputs) if (i.topic === rec.topic) run(r.info.id, i.handle);
    }
    for (const [id, t] of [...this.transients.entries()]) {
      for (const i of t.pipeline.inputs) if (i.topic === rec.topic) run(id, i.handle);
    }
    const out = this.outbox;
    this.outbox = [];
    // as Kafka Streams forwards the record context: what this record produced carries its headers
    if (rec.headers?.length) for (const o of out) o.headers ??= rec.headers;
    return out;
  }

  /** number of records skipped or dropped with a processing-log entry since start */
  processingErrors = 0;

  private logProblem(e: ProcessingLogEntry): void {
    this.processingErrors++;
    this.processingLog.push(e);
    if (this.processingLog.length > 10_000) this.processingLog.splice(0, this.processingLog.length - 10_000);
    this.opts.processingLog?.(e);
  }

  /** Serialisable engine definition: metastore plus the command log to replay queries. */
  snapshot(): { metastore: MetastoreSnapshot; commands: string[]; config: Record<string, string> } {
    return { metastore: this.metastore.snapshot(), commands: [...this.commands], config: { ...this.config } };
  }

  /** Rebuilds an engine by replaying its command log (queries restart on the same state backend). */
  static restore(snap: { commands: string[]; config: Record<string, string> }, opts: EngineOptions = {}): KsqlEngine {
    const e = new KsqlEngine({ ...opts, config: { ...snap.config, ...(opts.config ?? {}) } });
    for (const c of snap.commands) e.execute(c);
    return e;
  }
}

export { T };
export type { WindowType };

/** Every function a statement may call, by name (aliases too), sorted as ksqlDB lists them. */
function functionNames(): FunctionName[] {
  const names: FunctionName[] = [
    ...listScalarFunctions().map((f) => ({ name: f.name, type: 'SCALAR' as const, category: 'OTHER' })),
    ...listAggregateFunctions().map((f) => ({ name: f.name, type: 'AGGREGATE' as const, category: 'AGGREGATE' })),
    ...listTableFunctions().map((f) => ({ name: f.name, type: 'TABLE' as const, category: 'TABLE' })),
  ];
  return names.sort((a, b) => a.name.localeCompare(b.name));
}
