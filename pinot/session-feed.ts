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
 * writes [s, e1]) comes back with its new end. Session rows are copied byte for byte; within one
 * partition's batch, a record that a later record of the same session row replaces in Pinot anyway is
 * left out (supersededLeftOut), so a session growing by many page views costs one copy per batch.
 *
 * Progress is committed in a consumer group only after the copies are acknowledged by all in-sync
 * replicas (at most once a second, and as the feed stops), so a restart may copy a record again but
 * never skips one; a repeated copy is harmless to an upsert table.
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
  /** records written to the target (session rows and delete rows) */
  copied: number;
  /** records not copied: a later record of the same batch replaces them in Pinot (supersededLeftOut) */
  leftOut: number;
  /** tombstones read from the source (sessions ksqlDB deleted), copied as delete rows or left out */
  tombstones: number;
  /** delete rows written */
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
  const running: { feed: FeedState; ready: Promise<void> }[] = [];

  for (const spec of options.feeds) {
    const stats: SessionFeedStats = { source: spec.source, target: spec.target, copied: 0, leftOut: 0, tombstones: 0, deleted: 0, unreadable: 0 };
    const feed: FeedState = { producer, spec, stats, copiedUpTo: new Map(), committedAt: Date.now(), stopping: false };
    const ready = runFeed(kafka, feed, {
      group: `${options.groupPrefix ?? SESSION_FEED_GROUP_PREFIX}-${spec.target}`,
      retryMs: options.retryMs ?? 2000,
      signal: stopper.signal,
      log,
    }).catch((error) => log(`session feed ${spec.source} -> ${spec.target}: stopped: ${(error as Error).message}`));
    running.push({ feed, ready });
  }

  return {
    stats: () => running.map((r) => ({ ...r.feed.stats })),
    async stop() {
      stopper.abort();
      for (const { feed } of running) {
        // the batch in flight commits its own progress as it ends (copyBatch sees `stopping`)
        feed.stopping = true;
        await commitCopied(feed).catch(() => undefined);
        await feed.consumer?.disconnect().catch(() => undefined);
      }
      await Promise.all(running.map((r) => r.ready));
      await producer.disconnect().catch(() => undefined);
    },
  };
}

/** How often at most a feed commits its progress while it runs. */
const COMMIT_INTERVAL_MS = 1000;

/** One feed's running state. */
interface FeedState {
  producer: Producer;
  spec: SessionFeedSpec;
  stats: SessionFeedStats;
  consumer?: Consumer;
  /** partition -> the next offset to copy, for the copies acknowledged and not committed yet */
  copiedUpTo: Map<number, string>;
  committedAt: number;
  stopping: boolean;
}

interface FeedContext {
  group: string;
  retryMs: number;
  signal: AbortSignal;
  log: (line: string) => void;
}

async function runFeed(kafka: Kafka, feed: FeedState, ctx: FeedContext): Promise<void> {
  const { spec } = feed;
  const partitions = await waitForTopic(kafka, spec, ctx);
  if (partitions === undefined) return;
  const consumer = kafka.consumer({ groupId: ctx.group, allowAutoTopicCreation: false });
  feed.consumer = consumer;
  if (ctx.signal.aborted) return;
  await consumer.connect();
  await consumer.subscribe({ topics: [spec.source], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: (payload) => copyBatch(feed, payload, ctx.log),
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

/**
 * The records of one partition's batch that can change what Pinot holds: a record is left out when a
 * later record of the batch names the same Pinot row (the session's key and window start) with a window
 * end at least as large. Pinot's upsert keeps, per primary key, the latest record of the largest window
 * end, so that later record wins whether or not the earlier one went before it: a session growing by a
 * page view (ksqlDB deletes [s, e0] and writes [s, e1]) is copied once per batch instead of twice per
 * page view. Keys that cannot be read as session keys are kept (the caller reports them).
 */
export function supersededLeftOut(messages: readonly { key: Buffer | null }[]): boolean[] {
  const keep = new Array<boolean>(messages.length).fill(true);
  const latestEnd = new Map<string, bigint>();
  for (let i = messages.length - 1; i >= 0; i--) {
    const key = messages[i]!.key;
    if (!key || key.length < 17) continue;
    const n = key.length - 16;
    const end = key.readBigInt64BE(n);
    const row = `${key.toString('latin1', 0, n)}\u0000${key.readBigInt64BE(n + 8)}`;
    const later = latestEnd.get(row);
    if (later !== undefined && later >= end) keep[i] = false;
    else latestEnd.set(row, end);
  }
  return keep;
}

async function copyBatch(feed: FeedState, payload: EachBatchPayload, log: (line: string) => void): Promise<void> {
  const { producer, spec, stats } = feed;
  const { batch } = payload;
  if (batch.messages.length === 0) return;
  const messages = [];
  let deleted = 0;
  const keep = supersededLeftOut(batch.messages);
  for (const [i, m] of batch.messages.entries()) {
    if (m.value === null) stats.tombstones++;
    if (!keep[i]) continue;
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
  stats.leftOut += batch.messages.length - keep.filter(Boolean).length;
  const last = batch.messages[batch.messages.length - 1]!.offset;
  // progress is committed once the copies are acknowledged, at most once per COMMIT_INTERVAL_MS (each
  // commit is a write the broker syncs to disk) and when the feed stops
  payload.resolveOffset(last);
  feed.copiedUpTo.set(batch.partition, String(BigInt(last) + 1n));
  if (feed.stopping || Date.now() - feed.committedAt >= COMMIT_INTERVAL_MS) await commitCopied(feed);
  await payload.heartbeat();
}

/** Commits the copied offsets not committed yet. */
async function commitCopied(feed: FeedState): Promise<void> {
  if (!feed.consumer || feed.copiedUpTo.size === 0) return;
  const partitions = [...feed.copiedUpTo].map(([partition, offset]) => ({ topic: feed.spec.source, partition, offset }));
  feed.copiedUpTo.clear();
  feed.committedAt = Date.now();
  await feed.consumer.commitOffsets(partitions);
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
