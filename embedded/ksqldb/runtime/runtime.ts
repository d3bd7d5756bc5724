/**
 * The Kafka runtime around KsqlEngine: persistent queries read real topics through a kafkajs consumer
 * and write them through the runtime's own idempotent producer (record-writer.ts).
 *
 * - Statements that change the metastore are appended to the command topic
 *   (`_confluent-ksql-<id>_command_topic`, 1 partition) with the properties they ran under; a new
 *   server replays them, so streams, tables and queries come back.
 * - Operator state lives in memory (MemoryStateBackend); every change goes to one compacted changelog
 *   topic together with an offsets marker (the next input offset of every partition the state covers).
 * - One consumer group (`_confluent-ksql-<id>query_engine`) reads every subscribed topic; records go to
 *   engine.process in order per partition. Each flush (the fetched batches since the last one, see
 *   requestFlush for when): produce the outputs (and the processing-log records), then the changelog
 *   writes + marker, then commit the input offsets.
 * - Restart: replay commands, restore the changelog to its end, move the group's offsets to the marker,
 *   consume. State and offsets therefore always agree: nothing is counted twice. The one window left is
 *   a crash after the outputs were written but before the changelog batch was: the batch is processed
 *   again and its outputs are written a second time — identical upserts of the same table rows (the
 *   state they were computed from was not persisted), i.e. at-least-once delivery, exactly-once state.
 */
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { KsqlEngine, type ExecuteResult, type ProcessingLogEntry, type TransientQuery, type TransientRow } from '../engine.ts';
import { prop } from '../ddl.ts';
import { KsqlError } from '../errors.ts';
import type { RecordHeader, SinkRecord } from '../io.ts';
import type { Statement } from '../parser/ast.ts';
import { parseStatements } from '../parser/parser.ts';
import { stringifyJson } from '../expr/long.ts';
import { isTombstone } from '../operators/sink.ts';
import { MemoryStateBackend } from '../state/store.ts';
import { processingLogRecord, processingLogStreamSql } from './processing-log.ts';
import { readRanges, topicRanges, type Range } from '../../common/topic-reader.ts';
import { RecordSelector, type BufferedRecord } from './record-selection.ts';
import { RecordWriter, type OutgoingRecord } from '../../kafka-client/record-writer.ts';
import { endOffsets, ensureTopics, internalTopics, type InternalTopics } from './topics.ts';

export interface RuntimeOptions {
  /** admin and consumers */
  kafka: Kafka;
  /** bootstrap brokers (host:port) for the runtime's own producer (record-writer.ts) */
  brokers: string[];
  /** ksql.service.id; default `default_` */
  serviceId?: string;
  /** server properties (e.g. ksql.streams.auto.offset.reset) */
  config?: Record<string, string>;
  log?: (line: string) => void;
}

/** One statement of a /ksql request that ran. */
export interface StatementOutcome {
  statement: Statement;
  result: ExecuteResult;
  /** offset of its command in the command topic, -1 when it wrote none */
  commandSequenceNumber: number;
  commandId?: string;
}

/** A statement of a request failed: `entities` are the outcomes of the statements before it. */
export class StatementFailure extends Error {
  constructor(
    readonly error: KsqlError,
    readonly statementText: string,
    readonly outcomes: StatementOutcome[],
    /** 40001 bad statement, 40002 SELECT/PRINT sent to /ksql */
    readonly errorCode: 40001 | 40002 = 40001,
  ) {
    super(error.message);
  }
}

/** The latest value of a state key changed since the last flush. */
interface StateChange {
  value: unknown;
  /** the key had no value when the flush began, so the changelog holds nothing (or a tombstone) for it */
  fresh: boolean;
}

interface CommandValue {
  statement: string;
  streamsProperties: Record<string, string>;
}

export interface CommandStatus {
  status: 'SUCCESS';
  message: string;
  queryId: string | null;
}

export interface RuntimeStats {
  /** input records handed to the engine */
  processed: number;
  /** records written to sink topics */
  produced: number;
  /** records skipped with a processing-log entry */
  skipped: number;
  batches: number;
}

/**
 * Default `ksql.streams.commit.interval.ms`: the longest wait between two flushes (outputs, changelog,
 * offsets) while records are processed (ksqlDB's own default is 2000 ms). A flush writes every state key
 * changed since the last one (whole aggregates: a COUNT_DISTINCT holds every value it counted), so
 * flushing after every small fetch would rewrite the same aggregates many times a second, and the
 * brokers would store, replicate and compact all of it. The wait adapts to the last flush, whichever
 * is longer: FLUSH_COST_FACTOR times the CPU time it took to serialise (flushing costs a few percent at
 * most), and the time its changelog bytes take at CHANGELOG_BYTES_PER_SEC. An idle server answers in
 * milliseconds; under 5k page views/s with full aggregates the changelog is written a few times a second.
 */
export const DEFAULT_COMMIT_INTERVAL_MS = 500;
const FLUSH_COST_FACTOR = 20;
const CHANGELOG_BYTES_PER_SEC = 512 * 1024;

/** records processed between two turns of the event loop (about 50 ms of work) */
const SLICE_RECORDS = 500;

/** this many outputs waiting flush without waiting for the commit interval (bounds memory with long intervals) */
const FLUSH_AT_OUTPUTS = 50_000;
/**
 * How long stop() lets writes the cluster keeps refusing (a broker's disk full) go on being retried before
 * ending them: a restart resumes from the last changelog marker, so nothing is lost, and Ctrl-C is not held.
 */
const STOP_GRACE_MS = 10_000;

const OFFSETS_KEY = '__ksql_input_offsets__';
const OFFSETS_KEY_BYTES = Buffer.from(OFFSETS_KEY);
type Policy = 'earliest' | 'latest';

