/**
 * Our own producer, which ksqlDB's runtime writes with (embedded/kafka-client/record-writer.ts), against the embedded
 * Kafka: kafkajs's DefaultPartitioner choices (key, partitionKey, explicit partition, keyless spread),
 * order per partition, base offsets, batches split under the size limit, and a partition leader stopped
 * while writes are in flight: every record lands exactly once, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Partitioners, type Admin, type Kafka } from 'kafkajs';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { readRanges, topicRanges } from '../../embedded/common/topic-reader.ts';
import { RecordWriter, type OutgoingRecord } from '../../embedded/kafka-client/record-writer.ts';
import { kafkaClient, startTestCluster, waitFor } from '../support/kafka.ts';

const kafkajsPartitioner = Partitioners.DefaultPartitioner();
const partitionOf = (key: Buffer, partitions: number): number =>
  kafkajsPartitioner({
    topic: 't',
    partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 })),
    message: { key, value: null },
  });

async function readAll(kafka: Kafka, admin: Admin, topic: string): Promise<{ partition: number; offset: number; key: string | null; value: string | null }[]> {
  const messages = await readRanges(kafka, new Map([[topic, await topicRanges(admin, topic)]]));
  return messages.map((m) => ({ partition: m.partition, offset: Number(m.offset), key: m.key?.toString() ?? null, value: m.value?.toString() ?? null }));
}

describe('RecordWriter', () => {
  let cluster: KafkaCluster;
  let kafka: Kafka;
  let admin: Admin;
  let writer: RecordWriter;
  const logs: string[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 3 });
    kafka = kafkaClient(cluster, { retry: { retries: 30, initialRetryTime: 50, maxRetryTime: 500 } });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: 'w-keys', numPartitions: 5, replicationFactor: 3 },
        { topic: 'w-failover', numPartitions: 3, replicationFactor: 3 },
      ],
    });
    writer = new RecordWriter({ brokers: cluster.bootstrap().split(','), maxBatchBytes: 4096, log: (line) => logs.push(line) });
    await writer.connect();
  });

  afterAll(async () => {
    await writer?.close();
    await admin?.disconnect();
    await cluster?.stop();
  });

  it('partitions like kafkajs, keeps order per partition, splits batches and returns base offsets', async () => {
    const records: OutgoingRecord[] = [];
    for (let i = 0; i < 300; i++)
      records.push({ topic: 'w-keys', key: Buffer.from(`k${i % 37}`), value: Buffer.from(`v${i}-${'x'.repeat(50)}`), timestamp: 1_700_000_000_000 + i });
    // a windowed key partitions by its inner key; an explicit partition wins; keyless records spread out
    records.push({ topic: 'w-keys', key: Buffer.from('k5@window'), partitionKey: Buffer.from('k5'), value: Buffer.from('windowed'), timestamp: 1 });
    records.push({ topic: 'w-keys', key: Buffer.from('k5'), partition: 4, value: Buffer.from('pinned'), timestamp: 1 });
    for (let i = 0; i < 20; i++) records.push({ topic: 'w-keys', key: null, value: Buffer.from(`keyless${i}`), timestamp: 1 });
    const first = await writer.write(records);
    const offsets = await writer.write([{ topic: 'w-keys', key: Buffer.from('k0'), value: Buffer.from('after'), timestamp: 2 }]);

    const got = await readAll(kafka, admin, 'w-keys');
    expect(got).toHaveLength(records.length + 1);
    for (const r of got.filter((m) => m.key?.startsWith('k') && !['windowed', 'pinned'].includes(m.value!)))
      expect(r.partition, r.key!).toBe(partitionOf(Buffer.from(r.key!), 5));
    expect(got.find((m) => m.value === 'windowed')!.partition).toBe(partitionOf(Buffer.from('k5'), 5));
    expect(got.find((m) => m.value === 'pinned')!.partition).toBe(4);
    expect(new Set(got.filter((m) => m.key === null).map((m) => m.partition)).size).toBeGreaterThan(1);
    // per key, the values in the order written
    for (let k = 0; k < 37; k++) {
      const want = records.filter((r) => r.key?.toString() === `k${k}`).map((r) => r.value!.toString());
      const have = got
        .filter((m) => m.key === `k${k}`)
        .sort((a, b) => a.offset - b.offset)
        .map((m) => m.value);
      expect(have.slice(0, want.length)).toEqual(want);
    }
    // ~60-byte records, 4 KiB batches: more than one batch per partition, all from offset 0
    for (let p = 0; p < 5; p++) expect(first.get(`w-keys\u0000${p}`)).toBe(0);
    const k0 = partitionOf(Buffer.from('k0'), 5);
    expect(offsets.get(`w-keys\u0000${k0}`)).toBe(got.filter((m) => m.partition === k0).length - 1);
  });

  it('goes on through a partition leader stopped mid-write: nothing lost, nothing twice, order kept', async () => {
    const written: string[] = [];
    let stop = false;
    let failure: Error | undefined;
    const writing = (async () => {
      for (let round = 0; !stop; round++) {
        const batch = Array.from({ length: 50 }, (_, i) => `r${round}-${i}`);
        try {
          await writer.write(batch.map((v, i) => ({ topic: 'w-failover', key: Buffer.from(`key${i % 7}`), value: Buffer.from(v), timestamp: Date.now() })));
        } catch (e) {
          failure = e as Error;
          return;
        }
        written.push(...batch);
      }
    })();
    const progress = (n: number) => waitFor(`${n} more records written`, () => (written.length >= n || failure ? true : undefined), 30_000, 10);
    await progress(1_000);
    const leader = cluster.topic('w-failover')!.partitions[0]!.leader;
    await cluster.stopBroker(leader);
    await progress(written.length + 1_000);
    await cluster.startBroker(leader);
    await progress(written.length + 1_000);
    stop = true;
    await writing;
    expect(failure).toBeUndefined();
    // the stopped leader's batches were re-sent to the new leader
    expect(logs.some((l) => l.startsWith('producer: retrying'))).toBe(true);

    const got = await readAll(kafka, admin, 'w-failover');
    expect(got.map((m) => m.value).sort()).toEqual([...written].sort());
    for (let k = 0; k < 7; k++) {
      const want = written.filter((v) => Number(v.split('-')[1]) % 7 === k);
      expect(
        got
          .filter((m) => m.key === `key${k}`)
          .sort((a, b) => a.offset - b.offset)
          .map((m) => m.value),
      ).toEqual(want);
    }
  }, 90_000);
});
