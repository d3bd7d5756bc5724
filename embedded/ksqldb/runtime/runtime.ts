/**
 * The Kafka runtime around KsqlEngine: persistent queries read and write real topics through kafkajs.
 *
 * - Statements that change the metastore are appended to the command topic
 *   (`_confluent-ksql-<id>_command_topic`, 1 partition) with the properties they ran under; a new
 *   server replays them, so streams, tables and queries come back.
 * - Operator state lives in memory (MemoryStateBackend); every change goes to one compacted changelog
 *   topic together with an offsets marker (the next input offset of every partition the state covers).
 * - One consumer group (`_confluent-ksql-<id>query_engine`) reads every subscribed topic; records go to
 *   engine.process in order per partition. After each fetched batch: produce the outputs (and the
 *   processing-log records), then the changelog writes + marker, then commit the input offsets.
 * - Restart: replay commands, restore the changelog to its end, move the group's offsets to the marker,
 *   consume. State and offsets therefore always agree: nothing is counted twice. The one window left is
 *   a crash after the outputs were written but before the changelog batch was: the batch is processed
 *   again and its outputs are written a second time — identical upserts of the same table rows (the
 *   state they were computed from was not persisted), i.e. at-least-once delivery, exactly-once state.
 */
import { createRequire } from 'node:module';
import { Partitioners, type Admin, type Consumer, type ICustomPartitioner, type Kafka, type Message, type Producer } from 'kafkajs';
import { KsqlEngine, type ExecuteResult, type ProcessingLogEntry, type TransientQuery, type TransientRow } from '../engine.ts';
import { KsqlError } from '../errors.ts';
import type { SinkRecord } from '../io.ts';
import type { Statement } from '../parser/ast.ts';
import { parseStatements } from '../parser/parser.ts';
import { stringifyJson } from '../expr/long.ts';
import { MemoryStateBackend } from '../state/store.ts';
import { processingLogRecord, processingLogStreamSql } from './processing-log.ts';
import { readRanges, topicRanges, type Range } from '../../common/topic-reader.ts';
import { endOffsets, ensureTopics, internalTopics, type InternalTopics } from './topics.ts';

// kafkajs's own murmur2 (the DefaultPartitioner's hash), so cached partitions are exactly what it computes
const murmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer | string) => number;

export interface RuntimeOptions {
  kafka: Kafka;
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

const OFFSETS_KEY = '__ksql_input_offsets__';
const SEND_CHUNK = 1000;
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
  private producer!: Producer;
  private consumer: Consumer | undefined;
  private subscribed: string[] = [];
  private readonly topicPolicy = new Map<string, Policy>();
  private changes = new Map<string, { store: string; key: string; value: unknown; fresh: boolean }>();
  private outbox: SinkRecord[] = [];
  private pendingLog: ProcessingLogEntry[] = [];
  /** next input offset per `topic\0partition` covered by the state */
  private readonly positions = new Map<string, number>();
  private positionsDirty = false;
  private inflight: Promise<void> | undefined;
  private flushChain: Promise<void> = Promise.resolve();
  private writeError: Error | undefined;
  private lock: Promise<unknown> = Promise.resolve();
  private readonly transients = new Set<{ stop: () => Promise<void> }>();
  private createdTopics = new Set<string>();
  private consumerError: Error | undefined;
  /** where to start partitions on the next consumer start (restored marker, 'latest' topics) */
  private seeks: { topic: string; partition: number; offset: string }[] = [];

  constructor(opts: RuntimeOptions) {
    this.kafka = opts.kafka;
    this.serviceId = opts.serviceId ?? 'default_';
    this.topics = internalTopics(this.serviceId);
    this.log = opts.log ?? (() => undefined);
    this.backend = new MemoryStateBackend((store, key, value, existed) => {
      const id = `${store}\u0000${key}`;
      const prev = this.changes.get(id);
      // fresh: the key had no value when this batch began, so the changelog holds nothing (or a
      // tombstone) for it; created and deleted again within the batch, it needs no record at all
      const fresh = prev ? prev.fresh : !existed;
      if (value === undefined && fresh && prev) this.changes.delete(id);
      else this.changes.set(id, { store, key, value, fresh });
    });
    this.baseConfig = { 'ksql.service.id': this.serviceId, 'ksql.output.topic.name.prefix': '', ...(opts.config ?? {}) };
    this.engine = new KsqlEngine({ config: { ...this.baseConfig }, state: this.backend, processingLog: (e) => this.onProblem(e) });
  }

