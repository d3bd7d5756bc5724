/**
 * Issue #18, findings 1 and 2 (Kafka): the brokers' connection caps (max.connections,
 * max.connections.per.ip), partition caps (INVALID_PARTITIONS per topic, POLICY_VIOLATION in total),
 * log files through a bounded open-file cache, a restart over the caps, and an accept that runs out of
 * file descriptors (a broker in a child process under `prlimit --nofile=256`).
 */
import fs from 'node:fs';
import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { ErrorCode } from '../../embedded/kafka/protocol/errors.ts';
import { logFileBudget } from '../../embedded/kafka/descriptor-watch.ts';
import { kafkaClient, startTestCluster, tempDir, waitFor } from '../support/kafka.ts';

const openFds = () => fs.readdirSync('/proc/self/fd').length;

/** `count` idle TCP connections; resolves once every one is connected (or already closed by the server). */
async function idleConnections(port: number, count: number): Promise<{ sockets: net.Socket[]; closed: () => number }> {
  let closed = 0;
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect({ host: '127.0.0.1', port });
          socket.on('error', () => {}); // a reset from the broker is what some of these are for
          socket.once('close', () => {
            closed++;
            resolve(socket);
          });
          socket.once('connect', () => resolve(socket));
          setTimeout(() => reject(new Error(`connection ${port} neither connected nor closed in 10 s`)), 10_000).unref();
        }),
    ),
  );
  return { sockets, closed: () => closed };
}

describe('Kafka connection caps', () => {
  let cluster: KafkaCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('connections beyond max.connections.per.ip are closed at once, one log line for the burst, while a connected kafkajs client keeps working', async () => {
    const lines: string[] = [];
    cluster = await startTestCluster({ maxConnectionsPerIp: 12, log: (line) => lines.push(line) });
    const producer = kafkaClient(cluster).producer();
    await producer.connect();
    await producer.send({ topic: 'capped', acks: -1, messages: [{ value: 'before' }] });
    const broker = cluster.brokers.get(1)!;
    const held = broker.connectionCount;
    expect(held).toBeLessThan(12);

    const idle = await idleConnections(broker.port, 40);
    const refused = 40 - (12 - held);
    await waitFor('the broker to refuse the connections over the cap', () => (idle.closed() >= refused ? true : undefined), 10_000);
    expect(cluster.problems.get('connection-refused')).toBe(refused);
    expect(broker.connectionCount).toBe(12);
    expect(lines.filter((l) => l.includes('rejected connection'))).toEqual([
      expect.stringMatching(
        /broker 1: rejected connection from 127\.0\.0\.1: address already has the configured maximum of 12 connections \(max\.connections\.per\.ip; KAFKA_MAX_CONNECTIONS_PER_IP/,
      ),
    ]);

    await producer.send({ topic: 'capped', acks: -1, messages: [{ value: 'after' }] });
    const oneMore = await idleConnections(broker.port, 1);
    await waitFor('one more refusal', () => (oneMore.closed() === 1 ? true : undefined), 10_000);
    expect(cluster.problems.get('connection-refused')).toBe(refused + 1);
    for (const socket of idle.sockets) socket.destroy();
    await waitFor('the idle connections to go', () => (broker.connectionCount === held ? true : undefined), 10_000);
    const admin = kafkaClient(cluster).admin();
    await admin.connect();
    const total = (await admin.fetchTopicOffsets('capped')).reduce((n, o) => n + Number(o.high), 0);
    expect(total).toBe(2);
    const described = await admin.describeConfigs({
      resources: [{ type: 4, name: '1', configNames: ['max.connections', 'max.connections.per.ip'] }],
      includeSynonyms: false,
    });
    expect(Object.fromEntries(described.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]))).toMatchObject({
      'max.connections': '1000',
      'max.connections.per.ip': '12',
    });
    await admin.disconnect();
    await producer.disconnect();
  });

  it('connections beyond max.connections of a listener are closed at once', async () => {
    cluster = await startTestCluster({ brokers: 1, maxConnections: 5 });
    const idle = await idleConnections(cluster.brokers.get(1)!.port, 8);
    await waitFor('3 refusals', () => (idle.closed() >= 3 ? true : undefined), 10_000);
    expect(cluster.problems.get('connection-refused')).toBe(3);
    expect(cluster.brokers.get(1)!.connectionCount).toBe(5);
    for (const socket of idle.sockets) socket.destroy();
  });
});

