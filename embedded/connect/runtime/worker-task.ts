/**
 * WorkerSourceTask: poll the task, run the transforms, convert key and value, pick the partition, send with
 * an idempotent producer (acks=all, retried until acknowledged: record-sender.ts), then commit the source
 * offsets to the offsets topic.
 *
 * No duplicate, no gap across restarts and crashes: every record carries its source position in the
 * `__connect.source.offset` header, and partitions are chosen by the worker (murmur2 of the key bytes,
 * as Kafka's default partitioner), so at start-up the task reads the tail of each partition of its topics
 * and, for each (source partition, Kafka partition), skips re-read rows at or before the last one already
 * there. The committed offset is where the re-read starts; the topic decides what is already delivered.
 */
import type { Kafka } from 'kafkajs';
import { applyChain, type Transformation } from '../transforms/index.ts';
import type { Converter } from '../converters/index.ts';
import { partitionFor } from '../../kafka/wire.ts';
import { javaTrace, type SourceOffset, type SourcePartition, type SourceRecord, type SourceTask } from './source-task.ts';
import { createTopicsAndWait, retryRetriable } from '../../common/kafka-retry.ts';
import { readRanges, topicRanges, type Range } from '../../common/topic-reader.ts';
import type { OutgoingRecord, RecordSender } from './record-sender.ts';

export const OFFSET_HEADER = '__connect.source.offset';

/** How many records from the end of each partition the resume check reads. */
const TAIL_RECORDS = 256n;

/** The poller waits while this many records are queued for the sender. */
const MAX_QUEUED_RECORDS = 20_000;

function merge(batches: Prepared[]): Prepared {
  if (batches.length === 1) return batches[0];
  const out: Prepared = { records: [], topics: new Map(), offsets: new Map(), skipped: 0 };
  for (const b of batches) {
    for (const r of b.records) out.records.push(r);
    for (const [topic, n] of b.topics) out.topics.set(topic, (out.topics.get(topic) ?? 0) + n);
    for (const [k, v] of b.offsets) out.offsets.set(k, v);
    out.skipped += b.skipped;
  }
  return out;
}

export type TaskState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'FAILED';

export interface WorkerTaskHooks {
  onState(state: TaskState, trace: string | null): void;
  commitOffsets(entries: { partition: SourcePartition; offset: SourceOffset | null }[]): Promise<void>;
  offset(partition: SourcePartition): SourceOffset | undefined;
  /** The task wrote to `topic` (Connect's topic tracking records the first time). */
  onTopic(topic: string): void;
  log(line: string): void;
}

export interface WorkerTaskOptions {
  connector: string;
  id: number;
  kafka: Kafka;
  /** The producer the task's records go out with (record-sender.ts). */
  createSender: () => RecordSender;
  task: SourceTask;
  transforms: Transformation[];
  keyConverter: Converter;
  valueConverter: Converter;
  offsetFlushIntervalMs: number;
  /** How long stop() waits for a poll in progress (task.shutdown.graceful.timeout.ms) before leaving it behind. */
  shutdownGracefulTimeoutMs: number;
  startPaused: boolean;
  hooks: WorkerTaskHooks;
}

interface Prepared {
  records: OutgoingRecord[];
  /** topic -> how many of the records go there */
  topics: Map<string, number>;
  offsets: Map<string, { partition: SourcePartition; offset: SourceOffset | null }>;
  skipped: number;
}

export class WorkerSourceTask {
  private readonly abort = new AbortController();
  private sender: RecordSender | undefined;
  /** Topics known to exist: those of task.topics(), and any other one once created. */
  private readonly existingTopics = new Set<string>();
  private loop: Promise<void> | undefined;
  private paused: boolean;
  private resumeWaiter: (() => void) | undefined;
  private partitions = new Map<string, number>();
  /** topic -> "sourcePartitionJSON\0kafkaPartition" -> last offset already in the topic. */
  private resumeFilter = new Map<string, Map<string, SourceOffset>>();
  /** Each source partition object's JSON and its header prefix (connectors hand out one object per partition). */
  private readonly partitionTexts = new WeakMap<SourcePartition, { json: string; headerPrefix: string }>();
  private pendingOffsets = new Map<string, { partition: SourcePartition; offset: SourceOffset | null }>();
  private lastCommit = Date.now();
  private commitChain: Promise<void> = Promise.resolve();
  private commitTimer: NodeJS.Timeout | undefined;
  state: TaskState = 'UNASSIGNED';
  trace: string | null = null;
  sent = 0;
  skipped = 0;

  constructor(private readonly o: WorkerTaskOptions) {
    this.paused = o.startPaused;
  }

  start(): void {
    this.loop = this.run();
  }

  private setState(state: TaskState, trace: string | null = null): void {
    this.state = state;
    this.trace = trace;
    this.o.hooks.onState(state, trace);
  }

  pause(): void {
    this.paused = true;
    if (this.state === 'RUNNING') this.setState('PAUSED');
  }

  resume(): void {
    this.paused = false;
    if (this.state === 'PAUSED') this.setState('RUNNING');
    this.resumeWaiter?.();
  }

