/**
 * Our producer (embedded/kafka-client/record-writer.ts, ksqlDB's runtime's) while a broker's disk is full:
 * the same batches are retried past the delivery timeout (one log line says so) rather than failing every
 * later write and stopping the queries, and go in once the disk has room:
 * the queries carry on by themselves, every record exactly once. The disk is simulated at the file-write
 * layer (test/support/full-disk.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { readRanges, topicRanges } from '../../embedded/common/topic-reader.ts';
import { RecordWriter, type OutgoingRecord } from '../../embedded/kafka-client/record-writer.ts';
import { fillDisk } from '../support/full-disk.ts';
import { kafkaClient, startTestCluster, tempDir, waitFor } from '../support/kafka.ts';

function records(from: number, count: number): OutgoingRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    topic: 'out',
    key: Buffer.from(`k${from + i}`),
    value: Buffer.from(`v${from + i}`),
    timestamp: Date.now(),
  }));
}

describe('RecordWriter and a full disk', () => {
  let cluster: KafkaCluster | undefined;
  let writer: RecordWriter | undefined;

  afterEach(async () => {
    vi.restoreAllMocks();
    await writer?.close();
    await cluster?.stop();
  });

  it('retries past its delivery timeout while the disk is full, then writes everything once', async () => {
    const dataDir = tempDir('writer-disk-full');
    cluster = await startTestCluster({ dataDir });
    const kafka = kafkaClient(cluster);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'out', numPartitions: 3, replicationFactor: 3 }] });
    const lines: string[] = [];
    writer = new RecordWriter({ brokers: cluster.bootstrap().split(','), deliveryTimeoutMs: 300, log: (line) => lines.push(line) });
    await writer.connect();
    await writer.write(records(0, 20));

    const disk = fillDisk([dataDir]);
    let settled: string | undefined;
    const pending = writer.write(records(20, 20)).then(
      () => {
        settled = 'written';
      },
      (e: unknown) => {
        settled = `failed: ${(e as Error).message}`;
      },
    );
    await waitFor('a stall report', () => (lines.some((l) => /not acknowledged after \d+ s/.test(l)) ? true : undefined), 10_000);
    await waitFor('more refused writes', () => (disk.refusedWrites() >= 10 ? true : undefined), 10_000);
    expect(settled).toBeUndefined();
    expect(lines.find((l) => /not acknowledged after/.test(l))).toMatch(
      /error 56 \(KAFKA_STORAGE_ERROR\) writing out-\d on node \d\); retrying until the cluster takes them/,
    );

    disk.free();
    await pending;
    expect(settled).toBe('written');
    await writer.write(records(40, 20));
    const stored = await readRanges(kafka, new Map([['out', await topicRanges(admin, 'out')]]));
    await admin.disconnect();
    expect(stored.map((m) => m.value!.toString()).sort()).toEqual(
      records(0, 60)
        .map((r) => r.value!.toString())
        .sort(),
    );
  }, 60_000);

  it('ends the retries when told to (a shutdown during a full disk): the pending write fails at once', async () => {
    const dataDir = tempDir('writer-disk-full-stop');
    cluster = await startTestCluster({ dataDir });
    const admin = kafkaClient(cluster).admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'out', numPartitions: 1, replicationFactor: 3 }] });
    await admin.disconnect();
    writer = new RecordWriter({ brokers: cluster.bootstrap().split(',') });
    await writer.connect();
    const disk = fillDisk([dataDir]);
    const pending = writer.write(records(0, 5)).then(
      () => 'written',
      (e: unknown) => (e as Error).message,
    );
    await waitFor('refused writes', () => (disk.refusedWrites() >= 3 ? true : undefined), 10_000);
    writer.stopRetrying();
    expect(await pending).toMatch(/^the producer was closed with 1 partition batch\(es\) not acknowledged: error 56 \(KAFKA_STORAGE_ERROR\)/);
    disk.free();
  }, 30_000);
});
