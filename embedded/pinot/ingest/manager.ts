/**
 * Realtime ingestion: one kafkajs consumer per REALTIME table (Pinot's low-level consumer semantics).
 *
 * The table's checkpoint per partition (next offset to consume) lives in `_pinot_offsets` in the same
 * DuckDB file as the rows, and each batch's rows and its new checkpoint are committed in ONE
 * transaction. On start the consumer seeks every partition to its checkpoint and drops any message
 * below it, so a restart (or a kafkajs rebalance) never loses or doubles rows. The Kafka group is only
 * a vehicle for fetching: its id is unique per run and nothing is committed to it (every join seeks the
 * partitions to their checkpoints).
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Consumer, type KafkaMessage } from 'kafkajs';
import { BIGINT, BLOB, BOOLEAN, DOUBLE, FLOAT, INTEGER, LIST, VARCHAR, blobValue, listValue, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { TableEntry, TableListener, TableManager } from '../catalog.ts';
import { PinotDb, quoteIdent, type WriteTx } from '../db.ts';
import { ControllerError, errorMessage } from '../errors.ts';
import type { TableRuntimeInfo } from '../query.ts';
import type { CellValue, Column } from '../schema.ts';
import { duckType, stringifyJson } from '../schema.ts';
import { decodeJsonMessage, makeRowConverter, type RowConverter } from './convert.ts';
import { GroupCommitter } from './group-commit.ts';

export type IngestionState = 'STARTING' | 'WAITING_FOR_TOPIC' | 'CONSUMING' | 'PAUSED' | 'ERROR' | 'STOPPED';

export interface PartitionStatus {
  partition: number;
  /** Next offset to consume (the checkpoint). */
  nextOffset: string;
  /** Latest offset seen from the broker (high watermark), when known. */
  highWatermark: string | undefined;
  /** Records stored as rows, every one counted (in an upsert table the replaced ones too: Pinot's documents). */
  rowsIngested: number;
  malformed: number;
  failed: number;
  lastIngestMs: number;
}

export interface TableIngestionStatus {
  table: string;
  topic: string;
  brokers: string;
  state: IngestionState;
  messagesConsumed: number;
  /** Records stored as rows, every one counted (in an upsert table the replaced ones too: Pinot's documents). */
  rowsIngested: number;
  /** Messages that were not JSON objects (skipped). */
  malformed: number;
  /** Messages whose values could not be converted to the schema (skipped; continueOnError=false). */
  failed: number;
  /** Rows stored with a default in place of an unconvertible value (continueOnError=true). */
  incomplete: number;
  lastError: string | undefined;
  lastErrorAtMs: number | undefined;
  lastIngestMs: number;
  partitions: PartitionStatus[];
}

export interface IncomingMessage {
  offset: bigint;
  value: Buffer | Uint8Array | string | null;
}

export interface IngestionManagerOptions {
  /** Broker list that replaces every table's `stream.kafka.broker.list` (the embedded cluster's bootstrap). */
  kafkaBootstrap?: string;
  log: (line: string) => void;
  /** Retry delay while a topic is missing or Kafka is unreachable. */
  retryMs?: number;
  /** Stop logging each skipped message after this many per table (then every 1000th). */
  maxProblemLogs?: number;
}

interface PartitionState {
  nextOffset: bigint;
  highWatermark: bigint | undefined;
  rowsIngested: number;
  malformed: number;
  failed: number;
  lastIngestMs: number;
}

const INSERT_CHUNK = 2000;
/** kafkajs hands over this many partitions' batches at once (ordering within a partition is kept) */
const PARTITIONS_CONSUMED_CONCURRENTLY = 16;

/** Thrown inside a probe transaction to roll it back after the row went in fine. */
const PROBE_OK = Symbol('probe ok');

/** One partition batch, decoded and converted, waiting to be committed with its checkpoint. */
interface PreparedBatch {
  ingestion: TableIngestion;
  partition: number;
  rows: CellValue[][];
  /** records converted into rows, before the upserts within the batch: Pinot indexes each as a document */
  docs: number;
  /** the partition's checkpoint after this batch */
  next: bigint;
  malformed: number;
  failed: number;
  now: number;
  consumed: number;
}