  /**
   * Two loops: the poller polls the task and queues prepared records; the sender takes everything queued,
   * sends it as one batch and commits its offsets. So the next queries run while a batch is in flight, and
   * a burst of small polls (batch.max.rows) goes out in few produce requests.
   */
  private async run(): Promise<void> {
    const { task } = this.o;
    const queue: Prepared[] = [];
    let queued = 0;
    let pollDone = false;
    let sendError: unknown;
    let wakeSender: (() => void) | undefined;
    let wakePoller: (() => void) | undefined;
    let sender: Promise<void> | undefined;
    const startSender = (): Promise<void> =>
      (async () => {
        for (;;) {
          if (queue.length === 0) {
            if (pollDone) return;
            await new Promise<void>((resolve) => {
              wakeSender = resolve;
            });
            wakeSender = undefined;
            continue;
          }
          const batch = merge(queue.splice(0));
          queued = 0;
          wakePoller?.();
          try {
            await this.send(batch);
          } catch (error) {
            sendError = error;
            wakePoller?.();
            return;
          }
        }
      })();
    try {
      this.sender = this.o.createSender();
      await this.sender.connect();
      await task.start({ offset: (p) => this.o.hooks.offset(p) }, this.abort.signal);
      await this.prepareTopics(task.topics());
      this.o.hooks.log(`task ${this.o.connector}-${this.o.id} started`);
      if (this.abort.signal.aborted) return;
      this.setState(this.paused ? 'PAUSED' : 'RUNNING');
      sender = startSender();
      while (!this.abort.signal.aborted) {
        if (sendError !== undefined) throw sendError;
        if (this.paused) {
          await new Promise<void>((resolve) => {
            this.resumeWaiter = resolve;
            this.abort.signal.addEventListener('abort', () => resolve(), { once: true });
          });
          continue;
        }
        const records = await task.poll(this.abort.signal);
        if (records.length === 0) continue;
        const prepared = this.prepare(records);
        queue.push(prepared);
        queued += records.length;
        wakeSender?.();
        while (queued >= MAX_QUEUED_RECORDS && sendError === undefined && !this.abort.signal.aborted) {
          await new Promise<void>((resolve) => {
            wakePoller = resolve;
          });
          wakePoller = undefined;
        }
      }
      pollDone = true;
      wakeSender?.();
      await sender;
      if (sendError !== undefined) throw sendError;
    } catch (error) {
      pollDone = true;
      wakeSender?.();
      await sender;
      if (!this.abort.signal.aborted) {
        this.o.hooks.log(`task ${this.o.connector}-${this.o.id} failed: ${(error as Error).message}`);
        this.setState('FAILED', javaTrace(error));
      }
    } finally {
      if (this.commitTimer) clearTimeout(this.commitTimer);
      await task.stop().catch(() => undefined);
    }
  }