  /** Connects, creates the internal topics, replays commands, restores state and starts consuming. */
  async start(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    const cluster = await this.admin.describeCluster();
    this.clusterId = cluster.clusterId;
    this.brokerCount = cluster.brokers.length;
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: cachingDefaultPartitioner, allowAutoTopicCreation: false });
    await this.producer.connect();
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
      const stmts = parseStatements(sql);
      const outcomes: StatementOutcome[] = [];
      const saved = { ...this.engine.config };
      Object.assign(this.engine.config, propertyStrings(props));
      try {
        for (const st of stmts) {
          if (st.kind === 'select') {
            throw new StatementFailure(new KsqlError("The following statement types should be issued to the websocket endpoint '/query':\n\t* PRINT\n\t* SELECT"), st.text, outcomes, 40002);
          }
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
    const [meta] = await this.producer.send({ topic: this.topics.commands, acks: -1, messages: [{ key: commandId, value: JSON.stringify(value) }] });
    return Number(meta?.baseOffset ?? -1);
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
        for (const st of parseStatements(cmd.statement)) {
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
    if (messages.length) this.log(`replayed ${messages.length} command(s): ${this.engine.metastore.sources.size} source(s), ${this.engine.metastore.queries.size} quer(ies)`);
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
      }
    }
    this.log(`restored ${entries} state entr(ies) from ${this.topics.changelog}; resuming at the offsets they cover`);
  }

  /** Creates the topics the engine's sources and sinks need. */
  private async ensureEngineTopics(): Promise<void> {
    const wanted = [...this.engine.topics.values()].filter((t) => !this.createdTopics.has(t.name));
    if (wanted.length === 0) return;
    const created = await ensureTopics(this.admin, this.brokerCount, wanted.map((t) => ({ name: t.name, partitions: t.partitions, replicas: t.replicas })));
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
    await consumer.connect();
    await consumer.subscribe({ topics: wanted, fromBeginning: true });
    // Offsets are committed by hand once the batch's outputs and changelog are written. The batch's
    // writes are not awaited here: the next batch is processed while they are in flight (the flush
    // chain keeps them in order), and the one before must have landed first (at most two in flight).
    const commits = new Map<string, { topic: string; partition: number; offset: string }>();
    let lastCommit = 0;
    let timer: NodeJS.Timeout | undefined;
    const commitNow = (): void => {
      timer = undefined;
      if (commits.size === 0 || this.consumer !== consumer) return;
      lastCommit = Date.now();
      const batch = [...commits.values()];
      commits.clear();
      consumer.commitOffsets(batch).catch((e: unknown) => this.log(`offset commit failed: ${(e as Error).message}`));
    };
    const commitWritten = (topic: string, partition: number, offset: string): void => {
      commits.set(`${topic}\u0000${partition}`, { topic, partition, offset });
      const wait = lastCommit + 500 - Date.now();
      if (wait <= 0) commitNow();
      else if (!timer) (timer = setTimeout(commitNow, wait)).unref();
    };
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        let last: string | undefined;
        let n = 0;
        for (const m of batch.messages) {
          if (!isRunning() || isStale()) break;
          this.processOne(batch.topic, batch.partition, m.offset, m.timestamp, m.key, m.value);
          last = m.offset;
          if (++n % 5000 === 0) await heartbeat();
        }
        if (last === undefined) return;
        const previous = this.inflight;
        const written = this.flush();
        const next = String(Number(last) + 1);
        written.then(() => commitWritten(batch.topic, batch.partition, next), () => undefined);
        resolveOffset(last);
        await previous;
        if (this.writeError) throw this.writeError;
      },
    });
    for (const sk of seeks) consumer.seek(sk);
  }

  private processOne(topic: string, partition: number, offset: string, timestamp: string, key: Buffer | null, value: Buffer | null): void {
    const out = this.engine.process({ topic, partition, offset: Number(offset), timestamp: Number(timestamp), key, value });
    for (const o of out) this.outbox.push(o);
    this.positions.set(`${topic}\u0000${partition}`, Number(offset) + 1);
    this.positionsDirty = true;
    this.stats.processed++;
  }

  private async stopConsumer(): Promise<void> {
    const c = this.consumer;
    this.consumer = undefined;
    if (!c) return;
    await c.disconnect().catch((e: unknown) => this.log(`consumer disconnect: ${(e as Error).message}`));
    await this.inflight?.catch(() => undefined);
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
    this.changes = new Map<string, { store: string; key: string; value: unknown; fresh: boolean }>();
    const topicMessages = groupByTopic(outs);
    if (logs.length) topicMessages.push({ topic: this.topics.processingLog, messages: logs.map((e) => ({ key: null, value: JSON.stringify(processingLogRecord(e)) })) });
    const msgs: Message[] = [];
    for (const c of changes.values()) msgs.push({ key: JSON.stringify([c.store, c.key]), value: c.value === undefined ? null : stringifyJson(c.value) });
    if (this.positionsDirty) {
      this.positionsDirty = false;
      const marker: Record<string, Record<string, number>> = {};
      for (const [k, off] of this.positions) {
        const [topic, p] = k.split('\u0000') as [string, string];
        (marker[topic] ??= {})[p] = off;
      }
      msgs.push({ key: OFFSETS_KEY, value: JSON.stringify(marker) });
    }
    const write = async (): Promise<void> => {
      if (this.writeError) throw this.writeError;
      try {
        await this.sendChunked(topicMessages);
        this.stats.produced += outs.length;
        if (msgs.length) await this.producer.send({ topic: this.topics.changelog, acks: -1, messages: msgs });
        this.stats.batches++;
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
    // Session tables keep every update: reduced, a batch can leave tombstones of sessions whose value
    // never left it, which transient push queries over the topic do not yet read back correctly.
    for (const source of this.engine.metastore.sources.values()) {
      if (source.type === 'TABLE' && source.windowType !== 'SESSION') topics.add(source.topic);
    }
    return topics;
  }

  private onProblem(e: ProcessingLogEntry): void {
    this.stats.skipped++;
    this.pendingLog.push(e);
    this.log(`processing log: ${e.queryId}: ${e.message}`);
  }

  /** Produces records (INSERT VALUES) straight away. */
  private async send(records: SinkRecord[]): Promise<void> {
    await this.sendChunked(groupByTopic(records));
  }

  /**
   * sendBatch in slices of at most SEND_CHUNK messages: kafkajs groups a send's messages per partition
   * by copying the partition's array for every message (quadratic in the batch size).
   */
  private async sendChunked(topicMessages: { topic: string; messages: Message[] }[]): Promise<void> {
    let slice: { topic: string; messages: Message[] }[] = [];
    let size = 0;
    for (const tm of topicMessages) {
      for (let i = 0; i < tm.messages.length; i += SEND_CHUNK) {
        const part = tm.messages.slice(i, i + SEND_CHUNK);
        if (size + part.length > SEND_CHUNK || slice.some((x) => x.topic === tm.topic)) {
          await this.producer.sendBatch({ acks: -1, topicMessages: slice });
          slice = [];
          size = 0;
        }
        slice.push({ topic: tm.topic, messages: part });
        size += part.length;
      }
    }
    if (slice.length) await this.producer.sendBatch({ acks: -1, topicMessages: slice });
  }

  /**
   * True when every subscribed partition has been processed up to its end (tests and tools use it to
   * wait for the queries to catch up).
   */
  async caughtUp(): Promise<boolean> {
    await this.inflight?.catch(() => undefined);
    if (this.outbox.length > 0) return false;
    for (const topic of this.subscribed) {
      for (const [p, high] of await endOffsets(this.admin, topic)) {
        const pos = this.positions.get(`${topic}\u0000${p}`);
        if (high > 0n && (pos === undefined || BigInt(pos) < high)) return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ transient queries

  /**
   * Starts a push or pull query. Pull queries finish inside this call. A push query reads its source
   * topics with its own consumer (from the earliest offset when `auto.offset.reset` is earliest in
   * `props` or the server config, else from the end) until LIMIT or stop().
   */
  async startQuery(sql: string, props: Record<string, unknown>, onRow: (row: TransientRow) => void, onEnd: (error?: Error) => void): Promise<{ query: TransientQuery; pull: boolean; stop: () => Promise<void> }> {
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
      stop: () => (stopped ??= (async () => {
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
            query.feed({ topic: batch.topic, partition: batch.partition, offset: Number(m.offset), timestamp: Number(m.timestamp), key: m.key, value: m.value });
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
    await this.lock.catch(() => undefined);
    await Promise.all([...this.transients].map((t) => t.stop()));
    await this.stopConsumer();
    if (this.outbox.length || this.changes.size || this.pendingLog.length || this.positionsDirty) await this.flush().catch((e: unknown) => this.log(`final flush failed: ${(e as Error).message}`));
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
  }

  /** Kafka topics (LIST TOPICS): name and replicas per partition, internal ones hidden. */
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

/**
 * kafkajs's DefaultPartitioner (Java-compatible murmur2 of the key) with the key hashes cached: sink keys
 * repeat constantly (group keys, windows) and kafkajs's murmur2 runs on emulated 64-bit longs.
 */
const cachingDefaultPartitioner: ICustomPartitioner = () => {
  const inner = Partitioners.DefaultPartitioner();
  const hashes = new Map<string, number>();
  return (args) => {
    const { message, partitionMetadata } = args;
    // groupByTopic attaches a windowed key's inner key (not serialized by kafkajs): windows of a key share a partition
    const key = (message as Message & { partitionKey?: Buffer }).partitionKey ?? message.key;
    if ((message.partition !== null && message.partition !== undefined) || key === null || key === undefined) return inner(args);
    const id = typeof key === 'string' ? 's' + key : 'b' + key.toString('latin1');
    let h = hashes.get(id);
    if (h === undefined) {
      if (hashes.size >= 100_000) hashes.clear();
      h = murmur2(key) & 0x7fffffff;
      hashes.set(id, h);
    }
    return h % partitionMetadata.length;
  };
};

function statusOf(r: ExecuteResult): CommandStatus {
  const e = r.entity;
  if (e.type === 'currentStatus') return { status: 'SUCCESS', message: e.commandStatus.message, queryId: e.commandStatus.queryId ?? null };
  return { status: 'SUCCESS', message: '', queryId: null };
}

function groupByTopic(records: SinkRecord[]): { topic: string; messages: Message[] }[] {
  const by = new Map<string, Message[]>();
  for (const r of records) {
    let list = by.get(r.topic);
    if (!list) by.set(r.topic, (list = []));
    const m: Message & { partitionKey?: Buffer } = { key: r.key, value: r.value, timestamp: String(r.timestamp) };
    if (r.partition !== undefined) m.partition = r.partition;
    if (r.partitionKey !== undefined) m.partitionKey = r.partitionKey;
    list.push(m);
  }
  return [...by].map(([topic, messages]) => ({ topic, messages }));
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
 * Table outputs reduced to the last record of each (topic, key) in `records`, in the order of those
 * last records; stream outputs are all kept. Windowed keys carry their window, so each window keeps
 * its own latest value, and a final tombstone stays a tombstone.
 */
export function latestPerTableKey(records: SinkRecord[], tableTopics: Set<string>): SinkRecord[] {
  const lastIndex = new Map<string, number>();
  records.forEach((r, i) => {
    if (tableTopics.has(r.topic)) lastIndex.set(`${r.topic}\u0000${r.key?.toString('latin1') ?? ''}`, i);
  });
  return records.filter((r, i) => !tableTopics.has(r.topic) || lastIndex.get(`${r.topic}\u0000${r.key?.toString('latin1') ?? ''}`) === i);
}