describe('Kafka partition caps', () => {
  let cluster: KafkaCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('CreateTopics and CreatePartitions over the caps get INVALID_PARTITIONS (per topic) and POLICY_VIOLATION (in total); auto-creation is refused and logged', async () => {
    const lines: string[] = [];
    cluster = await startTestCluster({ maxPartitionsPerTopic: 50, maxPartitionsTotal: 60, log: (line) => lines.push(line) });
    const admin = kafkaClient(cluster).admin();
    await admin.connect();
    await expect(admin.createTopics({ topics: [{ topic: 'big', numPartitions: 100_000 }] })).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'INVALID_PARTITIONS' })],
    });
    expect(await admin.createTopics({ topics: [{ topic: 'fifty', numPartitions: 50 }] })).toBe(true);
    await expect(admin.createTopics({ topics: [{ topic: 'twenty', numPartitions: 20 }] })).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'POLICY_VIOLATION' })],
    });
    await expect(admin.createPartitions({ topicPartitions: [{ topic: 'fifty', count: 51 }] })).rejects.toMatchObject({ type: 'INVALID_PARTITIONS' });
    expect(await admin.createTopics({ topics: [{ topic: 'ten', numPartitions: 10 }] })).toBe(true);
    await admin.disconnect();

    expect(cluster.topic('big')).toBeUndefined();
    expect(cluster.topic('twenty')).toBeUndefined();
    expect(cluster.totalPartitions()).toBe(60);
    const perTopic = cluster.createTopic({ name: 'x', numPartitions: 51, replicationFactor: -1, assignments: [], configs: {} });
    expect(perTopic).toEqual({
      errorCode: ErrorCode.INVALID_PARTITIONS,
      errorMessage: expect.stringMatching(/Number of partitions 51 exceeds the limit of 50 partitions per topic \(set by KAFKA_MAX_PARTITIONS_PER_TOPIC/),
    });
    const total = cluster.createTopic({ name: 'x', numPartitions: 1, replicationFactor: -1, assignments: [], configs: {} });
    expect(total).toEqual({
      errorCode: ErrorCode.POLICY_VIOLATION,
      errorMessage: expect.stringMatching(/would make 61 in the cluster, over the limit of 60 \(set by KAFKA_MAX_PARTITIONS_TOTAL/),
    });
    expect(cluster.autoCreate('auto-topic')).toBe(false);
    expect(lines).toContainEqual(expect.stringMatching(/could not auto-create topic auto-topic: .*over the limit of 60/));
  });

  it('a topic of 200 partitions x 3 replicas keeps the process within the open-file cache (64), and every partition still reads back', async () => {
    const before = openFds();
    cluster = await startTestCluster({ maxOpenLogFiles: 64 });
    const kafka = kafkaClient(cluster);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'wide', numPartitions: 200, replicationFactor: 3 }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'wide', acks: -1, messages: Array.from({ length: 200 }, (_, p) => ({ partition: p, value: `p${p}` })) });
    const grown = openFds() - before;
    console.log(
      `[fds] 200 partitions x 3 replicas (>= 3,000 log files) with a 64-file cache: ${grown} descriptors more than before the cluster (connections included); cache holds ${cluster.openFiles.openCount}`,
    );
    expect(cluster.openFiles.openCount).toBeLessThanOrEqual(64);
    expect(grown).toBeLessThan(64 + 40);

    const offsets = await admin.fetchTopicOffsets('wide');
    expect(offsets.filter((o) => o.high === '1')).toHaveLength(200);
    // Reads reopen evicted files: fetch every partition back.
    const seen = new Set<string>();
    const consumer = kafka.consumer({ groupId: 'wide-reader' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'wide', fromBeginning: true });
    await consumer.run({ eachMessage: async ({ partition, message }) => void seen.add(`${partition}:${message.value}`) });
    await waitFor('200 records back', () => (seen.size === 200 ? true : undefined), 30_000);
    expect([...seen].every((s) => s === `${s.split(':')[0]}:p${s.split(':')[0]}`)).toBe(true);
    await consumer.disconnect();
    await producer.disconnect();
    await admin.disconnect();
    expect(openFds() - before).toBeLessThan(64 + 40);
  });

  it('a restart with a data directory over the caps comes up, says so, serves the data and refuses more', async () => {
    const dataDir = tempDir('kafka-over-caps');
    cluster = await startTestCluster({ dataDir });
    await kafkaClient(cluster)
      .admin()
      .createTopics({ topics: [{ topic: 'big', numPartitions: 120 }] });
    const producer = kafkaClient(cluster).producer();
    await producer.connect();
    await producer.send({ topic: 'big', acks: -1, messages: [{ partition: 7, value: 'kept' }] });
    await producer.disconnect();
    await cluster.stop();

    const lines: string[] = [];
    cluster = await startTestCluster({ dataDir, maxPartitionsPerTopic: 100, maxPartitionsTotal: 110, maxOpenLogFiles: 32, log: (line) => lines.push(line) });
    expect(lines).toContainEqual(
      expect.stringMatching(/topic big has 120 partitions, over the limit of 100 per topic \(KAFKA_MAX_PARTITIONS_PER_TOPIC\): served as it is/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/holds 120 partitions, over the limit of 110 \(KAFKA_MAX_PARTITIONS_TOTAL\)/));
    expect(cluster.openFiles.openCount).toBeLessThanOrEqual(32);
    const admin = kafkaClient(cluster).admin();
    await admin.connect();
    expect((await admin.fetchTopicOffsets('big')).find((o) => o.partition === 7)?.high).toBe('1');
    await expect(admin.createTopics({ topics: [{ topic: 'more', numPartitions: 1 }] })).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'POLICY_VIOLATION' })],
    });
    await admin.disconnect();
  });
});