  private async prepareTopics(topics: string[]): Promise<void> {
    const admin = this.o.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t));
      if (missing.length > 0) {
        await createTopicsAndWait(admin, { topics: missing.map((topic) => ({ topic })) });
      }
      const metadata = await retryRetriable(() => admin.fetchTopicMetadata({ topics }));
      for (const t of metadata.topics) {
        this.partitions.set(t.name, t.partitions.length);
        this.existingTopics.add(t.name);
      }
      const ranges = new Map<string, Map<number, Range>>();
      for (const topic of topics) {
        const parts = await topicRanges(admin, topic);
        for (const r of parts.values()) r.from = r.to - TAIL_RECORDS > r.from ? r.to - TAIL_RECORDS : r.from;
        ranges.set(topic, parts);
      }
      const tail = await readRanges(this.o.kafka, ranges, 30_000, 'connect');
      for (const m of tail) {
        const header = m.headers[OFFSET_HEADER];
        if (!header) continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(header.toString('utf8'));
        } catch {
          continue;
        }
        if (!Array.isArray(parsed) || parsed[0] !== this.o.connector || parsed[2] === null) continue;
        if (!this.resumeFilter.has(m.topic)) this.resumeFilter.set(m.topic, new Map());
        const key = `${JSON.stringify(parsed[1])}\u0000${m.partition}`;
        const filter = this.resumeFilter.get(m.topic)!;
        const previous = filter.get(key);
        const offset = parsed[2] as SourceOffset;
        if (previous === undefined || (this.o.task.compareOffsets(offset, previous) ?? 1) > 0) filter.set(key, offset);
      }
      const total = [...this.resumeFilter.values()].reduce((n, f) => n + f.size, 0);
      if (total > 0) this.o.hooks.log(`task ${this.o.connector}-${this.o.id}: resume check found the last delivered row in ${total} partition(s)`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private prepare(records: SourceRecord[]): Prepared {
    const out: OutgoingRecord[] = [];
    const topics = new Map<string, number>();
    const timestamp = Date.now();
    const offsets = new Map<string, { partition: SourcePartition; offset: SourceOffset | null }>();
    let skipped = 0;
    for (const record of records) {
      const transformed = applyChain(this.o.transforms, { topic: record.topic, key: record.key, value: record.value });
      const { json: partitionJson, headerPrefix } = this.partitionText(record.sourcePartition);
      // A null offset (bulk mode) is committed too: Connect writes it as a tombstone under the partition's key.
      offsets.set(partitionJson, { partition: record.sourcePartition, offset: record.sourceOffset });
      if (transformed === null) continue;
      const key = this.o.keyConverter.fromConnectData(transformed.topic, transformed.key.schema, transformed.key.value);
      const value = this.o.valueConverter.fromConnectData(transformed.topic, transformed.value.schema, transformed.value.value);
      // JSON.stringify([connector, sourcePartition, sourceOffset]), its constant part written once per partition
      const header = `${headerPrefix}${record.sourceOffset === null ? 'null' : JSON.stringify(record.sourceOffset)}]`;
      const count = this.partitions.get(transformed.topic) ?? 1;
      const partition =
        record.kafkaPartition !== undefined && record.kafkaPartition < count ? record.kafkaPartition : partitionFor(key ?? Buffer.from(header), count);
      if (record.sourceOffset !== null) {
        const filter = this.resumeFilter.get(transformed.topic);
        const last = filter?.get(`${partitionJson}\u0000${partition}`);
        if (last !== undefined && (this.o.task.compareOffsets(record.sourceOffset, last) ?? 1) <= 0) {
          skipped++;
          continue;
        }
      }
      topics.set(transformed.topic, (topics.get(transformed.topic) ?? 0) + 1);
      out.push({ topic: transformed.topic, key, value, partition, timestamp, headers: [{ key: OFFSET_HEADER, value: Buffer.from(header, 'utf8') }] });
    }
    return { records: out, topics, offsets, skipped };
  }

  private partitionText(partition: SourcePartition): { json: string; headerPrefix: string } {
    let text = this.partitionTexts.get(partition);
    if (text === undefined) {
      const json = JSON.stringify(partition);
      text = { json, headerPrefix: `[${JSON.stringify(this.o.connector)},${json},` };
      this.partitionTexts.set(partition, text);
    }
    return text;
  }

  private async send(prepared: Prepared): Promise<void> {
    if (prepared.records.length > 0) {
      await this.createMissingTopics([...prepared.topics.keys()]);
      await this.sender!.send(prepared.records);
    }
    for (const [topic, n] of prepared.topics) {
      this.sent += n;
      this.o.hooks.onTopic(topic);
    }
    this.skipped += prepared.skipped;
    for (const [k, v] of prepared.offsets) this.pendingOffsets.set(k, v);
    this.scheduleCommit();
  }

  /**
   * Creates the topics a record goes to that task.topics() did not name (a table that appeared later), with the
   * cluster's defaults, as a producer's automatic topic creation would.
   */
  private async createMissingTopics(topics: string[]): Promise<void> {
    const missing = topics.filter((t) => !this.existingTopics.has(t));
    if (missing.length === 0) return;
    const admin = this.o.kafka.admin();
    await admin.connect();
    try {
      await createTopicsAndWait(admin, { topics: missing.map((topic) => ({ topic })) });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    for (const t of missing) this.existingTopics.add(t);
  }

  private scheduleCommit(): void {
    const due = this.lastCommit + this.o.offsetFlushIntervalMs - Date.now();
    if (due <= 0) {
      void this.commitNow();
      return;
    }
    if (this.commitTimer) return;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined;
      void this.commitNow();
    }, due);
  }

  /** Writes the pending offsets (serialised with earlier commits). */
  commitNow(): Promise<void> {
    this.commitChain = this.commitChain.then(async () => {
      if (this.pendingOffsets.size === 0) return;
      const entries = [...this.pendingOffsets.values()];
      this.pendingOffsets.clear();
      this.lastCommit = Date.now();
      try {
        await this.o.hooks.commitOffsets(entries);
      } catch (error) {
        this.o.hooks.log(`task ${this.o.connector}-${this.o.id}: offset commit failed (${(error as Error).message}); the resume check covers it`);
      }
    });
    return this.commitChain;
  }

  /**
   * Stops polling, waits for the in-flight send, commits offsets (unless `commit` is false), closes the producer.
   * A connector whose poll does not return within task.shutdown.graceful.timeout.ms is left behind, as Connect
   * abandons its thread: its task.stop() is called and the worker goes on (its late records are never sent).
   */
  async stop(commit = true): Promise<void> {
    this.abort.abort();
    this.resumeWaiter?.();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      this.loop?.then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), this.o.shutdownGracefulTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (finished === false) {
      this.o.hooks.log(
        `task ${this.o.connector}-${this.o.id}: graceful stop failed, its poll did not return within ${this.o.shutdownGracefulTimeoutMs} ms; left behind`,
      );
      void this.o.task.stop().catch(() => undefined);
    }
    if (this.commitTimer) clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    if (commit) await this.commitNow();
    else this.pendingOffsets.clear();
    await this.commitChain;
    await this.sender?.close().catch(() => undefined);
  }
}
