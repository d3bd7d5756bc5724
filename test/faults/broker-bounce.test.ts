/**
 * One broker stopped under load and started again, twice (a follower-and-leader broker, then another):
 * beyond test/kafka/durability.test.ts (a leader killed during one produce run), here a producer AND a
 * consumer group keep running the whole time, the stopped broker misses writes and must catch up, and
 * afterwards every replica holds the same records as its leader, byte for byte.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { kafkaClient, startTestCluster, waitFor } from '../support/kafka.ts';
import { sleep } from './processes.ts';

const TOPIC = 'topic1_PageView';
const PARTITIONS = 5;

function replicaDigest(cluster: KafkaCluster, broker: number, partition: number): { end: number; hash: string } {
  const log = cluster.brokers.get(broker)!.replica(TOPIC, partition)!.log;
  const hash = createHash('sha256');
  for (let offset = 0; offset < log.logEndOffset; ) {
    const chunk = log.read(offset, 1 << 20);
    if (chunk.length === 0) break;
    hash.update(chunk);
    // The last batch of the chunk: baseOffset (int64 at 0) + lastOffsetDelta (int32 at 23) of each batch.
    let pos = 0;
    let next = offset;
    while (pos + 61 <= chunk.length) {
      const base = Number(chunk.readBigInt64BE(pos));
      const length = chunk.readInt32BE(pos + 8);
      if (pos + 12 + length > chunk.length) break;
      next = base + chunk.readInt32BE(pos + 23) + 1;
      pos += 12 + length;
    }
    if (next === offset) break;
    offset = next;
  }
  return { end: log.logEndOffset, hash: hash.digest('hex') };
}

describe('a broker stopped under load and started again', () => {
  let cluster: KafkaCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
  });

  it('producer and consumer group keep going, nothing is lost or doubled, the replica catches up byte for byte', async () => {
    cluster = await startTestCluster();
    const c = cluster;
    const kafka = kafkaClient(c, { retry: { retries: 30, initialRetryTime: 50, maxRetryTime: 500 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3 }], waitForLeaders: true });

    const received = new Map<string, number>();
    const consumer = kafka.consumer({ groupId: 'bounce-readers', sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const v = message.value!.toString();
        received.set(v, (received.get(v) ?? 0) + 1);
      },
    });

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const acknowledged: string[] = [];
    const failures: string[] = [];
    let stop = false;
    const producing = (async () => {
      for (let batch = 0, n = 0; !stop; batch++) {
        // One partition per send: kafkajs 2.2.4 would not resend partitions that moved (see durability.test.ts).
        const partition = batch % PARTITIONS;
        const messages = Array.from({ length: 100 }, () => {
          const i = n++;
          return {
            partition,
            key: String(i % 500),
            value: JSON.stringify({ session_id: `b-${i}`, user_id: i % 500, source: 'Inbox', event_timestamp: 1_714_566_896_000 + i }),
          };
        });
        try {
          await producer.send({ topic: TOPIC, acks: -1, messages });
          acknowledged.push(...messages.map((m) => m.value));
        } catch (error) {
          failures.push((error as Error).message);
          return;
        }
      }
    })();

    const progress = async (what: string, extra: number) => {
      const target = acknowledged.length + extra;
      await waitFor(what, () => (acknowledged.length >= target || failures.length > 0 ? true : undefined), 30_000, 20);
      expect(failures).toEqual([]);
    };

    await progress('load before the first stop', 3_000);
    // First a broker that leads partition 0, then one that does not lead partition 1 (if any).
    const first = c.topic(TOPIC)!.partitions[0]!.leader;
    for (const victim of [first, [1, 2, 3].find((id) => id !== first && id !== c.topic(TOPIC)!.partitions[1]!.leader) ?? (first % 3) + 1]) {
      const endAtStop = replicaDigest(c, victim, 0).end;
      await c.stopBroker(victim);
      expect(c.topic(TOPIC)!.partitions.every((p) => p.leader !== victim && p.leader !== -1)).toBe(true);
      await progress(`load while broker ${victim} is down`, 3_000);
      await c.startBroker(victim);
      await progress(`load after broker ${victim} is back`, 3_000);
      await waitFor(
        `broker ${victim} back in every ISR`,
        () => (c.topic(TOPIC)!.partitions.every((p) => p.isr.includes(victim)) ? true : undefined),
        20_000,
        50,
      );
      expect(replicaDigest(c, victim, 0).end).toBeGreaterThan(endAtStop);
    }
    stop = true;
    await producing;
    expect(failures).toEqual([]);

    // Every acknowledged record reached the consumer (at least once, as a group may re-read after a rebalance).
    await waitFor('the consumer to see every acknowledged record', () => (acknowledged.every((v) => received.has(v)) ? true : undefined), 30_000, 100);
    await consumer.disconnect();
    expect(new Set(received.keys())).toEqual(new Set(acknowledged));

    // In the log itself: each exactly once.
    const offsets = await admin.fetchTopicOffsets(TOPIC);
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(acknowledged.length);
    await admin.disconnect();

    // Every replica equals its leader.
    for (const p of c.topic(TOPIC)!.partitions) {
      expect(p.isr).toHaveLength(3);
      const leader = replicaDigest(c, p.leader, p.partition);
      for (const id of p.replicas) expect(replicaDigest(c, id, p.partition), `partition ${p.partition} on broker ${id}`).toEqual(leader);
    }
    await sleep(0);
  });
});
