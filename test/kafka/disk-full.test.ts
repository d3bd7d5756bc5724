/**
 * A full disk under the brokers. The disk is simulated at the file-write layer: while "full", fs.writeSync
 * into the chosen brokers' directories writes part of what it is given once per file and then fails with
 * ENOSPC, as a filesystem running out of blocks does. (The same was reproduced by hand with a 40 MB tmpfs as
 * DATA_DIR; a mount needs root, so the suite simulates it.)
 *
 * Expected, as Kafka answers a refused write: Produce gets KAFKA_STORAGE_ERROR (retriable) for the
 * partitions that cannot be written, the connection stays open, reads are still served, one log line names
 * the directory and the cause; once the disk has room the same producer's retries succeed, the followers
 * rejoin the ISR, and every acknowledged message is there exactly once.
 */
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Kafka, Producer } from 'kafkajs';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { kafkaHealthTarget, runHealthChecks } from '../../dashboard/health.ts';
import { fillDisk } from '../support/full-disk.ts';
import { kafkaClient, startTestCluster, tempDir, waitFor } from '../support/kafka.ts';

async function readValues(kafka: Kafka, topic: string, expected: number): Promise<string[]> {
  const values: string[] = [];
  const consumer = kafka.consumer({ groupId: `readers-${Math.random()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value!.toString());
      },
    });
    await waitFor(`${expected} messages on ${topic}`, () => (values.length >= expected ? true : undefined), 30_000);
    return values;
  } finally {
    await consumer.disconnect();
  }
}

/** Records in the leaders' logs of `events` (each message is one record: a duplicate would show here). */
function storedRecords(cluster: KafkaCluster): number {
  return cluster.topic('events')!.partitions.reduce((sum, p) => sum + cluster.brokers.get(p.leader)!.replica('events', p.partition)!.log.highWatermark, 0);
}

function messages(from: number, count: number): { key: string; value: string }[] {
  return Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, value: `v${from + i}` }));
}

describe('a full disk under the brokers', () => {
  let cluster: KafkaCluster | undefined;
  const producers: Producer[] = [];

  afterEach(async () => {
    vi.restoreAllMocks();
    for (const p of producers.splice(0)) await p.disconnect().catch(() => undefined);
    await cluster?.stop();
    cluster = undefined;
  });

  async function start(): Promise<{ cluster: KafkaCluster; kafka: Kafka; lines: string[]; dataDir: string }> {
    const lines: string[] = [];
    const dataDir = tempDir('kafka-disk-full');
    cluster = await startTestCluster({ dataDir, log: (line) => lines.push(line) });
    const kafka = kafkaClient(cluster);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'events', numPartitions: 3, replicationFactor: 3 }] });
    await admin.disconnect();
    return { cluster, kafka, lines, dataDir };
  }

  function producer(kafka: Kafka, retries: number): Producer {
    const p = kafka.producer({
      idempotent: retries > 0,
      maxInFlightRequests: retries > 0 ? 1 : undefined,
      retry: { retries, initialRetryTime: 100, maxRetryTime: 500 },
    });
    producers.push(p);
    return p;
  }

  it('answers KAFKA_STORAGE_ERROR on open connections, keeps serving reads, logs it once, and takes writes again once there is room', async () => {
    const { cluster, kafka, lines, dataDir } = await start();
    const steady = producer(kafka, 40);
    await steady.connect();
    await steady.send({ topic: 'events', acks: -1, messages: messages(0, 60) });

    const disk = fillDisk([dataDir]);
    const once = producer(kafka, 0);
    await once.connect();
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await once.send({ topic: 'events', acks: -1, messages: [{ key: 'k', value: 'refused' }] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      // kafkajs wraps the partition's error; the cause is the broker's answer, not a lost connection
      const cause = (error as { cause?: { type?: string; retriable?: boolean } } | undefined)?.cause ?? error;
      expect((cause as { type?: string }).type).toBe('KAFKA_STORAGE_ERROR');
      expect((cause as { retriable?: boolean }).retriable).toBe(true);
    }
    expect(cluster.problems.get('bad-request')).toBeUndefined();
    expect(lines.filter((l) => /closed connection|failed:/.test(l))).toEqual([]);

    // the same producer keeps retrying while the disk is full; reads are served meanwhile
    const pending = steady.send({ topic: 'events', acks: -1, messages: messages(60, 40) });
    await waitFor('a few refused retries', () => (disk.refusedWrites() >= 6 ? true : undefined), 15_000);
    expect((await readValues(kafka, 'events', 60)).sort()).toEqual(
      messages(0, 60)
        .map((m) => m.value)
        .sort(),
    );

    const diskLines = lines.filter((l) => l.includes('ENOSPC'));
    expect(diskLines).toHaveLength(1);
    expect(diskLines[0]).toMatch(
      new RegExp(`^broker \\d: disk full \\(ENOSPC: no space left on device\\) writing to ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/broker-\\d`),
    );
    expect(cluster.storage.problems().map((p) => p.code)).toContain('ENOSPC');
    const [health] = await runHealthChecks([kafkaHealthTarget(cluster.bootstrap().split(','), 'Kafka', { storageProblems: () => cluster.storage.problems() })]);
    expect(health!.status).toBe('degraded');
    expect(health!.detail).toMatch(/disk full \(ENOSPC/);
    expect(health!.detail).toContain(dataDir);

    disk.free();
    await pending;
    // recovered once writes went on succeeding for a while: one more line for the disk
    let sent = 100;
    await waitFor(
      'the disk counted as recovered',
      async () => {
        await steady.send({ topic: 'events', acks: -1, messages: messages(sent, 5) });
        sent += 5;
        return cluster.storage.problems().length === 0 ? true : undefined;
      },
      20_000,
      500,
    );
    expect(lines.filter((l) => /writes to .* succeed again/.test(l))).toHaveLength(1);
    const values = await readValues(kafka, 'events', sent);
    expect(values.sort()).toEqual(
      messages(0, sent)
        .map((m) => m.value)
        .sort(),
    );
    expect(storedRecords(cluster)).toBe(sent);
    await waitFor('every follower back in the ISR', () => (cluster.topic('events')!.partitions.every((p) => p.isr.length === 3) ? true : undefined), 10_000);
  }, 60_000);

  it('followers that cannot write leave the ISR (NOT_ENOUGH_REPLICAS_AFTER_APPEND), rejoin once there is room, nothing doubled', async () => {
    const { cluster, kafka, dataDir } = await start();
    const steady = producer(kafka, 40);
    await steady.connect();
    await steady.send({ topic: 'events', acks: -1, messages: messages(0, 30) });

    // broker 1's disk is fine: partitions it leads are appended there and refused by both followers
    const disk = fillDisk([path.join(dataDir, 'broker-2'), path.join(dataDir, 'broker-3')]);
    const pending = steady.send({ topic: 'events', acks: -1, messages: messages(30, 60) });
    await waitFor('followers out of the ISR', () => (cluster.topic('events')!.partitions.some((p) => p.isr.length < 3) ? true : undefined), 15_000);
    await waitFor('a few refused retries', () => (disk.refusedWrites() >= 6 ? true : undefined), 15_000);
    disk.free();
    await pending;
    await waitFor('every follower back in the ISR', () => (cluster.topic('events')!.partitions.every((p) => p.isr.length === 3) ? true : undefined), 10_000);
    const values = await readValues(kafka, 'events', 90);
    expect(values.sort()).toEqual(
      messages(0, 90)
        .map((m) => m.value)
        .sort(),
    );
    expect(storedRecords(cluster)).toBe(90);
    // every replica holds the same log
    for (const p of cluster.topic('events')!.partitions) {
      const ends = p.replicas.map((id) => cluster.brokers.get(id)!.replica('events', p.partition)!.log.logEndOffset);
      expect(new Set(ends).size, `log end offsets of events-${p.partition}: ${ends.join(', ')}`).toBe(1);
    }
  }, 60_000);
});
