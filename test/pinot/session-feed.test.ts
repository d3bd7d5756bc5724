/**
 * The session feed against the embedded Kafka with kafkajs: session rows copied byte for byte,
 * tombstones turned into delete rows, partition for partition, records a later one of their batch
 * replaces in Pinot left out, and a restart that resumes without skipping a record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Producer } from 'kafkajs';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { deletedSessionRow, startSessionFeeds, supersededLeftOut, type SessionFeedSpec } from '../../pinot/session-feed.ts';
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

  it('leaves out a record only when a later one of the batch wins in Pinot anyway', () => {
    const m = (key: string, start: number, end: number) => ({ key: sessionKey(key, start, end) });
    // a session growing: [0,10] deleted and rewritten as [0,40]: only the last one counts
    expect(supersededLeftOut([m('Inbox', 0, 10), m('Inbox', 0, 10), m('Inbox', 0, 40)])).toEqual([false, false, true]);
    // another window start or another key is another Pinot row; a later smaller end would lose in Pinot
    expect(supersededLeftOut([m('Inbox', 0, 10), m('Inbox', 5, 10), m('Ads', 0, 10), m('Inbox', 0, 7)])).toEqual([true, true, true, true]);
    // keys that are not session keys are kept for the caller to report
    expect(supersededLeftOut([{ key: Buffer.from('bad') }, { key: null }])).toEqual([true, true]);
  });

  it('leaves Pinot with the same rows as copying every record (random sessions)', () => {
    // Pinot's upsert on (source, window_start): a record replaces the stored one when its window end is >= the stored one's
    const upsert = (records: { key: Buffer; value: string | null }[]) => {
      const rows = new Map<string, { end: bigint; value: string | null }>();
      for (const r of records) {
        const n = r.key.length - 16;
        const row = `${r.key.toString('latin1', 0, n)}/${r.key.readBigInt64BE(n + 8)}`;
        const end = r.key.readBigInt64BE(n);
        const stored = rows.get(row);
        if (!stored || end >= stored.end) rows.set(row, { end, value: r.value });
      }
      return rows;
    };
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const records = Array.from({ length: 1 + random(30) }, (_, i) => {
        const start = random(3) * 10;
        return { key: sessionKey(['Inbox', 'Ads'][random(2)], start, start + random(20)), value: random(3) === 0 ? null : `v${i}` };
      });
      const keep = supersededLeftOut(records);
      expect(upsert(records.filter((_, i) => keep[i]))).toEqual(upsert(records));
      if (round === 0) expect(keep.includes(false)).toBe(true);
    }
  });

  it('copies rows byte for byte and tombstones as delete rows, partition for partition, and resumes after a restart', async () => {
    await admin.createTopics({ topics: [{ topic: spec.source, numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
    const row = (source: string, start: number, end: number, views: number) =>
      `{"source":"${source}","window_start":${start},"window_end":${end},"view_count":${views}}`;
    const first = [
      { partition: 0, key: sessionKey('Inbox', 0, 10), value: row('Inbox', 0, 10, 2) },
      { partition: 0, key: sessionKey('Inbox', 0, 10), value: null },
      { partition: 0, key: sessionKey('Inbox', 0, 40), value: row('Inbox', 0, 40, 3) },
      { partition: 0, key: sessionKey('Inbox', 50, 60), value: null },
      { partition: 2, key: sessionKey('External', 100, 100), value: row('External', 100, 100, 1) },
      { partition: 2, key: Buffer.from('bad'), value: null },
    ];
    for (const partition of [0, 2]) {
      await producer.send({ topic: spec.source, acks: -1, messages: first.filter((m) => m.partition === partition) });
    }
    const logs: string[] = [];
    let feeds = await startSessionFeeds({ brokers: cluster.bootstrap().split(','), feeds: [spec], log: (l) => logs.push(l), groupPrefix: 'test-feed' });
    try {
      await waitFor('the first records copied', () => (feeds.stats()[0]!.copied === 3 ? true : undefined), 30_000, 100);
      // partition 0's [0,10] and its tombstone are replaced in Pinot by [0,40], written after them
      expect(feeds.stats()[0]).toMatchObject({ copied: 3, leftOut: 2, tombstones: 3, deleted: 1, unreadable: 1 });
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

    const copied = await readAll(spec.target, 4);
    expect(copied).toHaveLength(4);
    const inPartition = (p: number) => copied.filter((c) => c.partition === p).map((c) => c.value);
    expect(inPartition(0)).toEqual([row('Inbox', 0, 40, 3), JSON.stringify({ source: 'Inbox', window_start: 50, window_end: 60, deleted: true })]);
    expect(inPartition(1)).toEqual([JSON.stringify({ source: 'Homepage', window_start: 7, window_end: 9, deleted: true })]);
    expect(inPartition(2)).toEqual([row('External', 100, 100, 1)]);
    expect(copied.find((c) => c.partition === 0)!.key.equals(sessionKey('Inbox', 0, 40))).toBe(true);
  });
});