/** Explicit binding type: inferred from the first element, [20, 21.5] would be INTEGER[] ("number is not an integer"). */
function duckDbType(column: Column): DuckDBType {
  const base = (
    {
      INT: INTEGER,
      LONG: BIGINT,
      FLOAT,
      DOUBLE,
      BIG_DECIMAL: VARCHAR,
      BOOLEAN,
      TIMESTAMP: BIGINT,
      STRING: VARCHAR,
      JSON: VARCHAR,
      BYTES: BLOB,
    } as const
  )[column.dataType]; // BIG_DECIMAL values are decimal strings; the SQL casts them
  return column.singleValue ? base : LIST(base);
}

class TableIngestion {
  state: IngestionState = 'STOPPED';
  messagesConsumed = 0;
  incomplete = 0;
  lastError: string | undefined;
  lastErrorAtMs: number | undefined;
  problemLogs = 0;
  partitions = new Map<number, PartitionState>();
  converter: RowConverter;
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private generation = 0;
  private loaded = false;

  constructor(
    public entry: TableEntry,
    private readonly manager: IngestionManager,
  ) {
    this.converter = makeRowConverter(entry.schema, entry.config);
    for (const problem of this.converter.unsupportedTransforms)
      manager.log(`table ${entry.config.nameWithType}: unsupported transform, column gets its default: ${problem}`);
  }

  get topic(): string {
    return this.entry.config.stream!.topic;
  }

  get brokers(): string {
    return this.manager.options.kafkaBootstrap ?? this.entry.config.stream!.brokerList;
  }

  problem(message: string): void {
    const now = Date.now();
    // The same connection problem again within a minute is counted, not logged again.
    const repeat = message === this.lastError && this.lastErrorAtMs !== undefined && now - this.lastErrorAtMs < 60_000;
    this.lastError = message;
    if (repeat) return;
    this.lastErrorAtMs = now;
    this.problemLogs++;
    const max = this.manager.options.maxProblemLogs ?? 50;
    if (this.problemLogs <= max || this.problemLogs % 1000 === 0) {
      this.manager.log(`table ${this.entry.config.nameWithType}: ${message}${this.problemLogs === max ? ' (further problems are logged every 1000th)' : ''}`);
    }
  }

  /** Loads checkpoints and counters of the current topic from the database (once). */
  async loadCheckpoints(): Promise<void> {
    if (this.loaded) return;
    const reader = await this.manager.db.read(
      'SELECT kafka_partition, next_offset, rows_ingested, malformed, failed, last_ingest_ms FROM _pinot_offsets WHERE table_name = $1 AND topic = $2',
      [this.entry.config.nameWithType, this.topic],
    );
    for (const [partition, next, rows, malformed, failed, last] of reader.getRows()) {
      this.partitions.set(Number(partition), {
        nextOffset: BigInt(next as bigint),
        highWatermark: undefined,
        rowsIngested: Number(rows),
        malformed: Number(malformed),
        failed: Number(failed),
        lastIngestMs: Number(last),
      });
    }
    this.loaded = true;
  }

  start(resetTo?: 'smallest' | 'largest'): void {
    const generation = ++this.generation;
    this.state = 'STARTING';
    void this.connect(generation, resetTo);
  }