/** commandId of a statement, as ksqlDB names it (`stream/\`S\`/create`, `stream/S/drop`, `terminate/Q/execute`). */
export function commandIdOf(st: Statement): string | undefined {
  switch (st.kind) {
    case 'createSource':
    case 'createAs':
      return `${st.sourceType.toLowerCase()}/\`${st.name}\`/create`;
    case 'insertInto':
      return `stream/\`${st.target}\`/create`;
    case 'drop':
      return `${st.sourceType.toLowerCase()}/${st.name}/drop`;
    case 'terminate':
      return `terminate/${st.queryId}/execute`;
    default:
      return undefined;
  }
}

function resetPolicy(cfg: Record<string, string>): Policy {
  const v = cfg['ksql.streams.auto.offset.reset'] ?? cfg['auto.offset.reset'] ?? 'latest';
  return String(v).toLowerCase() === 'earliest' ? 'earliest' : 'latest';
}

/** Request properties as engine config strings. */
export function propertyStrings(props: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props ?? {})) if (v !== undefined && v !== null) out[k] = String(v);
  return out;
}

export class KsqlRuntime {
  readonly engine: KsqlEngine;
  readonly backend: MemoryStateBackend;
  readonly topics: InternalTopics;
  readonly serviceId: string;
  readonly stats: RuntimeStats = { processed: 0, produced: 0, skipped: 0, batches: 0 };
  readonly commandStatuses = new Map<string, CommandStatus>();
  clusterId = '';
  brokerCount = 1;
  serverState: 'INITIALIZING' | 'READY' | 'TERMINATING' = 'INITIALIZING';

  private readonly kafka: Kafka;
  private readonly log: (line: string) => void;
  private readonly baseConfig: Record<string, string>;
  private admin!: Admin;
  private readonly writer: RecordWriter;
  private consumer: Consumer | undefined;
  private subscribed: string[] = [];
  private readonly topicPolicy = new Map<string, Policy>();
  /** state changes since the last flush: store -> key -> latest value (see the change hook in the constructor) */
  private changes = new Map<string, Map<string, StateChange>>();
  private outbox: SinkRecord[] = [];
  private pendingLog: ProcessingLogEntry[] = [];
  /** next input offset per `topic\0partition` covered by the state */
  private readonly positions = new Map<string, number>();
  private positionsDirty = false;
  /** next input offset per `topic\0partition` processed since the last flush: committed to the group once it is written */
  private unflushedCommits = new Map<string, { topic: string; partition: number; offset: string }>();
  /** commits offsets for the current consumer (throttled) */
  private commitWritten: (offsets: { topic: string; partition: number; offset: string }[]) => void = () => undefined;
  /** written offsets not committed to the group yet (kept across consumer restarts) */
  private readonly pendingCommits = new Map<string, { topic: string; partition: number; offset: string }>();
  private inflight: Promise<void> | undefined;
  private flushChain: Promise<void> = Promise.resolve();
  private readonly commitIntervalMs: number;
  private flushing = false;
  private lastFlushStart = 0;
  /** how long to wait after the last flush (see DEFAULT_COMMIT_INTERVAL_MS) */
  private flushSpacingMs = 0;
  /** bytes of changelog values the last flush wrote */
  private lastChangelogBytes = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  /** fetched batches (or slices of long ones) processed since the last flush started */
  private batchesSinceFlush = 0;
  private writeError: Error | undefined;
  private lock: Promise<unknown> = Promise.resolve();
  private readonly transients = new Set<{ stop: () => Promise<void> }>();
  private createdTopics = new Set<string>();
  private consumerError: Error | undefined;
  /** where to start partitions on the next consumer start (restored marker, 'latest' topics) */
  private seeks: { topic: string; partition: number; offset: string }[] = [];
  /** fetched records waiting to be processed in timestamp order (see record-selection.ts) */
  private selector: RecordSelector;
  /** drains of the selector, one at a time (from the consumer's batches and the enforcement timer) */
  private drainChain: Promise<void> = Promise.resolve();
  private enforceTimer: NodeJS.Timeout | undefined;

  constructor(opts: RuntimeOptions) {
    this.kafka = opts.kafka;
    this.writer = new RecordWriter({ brokers: opts.brokers, clientId: 'ksqldb-server', log: (line) => this.log(line) });
    this.serviceId = opts.serviceId ?? 'default_';
    this.topics = internalTopics(this.serviceId);
    this.log = opts.log ?? (() => undefined);
    this.backend = new MemoryStateBackend((store, key, value, existed) => {
      let byKey = this.changes.get(store);
      if (!byKey) this.changes.set(store, (byKey = new Map()));
      const prev = byKey.get(key);
      if (!prev) byKey.set(key, { value, fresh: !existed });
      // created and deleted again within the flush: it needs no changelog record at all
      else if (value === undefined && prev.fresh) byKey.delete(key);
      else prev.value = value;
    });
    this.baseConfig = { 'ksql.service.id': this.serviceId, 'ksql.output.topic.name.prefix': '', ...(opts.config ?? {}) };
    this.engine = new KsqlEngine({ config: { ...this.baseConfig }, state: this.backend, processingLog: (e) => this.onProblem(e) });
    const interval = Number(this.baseConfig['ksql.streams.commit.interval.ms'] ?? DEFAULT_COMMIT_INTERVAL_MS);
    if (!Number.isFinite(interval) || interval < 0) {
      throw new Error(`ksql.streams.commit.interval.ms must be a number of milliseconds >= 0, got "${this.baseConfig['ksql.streams.commit.interval.ms']}"`);
    }
    this.commitIntervalMs = interval;
    const idle = Number(this.baseConfig['ksql.streams.max.task.idle.ms'] ?? this.baseConfig['max.task.idle.ms'] ?? 0);
    if (!Number.isInteger(idle) || idle < -1) {
      throw new Error(
        `ksql.streams.max.task.idle.ms must be -1 or a number of milliseconds >= 0, got "${this.baseConfig['ksql.streams.max.task.idle.ms'] ?? this.baseConfig['max.task.idle.ms']}"`,
      );
    }
    this.selector = new RecordSelector(idle);
  }

