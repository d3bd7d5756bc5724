/**
 * A stopped cluster holds nothing open in its data directory (log segments, indexes, the committed-offsets
 * file): a process that stops and starts a cluster (a test, the stack after a part restart) would leak a
 * descriptor per stop otherwise, and a filesystem under it could not be unmounted.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kafkaClient, startTestCluster, tempDir, waitFor } from '../support/kafka.ts';

function openUnder(dir: string): string[] {
  return fs
    .readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => target.startsWith(`${dir}/`));
}

describe('a stopped cluster', () => {
  it('has no file open in its data directory after logs were written and a group committed offsets', async () => {
    const dataDir = tempDir('kafka-stop-files');
    const cluster = await startTestCluster({ dataDir });
    const kafka = kafkaClient(cluster);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'files', messages: [{ value: 'a' }, { value: 'b' }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'files-group' });
    await consumer.connect();
    await consumer.subscribe({ topics: ['files'], fromBeginning: true });
    let seen = 0;
    await consumer.run({
      autoCommitThreshold: 1,
      eachMessage: async () => {
        seen++;
      },
    });
    await waitFor('both records consumed', () => (seen === 2 ? true : undefined), 30_000, 50);
    await consumer.disconnect();
    expect(openUnder(dataDir).some((f) => f.endsWith('consumer-offsets.jsonl'))).toBe(true);

    await cluster.stop();
    expect(openUnder(dataDir)).toEqual([]);
  }, 60_000);
});