  private scheduleRetry(generation: number, resetTo: 'smallest' | 'largest' | undefined): void {
    if (generation !== this.generation) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (generation === this.generation) void this.connect(generation, resetTo);
    }, this.manager.options.retryMs ?? 2000);
    this.retryTimer.unref?.();
  }

  private async connect(generation: number, resetTo: 'smallest' | 'largest' | undefined): Promise<void> {
    const name = this.entry.config.nameWithType;
    const brokers = this.brokers
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean);
    if (brokers.length === 0) {
      this.state = 'ERROR';
      this.problem('no Kafka broker list (stream.kafka.broker.list is empty and no bootstrap override is set)');
      return;
    }
    const kafka = new Kafka({
      clientId: `pinot-${name}`,
      brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
      connectionTimeout: 3000,
    });
    let admin: Admin | undefined;
    let consumer: Consumer | undefined;
    try {
      await this.loadCheckpoints();
      admin = kafka.admin();
      this.admin = admin;
      await admin.connect();
      const topics = await admin.listTopics();
      if (generation !== this.generation) return void (await admin.disconnect().catch(() => undefined));
      if (!topics.includes(this.topic)) {
        if (this.state !== 'WAITING_FOR_TOPIC') this.manager.log(`table ${name}: waiting for topic ${this.topic} on ${brokers.join(',')}`);
        this.state = 'WAITING_FOR_TOPIC';
        await admin.disconnect().catch(() => undefined);
        this.admin = undefined;
        return this.scheduleRetry(generation, resetTo);
      }
      const offsets = await admin.fetchTopicOffsets(this.topic);
      await admin.disconnect().catch(() => undefined);
      this.admin = undefined;
      const reset = resetTo ?? this.entry.config.stream!.offsetReset;
      const fresh: { partition: number; offset: bigint }[] = [];
      for (const o of offsets) {
        const low = BigInt(o.low);
        const high = BigInt(o.high);
        const known = this.partitions.get(o.partition);
        if (known && resetTo === undefined) {
          known.highWatermark = high;
          continue;
        }
        const start = reset === 'smallest' ? low : high;
        fresh.push({ partition: o.partition, offset: start });
      }
      if (fresh.length > 0) await this.manager.saveCheckpoints(this, fresh);
      // The reset is done and persisted; a retry must continue from the checkpoints, not reset again.
      resetTo = undefined;
      if (generation !== this.generation) return;

      consumer = kafka.consumer({
        groupId: `pinot-${name}-${randomUUID()}`,
        allowAutoTopicCreation: false,
        // the broker answers a fetch as soon as records arrive; this bounds only the idle polls (the
        // Java consumer's fetch.max.wait.ms default)
        maxWaitTimeInMs: 500,
        sessionTimeout: 30_000,
        rebalanceTimeout: 30_000,
        retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 3000 },
      });
      this.consumer = consumer;
      consumer.on(consumer.events.CRASH, (event) => {
        const error = (event.payload as { error?: Error }).error;
        this.problem(`consumer crashed: ${errorMessage(error)}${(event.payload as { restart?: boolean }).restart ? ' (restarting)' : ''}`);
        if (!(event.payload as { restart?: boolean }).restart && generation === this.generation) {
          this.state = 'ERROR';
          this.consumer = undefined;
          void consumer?.disconnect().catch(() => undefined);
          this.scheduleRetry(generation, undefined);
        }
      });
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      // the group's offsets are never read back: each (re)join starts every partition at its checkpoint
      const joined = consumer;
      joined.on(joined.events.GROUP_JOIN, () => {
        if (generation === this.generation && this.consumer === joined) this.seekToCheckpoints(joined);
      });
      await consumer.run({
        // nothing is committed to the group (each commit would be a write the broker syncs to disk)
        autoCommit: false,
        eachBatchAutoResolve: true,
        // the partitions of a fetch are applied together: their batches share one commit (group-commit.ts)
        partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY,
        eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
          if (!isRunning() || isStale() || generation !== this.generation) return;
          const partition = this.partitions.get(batch.partition);
          if (partition && batch.highWatermark !== undefined) partition.highWatermark = BigInt(batch.highWatermark);
          await this.manager.apply(this, batch.partition, batch.messages.map(toIncoming));
          await heartbeat();
        },
      });
      this.seekToCheckpoints(consumer);
      if (generation === this.generation) {
        this.state = 'CONSUMING';
        this.manager.log(`table ${name}: consuming ${this.topic} (${offsets.length} partitions) from ${brokers.join(',')}`);
      } else {
        await consumer.disconnect().catch(() => undefined);
      }
    } catch (error) {
      if (generation !== this.generation) return;
      this.state = 'ERROR';
      this.problem(`cannot consume ${this.topic} from ${brokers.join(',')}: ${errorMessage(error)} (retrying)`);
      await admin?.disconnect().catch(() => undefined);
      await consumer?.disconnect().catch(() => undefined);
      this.admin = undefined;
      this.consumer = undefined;
      this.scheduleRetry(generation, resetTo);
    }
  }

  private seekToCheckpoints(consumer: Consumer): void {
    for (const [partition, state] of this.partitions) {
      consumer.seek({ topic: this.topic, partition, offset: state.nextOffset.toString() });
    }
  }

  /** Stops consuming (waits for the batch in flight). */
  async stop(finalState: IngestionState = 'STOPPED'): Promise<void> {
    this.generation++;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const consumer = this.consumer;
    const admin = this.admin;
    this.consumer = undefined;
    this.admin = undefined;
    await consumer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    this.state = finalState;
  }

  status(): TableIngestionStatus {
    const partitions = [...this.partitions.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([partition, p]) => ({
        partition,
        nextOffset: p.nextOffset.toString(),
        highWatermark: p.highWatermark?.toString(),
        rowsIngested: p.rowsIngested,
        malformed: p.malformed,
        failed: p.failed,
        lastIngestMs: p.lastIngestMs,
      }));
    return {
      table: this.entry.config.nameWithType,
      topic: this.topic,
      brokers: this.brokers,
      state: this.state,
      messagesConsumed: this.messagesConsumed,
      rowsIngested: partitions.reduce((n, p) => n + p.rowsIngested, 0),
      malformed: partitions.reduce((n, p) => n + p.malformed, 0),
      failed: partitions.reduce((n, p) => n + p.failed, 0),
      incomplete: this.incomplete,
      lastError: this.lastError,
      lastErrorAtMs: this.lastErrorAtMs,
      lastIngestMs: Math.max(0, ...partitions.map((p) => p.lastIngestMs)),
      partitions,
    };
  }
}