  /** Connects, creates the internal topics, replays commands, restores state and starts consuming. */
  async start(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    const cluster = await this.admin.describeCluster();
    this.clusterId = cluster.clusterId;
    this.brokerCount = cluster.brokers.length;
    await this.writer.connect();
    await ensureTopics(this.admin, this.brokerCount, [
      { name: this.topics.commands, partitions: 1, replicas: 3, configs: { 'cleanup.policy': 'delete', 'retention.ms': '-1' } },
      { name: this.topics.changelog, partitions: 1, replicas: 3, configs: { 'cleanup.policy': 'compact' } },
      // Replicated like every other topic: with RF 1 a cluster enforcing min.insync.replicas=2 refuses every write.
      { name: this.topics.processingLog, partitions: 1, replicas: 3 },
    ]);
    this.engine.execute(processingLogStreamSql(this.topics.processingLog));
    await this.replayCommands();
    await this.restoreState();
    await this.ensureEngineTopics();
    await this.syncConsumer();
    this.serverState = 'READY';
  }

  // ------------------------------------------------------------------ statements

  /** Runs one /ksql request: every statement in order, SET/UNSET and `props` for this request only. */
  execute(sql: string, props: Record<string, unknown> = {}): Promise<StatementOutcome[]> {
    return this.exclusive(async () => {
      const stmts = parseStatements(sql, this.engine.metastore.types);
      const outcomes: StatementOutcome[] = [];
      const saved = { ...this.engine.config };
      Object.assign(this.engine.config, propertyStrings(props));
      try {
        for (const st of stmts) {
          if (st.kind === 'select') {
            throw new StatementFailure(
              new KsqlError("The following statement types should be issued to the websocket endpoint '/query':\n\t* PRINT\n\t* SELECT"),
              st.text,
              outcomes,
              40002,
            );
          }
          await this.refuseMissingTopic(st, outcomes);
          const before = this.engine.commands.length;
          const topicsBefore = new Set(this.engine.subscribedTopics());
          let result: ExecuteResult;
          try {
            result = this.engine.executeStatement(st);
          } catch (e) {
            const err = e instanceof KsqlError ? e : new KsqlError((e as Error).message);
            throw new StatementFailure(err, st.text, outcomes);
          }
          this.notePolicies(topicsBefore);
          const commandId = commandIdOf(st);
          let seq = -1;
          const written = this.engine.commands.slice(before);
          if (written.length > 0) {
            await this.ensureEngineTopics();
            for (const text of written) seq = await this.writeCommand(commandId ?? 'statement', text, this.overrides());
            if (commandId) this.commandStatuses.set(commandId, statusOf(result));
          }
          if (result.produced.length > 0) await this.send(result.produced);
          outcomes.push({ statement: st, result, commandSequenceNumber: seq, commandId });
        }
      } finally {
        for (const k of Object.keys(this.engine.config)) delete this.engine.config[k];
        Object.assign(this.engine.config, saved);
        await this.syncConsumer().catch((e: unknown) => this.log(`consumer restart failed: ${(e as Error).message}`));
      }
      return outcomes;
    });
  }

