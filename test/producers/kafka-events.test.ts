import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { KafkaUnreachableError, NoUsersError } from '../../producers/errors.ts';
import { PageViewGenerator, fixedClock, type PageView, type UserSession } from '../../producers/generate/events.ts';
import { userIdRange } from '../../producers/generate/user-ids.ts';
import { produceAll, producePageViews, produceSessions, produceUsers } from '../../producers/index.ts';
import {
  ACKS_ALL,
  PRODUCER_SETTINGS,
  kafkaError,
  openKafkaSink,
  pageViewMessage,
  partitionFor,
  sessionMessage,
  type EventSink,
  type KafkaMessage,
} from '../../producers/sinks/kafka-events.ts';
import { createTestDatabase, freePort, type TestDatabase } from '../support/mariadb.ts';

const config = loadConfig({});
const serverUrl = inject('mysqlUrl');
const databases: TestDatabase[] = [];

afterAll(async () => {
  for (const db of databases) await db.drop().catch(() => undefined);
});

/** A sink that records what would have been sent. */
class RecordingSink implements EventSink {
  readonly sent: Array<{ topic: string; messages: KafkaMessage[] }> = [];
  closed = false;
  async send(topic: string, messages: KafkaMessage[]): Promise<void> {
    this.sent.push({ topic, messages });
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  messages(topic?: string): KafkaMessage[] {
    return this.sent.filter((s) => topic === undefined || s.topic === topic).flatMap((s) => s.messages);
  }
}

describe('message building', () => {
  it('keys page views by user_id as the decimal string and sends the brief fields as JSON', () => {
    const view: PageView = { session_id: 's-1', user_id: 42, source: 'Inbox', event_timestamp: 1_700_000_000_123 };
    const message = pageViewMessage(view);
    expect(message.key).toBe('42');
    expect(message.key).toBe(JSON.stringify(view.user_id)); // the JDBC source's key for user 42 is the JSON number 42
    expect(message.value).toBe('{"session_id":"s-1","user_id":42,"source":"Inbox","event_timestamp":1700000000123}');
    expect(JSON.parse(message.value)).toEqual(view);
  });

  it('keys sessions by session_id and sends the brief fields as JSON', () => {
    const session: UserSession = {
      session_id: '0b6c1a4e-1d2f-4a7b-9c3d-111111111111',
      user_id: 7,
      user_name: 'Ada "the" Lovelace',
      login_timestamp: 1_700_000_000_000,
      device: 'tablet',
    };
    const message = sessionMessage(session);
    expect(message.key).toBe(session.session_id);
    expect(Object.keys(JSON.parse(message.value))).toEqual(['session_id', 'user_id', 'user_name', 'login_timestamp', 'device']);
    expect(JSON.parse(message.value)).toEqual(session);
  });

  it('partitions keys like Java clients (murmur2), so a user id key lands where topic3 puts that user', () => {
    // Vectors from Kafka's own UtilsTest.testMurmur2, taken positive and modulo the partition count.
    const javaMurmur2: Record<string, number> = { 21: -973932308, foobar: -790332482, abc: 479470107 };
    for (const [key, hash] of Object.entries(javaMurmur2)) {
      for (const partitions of [1, 3, 5, 7]) expect(partitionFor(key, partitions)).toBe((hash & 0x7fffffff) % partitions);
    }
    // every page view of one user goes to one partition
    const views = new PageViewGenerator({
      seed: 1,
      userIds: userIdRange(1, 20),
      sessionsPerUser: 2,
      clock: fixedClock(0),
      jitterMs: 0,
      lateRate: 0,
      lateMs: 0,
    }).take(500);
    const partitionOf = new Map<number, number>();
    for (const view of views) {
      const p = partitionFor(pageViewMessage(view).key, 5);
      expect(p >= 0 && p < 5).toBe(true);
      if (partitionOf.has(view.user_id)) expect(p).toBe(partitionOf.get(view.user_id));
      partitionOf.set(view.user_id, p);
    }
    expect(new Set(partitionOf.values()).size).toBeGreaterThan(1);
  });

  it('configures an idempotent producer with acks = all', () => {
    expect(PRODUCER_SETTINGS).toEqual({ idempotent: true, maxInFlightRequests: 1 });
    expect(ACKS_ALL).toBe(-1);
  });

  it('explains connection failures naming the bootstrap list and `npm run kafka`', () => {
    const error = Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { name: 'KafkaJSConnectionError' });
    const explained = kafkaError(['127.0.0.1:9092', '127.0.0.1:9093'], error);
    expect(explained).toBeInstanceOf(KafkaUnreachableError);
    expect(explained.message).toMatch(
      /^cannot reach Kafka at 127\.0\.0\.1:9092,127\.0\.0\.1:9093 \(.*ECONNREFUSED.*\); start the embedded broker with `npm run kafka`/,
    );
  });

  it('fails fast and clearly when no broker listens', async () => {
    const port = await freePort();
    const brokers = [`127.0.0.1:${port}`];
    const started = performance.now();
    const attempt = openKafkaSink({ brokers, connectionTimeoutMs: 500 });
    await expect(attempt).rejects.toBeInstanceOf(KafkaUnreachableError);
    await expect(attempt).rejects.toThrow(`cannot reach Kafka at 127.0.0.1:${port}`);
    await expect(attempt).rejects.toThrow('npm run kafka');
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

describe('event producers with a recording sink', () => {
  const base = Date.UTC(2024, 5, 1);

  async function usersDatabase(label: string, count: number): Promise<TestDatabase> {
    const db = await createTestDatabase(serverUrl, label);
    databases.push(db);
    if (count > 0) await produceUsers({ url: serverUrl, database: db.name, count, seed: 1, config });
    return db;
  }

  it('sends page views keyed by user_id that refer only to users in the table', async () => {
    const db = await usersDatabase('pv', 300);
    // make gaps, so the ids are read as a list
    const mysql = await import('mysql2/promise');
    const connection = await mysql.createConnection({ uri: serverUrl });
    await connection.query(`DELETE FROM \`${db.name}\`.Users WHERE user_id % 3 = 0`);
    const [rows] = await connection.query(`SELECT user_id FROM \`${db.name}\`.Users`);
    await connection.end();
    const existing = new Set((rows as Array<{ user_id: number }>).map((r) => r.user_id));

    const sink = new RecordingSink();
    const result = await producePageViews({ url: serverUrl, database: db.name, sink, count: 2_500, seed: 9, batchSize: 1_000, config });
    expect(result).toMatchObject({ kind: 'pageviews', count: 2_500, interrupted: false });
    expect(result.destination).toBe(`topic1_PageView at ${config.kafka.bootstrap.join(',')}`);
    expect(sink.sent.map((s) => s.messages.length)).toEqual([1_000, 1_000, 500]);
    expect(sink.sent.every((s) => s.topic === config.topics.pageview)).toBe(true);
    expect(sink.closed).toBe(false); // a given sink is left open
    for (const message of sink.messages()) {
      const view = JSON.parse(message.value) as PageView;
      expect(existing.has(view.user_id)).toBe(true);
      expect(message.key).toBe(String(view.user_id));
      expect(['Homepage', 'Inbox', 'External']).toContain(view.source);
      expect(Math.abs(view.event_timestamp - Date.now())).toBeLessThan(config.producer.jitterMs + 60_000);
    }
  });

  it('sends sessions keyed by session_id, to the topic asked for', async () => {
    const db = await usersDatabase('sess', 50);
    const sink = new RecordingSink();
    const result = await produceSessions({ url: serverUrl, database: db.name, sink, count: 400, topic: 'custom_sessions', config });
    expect(result.count).toBe(400);
    expect(sink.sent.every((s) => s.topic === 'custom_sessions')).toBe(true);
    for (const message of sink.messages()) {
      const session = JSON.parse(message.value) as UserSession;
      expect(message.key).toBe(session.session_id);
      expect(session.user_id >= 1 && session.user_id <= 50).toBe(true);
      expect(['mobile', 'desktop', 'tablet']).toContain(session.device);
    }
  });

  it('generates identical events for the same seed and time base', async () => {
    const db = await usersDatabase('det', 100);
    const run = async (): Promise<KafkaMessage[]> => {
      const sink = new RecordingSink();
      const options = { url: serverUrl, database: db.name, sink, count: 500, seed: 77, config, clock: fixedClock(base, 10), lateRate: 0.1 };
      await producePageViews(options);
      await produceSessions(options);
      return sink.messages();
    };
    const first = await run();
    expect(first.length).toBe(1_000);
    expect(await run()).toEqual(first);
  });

  it('refuses to produce events before there are users', async () => {
    const db = await usersDatabase('nousers', 0);
    const sink = new RecordingSink();
    const attempt = producePageViews({ url: serverUrl, database: db.name, sink, count: 10, config });
    await expect(attempt).rejects.toBeInstanceOf(NoUsersError);
    await expect(attempt).rejects.toThrow('run `npm run produce -- users` first');
    expect(sink.sent).toEqual([]);
  });

  it('produceAll writes users, then sessions and page views over them, with one seed', async () => {
    const db = await createTestDatabase(serverUrl, 'all');
    databases.push(db);
    const sink = new RecordingSink();
    const kinds = new Set<string>();
    const results = await produceAll({
      url: serverUrl,
      database: db.name,
      sink,
      count: 300,
      seed: 5,
      config,
      onProgress: (kind) => kinds.add(kind),
    });
    expect(results.map((r) => [r.kind, r.count, r.seed])).toEqual([
      ['users', 300, 5],
      ['sessions', 300, 5],
      ['pageviews', 300, 5],
    ]);
    expect([...kinds].sort()).toEqual(['pageviews', 'sessions', 'users']);
    expect(sink.messages(config.topics.userSession).length).toBe(300);
    expect(sink.messages(config.topics.pageview).length).toBe(300);
    for (const m of sink.messages()) {
      const id = (JSON.parse(m.value) as { user_id: number }).user_id;
      expect(id >= 1 && id <= 300).toBe(true);
    }
  });
});