/** The Kafka CLI (`npm run kafka`) as one node process under `prlimit --nofile=<n>`. */
function startLimitedBroker(nofile: number, args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; output: () => string; bootstrap: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('prlimit', [`--nofile=${nofile}:${nofile}`, '--', process.execPath, '--import', 'tsx', 'embedded/kafka/cli.ts', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the broker under prlimit printed no bootstrap line within 60 s: ${out.slice(-2000)}`));
    }, 60_000);
    const onData = (d: Buffer) => {
      out += d;
      const match = /bootstrap: (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, output: () => out, bootstrap: match[1]! });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`the broker under prlimit exited with ${code} before it was ready: ${out.slice(-2000)}`));
    });
  });
}

describe('Kafka out of file descriptors', () => {
  it('the log files get at most a quarter of the open-file limit (at least 16)', () => {
    expect(logFileBudget(2048, { soft: 20_000 })).toBe(2048);
    expect(logFileBudget(2048, { soft: 256 })).toBe(64);
    expect(logFileBudget(2048, { soft: 32 })).toBe(16);
    expect(logFileBudget(2048, { soft: Infinity })).toBe(2048);
    expect(logFileBudget(2048, undefined)).toBe(2048);
  });

  it('a broker process limited to 256 descriptors restarts over 300 partitions x 3 replicas, survives accept failing with EMFILE (one line, counted), and serves again', async () => {
    const dataDir = tempDir('kafka-emfile');
    const seed = await startTestCluster({ dataDir });
    const seedKafka = kafkaClient(seed);
    await seedKafka.admin().createTopics({ topics: [{ topic: 'big', numPartitions: 300 }] });
    const producer = seedKafka.producer();
    await producer.connect();
    await producer.send({ topic: 'big', acks: -1, messages: Array.from({ length: 30 }, (_, i) => ({ partition: i * 10, value: `v${i}` })) });
    await producer.disconnect();
    await seed.stop();

    const broker = await startLimitedBroker(256, ['--data-dir', dataDir, '--port', '0', '--verbose'], {
      KAFKA_MAX_CONNECTIONS: '100000',
      KAFKA_MAX_CONNECTIONS_PER_IP: '100000',
      KAFKA_MAX_PARTITIONS_PER_TOPIC: '100',
    });
    try {
      expect(broker.output()).toMatch(/topic big has 300 partitions, over the limit of 100 per topic/);
      expect(broker.output()).toMatch(/log files: at most 64 open at once, a quarter of this process's open-file limit/);
      const port = Number(broker.bootstrap.split(',')[0]!.split(':')[1]);
      const flood = await idleConnections(port, 400);
      const exhausted = /the process is out of file descriptors \(EMFILE\): new connections are dropped/;
      await waitFor('the out-of-descriptors line', () => (exhausted.test(broker.output()) ? true : undefined), 15_000);
      expect(broker.child.exitCode).toBeNull();
      expect(flood.closed()).toBeGreaterThan(0); // the connections past the limit were accepted and closed
      for (const socket of flood.sockets) socket.destroy();

      const kafka = new Kafka({
        clientId: 'after-emfile',
        brokers: broker.bootstrap.split(','),
        logLevel: logLevel.NOTHING,
        retry: { retries: 8, initialRetryTime: 200 },
      });
      const admin = kafka.admin();
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets('big');
      expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(30);
      await admin.disconnect();
      const after = kafka.producer();
      await after.connect();
      await after.send({ topic: 'big', acks: -1, messages: [{ partition: 1, value: 'after' }] });
      await after.disconnect();
      expect(broker.child.exitCode).toBeNull();
    } finally {
      broker.child.kill('SIGKILL');
    }
  });
});