  /**
   * CREATE STREAM/TABLE over a topic that does not exist: with PARTITIONS the topic is created first,
   * as ksqlDB's topic injector does, so a refusal (too many partitions, say) fails the statement with
   * the broker's reason and registers nothing; without PARTITIONS ksqlDB refuses the statement (a typo in
   * KAFKA_TOPIC would silently create an empty topic).
   */
  private async refuseMissingTopic(st: Statement, outcomes: StatementOutcome[]): Promise<void> {
    if (st.kind !== 'createSource') return;
    if (st.ifNotExists && this.engine.metastore.get(st.name)) return;
    const topic = prop(st.props, 'KAFKA_TOPIC');
    if (topic === undefined || (await this.admin.listTopics()).includes(topic)) return;
    const partitions = prop(st.props, 'PARTITIONS');
    if (partitions !== undefined) {
      // a PARTITIONS that is not a count is the engine's to refuse, with ksqlDB's message
      if (!/^[1-9]\d*$/.test(partitions.trim())) return;
      const replicas = Number(prop(st.props, 'REPLICAS') ?? 1);
      await ensureTopics(this.admin, this.brokerCount, [{ name: topic, partitions: Number(partitions), replicas }]).catch((error: unknown) => {
        throw new StatementFailure(
          new KsqlError(`Could not create topic '${topic}' with ${partitions} partition(s): ${topicErrorOf(error)}`),
          st.text,
          outcomes,
        );
      });
      return;
    }
    const example = st.text.replace(/\bWITH\s*\(/i, (withClause) => `${withClause}PARTITIONS=2, `);
    throw new StatementFailure(
      new KsqlError(
        `Topic '${topic}' does not exist. If you want to create a new topic for the stream/table please re-run the statement ` +
          "providing the required 'PARTITIONS' configuration in the WITH clause (and optionally 'REPLICAS'). " +
          `For example: ${example}`,
      ),
      st.text,
      outcomes,
    );
  }

  /** A server property as configured at start (ksql-server.properties), e.g. ksql.max.push.queries. */
  serverProperty(name: string): string | undefined {
    return this.baseConfig[name];
  }

  /** Properties differing from the server's (stored with each command). */
  private overrides(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.engine.config)) if (this.baseConfig[k] !== v) out[k] = v;
    return out;
  }

  /** Topics a statement newly subscribed get the offset-reset policy in force for it. */
  private notePolicies(before: Set<string>): void {
    const policy = resetPolicy(this.engine.config);
    for (const t of this.engine.subscribedTopics()) if (!before.has(t) && !this.topicPolicy.has(t)) this.topicPolicy.set(t, policy);
  }

  private async writeCommand(commandId: string, statement: string, props: Record<string, string>): Promise<number> {
    const value: CommandValue = { statement, streamsProperties: props };
    const offsets = await this.writer.write([
      { topic: this.topics.commands, partition: 0, key: Buffer.from(commandId), value: Buffer.from(JSON.stringify(value)), timestamp: Date.now() },
    ]);
    return offsets.get(`${this.topics.commands}\u00000`) ?? -1;
  }

  private async replayCommands(): Promise<void> {
    const ranges = new Map<string, Map<number, Range>>([[this.topics.commands, await topicRanges(this.admin, this.topics.commands)]]);
    const messages = await readRanges(this.kafka, ranges, 30_000, 'ksql');
    for (const m of messages) {
      let cmd: CommandValue;
      try {
        cmd = JSON.parse(m.value?.toString('utf8') ?? '') as CommandValue;
      } catch {
        this.log(`command topic: skipping unreadable record at offset ${m.offset}`);
        continue;
      }
      const saved = { ...this.engine.config };
      Object.assign(this.engine.config, cmd.streamsProperties ?? {});
      try {
        for (const st of parseStatements(cmd.statement, this.engine.metastore.types)) {
          const before = new Set(this.engine.subscribedTopics());
          const result = this.engine.executeStatement(st);
          this.notePolicies(before);
          const id = commandIdOf(st);
          if (id) this.commandStatuses.set(id, statusOf(result));
        }
      } catch (e) {
        this.log(`command topic: statement at offset ${m.offset} failed on replay: ${(e as Error).message}`);
      } finally {
        for (const k of Object.keys(this.engine.config)) delete this.engine.config[k];
        Object.assign(this.engine.config, saved);
      }
    }
    if (messages.length)
      this.log(`replayed ${messages.length} command(s): ${this.engine.metastore.sources.size} source(s), ${this.engine.metastore.queries.size} quer(ies)`);
  }

  /** Loads the changelog up to its end and moves the group's offsets to what the state covers. */
  private async restoreState(): Promise<void> {
    const ranges = new Map<string, Map<number, Range>>([[this.topics.changelog, await topicRanges(this.admin, this.topics.changelog)]]);
    const messages = await readRanges(this.kafka, ranges, 120_000, 'ksql');
    let marker: Record<string, Record<string, number>> | undefined;
    let entries = 0;
    for (const m of messages) {
      const key = m.key?.toString('utf8') ?? '';
      if (key === OFFSETS_KEY) {
        if (m.value) marker = JSON.parse(m.value.toString('utf8')) as Record<string, Record<string, number>>;
        continue;
      }
      let parsed: [string, string];
      try {
        parsed = JSON.parse(key) as [string, string];
      } catch {
        continue;
      }
      const value = m.value === null ? undefined : (JSON.parse(m.value.toString('utf8')) as unknown);
      this.backend.open<unknown>(parsed[0]).restore(parsed[1], value);
      entries++;
    }
    if (!marker) return;
    for (const [topic, parts] of Object.entries(marker)) {
      for (const [p, off] of Object.entries(parts)) {
        this.positions.set(`${topic}\u0000${p}`, off);
        this.seeks.push({ topic, partition: Number(p), offset: String(off) });
        // the group's offsets may lag the marker (a crash before the commit that follows a flush);
        // nothing new may come on that partition to commit again, so the marker is committed
        this.pendingCommits.set(`${topic}\u0000${p}`, { topic, partition: Number(p), offset: String(off) });
      }
    }
    this.log(`restored ${entries} state entr(ies) from ${this.topics.changelog}; resuming at the offsets they cover`);
  }

  /** Creates the topics the engine's sources and sinks need. */
  private async ensureEngineTopics(): Promise<void> {
    const wanted = [...this.engine.topics.values()].filter((t) => !this.createdTopics.has(t.name));
    if (wanted.length === 0) return;
    const created = await ensureTopics(
      this.admin,
      this.brokerCount,
      wanted.map((t) => ({ name: t.name, partitions: t.partitions, replicas: t.replicas })),
    );
    for (const t of wanted) this.createdTopics.add(t.name);
    if (created.length) this.log(`created topic(s) ${created.join(', ')}`);
  }

  // ------------------------------------------------------------------ consuming

  /** (Re)starts the consumer when the set of subscribed topics changed. */
  private async syncConsumer(): Promise<void> {
    const wanted = [...new Set(this.engine.subscribedTopics())].sort();
    if (this.consumer && !this.consumerError && wanted.join('\u0000') === this.subscribed.join('\u0000')) return;
    await this.stopConsumer();
    this.subscribed = wanted;
    if (wanted.length === 0) return;
    await this.ensureEngineTopics();
    // A 'latest' topic the group never read starts at its current end; restored state resumes at the
    // offsets its changelog marker covers (seeks are applied as the partitions are assigned).
    const seeks = this.seeks.filter((s) => wanted.includes(s.topic));
    this.seeks = this.seeks.filter((s) => !wanted.includes(s.topic));
    // a restarted consumer resumes exactly where the in-memory state is (offsets are committed only
    // after their outputs and changelog are written, so the group's commits may lag behind)
    const pending = new Set(seeks.map((s) => `${s.topic}\u0000${s.partition}`));
    for (const [k, off] of this.positions) {
      const [topic, p] = k.split('\u0000') as [string, string];
      if (wanted.includes(topic) && !pending.has(k)) seeks.push({ topic, partition: Number(p), offset: String(off) });
    }
    const seeking = new Set(seeks.map((s) => s.topic));
    const committed = await this.admin.fetchOffsets({ groupId: this.topics.group, topics: wanted });
    for (const t of committed) {
      if (seeking.has(t.topic) || (this.topicPolicy.get(t.topic) ?? resetPolicy(this.engine.config)) !== 'latest') continue;
      if (t.partitions.some((p) => p.offset !== '-1')) continue;
      for (const [partition, high] of await endOffsets(this.admin, t.topic)) {
        seeks.push({ topic: t.topic, partition, offset: high.toString() });
        this.positions.set(`${t.topic}\u0000${partition}`, Number(high));
      }
    }
    await this.assignSelector(wanted, seeks, committed);
    const consumer = this.kafka.consumer({
      groupId: this.topics.group,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 20,
      sessionTimeout: 30_000,
      heartbeatInterval: 1_000,
      retry: { retries: 8, initialRetryTime: 100 },
    });
    this.consumer = consumer;
    this.consumerError = undefined;
    consumer.on(consumer.events.CRASH, (e) => {
      this.consumerError = e.payload.error;
      this.log(`consumer crashed: ${e.payload.error.message}`);
    });
    // A fetch of control records only (transaction markers) reaches no eachBatch: its end still moves
    // the partition's position, so a group does not wait for records that will never be handed out.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      this.selector.advance(payload.topic, payload.partition, Number(payload.lastOffset) + 1, Number(payload.highWatermark));
      if (this.selector.size > 0 && this.consumer === consumer)
        this.drain(
          consumer,
          async () => undefined,
          () => true,
        ).catch(() => undefined);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: wanted, fromBeginning: true });
    // Offsets are committed by hand once the outputs and changelog covering them are written (at most
    // every 500 ms). Batches are flushed together (requestFlush): the next batch is processed while a
    // flush is written (the flush chain keeps writes in order), and at most one batch waits behind it.
    // Commits not made yet outlive the consumer: the next one makes them (tools read the group's
    // offsets to tell whether the queries have read their inputs, see scenarios/topic-offsets.ts).
    const commits = this.pendingCommits;
    let lastCommit = 0;
    let failedCommits = 0;
    let timer: NodeJS.Timeout | undefined;
    const commitNow = (): void => {
      timer = undefined;
      if (commits.size === 0 || this.consumer !== consumer) return;
      lastCommit = Date.now();
      // only the topics this consumer reads (a restored marker may name a topic no query reads now,
      // or one deleted since: one bad partition would fail every commit of the request)
      const batch = [...commits.values()].filter((o) => wanted.includes(o.topic));
      commits.clear();
      if (batch.length === 0) return;
      consumer.commitOffsets(batch).then(
        () => {
          failedCommits = 0;
        },
        (e: unknown) => {
          if (failedCommits++ === 0) this.log(`offset commit failed (retried every 500 ms): ${(e as Error).message}`);
          for (const o of batch) if (!commits.has(`${o.topic}\u0000${o.partition}`)) commits.set(`${o.topic}\u0000${o.partition}`, o);
          this.commitWritten([]);
        },
      );
    };
    this.commitWritten = (offsets) => {
      for (const o of offsets) commits.set(`${o.topic}\u0000${o.partition}`, o);
      if (commits.size === 0) return;
      const wait = lastCommit + 500 - Date.now();
      if (wait <= 0) commitNow();
      else if (!timer) (timer = setTimeout(commitNow, wait)).unref();
    };
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning }) => {
        const { topic, partition, messages } = batch;
        if (messages.length === 0) return;
        const records: BufferedRecord[] = messages.map((m) => ({
          topic,
          partition,
          offset: m.offset,
          timestamp: m.timestamp,
          key: m.key,
          value: m.value,
          headers: headerList(m.headers),
          time: this.engine.recordTime({ topic, partition, offset: Number(m.offset), timestamp: Number(m.timestamp), key: m.key, value: m.value }),
        }));
        this.selector.add(topic, partition, records, Number(batch.highWatermark));
        this.selector.advance(topic, partition, Number(batch.lastOffset()) + 1, Number(batch.highWatermark));
        // buffered: the consumer fetches on; the group commit follows what was processed and flushed
        resolveOffset(messages[messages.length - 1]!.offset);
        await this.drain(consumer, heartbeat, isRunning);
      },
    });
    for (const sk of seeks) consumer.seek(sk);
    this.commitWritten([]);
  }

  /** The selector starts over with the partitions of `topics`: where each starts (seek, committed offset, reset policy) and ends. */
  private async assignSelector(
    topics: string[],
    seeks: { topic: string; partition: number; offset: string }[],
    committed: { topic: string; partitions: { partition: number; offset: string }[] }[],
  ): Promise<void> {
    this.selector.clear();
    const seekAt = new Map<string, number>(seeks.map((sk) => [`${sk.topic}\u0000${sk.partition}`, Number(sk.offset)]));
    const committedAt = new Map<string, number>();
    for (const t of committed) for (const p of t.partitions) if (p.offset !== '-1') committedAt.set(`${t.topic}\u0000${p.partition}`, Number(p.offset));
    for (const topic of topics) {
      const latest = (this.topicPolicy.get(topic) ?? resetPolicy(this.engine.config)) === 'latest';
      for (const o of await this.admin.fetchTopicOffsets(topic)) {
        const key = `${topic}\u0000${o.partition}`;
        const start = seekAt.get(key) ?? committedAt.get(key) ?? Number(latest ? o.high : o.low);
        this.selector.assign(topic, o.partition, start, Number(o.high));
      }
    }
  }

  /**
   * Processes the buffered records the selector releases, lowest timestamp first, in slices of
   * SLICE_RECORDS each handed to the flush like a batch of its own, so the event loop (flush timers,
   * heartbeats) keeps turning while catching up and unflushed outputs stay small. When a group waits
   * for a lagging partition, a timer comes back for it when its wait is over.
   */
  private drain(consumer: Consumer, heartbeat: () => Promise<void>, isRunning: () => boolean): Promise<void> {
    const run = this.drainChain.then(async () => {
      while (isRunning() && this.consumer === consumer) {
        let processed = 0;
        for (; processed < SLICE_RECORDS; processed++) {
          const r = this.selector.next();
          if (!r) break;
          this.processOne(r.topic, r.partition, r.offset, r.timestamp, r.key, r.value, r.headers);
          this.unflushedCommits.set(`${r.topic}\u0000${r.partition}`, { topic: r.topic, partition: r.partition, offset: String(Number(r.offset) + 1) });
        }
        if (processed === 0) break;
        // one slice may be processed while the flush before it is written, not more
        if (this.flushing && ++this.batchesSinceFlush >= 2) await this.waitForFlush(heartbeat);
        this.requestFlush();
        if (this.writeError) throw this.writeError;
        if (processed < SLICE_RECORDS) break;
        await heartbeat();
        await new Promise((r) => setImmediate(r));
      }
      this.scheduleEnforcement(consumer);
    });
    this.drainChain = run.catch(() => undefined);
    return run;
  }

  private scheduleEnforcement(consumer: Consumer): void {
    const wait = this.selector.nextEnforcementIn();
    if (wait === undefined || this.enforceTimer) return;
    this.enforceTimer = setTimeout(() => {
      this.enforceTimer = undefined;
      if (this.consumer !== consumer) return;
      this.drain(
        consumer,
        async () => undefined,
        () => true,
      ).catch(() => undefined);
    }, wait + 1);
    this.enforceTimer.unref();
  }

  /**
   * Waits for the flush being written, heartbeating meanwhile: while a broker's disk is full the writer
   * retries for as long as it takes, and a member silent past its session timeout would be dropped by
   * the group and resume from the committed offsets, behind the state (counting those records twice).
   */
  private async waitForFlush(heartbeat: () => Promise<void>): Promise<void> {
    const flush = this.inflight?.catch(() => undefined);
    if (!flush) return;
    let written = false;
    void flush.then(() => {
      written = true;
    });
    while (!written) {
      await Promise.race([flush, new Promise((resolve) => setTimeout(resolve, 1_000))]);
      if (!written) await heartbeat().catch(() => undefined);
    }
  }

  private processOne(
    topic: string,
    partition: number,
    offset: string,
    timestamp: string,
    key: Buffer | null,
    value: Buffer | null,
    headers?: RecordHeader[],
  ): void {
    const out = this.engine.process({ topic, partition, offset: Number(offset), timestamp: Number(timestamp), key, value, headers });
    for (const o of out) this.outbox.push(o);
    this.positions.set(`${topic}\u0000${partition}`, Number(offset) + 1);
    this.positionsDirty = true;
    this.stats.processed++;
  }

  private async stopConsumer(): Promise<void> {
    const c = this.consumer;
    this.consumer = undefined;
    clearTimeout(this.enforceTimer);
    this.enforceTimer = undefined;
    if (!c) return;
    await c.disconnect().catch((e: unknown) => this.log(`consumer disconnect: ${(e as Error).message}`));
    await this.inflight?.catch(() => undefined);
  }

  private hasUnflushed(): boolean {
    return this.outbox.length > 0 || this.changes.size > 0 || this.pendingLog.length > 0 || this.positionsDirty;
  }

  /**
   * Flushes what was processed when no flush is being written and the commit interval has passed since
   * the last one started; otherwise makes sure a flush follows (when the one in flight is written, or
   * when the interval is over).
   */
  private requestFlush(): void {
    if (this.flushing || this.flushTimer || this.writeError || !this.hasUnflushed()) return;
    const wait = this.lastFlushStart + Math.min(this.commitIntervalMs, this.flushSpacingMs) - Date.now();
    if (wait > 0 && this.outbox.length < FLUSH_AT_OUTPUTS) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        this.requestFlush();
      }, wait);
      return;
    }
    this.flushing = true;
    this.lastFlushStart = Date.now();
    this.batchesSinceFlush = 0;
    const done = (): void => {
      this.flushing = false;
      this.requestFlush();
    };
    const cost = performance.now();
    let written: Promise<void>;
    try {
      written = this.flush();
    } catch (e) {
      // nothing can be written after state that could not be serialised: stop, as a failed write does
      this.flushing = false;
      this.writeError = e as Error;
      this.log(`serialising outputs/changelog failed, queries stopped: ${(e as Error).message}`);
      return;
    }
    this.flushSpacingMs = Math.max(FLUSH_COST_FACTOR * (performance.now() - cost), (this.lastChangelogBytes / CHANGELOG_BYTES_PER_SEC) * 1000);
    written.then(done, done);
  }

  /**
   * Takes what the records processed so far produced (outputs, processing-log entries, state changes
   * serialised now, the offsets they cover) and writes it after every earlier flush: outputs first,
   * then changelog + offsets marker in one send (one record batch on the single changelog partition).
   * Two partitions' batches may be in flight (one processing while the other is written); the chain
   * keeps writes in order, and a marker never covers state that is not in the changelog before it.
   */
  private flush(): Promise<void> {
    const outs = this.recordCacheEnabled() ? latestPerTableKey(this.outbox, this.tableTopics()) : this.outbox;
    this.outbox = [];
    const logs = this.pendingLog;
    this.pendingLog = [];
    const changes = this.changes;
    this.changes = new Map<string, Map<string, StateChange>>();
    const commits = [...this.unflushedCommits.values()];
    this.unflushedCommits.clear();
    const produced = outs.length;
    const outputs: OutgoingRecord[] = outs;
    const now = Date.now();
    for (const e of logs)
      outputs.push({ topic: this.topics.processingLog, key: null, value: Buffer.from(JSON.stringify(processingLogRecord(e))), timestamp: now });
    const changelog = this.topics.changelog;
    const msgs: OutgoingRecord[] = [];
    let changelogBytes = 0;
    for (const [store, byKey] of changes) {
      for (const [key, c] of byKey) {
        const value = c.value === undefined ? null : Buffer.from(stringifyJson(c.value));
        changelogBytes += value?.length ?? 0;
        msgs.push({ topic: changelog, partition: 0, key: Buffer.from(JSON.stringify([store, key])), value, timestamp: now });
      }
    }
    this.lastChangelogBytes = changelogBytes;
    if (this.positionsDirty) {
      this.positionsDirty = false;
      const marker: Record<string, Record<string, number>> = {};
      for (const [k, off] of this.positions) {
        const [topic, p] = k.split('\u0000') as [string, string];
        (marker[topic] ??= {})[p] = off;
      }
      msgs.push({ topic: changelog, partition: 0, key: OFFSETS_KEY_BYTES, value: Buffer.from(JSON.stringify(marker)), timestamp: now });
    }
    const write = async (): Promise<void> => {
      if (this.writeError) throw this.writeError;
      try {
        await this.writer.write(outputs);
        this.stats.produced += produced;
        await this.writer.write(msgs);
        this.stats.batches++;
        if (commits.length) this.commitWritten(commits);
      } catch (e) {
        // later markers must not cover this state: stop writing (a restart resumes from the changelog)
        this.writeError = e as Error;
        this.log(`writing outputs/changelog failed, queries stopped: ${(e as Error).message}`);
        throw e;
      }
    };
    const run = this.flushChain.then(write);
    this.flushChain = run.catch(() => undefined);
    this.inflight = run;
    return run;
  }

  /**
   * ksqlDB's record cache (`ksql.streams.cache.max.bytes.buffering`, Kafka Streams' cache): when it is
   * on, a table emits only the latest value of each key per commit, not every intermediate update.
   * Off (0) by default here, like the query-validation tests; the embedded stack turns it on.
   */
  private recordCacheEnabled(): boolean {
    return Number(this.engine.config['ksql.streams.cache.max.bytes.buffering'] ?? 0) > 0;
  }

  private tableTopics(): Set<string> {
    const topics = new Set<string>();
    for (const source of this.engine.metastore.sources.values()) if (source.type === 'TABLE') topics.add(source.topic);
    return topics;
  }

  private onProblem(e: ProcessingLogEntry): void {
    this.stats.skipped++;
    this.pendingLog.push(e);
    this.log(`processing log: ${e.queryId}: ${e.message}`);
  }

  /** Produces records (INSERT VALUES) straight away. */
  private async send(records: SinkRecord[]): Promise<void> {
    await this.writer.write(records);
  }

  /**
   * True when every subscribed partition has been processed up to its end (tests and tools use it to
   * wait for the queries to catch up).
   */
  async caughtUp(): Promise<boolean> {
    await this.inflight?.catch(() => undefined);
    if (this.flushing || this.hasUnflushed() || this.selector.size > 0) return false;
    const processed = this.stats.processed;
    for (const topic of this.subscribed) {
      for (const [p, high] of await endOffsets(this.admin, topic)) {
        const pos = this.positions.get(`${topic}\u0000${p}`);
        if (high > 0n && (pos === undefined || BigInt(pos) < high)) return false;
      }
    }
    // records processed while the end offsets were read may have outputs not written yet
    return this.stats.processed === processed && !this.flushing && !this.hasUnflushed();
  }

  // ------------------------------------------------------------------ transient queries

  /**
   * Starts a push or pull query. Pull queries finish inside this call. A push query reads its source
   * topics with its own consumer (from the earliest offset when `auto.offset.reset` is earliest in
   * `props` or the server config, else from the end) until LIMIT or stop().
   */
  async startQuery(
    sql: string,
    props: Record<string, unknown>,
    onRow: (row: TransientRow) => void,
    onEnd: (error?: Error) => void,
  ): Promise<{ query: TransientQuery; pull: boolean; stop: () => Promise<void> }> {
    let ended = false;
    let stopConsumer: () => Promise<void> = async () => undefined;
    const end = (error?: Error) => {
      if (ended) return;
      ended = true;
      void stopConsumer();
      onEnd(error);
    };
    const query = this.engine.executeQuery(sql, onRow, () => end());
    if (query.done) {
      end();
      return { query, pull: true, stop: async () => undefined };
    }
    const topics = detachTransient(this.engine, query.id);
    const policy = resetPolicy({ ...this.engine.config, ...propertyStrings(props) });
    const consumer = this.kafka.consumer({
      groupId: `_confluent-ksql-${this.serviceId}transient_${query.id}_${Date.now()}`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 50,
      retry: { retries: 5, initialRetryTime: 100 },
    });
    let stopped: Promise<void> | undefined;
    const handle = {
      stop: () =>
        (stopped ??= (async () => {
          this.transients.delete(handle);
          await consumer.disconnect().catch(() => undefined);
        })()),
    };
    stopConsumer = handle.stop;
    this.transients.add(handle);
    try {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: policy === 'earliest' });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, isRunning }) => {
          for (const m of batch.messages) {
            if (query.done || ended || !isRunning()) return;
            query.feed({
              topic: batch.topic,
              partition: batch.partition,
              offset: Number(m.offset),
              timestamp: Number(m.timestamp),
              key: m.key,
              value: m.value,
              headers: headerList(m.headers),
            });
          }
        },
      });
    } catch (e) {
      query.close();
      end(e as Error);
    }
    return {
      query,
      pull: false,
      stop: async () => {
        query.close();
        end();
        await handle.stop();
      },
    };
  }

  // ------------------------------------------------------------------ lifecycle

  /** Flushes everything, commits and disconnects. */
  async stop(): Promise<void> {
    this.serverState = 'TERMINATING';
    const grace = setTimeout(() => this.writer.stopRetrying(), STOP_GRACE_MS);
    try {
      await this.lock.catch(() => undefined);
      await Promise.all([...this.transients].map((t) => t.stop()));
      await this.stopConsumer();
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      if (this.hasUnflushed()) await this.flush().catch((e: unknown) => this.log(`final flush failed: ${(e as Error).message}`));
      await this.writer.close().catch(() => undefined);
      await this.admin?.disconnect().catch(() => undefined);
    } finally {
      clearTimeout(grace);
    }
  }

  /** Kafka topics (LIST TOPICS): name and replicas per partition, internal ones hidden. */
  /**
   * Where the persistent queries' consumer group is in `topics`, for DESCRIBE EXTENDED: every partition
   * of each topic the group has committed offsets in, with its log start and end and the committed
   * offset (0 for a partition with none yet, as ksqlDB reports it).
   */
  async committedOffsets(topics: string[]): Promise<{ topic: string; partition: number; start: number; end: number; committed: number }[]> {
    if (topics.length === 0) return [];
    const groups = await this.admin.fetchOffsets({ groupId: this.topics.group, topics });
    const out: { topic: string; partition: number; start: number; end: number; committed: number }[] = [];
    for (const { topic, partitions } of groups) {
      const committed = new Map(partitions.filter((p) => p.offset !== '-1').map((p) => [p.partition, Number(p.offset)]));
      if (committed.size === 0) continue;
      for (const r of (await this.admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition)) {
        out.push({ topic, partition: r.partition, start: Number(r.low), end: Number(r.high), committed: committed.get(r.partition) ?? 0 });
      }
    }
    return out;
  }

  async listTopics(): Promise<{ name: string; replicaInfo: number[] }[]> {
    const md = await this.admin.fetchTopicMetadata();
    return md.topics
      .filter((t) => !t.name.startsWith('_'))
      .map((t) => ({ name: t.name, replicaInfo: [...t.partitions].sort((a, b) => a.partitionId - b.partitionId).map((p) => p.replicas.length) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.lock.then(fn, fn);
    this.lock = next.catch(() => undefined);
    return next;
  }
}

function statusOf(r: ExecuteResult): CommandStatus {
  const e = r.entity;
  if (e.type === 'currentStatus') return { status: 'SUCCESS', message: e.commandStatus.message, queryId: e.commandStatus.queryId ?? null };
  return { status: 'SUCCESS', message: '', queryId: null };
}

/**
 * Takes a transient query out of the engine's record routing (engine.process feeds every registered
 * transient query); the runtime feeds it from its own consumer instead. Returns the topics it reads.
 */
function detachTransient(engine: KsqlEngine, id: string): string[] {
  const map = (engine as unknown as { transients?: Map<string, { pipeline: { inputs: { topic: string }[] } }> }).transients;
  const t = map?.get(id);
  if (!map || !t) throw new Error(`transient query ${id} is not registered with the engine`);
  map.delete(id);
  return [...new Set(t.pipeline.inputs.map((i) => i.topic))];
}

/**
 * Kafka Streams' record cache over one flush's outputs: a table keeps the last record of each (topic,
 * key), in the order of those last records, and drops it too when it is a tombstone of a key whose first
 * record in the flush was `created` (its value never left the cache: there is nothing to delete). Stream
 * outputs are all kept. Windowed keys carry their window, so each window (each session) is a key of its own.
 */
export function latestPerTableKey(records: SinkRecord[], tableTopics: Set<string>): SinkRecord[] {
  // per table topic: key bytes (as latin1 text) -> index of the key's last record, negated (-1 - i) when
  // the key's first record was created; a record's key text is built once
  const byTopic = new Map<string, Map<string, number>>();
  const keys: (string | undefined)[] = new Array<string | undefined>(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (!tableTopics.has(r.topic)) continue;
    let last = byTopic.get(r.topic);
    if (!last) byTopic.set(r.topic, (last = new Map()));
    const k = r.key === null ? '' : r.key.toString('latin1');
    keys[i] = k;
    const seen = last.get(k);
    last.set(k, (seen === undefined ? r.created === true : seen < 0) ? -1 - i : i);
  }
  const out: SinkRecord[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const k = keys[i];
    if (k === undefined) {
      out.push(r);
      continue;
    }
    const last = byTopic.get(r.topic)?.get(k);
    if (last === i) out.push(r);
    // (a value is not serialized here: the flush's cost, which spaces flushes, would count it)
    else if (last === -1 - i && !isTombstone(r)) out.push(r);
  }
  return out;
}

/** The broker's reason a topic was not created (kafkajs keeps the error code's name per topic). */
function topicErrorOf(error: unknown): string {
  const e = error as Error & { errors?: { type?: string; message?: string }[]; type?: string };
  const first = e.errors?.[0];
  const type = first?.type ?? e.type;
  if (type === 'INVALID_PARTITIONS') return 'INVALID_PARTITIONS: the broker refuses that many partitions for one topic (its per-topic partition limit)';
  if (type === 'POLICY_VIOLATION') return 'POLICY_VIOLATION: the broker refuses more partitions in total (its partition limit)';
  return type ? `${type}: ${first?.message ?? e.message}` : e.message;
}

/** kafkajs's headers object (a repeated key holds an array) as the record's header list; undefined when none. */
function headerList(headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined): RecordHeader[] | undefined {
  if (!headers) return undefined;
  const out: RecordHeader[] = [];
  const bytes = (v: Buffer | string | undefined) => (v === undefined ? null : Buffer.isBuffer(v) ? v : Buffer.from(v));
  for (const [key, v] of Object.entries(headers)) {
    if (Array.isArray(v)) for (const x of v) out.push({ key, value: bytes(x) });
    else out.push({ key, value: bytes(v) });
  }
  return out.length ? out : undefined;
}
