/**
 * The session feed against the embedded Kafka with kafkajs: session rows copied byte for byte,
 * tombstones turned into delete rows, partition for partition, and a restart that resumes without
 * skipping a record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Producer } from 'kafkajs';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { deletedSessionRow, startSessionFeeds, type SessionFeedSpec } from '../../pinot/session-feed.ts';
import { kafkaClient, startTestCluster, waitFor } from '../support/kafka.ts';

const spec: SessionFeedSpec = {
  source: 'sessions',
  target: 'sessions_pinot',
  keyColumn: 'source',
  windowStartColumn: 'window_start',
  windowEndColumn: 'window_end',
  deleteColumn: 'deleted',
};

/** A session-windowed key as Kafka Streams writes it: JSON key, then 8-byte end, then 8-byte start. */
function sessionKey(key: unknown, start: number, end: number): Buffer {
  const inner = Buffer.from(JSON.stringify(key));
  const b = Buffer.alloc(inner.length + 16);
  inner.copy(b);
  b.writeBigInt64BE(BigInt(end), inner.length);
  b.writeBigInt64BE(BigInt(start), inner.length + 8);
  return b;
}

let cluster: KafkaCluster;
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  cluster = await startTestCluster();
  const kafka = kafkaClient(cluster);
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});
afterAll(async () => {
  await producer?.disconnect();
  await admin?.disconnect();
  await cluster?.stop();
});

async function readAll(topic: string, expected: number): Promise<{ partition: number; key: Buffer; value: string | null }[]> {
  const consumer = kafkaClient(cluster).consumer({ groupId: `read-${topic}-${Date.now()}` });
  const seen: { partition: number; key: Buffer; value: string | null }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      seen.push({ partition, key: message.key!, value: message.value?.toString() ?? null });
    },
  });
  try {
    await waitFor(`${expected} records on ${topic}`, () => (seen.length >= expected ? true : undefined), 30_000, 100);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

describe('session feed', () => {
  it('names the deleted session of a tombstone, and refuses keys it cannot map', () => {
    expect(deletedSessionRow(spec, sessionKey('Inbox', 1000, 2500))).toEqual({ source: 'Inbox', window_start: 1000, window_end: 2500, deleted: true });
    expect(deletedSessionRow({ ...spec, keyColumn: 'user_id' }, sessionKey(42, 5, 6))).toEqual({ user_id: 42, window_start: 5, window_end: 6, deleted: true });
    expect(() => deletedSessionRow(spec, Buffer.from('short'))).toThrow(/at least 17 bytes/);
    expect(() => deletedSessionRow(spec, sessionKey({ A: 1, B: 2 }, 1, 2))).toThrow(/several columns/);
  });

  it('copies rows byte for byte and tombstones as delete rows, partition for partition, and resumes after a restart', async () => {
    await admin.createTopics({ topics: [{ topic: spec.source, numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
    const row = (source: string, start: number, end: number, views: number) =>
      `{"source":"${source}","window_start":${start},"window_end":${end},"view_count":${views}}`;
    const first = [
      { partition: 0, key: sessionKey('Inbox', 0, 10), value: row('Inbox', 0, 10, 2) },
      { partition: 0, key: sessionKey('Inbox', 0, 10), value: null },
      { partition: 0, key: sessionKey('Inbox', 0, 40), value: row('Inbox', 0, 40, 3) },
      { partition: 2, key: sessionKey('External', 100, 100), value: row('External', 100, 100, 1) },
      { partition: 2, key: Buffer.from('bad'), value: null },
    ];
    for (const partition of [0, 2]) {
      await producer.send({ topic: spec.source, acks: -1, messages: first.filter((m) => m.partition === partition) });
    }
    const logs: string[] = [];
    let feeds = await startSessionFeeds({ brokers: cluster.bootstrap().split(','), feeds: [spec], log: (l) => logs.push(l), groupPrefix: 'test-feed' });
    try {
      await waitFor('the first records copied', () => (feeds.stats()[0]!.copied === 4 ? true : undefined), 30_000, 100);
      expect(feeds.stats()[0]).toMatchObject({ copied: 4, deleted: 1, unreadable: 1 });
      expect(logs.some((l) => l.includes('skipped the tombstone at partition 2 offset 1'))).toBe(true);
    } finally {
      await feeds.stop();
    }
    const meta = await admin.fetchTopicMetadata({ topics: [spec.target] });
    expect(meta.topics[0]!.partitions).toHaveLength(3);

    // Written while the feed is down: copied after the restart, nothing before it again.
    await producer.send({ topic: spec.source, acks: -1, messages: [{ partition: 1, key: sessionKey('Homepage', 7, 9), value: null }] });
    feeds = await startSessionFeeds({ brokers: cluster.bootstrap().split(','), feeds: [spec], groupPrefix: 'test-feed' });
    try {
      await waitFor('the record written while stopped', () => (feeds.stats()[0]!.copied === 1 ? true : undefined), 30_000, 100);
    } finally {
      await feeds.stop();
    }

    const copied = await readAll(spec.target, 5);
    expect(copied).toHaveLength(5);
    const inPartition = (p: number) => copied.filter((c) => c.partition === p).map((c) => c.value);
    expect(inPartition(0)).toEqual([
      row('Inbox', 0, 10, 2),
      JSON.stringify({ source: 'Inbox', window_start: 0, window_end: 10, deleted: true }),
      row('Inbox', 0, 40, 3),
    ]);
    expect(inPartition(1)).toEqual([JSON.stringify({ source: 'Homepage', window_start: 7, window_end: 9, deleted: true })]);
    expect(inPartition(2)).toEqual([row('External', 100, 100, 1)]);
    expect(copied.find((c) => c.partition === 0)!.key.equals(sessionKey('Inbox', 0, 10))).toBe(true);
  });
});
