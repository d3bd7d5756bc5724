/**
 * The cluster's maintenance compacts the closed segments of compacted topics on every replica in the
 * background (in slices), while producers and consumers keep working; a consumer from the beginning
 * then reads the latest value of every key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { kafkaClient, startTestCluster, waitFor } from '../support/kafka.ts';

let cluster: KafkaCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ retentionCheckIntervalMs: 200 });
});
afterAll(async () => {
  await cluster?.stop();
});

describe('background compaction', () => {
  it('leaves one record per key in the closed segments of every replica, consumers see the latest values', async () => {
    const kafka = kafkaClient(cluster);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: 'latest',
          numPartitions: 1,
          replicationFactor: 3,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.bytes', value: '20000' },
          ],
        },
      ],
    });
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const keys = 50;
    const rounds = 200;
    for (let round = 0; round < rounds; round++) {
      await producer.send({ topic: 'latest', acks: -1, messages: Array.from({ length: keys }, (_, k) => ({ key: `k${k}`, value: `r${round}` })) });
    }
    const total = keys * rounds;

    const readAll = async (): Promise<{ key: string; value: string }[]> => {
      const consumer = kafka.consumer({ groupId: `reader-${Date.now()}-${Math.random()}` });
      await consumer.connect();
      await consumer.subscribe({ topic: 'latest', fromBeginning: true });
      const seen: { key: string; value: string; offset: bigint }[] = [];
      await consumer.run({
        eachMessage: async ({ message }) => void seen.push({ key: String(message.key), value: String(message.value), offset: BigInt(message.offset) }),
      });
      await waitFor('the consumer to reach the end', () => (seen.some((m) => m.offset === BigInt(total - 1)) ? true : undefined), 20_000);
      await consumer.disconnect();
      return seen;
    };

    // compacted within a few maintenance runs: all but the active segment's records are gone
    const compacted = await waitFor(
      'compaction',
      async () => {
        const seen = await readAll();
        return seen.length < total / 2 ? seen : undefined;
      },
      30_000,
    );
    const latest = new Map(compacted.map((m) => [m.key, m.value]));
    expect(latest.size).toBe(keys);
    for (const value of latest.values()) expect(value).toBe(`r${rounds - 1}`);

    // the followers were cleaned too: with the leader stopped, the new leader's log is compacted as well
    const [before] = await admin.fetchTopicMetadata({ topics: ['latest'] }).then((m) => m.topics[0]!.partitions);
    await cluster.stopBroker(before!.leader);
    const fromFollower = await waitFor(
      'compaction on the new leader',
      async () => {
        const seen = await readAll();
        return seen.length < total / 2 ? seen : undefined;
      },
      30_000,
    );
    expect(new Map(fromFollower.map((m) => [m.key, m.value]))).toEqual(latest);
    await producer.disconnect();
    await admin.disconnect();
  });
});
