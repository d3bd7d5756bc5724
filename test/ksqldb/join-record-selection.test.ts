/**
 * Issue #18 (finding 6): page views that miss their join when ksqlDB starts over a backlog of both
 * sides, as after a restart. CLEANED_USERS (topic4) already holds every user, written long before the
 * page views (topic1), and neither has been read by the join yet: the server restarts and the join
 * query starts from the earliest offsets. Kafka Streams picks, among the buffered records of a task's
 * partitions (topic1 p and topic4 p), the one with the lowest timestamp, and waits for a partition
 * with records on the broker not fetched yet; so the table is complete before the first page view is
 * looked up, and every page view of a cleaned user is joined. Reading topic1's backlog first, as the
 * fetch order had it, dropped them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { startKsqlDb, type KsqlDbHandle } from '../../embedded/ksqldb/index.ts';
import { kafkaClient, startTestCluster } from '../support/kafka.ts';
import { applyStatements, caughtUp, latestByKeyBytes, pipelineStatements, smallConfig } from './pipeline-support.ts';

const T0 = 1_700_000_000_000;
const config = smallConfig();
const { topics } = config;
const USERS = 40;
const VIEWS = 600;

/** users 1..40; every third has no country, so CLEANED_USERS drops it */
const users = Array.from({ length: USERS }, (_, i) => {
  const id = i + 1;
  return {
    id,
    value: { user_id: id, age: 20 + (id % 30), gender: id % 2 ? 'F' : 'M', country: id % 3 === 0 ? null : ['FR', 'US', 'DE'][id % 3]!, subscription: 'free' },
  };
});
const cleaned = new Set(users.filter((u) => u.value.country !== null).map((u) => u.id));
/** page views 10 ms apart, all after the users (event time and record time) */
const views = Array.from({ length: VIEWS }, (_, i) => {
  const user = 1 + ((i * 7) % USERS);
  const ts = T0 + 60_000 + i * 10;
  return { key: String(user), value: JSON.stringify({ user_id: user, session_id: `s${i % 13}`, source: 'Inbox', event_timestamp: ts }), timestamp: String(ts) };
});
const expectedJoined = views.filter((v) => cleaned.has(Number(v.key))).length;

describe('stream-table join over a backlog of both sides (timestamp-based record selection)', () => {
  let cluster: KafkaCluster;
  let kafka: Kafka;
  let producer: Producer;
  let server: KsqlDbHandle | undefined;

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
    kafka = kafkaClient(cluster);
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await server?.stop();
    await cluster?.stop();
  });

  it(`joins every page view of a cleaned user after a restart: ${expectedJoined} of ${VIEWS}`, async () => {
    const statements = pipelineStatements(config);
    const join = statements.filter((s) => /PAGEVIEW_COUNTRY/.test(s));
    const tables = statements.slice(0, statements.indexOf(join[0]!));
    expect(join).toHaveLength(1);

    // CLEANED_USERS filled from USERS, nothing reads the page views yet
    server = await startKsqlDb({ port: 0, bootstrap: cluster.bootstrap() });
    await applyStatements(server, tables);
    await producer.send({ topic: topics.users, messages: users.map((u) => ({ key: String(u.id), value: JSON.stringify(u.value), timestamp: String(T0) })) });
    await caughtUp(server);
    expect((await latestByKeyBytes(kafka, topics.cleanedUsers)).count).toBe(USERS);
    await producer.send({ topic: topics.pageview, messages: views });
    await server.stop();

    // restart: statements and state come back; the join starts over topic1's and topic4's backlogs
    server = await startKsqlDb({ port: 0, bootstrap: cluster.bootstrap() });
    await applyStatements(server, join);
    await caughtUp(server, 30_000);

    const rows = [...(await latestByKeyBytes(kafka, topics.pageviewCountry)).latest.values()]
      .filter((v): v is string => v !== null)
      .map((v) => JSON.parse(v) as { country: string; view_count: number });
    const joined = rows.reduce((n, r) => n + r.view_count, 0);
    expect(joined).toBe(expectedJoined);
    const perCountry = new Map<string, number>();
    for (const v of views) {
      const u = users[Number(v.key) - 1]!;
      if (u.value.country !== null) perCountry.set(u.value.country, (perCountry.get(u.value.country) ?? 0) + 1);
    }
    expect(new Map(rows.map((r) => [r.country, r.view_count]))).toEqual(perCountry);
  }, 90_000);
});
