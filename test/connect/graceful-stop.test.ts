/**
 * Stopping a task whose connector never returns from poll (and ignores the stop signal), as Connect does with
 * task.shutdown.graceful.timeout.ms: the worker waits that long, logs that the graceful stop failed, calls the
 * task's stop() and goes on; the records the task had returned before are in the topic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerSourceTask } from '../../embedded/connect/runtime/worker-task.ts';
import type { SourceRecord, SourceTask } from '../../embedded/connect/runtime/source-task.ts';
import { createConverter } from '../../embedded/connect/converters/index.ts';
import { createRecordSender } from '../../embedded/connect/runtime/record-sender.ts';
import { kafkaClient, startTestCluster, waitFor } from '../support/kafka.ts';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';

/** Returns one record, then hangs in poll forever, deaf to the signal. */
class StuckTask implements SourceTask {
  polls = 0;
  stopped = 0;
  topics(): string[] {
    return ['stuck'];
  }
  async start(): Promise<void> {}
  poll(): Promise<SourceRecord[]> {
    this.polls++;
    if (this.polls === 1) {
      return Promise.resolve([
        { sourcePartition: { p: 0 }, sourceOffset: { n: 1 }, topic: 'stuck', key: { schema: null, value: null }, value: { schema: null, value: 'first' } },
      ]);
    }
    return new Promise(() => undefined);
  }
  async stop(): Promise<void> {
    this.stopped++;
  }
  compareOffsets(): number | undefined {
    return undefined;
  }
}

describe('stopping a task stuck in poll', () => {
  let cluster: KafkaCluster;
  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('waits task.shutdown.graceful.timeout.ms, logs it, calls the task stop() and returns', async () => {
    const task = new StuckTask();
    const log: string[] = [];
    const committed: unknown[] = [];
    const worker = new WorkerSourceTask({
      connector: 'stuck',
      id: 0,
      kafka: kafkaClient(cluster),
      createSender: () => createRecordSender({ kafka: kafkaClient(cluster), brokers: cluster.bootstrap().split(','), secured: false, log: () => undefined }),
      task,
      transforms: [],
      keyConverter: createConverter('org.apache.kafka.connect.storage.StringConverter', {}),
      valueConverter: createConverter('org.apache.kafka.connect.storage.StringConverter', {}),
      offsetFlushIntervalMs: 60_000,
      shutdownGracefulTimeoutMs: 500,
      startPaused: false,
      hooks: {
        onState: () => undefined,
        commitOffsets: async (entries) => {
          committed.push(...entries);
        },
        offset: () => undefined,
        onTopic: () => undefined,
        log: (line) => log.push(line),
      },
    });
    worker.start();
    await waitFor('the first record sent and the second poll hanging', async () => (worker.sent === 1 && task.polls >= 2 ? true : undefined), 20_000, 20);

    const started = Date.now();
    await worker.stop();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(450);
    expect(log.some((l) => /task stuck-0: graceful stop failed, its poll did not return within 500 ms/.test(l))).toBe(true);
    expect(task.stopped).toBe(1);
    expect(committed).toEqual([{ partition: { p: 0 }, offset: { n: 1 } }]);
  }, 30_000);
});
