/**
 * The Connect worker's producers (embedded/connect/runtime/record-sender.ts) against the embedded Kafka: the
 * stack's own (plaintext listeners) and kafkajs's (TLS/SASL listeners, forced here with `secured`) write the
 * same records alike: the partition each record names, in order, with key, value and headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Kafka } from 'kafkajs';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { readRanges, topicRanges } from '../../embedded/common/topic-reader.ts';
import { createRecordSender, type OutgoingRecord } from '../../embedded/connect/runtime/record-sender.ts';
import { kafkaClient, startTestCluster } from '../support/kafka.ts';

describe('Connect record senders', () => {
  let cluster: KafkaCluster;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 3 });
    kafka = kafkaClient(cluster);
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: ['own', 'kafkajs'].map((topic) => ({ topic, numPartitions: 3, replicationFactor: 3 })),
    });
  });

  afterAll(async () => {
    await admin?.disconnect();
    await cluster?.stop();
  });

  for (const [topic, secured] of [
    ['own', false],
    ['kafkajs', true],
  ] as const) {
    it(`${topic}: every record in the partition it names, in order, with its key, value and header`, async () => {
      const sender = createRecordSender({ kafka, brokers: cluster.bootstrap().split(','), secured, log: () => undefined });
      await sender.connect();
      const records = (from: number, n: number): OutgoingRecord[] =>
        Array.from({ length: n }, (_, j) => {
          const i = from + j;
          return {
            topic,
            key: i % 5 === 0 ? null : Buffer.from(String(i)),
            value: i % 7 === 0 ? null : Buffer.from(`{"id":${i}}`),
            partition: i % 3,
            timestamp: 1_700_000_000_000 + i,
            headers: [{ key: '__connect.source.offset', value: Buffer.from(`["c",{"t":"x"},{"incrementing":${i}}]`) }],
          };
        });
      try {
        await sender.send(records(0, 40));
        await sender.send(records(40, 20));
      } finally {
        await sender.close();
      }
      const read = await readRanges(kafka, new Map([[topic, await topicRanges(admin, topic)]]));
      const seen = read.map((m) => ({
        partition: m.partition,
        key: m.key?.toString() ?? null,
        value: m.value?.toString() ?? null,
        header: m.headers['__connect.source.offset']?.toString(),
      }));
      const expected = records(0, 60)
        .map((r) => ({
          partition: r.partition!,
          key: r.key?.toString() ?? null,
          value: r.value?.toString() ?? null,
          header: r.headers?.[0]?.value?.toString(),
        }))
        .sort((a, b) => a.partition - b.partition);
      expect(seen.sort((a, b) => a.partition - b.partition)).toEqual(expected);
    });
  }
});
