/**
 * Producers end to end against the embedded Kafka cluster: page views and sessions land on their
 * topics with the right keys and partitions, referring only to users that exist in MySQL.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type KafkaMessage as ConsumedMessage } from 'kafkajs';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { startKafkaCluster, type KafkaCluster } from '../../embedded/kafka/index.ts';
import { fixedClock, type PageView, type UserSession } from '../../producers/generate/events.ts';
import { producePageViews, produceSessions, produceUsers } from '../../producers/index.ts';
import { partitionFor } from '../../producers/sinks/kafka-events.ts';
import { createTestDatabase, type TestDatabase } from '../support/mariadb.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const config = loadConfig({});

describe('producers against the embedded Kafka cluster', () => {
  let cluster: KafkaCluster;
  let brokers: string[];
  let dataDir: string;
  let db: TestDatabase;
  let existing: Set<number>;
  const serverUrl = inject('mysqlUrl');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'producers-kafka-'));
    cluster = await startKafkaCluster({ brokers: 3, firstPort: 0, dataDir });
    brokers = cluster.bootstrap().split(',');

    db = await createTestDatabase(serverUrl, 'kafka');
    await produceUsers({ url: serverUrl, database: db.name, count: 300, seed: 1, config });
    const connection = await mysql.createConnection({ uri: serverUrl });
    try {
      await connection.query(`DELETE FROM \`${db.name}\`.Users WHERE user_id % 4 = 0`); // gaps: ids read as a list
      const [rows] = await connection.query<RowDataPacket[]>(`SELECT user_id FROM \`${db.name}\`.Users`);
      existing = new Set(rows.map((r) => Number(r.user_id)));
    } finally {
      await connection.end();
    }
  });

  afterAll(async () => {
    await cluster?.stop();
    await db?.drop().catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  function client(): Kafka {
    return new Kafka({ clientId: 'producers-test', brokers, logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });
  }

  /** Everything on `topics` from the beginning, until `expected` messages have arrived. */
  async function readAll(topics: string[], expected: number): Promise<Array<{ topic: string; partition: number; message: ConsumedMessage }>> {
    const consumer = client().consumer({ groupId: `reader-${Math.random().toString(36).slice(2)}` });
    const seen: Array<{ topic: string; partition: number; message: ConsumedMessage }> = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`read ${seen.length} of ${expected} messages`)), 45_000);
        consumer
          .run({
            eachMessage: async ({ topic, partition, message }) => {
              seen.push({ topic, partition, message });
              if (seen.length >= expected) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return seen;
  }

  it('page views and sessions land on their topics, keyed, partitioned like Java, with existing user ids only', async () => {
    const common = { url: serverUrl, database: db.name, brokers, seed: 4, config, batchSize: 250 };
    const views = await producePageViews({ ...common, count: 1_000 });
    const sessions = await produceSessions({ ...common, count: 400 });
    expect(views).toMatchObject({ kind: 'pageviews', count: 1_000, interrupted: false });
    expect(sessions).toMatchObject({ kind: 'sessions', count: 400, interrupted: false });

    const admin = client().admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: [config.topics.pageview, config.topics.userSession] });
    await admin.disconnect();
    for (const topic of meta.topics) expect(topic.partitions).toHaveLength(config.kafka.partitions);

    const seen = await readAll([config.topics.pageview, config.topics.userSession], 1_400);
    expect(seen).toHaveLength(1_400);
    const pageviews = seen.filter((s) => s.topic === config.topics.pageview);
    const sessionMessages = seen.filter((s) => s.topic === config.topics.userSession);
    expect(pageviews).toHaveLength(1_000);
    expect(sessionMessages).toHaveLength(400);
    for (const { partition, message } of pageviews) {
      const view = JSON.parse(message.value!.toString()) as PageView;
      expect(Object.keys(view)).toEqual(['session_id', 'user_id', 'source', 'event_timestamp']);
      expect(existing.has(view.user_id), `user ${view.user_id}`).toBe(true);
      expect(message.key!.toString()).toBe(String(view.user_id));
      expect(partition).toBe(partitionFor(String(view.user_id), config.kafka.partitions));
      expect(['Homepage', 'Inbox', 'External']).toContain(view.source);
    }
    for (const { partition, message } of sessionMessages) {
      const session = JSON.parse(message.value!.toString()) as UserSession;
      expect(Object.keys(session)).toEqual(['session_id', 'user_id', 'user_name', 'login_timestamp', 'device']);
      expect(existing.has(session.user_id)).toBe(true);
      expect(message.key!.toString()).toBe(session.session_id);
      expect(partition).toBe(partitionFor(session.session_id, config.kafka.partitions));
    }
  });

  it('the same seed and time base send the same events', async () => {
    const run = async (topic: string): Promise<string[]> => {
      await producePageViews({
        url: serverUrl,
        database: db.name,
        brokers,
        topic,
        count: 200,
        seed: 8,
        config,
        clock: fixedClock(1_700_000_000_000, 5),
      });
      const seen = await readAll([topic], 200);
      return seen.map((s) => `${s.message.key!.toString()} ${s.message.value!.toString()}`).sort();
    };
    expect(await run('determinism_a')).toEqual(await run('determinism_b'));
  });

  it('the CLI produces page views to the cluster and prints the summary; --base-time fixes the time base', async () => {
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(tsx, ['producers/cli.ts', 'pageviews', '--count', '300', '--seed', '2', '--rate', '0', '--base-time', '2024-01-01T00:00:00Z'], {
        cwd: root,
        env: {
          ...process.env,
          MYSQL_URL: db.url,
          MYSQL_DATABASE: db.name,
          KAFKA_BOOTSTRAP_SERVERS: brokers.join(','),
          TOPIC_PAGEVIEW: 'cli_pageviews',
          PRODUCER_JITTER_MS: '1000',
          PRODUCER_LATE_RATE: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^pageviews: 300 events into cli_pageviews at 127\.0\.0\.1:\d+,.* seed 2\n$/);
    const seen = await readAll(['cli_pageviews'], 300);
    const base = Date.UTC(2024, 0, 1);
    for (const { message } of seen) {
      expect(existing.has(Number(message.key!.toString()))).toBe(true);
      const { event_timestamp } = JSON.parse(message.value!.toString()) as PageView;
      expect(Math.abs(event_timestamp - base)).toBeLessThanOrEqual(1_000);
    }
  });
});
