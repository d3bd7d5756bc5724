/**
 * Session feeds: what Pinot reads for a ksqlDB session-windowed table.
 *
 * When a late or out-of-order event extends a session backwards or merges two sessions, ksqlDB (as
 * Kafka Streams does) deletes the old session: its changelog gets a tombstone, a null value under the
 * old session's windowed key. Pinot reads only values and skips null ones (real Pinot too), so without
 * help the merged-away session would stay in Pinot beside the session that absorbed it.
 *
 * A feed copies a session table's changelog to the topic Pinot reads, record for record and partition
 * for partition (so every version of a session stays in one partition, in order, as Pinot's upsert
 * needs), and turns each tombstone into a row that names the deleted session (its key column, window
 * start and end) with the table's delete column set. The Pinot table declares that column as its
 * `upsertConfig.deleteRecordColumn` (Pinot 1.0+) and compares versions on the window end, so the
 * deleted key disappears from queries, and a session that grows forward (ksqlDB deletes [s, e0] and
 * writes [s, e1]) comes back with its new end. Session rows are copied byte for byte.
 *
 * Progress is committed in a consumer group only after the copies are acknowledged by all in-sync
 * replicas, so a restart may copy a record again but never skips one; a repeated copy is harmless to an
 * upsert table.
 */
import { Kafka, logLevel, type Consumer, type EachBatchPayload, type Producer } from 'kafkajs';
import { kafkaConfig } from '../config/kafka-client.ts';
import type { KafkaSecurity } from '../config/kafka-security.ts';

export interface SessionFeedSpec {
  /** The session table's changelog (ksqlDB's sink topic; key: JSON key + 8-byte end + 8-byte start). */
  source: string;
  /** The topic the Pinot table reads; created with the source's partition count when missing. */
  target: string;
  /** The Pinot column the session's (single-column, JSON) key fills, e.g. `source`. */
  keyColumn: string;
  /** The Pinot columns holding WINDOWSTART and WINDOWEND. */
  windowStartColumn: string;
  windowEndColumn: string;
  /** The Pinot table's deleteRecordColumn (BOOLEAN). */
  deleteColumn: string;
}

export interface SessionFeedOptions {
  brokers: string[];
  /** TLS / SASL of the cluster; default PLAINTEXT. */
  security?: KafkaSecurity;
  feeds: SessionFeedSpec[];
  /** Consumer group prefix; each feed's group is `<prefix>-<target>`. */
  groupPrefix?: string;
  log?: (line: string) => void;
  /** How often to look again for a source topic that does not exist yet. */
  retryMs?: number;
}

export interface SessionFeedStats {
  source: string;
  target: string;
  copied: number;
  deleted: number;
  /** Tombstones whose key could not be read as a session key (logged, not copied). */
  unreadable: number;
}

export interface SessionFeeds {
  stats(): SessionFeedStats[];
  stop(): Promise<void>;
}

export const SESSION_FEED_GROUP_PREFIX = 'pinot-session-feed';

/** The deleted session a tombstone's key names: the JSON key and the window bounds after it. */
export function deletedSessionRow(spec: SessionFeedSpec, key: Buffer): Record<string, unknown> {
  if (key.length < 17) throw new Error(`a session key has at least 17 bytes (JSON key, end, start); got ${key.length}`);
  const n = key.length - 16;
  const end = Number(key.readBigInt64BE(n));
  const start = Number(key.readBigInt64BE(n + 8));
  const inner: unknown = JSON.parse(key.subarray(0, n).toString('utf8'));
  if (inner !== null && typeof inner === 'object') {
    throw new Error(`the session key ${key.subarray(0, n).toString('utf8')} has several columns; a feed maps one key column`);
  }
  return { [spec.keyColumn]: inner, [spec.windowStartColumn]: start, [spec.windowEndColumn]: end, [spec.deleteColumn]: true };
}