function toIncoming(message: KafkaMessage): IncomingMessage {
  return { offset: BigInt(message.offset), value: message.value };
}

function toDuck(value: CellValue): DuckDBValue {
  if (Array.isArray(value)) return listValue(value.map(toDuck));
  if (value instanceof Uint8Array) return blobValue(value);
  return value as DuckDBValue;
}

/** Orders two comparison-column values (numbers and bigints numerically, everything else as text). */
function compareCells(a: CellValue, b: CellValue): number {
  const numeric = (v: CellValue) => typeof v === 'number' || typeof v === 'bigint';
  if (numeric(a) && numeric(b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export class IngestionManager implements TableListener {
  private readonly ingestions = new Map<string, TableIngestion>();
  private stopped = false;
  private lifecycle: Promise<unknown> = Promise.resolve();
  private readonly committer = new GroupCommitter<PreparedBatch>(
    (batches) => this.commitGroup(batches),
    (batch) => this.commitOne(batch),
  );

  constructor(
    readonly db: PinotDb,
    private readonly tables: TableManager,
    readonly options: IngestionManagerOptions,
  ) {}

  log(line: string): void {
    this.options.log(line);
  }

  /** Starts consumers for every stored REALTIME table (paused ones stay paused). */
  startAll(): void {
    for (const entry of this.tables.all()) this.tableAdded(entry);
  }

  tableAdded(entry: TableEntry): void {
    if (this.stopped || entry.config.type !== 'REALTIME' || !entry.config.stream) return;
    const ingestion = new TableIngestion(entry, this);
    this.ingestions.set(entry.config.nameWithType, ingestion);
    if (entry.paused) ingestion.state = 'PAUSED';
    else ingestion.start();
  }

  /** Runs lifecycle changes (remove / change / pause / resume) one at a time, so no consumer is orphaned. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.lifecycle.then(fn, fn);
    this.lifecycle = next.catch(() => undefined);
    return next;
  }

  tableRemoved(entry: TableEntry): Promise<void> {
    return this.serial(async () => {
      const ingestion = this.ingestions.get(entry.config.nameWithType);
      if (!ingestion) return;
      this.ingestions.delete(entry.config.nameWithType);
      await ingestion.stop();
    });
  }

  tableChanged(entry: TableEntry): void {
    void this.serial(async () => {
      const previous = this.ingestions.get(entry.config.nameWithType);
      if (previous) {
        this.ingestions.delete(entry.config.nameWithType);
        await previous.stop();
      }
      this.tableAdded(entry);
    });
  }

  private ingestionOf(entry: TableEntry): TableIngestion {
    const ingestion = this.ingestions.get(entry.config.nameWithType);
    if (!ingestion) throw new ControllerError(400, `Table ${entry.config.nameWithType} is not a realtime table with a stream`);
    return ingestion;
  }

  /** POST /tables/{t}/pauseConsumption. */
  pause(entry: TableEntry): Promise<void> {
    const ingestion = this.ingestionOf(entry);
    return this.serial(async () => {
      await this.tables.setPaused(entry, true);
      await ingestion.stop('PAUSED');
      this.log(`table ${entry.config.nameWithType}: consumption paused`);
    });
  }

  /** POST /tables/{t}/resumeConsumption?consumeFrom=lastConsumed|smallest|largest. */
  resume(entry: TableEntry, consumeFrom: 'lastConsumed' | 'smallest' | 'largest' = 'lastConsumed'): Promise<void> {
    const ingestion = this.ingestionOf(entry);
    return this.serial(async () => {
      await ingestion.stop('STARTING');
      await this.tables.setPaused(entry, false);
      ingestion.start(consumeFrom === 'lastConsumed' ? undefined : consumeFrom);
      this.log(`table ${entry.config.nameWithType}: consumption resumed from ${consumeFrom}`);
    });
  }

  status(entry: TableEntry): TableIngestionStatus | undefined {
    return this.ingestions.get(entry.config.nameWithType)?.status();
  }

  allStatus(): TableIngestionStatus[] {
    return [...this.ingestions.values()].map((i) => i.status());
  }

  runtimeInfo(entry: TableEntry): TableRuntimeInfo {
    const ingestion = this.ingestions.get(entry.config.nameWithType);
    if (!ingestion) return { consumingSegments: entry.config.type === 'REALTIME' ? 1 : 1, freshnessMs: 0 };
    const status = ingestion.status();
    return { consumingSegments: Math.max(1, status.partitions.length), freshnessMs: status.lastIngestMs, documents: status.rowsIngested };
  }

  /** Persists checkpoints for partitions that had none (or are being reset). */
  async saveCheckpoints(ingestion: TableIngestion, fresh: { partition: number; offset: bigint }[]): Promise<void> {
    const table = ingestion.entry.config.nameWithType;
    const topic = ingestion.topic;
    await this.db.write(async (tx) => {
      for (const { partition, offset } of fresh) {
        await tx.run(
          `INSERT INTO _pinot_offsets (table_name, topic, kafka_partition, next_offset) VALUES ($1, $2, $3, $4)
           ON CONFLICT (table_name, topic, kafka_partition) DO UPDATE SET next_offset = excluded.next_offset`,
          [table, topic, partition, offset],
        );
      }
    });
    for (const { partition, offset } of fresh) {
      const known = ingestion.partitions.get(partition);
      if (known) known.nextOffset = offset;
      else ingestion.partitions.set(partition, { nextOffset: offset, highWatermark: undefined, rowsIngested: 0, malformed: 0, failed: 0, lastIngestMs: 0 });
    }
  }

  /**
   * Ingests one batch of one partition: drops messages below the checkpoint, decodes and converts the
   * rest, and commits rows + the new checkpoint + counters in one transaction (shared with the other
   * batches waiting at the time, see group-commit.ts).
   */
  async apply(ingestion: TableIngestion, partition: number, messages: IncomingMessage[]): Promise<void> {
    const entry = ingestion.entry;
    const checkpoint = ingestion.partitions.get(partition)?.nextOffset ?? -1n;
    const fresh = messages.filter((m) => m.offset >= checkpoint);
    if (fresh.length === 0) return;
    const now = Date.now();
    let rows: CellValue[][] = [];
    let malformed = 0;
    let failed = 0;
    for (const message of fresh) {
      const decoded = decodeJsonMessage(message.value);
      if (!decoded.ok) {
        malformed++;
        ingestion.problem(`partition ${partition} offset ${message.offset}: skipped malformed message: ${decoded.reason}`);
        continue;
      }
      const converted = ingestion.converter.convert(decoded.record, now);
      if (!converted.ok) {
        failed++;
        ingestion.problem(`partition ${partition} offset ${message.offset}: skipped row: ${converted.reason}`);
        continue;
      }
      if (converted.incomplete) ingestion.incomplete++;
      rows.push(converted.row);
    }
    const docs = rows.length;
    if (entry.config.upsert && rows.length > 1) rows = dedupeByKey(rows, entry);
    const next = fresh[fresh.length - 1]!.offset + 1n;
    await this.committer.submit({ ingestion, partition, rows, docs, next, malformed, failed, now, consumed: fresh.length });
  }

  /**
   * Several batches (any tables, any partitions) in ONE transaction: per table one insert of all their
   * rows (upsert tables: the same winner per key as applying them one after the other), one statement
   * for all the checkpoints.
   */
  private async commitGroup(batches: PreparedBatch[]): Promise<void> {
    const byTable = new Map<TableEntry, CellValue[][]>();
    const checkpoints = new Map<string, { batch: PreparedBatch; stored: number; malformed: number; failed: number }>();
    for (const b of batches) {
      const entry = b.ingestion.entry;
      const rows = byTable.get(entry);
      if (rows) for (const row of b.rows) rows.push(row);
      else byTable.set(entry, [...b.rows]);
      const id = `${entry.config.nameWithType}\u0000${b.ingestion.topic}\u0000${b.partition}`;
      const known = checkpoints.get(id);
      // batches of one partition arrive in offset order: the last one's checkpoint wins, counters add up
      if (known) checkpoints.set(id, { batch: b, stored: known.stored + b.docs, malformed: known.malformed + b.malformed, failed: known.failed + b.failed });
      else checkpoints.set(id, { batch: b, stored: b.docs, malformed: b.malformed, failed: b.failed });
    }
    await this.db.write(async (tx) => {
      for (const [entry, rows] of byTable) await insertRows(tx, entry, entry.config.upsert && rows.length > 1 ? dedupeByKey(rows, entry) : rows);
      const cps = [...checkpoints.values()];
      await tx.run(
        `${SAVE_OFFSETS_PREFIX} SELECT unnest($1::VARCHAR[]), unnest($2::VARCHAR[]), unnest($3::INTEGER[]), unnest($4::BIGINT[]), unnest($5::BIGINT[]),
           unnest($6::BIGINT[]), unnest($7::BIGINT[]), unnest($8::BIGINT[]) ${SAVE_OFFSETS_CONFLICT}`,
        [
          listValue(cps.map((c) => c.batch.ingestion.entry.config.nameWithType)),
          listValue(cps.map((c) => c.batch.ingestion.topic)),
          listValue(cps.map((c) => c.batch.partition)),
          listValue(cps.map((c) => c.batch.next)),
          listValue(cps.map((c) => BigInt(c.stored))),
          listValue(cps.map((c) => BigInt(c.malformed))),
          listValue(cps.map((c) => BigInt(c.failed))),
          listValue(cps.map((c) => BigInt(c.batch.now))),
        ],
        [LIST(VARCHAR), LIST(VARCHAR), LIST(INTEGER), LIST(BIGINT), LIST(BIGINT), LIST(BIGINT), LIST(BIGINT), LIST(BIGINT)],
      );
    });
    for (const b of batches) this.committed(b, b.docs, b.failed);
  }

  /** One batch in its own transaction; a batch DuckDB rejects is retried row by row. */
  private async commitOne(batch: PreparedBatch): Promise<void> {
    const { ingestion, partition, rows, next, malformed, now } = batch;
    const entry = ingestion.entry;
    const table = entry.config.nameWithType;
    const topic = ingestion.topic;
    let failed = batch.failed;
    const saveOffset = (tx: WriteTx, stored: number, failedNow: number) =>
      tx.run(`${SAVE_OFFSETS_PREFIX} VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ${SAVE_OFFSETS_CONFLICT}`, [
        table,
        topic,
        partition,
        next,
        BigInt(stored),
        BigInt(malformed),
        BigInt(failedNow),
        BigInt(now),
      ]);
    let stored = batch.docs;
    try {
      await this.db.write(async (tx) => {
        await insertRows(tx, entry, rows);
        await saveOffset(tx, rows.length, failed);
      });
    } catch (error) {
      if (this.stopped || /closed/i.test(errorMessage(error))) throw error;
      // One bad row must not wedge the partition: find the rows DuckDB rejects (each probe is rolled
      // back), then store the others together with the checkpoint in ONE transaction, so a crash can
      // never leave rows without their offset.
      ingestion.problem(`partition ${partition}: batch insert failed (${errorMessage(error)}); retrying row by row`);
      const good: CellValue[][] = [];
      for (const row of rows) {
        try {
          await this.db.write(async (tx) => {
            await insertRows(tx, entry, [row]);
            throw PROBE_OK;
          });
        } catch (rowError) {
          if (rowError === PROBE_OK) {
            good.push(row);
            continue;
          }
          if (this.stopped || /closed/i.test(errorMessage(rowError))) throw rowError;
          failed++;
          ingestion.problem(`partition ${partition}: skipped row that DuckDB rejected: ${errorMessage(rowError)}`);
        }
      }
      stored = batch.docs - (rows.length - good.length);
      await this.db.write(async (tx) => {
        for (const row of good) await insertRows(tx, entry, [row]);
        await saveOffset(tx, stored, failed);
      });
    }
    this.committed(batch, stored, failed);
  }

  /** The in-memory checkpoint and counters of a committed batch. */
  private committed(batch: PreparedBatch, stored: number, failed: number): void {
    const { ingestion, partition, next, malformed, now } = batch;
    let state = ingestion.partitions.get(partition);
    if (!state) {
      state = { nextOffset: next, highWatermark: undefined, rowsIngested: 0, malformed: 0, failed: 0, lastIngestMs: 0 };
      ingestion.partitions.set(partition, state);
    }
    state.nextOffset = next;
    state.rowsIngested += stored;
    state.malformed += malformed;
    state.failed += failed;
    if (stored > 0) state.lastIngestMs = now;
    ingestion.messagesConsumed += batch.consumed;
  }

  /** Batches converted and waiting for the next group commit. */
  get batchesWaitingForCommit(): number {
    return this.committer.waiting;
  }

  /** Test/embedding hook: ingests raw message values into a table as if consumed from `partition`. */
  async ingestMessages(nameWithType: string, partition: number, messages: IncomingMessage[]): Promise<void> {
    const ingestion = this.ingestions.get(nameWithType);
    if (!ingestion) throw new Error(`no realtime ingestion for ${nameWithType}`);
    await ingestion.loadCheckpoints();
    await this.apply(ingestion, partition, messages);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.lifecycle.catch(() => undefined);
    await Promise.all([...this.ingestions.values()].map((i) => i.stop()));
  }
}

const SAVE_OFFSETS_PREFIX = 'INSERT INTO _pinot_offsets (table_name, topic, kafka_partition, next_offset, rows_ingested, malformed, failed, last_ingest_ms)';
const SAVE_OFFSETS_CONFLICT = `ON CONFLICT (table_name, topic, kafka_partition) DO UPDATE SET next_offset = excluded.next_offset,
  rows_ingested = _pinot_offsets.rows_ingested + excluded.rows_ingested, malformed = _pinot_offsets.malformed + excluded.malformed,
  failed = _pinot_offsets.failed + excluded.failed,
  last_ingest_ms = CASE WHEN excluded.rows_ingested > 0 THEN excluded.last_ingest_ms ELSE _pinot_offsets.last_ingest_ms END`;

/** Columnar insert: one list parameter per column, zipped back into rows by unnest (much faster than a VALUES list of scalar parameters). */
async function insertRows(tx: WriteTx, entry: TableEntry, rows: CellValue[][]): Promise<void> {
  const columns = entry.schema.columns;
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const chunk = rows.slice(i, i + INSERT_CHUNK);
    const params: DuckDBValue[] = columns.map((_, k) => listValue(chunk.map((row) => toDuck(row[k]!))));
    const select = columns.map((column, k) => `unnest($${k + 1}::${duckType(column)}[])`).join(', ');
    await tx.run(
      `${insertPrefix(entry)} SELECT ${select}${conflictClause(entry)}`,
      params,
      columns.map((column) => LIST(duckDbType(column))),
    );
  }
}

function insertPrefix(entry: TableEntry): string {
  return `INSERT INTO ${quoteIdent(entry.dataTable)} (${entry.schema.columns.map((c) => quoteIdent(c.name)).join(', ')})`;
}

/** ON CONFLICT clause of an upsert table: the newer row wins when its comparison value is >= the stored one. */
function conflictClause(entry: TableEntry): string {
  const upsert = entry.config.upsert;
  if (!upsert) return '';
  const keys = entry.schema.primaryKeyColumns;
  const others = entry.schema.columns.filter((c) => !keys.includes(c.name));
  const target = `(${keys.map(quoteIdent).join(', ')})`;
  if (others.length === 0) return ` ON CONFLICT ${target} DO NOTHING`;
  const set = others.map((c) => `${quoteIdent(c.name)} = excluded.${quoteIdent(c.name)}`).join(', ');
  const where =
    upsert.comparisonColumn !== undefined
      ? ` WHERE excluded.${quoteIdent(upsert.comparisonColumn)} >= ${quoteIdent(entry.dataTable)}.${quoteIdent(upsert.comparisonColumn)}`
      : '';
  return ` ON CONFLICT ${target} DO UPDATE SET ${set}${where}`;
}

/**
 * A row's primary key as one string: numbers (and bigints, equal to them) and strings tagged apart, so
 * 1 and "1" stay different keys as in their JSON text; any other value by its JSON text.
 */
function primaryKeyOf(row: CellValue[], keyIdx: readonly number[]): string {
  let key = '';
  for (const i of keyIdx) {
    const v = row[i];
    if (typeof v === 'string') key += `s${v.length}:${v}`;
    else if (typeof v === 'number' || typeof v === 'bigint') key += `n${String(v)};`;
    else key += `j${stringifyJson(v)};`;
  }
  return key;
}

/** Keeps one row per primary key within a batch: the later row wins unless its comparison value is smaller. */
function dedupeByKey(rows: CellValue[][], entry: TableEntry): CellValue[][] {
  const columns = entry.schema.columns;
  const keyIdx = entry.schema.primaryKeyColumns.map((k) => columns.findIndex((c) => c.name === k));
  const cmp = entry.config.upsert?.comparisonColumn;
  const cmpIdx = cmp === undefined ? -1 : columns.findIndex((c) => c.name === cmp);
  const winners = new Map<string, CellValue[]>();
  for (const row of rows) {
    const key = primaryKeyOf(row, keyIdx);
    const current = winners.get(key);
    if (current && cmpIdx >= 0 && compareCells(row[cmpIdx]!, current[cmpIdx]!) < 0) continue;
    if (current) winners.delete(key);
    winners.set(key, row);
  }
  return [...winners.values()];
}
