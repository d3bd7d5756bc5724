/**
 * The producers against a broker whose disk is full: the one line they end with names the disk
 * (KAFKA_STORAGE_ERROR), not an unreachable broker ("start the embedded broker"). The disk is simulated
 * at the file-write layer (test/support/full-disk.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { KafkaStorageError } from '../../producers/errors.ts';
import { openKafkaSink, type EventSink } from '../../producers/sinks/kafka-events.ts';
import { fillDisk } from '../support/full-disk.ts';
import { startTestCluster, tempDir } from '../support/kafka.ts';

describe('producers and a full broker disk', () => {
  let cluster: KafkaCluster | undefined;
  let sink: EventSink | undefined;

  afterEach(async () => {
    vi.restoreAllMocks();
    await sink?.close();
    await cluster?.stop();
  });

  it('stop with a message naming the full disk, and send again once it has room', async () => {
    const dataDir = tempDir('producers-disk-full');
    cluster = await startTestCluster({ dataDir });
    const brokers = cluster.bootstrap().split(',');
    sink = await openKafkaSink({ brokers, ensureTopics: { topics: ['views'], partitions: 3, replicationFactor: 3 } });
    await sink.send('views', [{ key: '1', value: '{"n":1}' }]);

    const disk = fillDisk([dataDir]);
    const error = await sink.send('views', [{ key: '2', value: '{"n":2}' }]).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(KafkaStorageError);
    expect(error!.message).toBe(
      `cannot send to Kafka at ${brokers.join(',')}: the broker's disk is full (KAFKA_STORAGE_ERROR: it cannot write its log; ` +
        "the broker's own log names the directory and the cause); free space there (DATA_DIR for npm start), then produce again",
    );
    expect(error!.message).not.toMatch(/start the embedded broker/);

    disk.free();
    await sink.send('views', [{ key: '3', value: '{"n":3}' }]);
  }, 60_000);
});
