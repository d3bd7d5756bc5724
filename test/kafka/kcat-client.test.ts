import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { readBatchHeader, splitRecordBatches } from '../../embedded/kafka/protocol/index.ts';
import { kafkaClient, run, startTestCluster } from '../support/kafka.ts';

/** kcat 1.7 on librdkafka 2.0.x: a real C client that negotiates its own API versions. */
describe('embedded cluster with kcat (librdkafka)', () => {
  let cluster: KafkaCluster;
  let bootstrap: string;
  beforeAll(async () => {
    cluster = await startTestCluster();
    bootstrap = cluster.bootstrap();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  const kcat = (args: string[], input?: string) => run('kcat', ['-b', bootstrap, ...args], input);

  it('kcat -L shows three brokers and topics with leaders and replicas', async () => {
    await kcat(['-P', '-t', 'listed'], 'x\n');
    const { code, stdout, stderr } = await kcat(['-L']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/3 brokers:/);
    for (const b of cluster.onlineBrokers()) expect(stdout).toContain(`broker ${b.id} at 127.0.0.1:${b.port}`);
    expect(stdout).toMatch(/topic "listed" with 5 partitions:/);
    expect(stdout).toMatch(/partition 0, leader \d, replicas: \d,\d,\d, isrs: \d,\d,\d/);
  });

  it('kcat -P then kcat -C -e round-trips keys, values, headers and timestamps', async () => {
    const before = Date.now();
    const lines = Array.from({ length: 50 }, (_, i) => `k${i}:value-${i}`).join('\n') + '\n';
    const produced = await kcat(['-P', '-t', 'roundtrip', '-K', ':', '-H', 'origin=kcat', '-H', 'n=1', '-p', '0'], lines);
    expect(produced.code, produced.stderr).toBe(0);
    const after = Date.now();
    const consumed = await kcat(['-C', '-t', 'roundtrip', '-o', 'beginning', '-e', '-f', '%k|%s|%h|%T|%p|%o\\n']);
    expect(consumed.code, consumed.stderr).toBe(0);
    const rows = consumed.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('|'));
    expect(rows).toHaveLength(50);
    rows.forEach(([key, value, headers, ts, partition, offset], i) => {
      expect(key).toBe(`k${i}`);
      expect(value).toBe(`value-${i}`);
      expect(headers).toBe('origin=kcat,n=1');
      expect(Number(ts)).toBeGreaterThanOrEqual(before - 1000);
      expect(Number(ts)).toBeLessThanOrEqual(after + 1000);
      expect(partition).toBe('0');
      expect(offset).toBe(String(i));
    });
  });

  it('kcat reads what kafkajs wrote, with the producer-set timestamp', async () => {
    const producer = kafkaClient(cluster).producer();
    await producer.connect();
    await producer.send({ topic: 'from-kafkajs', messages: [{ key: 'a', value: 'hello', partition: 2, timestamp: '1700000000123', headers: { h: 'v' } }] });
    await producer.disconnect();
    const { stdout } = await kcat(['-C', '-t', 'from-kafkajs', '-p', '2', '-o', 'beginning', '-e', '-f', '%k|%s|%h|%T\\n']);
    expect(stdout.trim()).toBe('a|hello|h=v|1700000000123');
  });

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
    it(`stores ${codec} batches as produced and serves them back intact`, async () => {
      const topic = `codec-${codec}`;
      const values = Array.from({ length: 200 }, (_, i) => `${codec}-${i}-${'x'.repeat(i % 50)}`);
      const produced = await kcat(['-P', '-t', topic, '-p', '0', '-X', `compression.codec=${codec}`, '-X', 'linger.ms=200'], values.join('\n') + '\n');
      expect(produced.code, produced.stderr).toBe(0);
      const state = cluster.topic(topic)!.partitions[0];
      const stored = cluster.brokers.get(state.leader)!.replica(topic, 0)!.log.read(0, 10_000_000);
      const codecId = { gzip: 1, snappy: 2, lz4: 3, zstd: 4 }[codec];
      // librdkafka sends a batch uncompressed when compression would not shrink it; the big batches are compressed.
      const codecs = splitRecordBatches(stored).map((batch) => readBatchHeader(batch).compression);
      expect(codecs).toContain(codecId);
      const consumed = await kcat(['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-f', '%s\\n']);
      expect(consumed.stdout.trim().split('\n')).toEqual(values);
    });
  }

  it('kcat -G consumes as a balanced group and commits', async () => {
    await kcat(['-P', '-t', 'grouped'], Array.from({ length: 100 }, (_, i) => `m${i}`).join('\n') + '\n');
    const consumed = await kcat(['-G', 'kcat-group', '-o', 'beginning', '-c', '100', '-X', 'auto.commit.interval.ms=100', '-f', '%s\\n', 'grouped'], undefined);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(new Set(consumed.stdout.trim().split('\n'))).toEqual(new Set(Array.from({ length: 100 }, (_, i) => `m${i}`)));
    const admin = kafkaClient(cluster).admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId: 'kcat-group', topics: ['grouped'] });
    expect(offsets[0].partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0)).toBe(100);
    await admin.disconnect();
  });
});