export async function startSessionFeeds(options: SessionFeedOptions): Promise<SessionFeeds> {
  const log = options.log ?? (() => {});
  const kafka = new Kafka(kafkaConfig({ brokers: options.brokers, security: options.security }, { clientId: 'session-feed', logLevel: logLevel.NOTHING }));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const stopper = new AbortController();
  const running: { consumer?: Consumer; ready: Promise<void> }[] = [];
  const stats = options.feeds.map((f): SessionFeedStats => ({ source: f.source, target: f.target, copied: 0, deleted: 0, unreadable: 0 }));

  for (const [i, spec] of options.feeds.entries()) {
    const entry: { consumer?: Consumer; ready: Promise<void> } = { ready: Promise.resolve() };
    entry.ready = runFeed(kafka, producer, spec, stats[i]!, {
      group: `${options.groupPrefix ?? SESSION_FEED_GROUP_PREFIX}-${spec.target}`,
      retryMs: options.retryMs ?? 2000,
      signal: stopper.signal,
      log,
      onConsumer: (c) => {
        entry.consumer = c;
      },
    }).catch((error) => log(`session feed ${spec.source} -> ${spec.target}: stopped: ${(error as Error).message}`));
    running.push(entry);
  }

  return {
    stats: () => stats.map((s) => ({ ...s })),
    async stop() {
      stopper.abort();
      for (const r of running) await r.consumer?.disconnect().catch(() => undefined);
      await Promise.all(running.map((r) => r.ready));
      await producer.disconnect().catch(() => undefined);
    },
  };
}

interface FeedContext {
  group: string;
  retryMs: number;
  signal: AbortSignal;
  log: (line: string) => void;
  onConsumer: (consumer: Consumer) => void;
}

async function runFeed(kafka: Kafka, producer: Producer, spec: SessionFeedSpec, stats: SessionFeedStats, ctx: FeedContext): Promise<void> {
  const partitions = await waitForTopic(kafka, spec, ctx);
  if (partitions === undefined) return;
  const consumer = kafka.consumer({ groupId: ctx.group, allowAutoTopicCreation: false });
  ctx.onConsumer(consumer);
  if (ctx.signal.aborted) return;
  await consumer.connect();
  await consumer.subscribe({ topics: [spec.source], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: (payload) => copyBatch(producer, spec, stats, payload, ctx.log),
  });
  ctx.log(`session feed ${spec.source} -> ${spec.target}: running (${partitions} partitions)`);
}

/** Waits for the source topic (the ksql statement creates it) and makes sure the target has as many partitions. */
async function waitForTopic(kafka: Kafka, spec: SessionFeedSpec, ctx: FeedContext): Promise<number | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let announced = false;
    while (!ctx.signal.aborted) {
      const topics = await admin.listTopics();
      if (topics.includes(spec.source)) {
        const metadata = await admin.fetchTopicMetadata({ topics: [spec.source] });
        const partitions = metadata.topics[0]!.partitions.length;
        if (!topics.includes(spec.target)) {
          await admin.createTopics({ topics: [{ topic: spec.target, numPartitions: partitions }], waitForLeaders: true });
        }
        const target = (await admin.fetchTopicMetadata({ topics: [spec.target] })).topics[0]!.partitions.length;
        if (target !== partitions) {
          throw new Error(
            `topic ${spec.target} has ${target} partitions and ${spec.source} has ${partitions}; ` +
              `they must be equal (every version of a session stays in its partition): delete ${spec.target} and start again`,
          );
        }
        return partitions;
      }
      if (!announced) ctx.log(`session feed: waiting for topic ${spec.source} (the ksql statements create it)`);
      announced = true;
      await abortableSleep(ctx.retryMs, ctx.signal);
    }
    return undefined;
  } finally {
    await admin.disconnect();
  }
}

async function copyBatch(
  producer: Producer,
  spec: SessionFeedSpec,
  stats: SessionFeedStats,
  payload: EachBatchPayload,
  log: (line: string) => void,
): Promise<void> {
  const { batch } = payload;
  if (batch.messages.length === 0) return;
  const messages = [];
  let deleted = 0;
  for (const m of batch.messages) {
    if (m.value !== null) {
      messages.push({ key: m.key, value: m.value, timestamp: m.timestamp, partition: batch.partition });
      continue;
    }
    try {
      const row = deletedSessionRow(spec, m.key ?? Buffer.alloc(0));
      messages.push({ key: m.key, value: JSON.stringify(row), timestamp: m.timestamp, partition: batch.partition });
      deleted++;
    } catch (error) {
      stats.unreadable++;
      log(`session feed ${spec.source}: skipped the tombstone at partition ${batch.partition} offset ${m.offset}: ${(error as Error).message}`);
    }
  }
  if (messages.length > 0) await producer.send({ topic: spec.target, acks: -1, messages });
  stats.copied += messages.length;
  stats.deleted += deleted;
  const last = batch.messages[batch.messages.length - 1]!.offset;
  payload.resolveOffset(last);
  await payload.commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(BigInt(last) + 1n) }] }] });
  await payload.heartbeat();
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
