/**
 * Reading ranges of a topic with kafkajs (which has no manual assignment): a throw-away consumer group,
 * seeks to each range's start, stops once every partition reached its end. Used to read the internal
 * topics to their end at start-up and the tail of data topics for the resume check.
 */
import type { Admin, Kafka } from 'kafkajs';
import { retryRetriable } from './kafka-retry.ts';

export interface TopicMessage {
  topic: string;
  partition: number;
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | undefined>;
}

export interface Range {
  from: bigint;
  /** Exclusive end (the high watermark when the read started). */
  to: bigint;
}

/** [low, high) of every partition of the topic (retried while a just-created topic has no leader yet). */
export async function topicRanges(admin: Admin, topic: string): Promise<Map<number, Range>> {
  const offsets = await retryRetriable(() => admin.fetchTopicOffsets(topic));
  return new Map(offsets.map((o) => [o.partition, { from: BigInt(o.low), to: BigInt(o.high) }]));
}

let readerCounter = 0;

/** All messages of the given partition ranges, in offset order per partition. */
/** `readerName` names the throw-away consumer group (e.g. 'connect', 'ksql'), so it shows who reads. */
export async function readRanges(kafka: Kafka, ranges: Map<string, Map<number, Range>>, timeoutMs = 30_000, readerName = 'topic'): Promise<TopicMessage[]> {
  const pending = new Map<string, Range>();
  for (const [topic, parts] of ranges) {
    for (const [partition, range] of parts) if (range.to > range.from) pending.set(`${topic}\u0000${partition}`, range);
  }
  if (pending.size === 0) return [];
  const out: TopicMessage[] = [];
  const consumer = kafka.consumer({
    groupId: `${readerName}-reader-${process.pid}-${Date.now()}-${++readerCounter}`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 100,
    retry: { retries: 5, initialRetryTime: 100 },
  });
  await consumer.connect();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms reading ${[...ranges.keys()].join(', ')}`)), timeoutMs);
      const check = (): void => {
        if (pending.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      (async () => {
        for (const topic of ranges.keys()) await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: true,
          eachBatch: async ({ batch }) => {
            const id = `${batch.topic}\u0000${batch.partition}`;
            const range = pending.get(id);
            if (!range) return;
            for (const m of batch.messages) {
              const offset = BigInt(m.offset);
              if (offset < range.from || offset >= range.to) continue;
              const headers: Record<string, Buffer | undefined> = {};
              for (const [k, v] of Object.entries(m.headers ?? {}))
                headers[k] = Array.isArray(v) ? (v[0] === undefined ? undefined : Buffer.from(v[0])) : v === undefined ? undefined : Buffer.from(v);
              out.push({ topic: batch.topic, partition: batch.partition, offset, key: m.key, value: m.value, headers });
            }
            const next = BigInt(batch.lastOffset()) + 1n;
            if (next >= range.to || (BigInt(batch.highWatermark) <= BigInt(batch.lastOffset()) + 1n && next >= range.to)) {
              pending.delete(id);
              check();
            }
          },
        });
        for (const [topic, parts] of ranges) {
          for (const [partition, range] of parts) {
            if (range.to > range.from) consumer.seek({ topic, partition, offset: range.from.toString() });
          }
        }
      })().catch((error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  out.sort((a, b) =>
    a.topic === b.topic ? (a.partition === b.partition ? (a.offset < b.offset ? -1 : 1) : a.partition - b.partition) : a.topic < b.topic ? -1 : 1,
  );
  return out;
}
