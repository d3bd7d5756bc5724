/**
 * A source task writing to a topic it did not name at start (a table that appeared later): the worker creates
 * the topic with the cluster's defaults before sending, as a producer's automatic topic creation would, and the
 * records land there with their offsets committed after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerSourceTask } from '../../embedded/connect/runtime/worker-task.ts';
import type { SourceRecord, SourceTask } from '../../embedded/connect/runtime/source-task.ts';
import { createConverter } from '../../embedded/connect/converters/index.ts';
import { createRecordSender } from '../../embedded/connect/runtime/record-sender.ts';
import { readRanges, topicRanges } from '../../embedded/common/topic-reader.ts';
import { kafkaClient, startTestCluster, waitFor } from '../support/kafka.ts';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';

/** Names `named` as its topic, then returns three records for `appeared`, then nothing. */
class LateTopicTask implements SourceTask {
  private polled = false;
  topics(): string[] {
    return ['named'];
  }
  async start(): Promise<void> {}
  async poll(signal: AbortSignal): Promise<SourceRecord[]> {
    if (!this.polled) {
      this.polled = true;
      return [1, 2, 3].map((n) => ({
        sourcePartition: { table: 'appeared' },
        sourceOffset: { n },
        topic: 'appeared',
        key: { schema: null, value: `k${n}` },
        value: { schema: null, value: `v${n}` },
      }));
    }
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    return [];
  }
  async stop(): Promise<void> {}
  compareOffsets(a: Record<string, unknown>, b: Record<string, unknown>): number {
    return Number(a.n) - Number(b.n);
  }
}

describe('a record for a topic the task did not name', () => {
  let cluster: KafkaCluster;
  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('creates the topic, sends the records there, then commits their offsets', async () => {
    const kafka = kafkaClient(cluster);
    const committed: unknown[] = [];
    const string = createConverter('org.apache.kafka.connect.storage.StringConverter', {});
    const worker = new WorkerSourceTask({
      connector: 'late',
      id: 0,
      kafka,
      createSender: () => createRecordSender({ kafka, brokers: cluster.bootstrap().split(','), secured: false, log: () => undefined }),
      task: new LateTopicTask(),
      transforms: [],
      keyConverter: string,
      valueConverter: string,
      offsetFlushIntervalMs: 60_000,
      shutdownGracefulTimeoutMs: 5_000,
      startPaused: false,
      hooks: {
        onState: () => undefined,
        commitOffsets: async (entries) => {
          committed.push(...entries);
        },
        offset: () => undefined,
        onTopic: () => undefined,
        log: () => undefined,
      },
    });
    worker.start();
    try {
      await waitFor('three records sent', async () => (worker.sent === 3 ? true : undefined), 20_000, 20);
    } finally {
      await worker.stop();
    }
    expect(worker.state).toBe('RUNNING');
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).toContain('appeared');
      const read = await readRanges(kafka, new Map([['appeared', await topicRanges(admin, 'appeared')]]));
      expect(read.map((m) => `${m.key?.toString()}=${m.value?.toString()}`).sort()).toEqual(['k1=v1', 'k2=v2', 'k3=v3']);
    } finally {
      await admin.disconnect();
    }
    expect(committed).toEqual([{ partition: { table: 'appeared' }, offset: { n: 3 } }]);
  }, 30_000);
});
