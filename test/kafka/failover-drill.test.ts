/**
 * The failover drill a user runs against a running cluster: `npm run kafka -- stop-broker 2` and
 * `start-broker 2` in another process, through the cluster's control socket, while a kafkajs producer
 * writes with acks=all. Leadership leaves the stopped broker and comes back to the ISR; every
 * acknowledged message is there exactly once.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { openControlSocket } from '../../embedded/kafka/index.ts';
import { kafkaClient, run, startTestCluster, tempDir, waitFor } from '../support/kafka.ts';

const tsx = path.resolve('node_modules/.bin/tsx');
const kafkaCli = (args: string[]) => run(tsx, ['embedded/kafka/cli.ts', ...args], undefined, 60_000);

describe('failover drill through the control socket', () => {
  let cluster: KafkaCluster;
  let dataDir: string;
  let closeControl: () => Promise<void>;

  beforeAll(async () => {
    dataDir = tempDir('kafka-drill');
    cluster = await startTestCluster({ dataDir });
    const control = await openControlSocket(cluster, dataDir, () => undefined);
    expect(control.path).toBe(path.join(dataDir, 'control.sock'));
    closeControl = control.close;
  });

  afterAll(async () => {
    await closeControl?.();
    await cluster?.stop();
  });

  it('stop-broker 2 moves its leaders away while acks=all writes go on; start-broker 2 brings it back; nothing acknowledged is lost', async () => {
    const admin = kafkaClient(cluster).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'drill', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
    const producer = kafkaClient(cluster).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const acked: string[] = [];
    let sending = true;
    let failures = 0;
    const loop = (async () => {
      for (let i = 0; sending; i++) {
        const value = `m${i}`;
        try {
          await producer.send({ topic: 'drill', acks: -1, messages: [{ partition: i % 3, value }] });
          acked.push(value);
        } catch {
          failures++;
        }
      }
    })();

    try {
      await waitFor('some writes before the drill', () => (acked.length >= 50 ? true : undefined), 20_000, 50);
      const listed = await kafkaCli(['brokers', '--data-dir', dataDir]);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/broker 2 {2}port \d+ {2}up {4}leader of [1-9]\d* partition\(s\)/);

      const stopped = await kafkaCli(['stop-broker', '2', '--data-dir', dataDir]);
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(stopped.stdout).toContain('broker 2 stopped');
      expect(stopped.stdout).toMatch(/broker 2 {2}port \d+ {2}down {2}leader of 0 partition\(s\)/);
      const before = acked.length;
      await waitFor('writes going on with broker 2 down', () => (acked.length >= before + 50 ? true : undefined), 30_000, 50);
      const meta = await admin.fetchTopicMetadata({ topics: ['drill'] });
      expect(meta.topics[0]!.partitions.every((p) => p.leader !== 2 && !p.isr.includes(2))).toBe(true);

      const started = await kafkaCli(['start-broker', '2', '--data-dir', dataDir]);
      expect(started.code, started.stderr).toBe(0);
      expect(started.stdout).toContain('broker 2 started');
      await waitFor(
        'broker 2 back in every ISR',
        async () => {
          const m = await admin.fetchTopicMetadata({ topics: ['drill'] });
          return m.topics[0]!.partitions.every((p) => p.isr.includes(2)) ? true : undefined;
        },
        30_000,
        200,
      );
      const after = acked.length;
      await waitFor('writes after the drill', () => (acked.length >= after + 50 ? true : undefined), 30_000, 50);
    } finally {
      sending = false;
      await loop;
      await producer.disconnect();
    }

    const consumer = kafkaClient(cluster).consumer({ groupId: 'drill-check' });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: ['drill'], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value!.toString());
      },
    });
    try {
      await waitFor('every acknowledged message', () => (seen.length >= acked.length ? true : undefined), 30_000, 100);
    } finally {
      await consumer.disconnect();
      await admin.disconnect();
    }
    expect(new Set(seen).size).toBe(seen.length);
    const unseen = acked.filter((v) => !seen.includes(v));
    expect(unseen).toEqual([]);
    expect(failures).toBeLessThan(acked.length);
  });

  it('refuses a broker that does not exist and bad arguments, and says when no cluster runs', async () => {
    const unknown = await kafkaCli(['stop-broker', '9', '--data-dir', dataDir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no broker 9; the brokers are 1, 2, 3');
    const usage = await kafkaCli(['stop-broker', 'two', '--data-dir', dataDir]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('commands: stop-broker N, start-broker N, brokers');
    const nothing = await kafkaCli(['brokers', '--data-dir', tempDir('kafka-none')]);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/no running embedded Kafka found \(no control socket in .*kafka-none.*\); start the stack \(npm start\)/);
  });
});
