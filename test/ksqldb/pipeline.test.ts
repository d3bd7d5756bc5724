/**
 * The project's own ksql/ statements on the embedded ksqlDB server over the embedded Kafka: crafted
 * users and page views in, hand-computed windows, averages and distinct counts out of topics 4–8; a
 * malformed record goes to the processing log while the queries keep running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Partitioners, type Producer } from 'kafkajs';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { startKsqlDb, type KsqlDbHandle } from '../../embedded/ksqldb/index.ts';
import { kafkaClient, startTestCluster } from '../support/kafka.ts';
import { applyStatements, caughtUp, latestByKey, pipelineStatements, postJson, readTopic, smallConfig, windowRows } from './pipeline-support.ts';

/** A minute boundary, so 10 s / 20 s windows start at T0. */
const T0 = 1_699_999_980_000;
const config = smallConfig();
const { topics } = config;

const USERS = [
  { id: 1, age: 30, gender: 'F', country: 'FR', subscription: 'free' },
  { id: 2, age: 40, gender: 'M', country: 'FR', subscription: 'premium' },
  { id: 3, age: 25, gender: 'F', country: 'US', subscription: 'free' },
  { id: 4, age: null, gender: 'M', country: 'US', subscription: 'free' },
  { id: 5, age: 50, gender: 'F', country: 'DE', subscription: null },
];

/** [user, source, seconds after T0] */
const VIEWS: [number, string, number][] = [
  [1, 'Inbox', 1],
  [2, 'Inbox', 2],
  [1, 'Inbox', 3],
  [3, 'Social', 4],
  [4, 'Inbox', 5], // not in CLEANED_USERS: counted in the windows, dropped by the join
  [1, 'Social', 12],
  [3, 'Inbox', 14],
  [9, 'Inbox', 30], // unknown user
];

describe('ksql/ statements on the embedded ksqlDB', () => {
  let cluster: KafkaCluster;
  let server: KsqlDbHandle;
  let producer: Producer;
  let bootstrap: string;

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
    bootstrap = cluster.bootstrap();
    server = await startKsqlDb({ port: 0, host: '127.0.0.1', bootstrap });
    await applyStatements(server, pipelineStatements(config));
    producer = kafkaClient(cluster).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic: topics.users,
      messages: USERS.map((u) => ({
        key: String(u.id),
        value: JSON.stringify({ user_id: u.id, age: u.age, gender: u.gender, country: u.country, subscription: u.subscription }),
      })),
    });
    await caughtUp(server); // users reach CLEANED_USERS (topic4) and are read back before any page view
    await producer.send({
      topic: topics.pageview,
      messages: VIEWS.map(([user, source, s], i) => ({
        key: String(user),
        value: JSON.stringify({ user_id: user, session_id: `s${i}`, source, event_timestamp: T0 + s * 1000 }),
        timestamp: String(T0 + s * 1000),
      })),
    });
    await caughtUp(server);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await server?.stop();
    await cluster?.stop();
  });

  it('creates every stream, table and query of ksql/', async () => {
    const r = await postJson(`${server.url}/ksql`, { ksql: 'SHOW TABLES; SHOW QUERIES;' });
    const [tables, queries] = r.json() as [{ tables: { name: string; topic: string }[] }, { queries: { id: string }[] }];
    expect(tables.tables.map((t) => `${t.name}:${t.topic}`).sort()).toEqual([
      `CLEANED_USERS:${topics.cleanedUsers}`,
      `PAGEVIEW_COUNTRY:${topics.pageviewCountry}`,
      `PAGEVIEW_HOPPING:${topics.pageviewHopping}`,
      `PAGEVIEW_SESSION:${topics.pageviewSession}`,
      `PAGEVIEW_TUMBLING:${topics.pageviewTumbling}`,
      `USERS:${topics.users}`,
    ]);
    expect(queries.queries).toHaveLength(5);
  });

  it('topic4: users without NULL columns', async () => {
    const rows = latestByKey(await readTopic(bootstrap, topics.cleanedUsers));
    const values = [...rows.values()].sort((a, b) => String(a.COUNTRY).localeCompare(String(b.COUNTRY)) || Number(a.AGE) - Number(b.AGE));
    expect(values).toEqual([
      { AGE: 30, GENDER: 'F', COUNTRY: 'FR', SUBSCRIPTION: 'free' },
      { AGE: 40, GENDER: 'M', COUNTRY: 'FR', SUBSCRIPTION: 'premium' },
      { AGE: 25, GENDER: 'F', COUNTRY: 'US', SUBSCRIPTION: 'free' },
    ]);
  });

  it('topic5: per country average age, distinct users, views and last event time', async () => {
    const rows = [...latestByKey(await readTopic(bootstrap, topics.pageviewCountry)).values()].sort((a, b) =>
      String(a.country).localeCompare(String(b.country)),
    );
    expect(rows).toEqual([
      { country: 'FR', avg_age: 32.5, user_count: 2, view_count: 4, last_event_ts: T0 + 12_000 },
      { country: 'US', avg_age: 25, user_count: 1, view_count: 2, last_event_ts: T0 + 14_000 },
    ]);
  });

  it('topic6: tumbling 10 s windows', async () => {
    const recs = await readTopic(bootstrap, topics.pageviewTumbling);
    expect(recs).toHaveLength(VIEWS.length); // one update per page view
    expect(windowRows(latestByKey(recs), T0)).toEqual([
      'Inbox 0 10 views=4 users=3',
      'Inbox 10 20 views=1 users=1',
      'Inbox 30 40 views=1 users=1',
      'Social 0 10 views=1 users=1',
      'Social 10 20 views=1 users=1',
    ]);
  });

  it('topic7: hopping 20 s windows advancing by 10 s', async () => {
    expect(windowRows(latestByKey(await readTopic(bootstrap, topics.pageviewHopping)), T0)).toEqual([
      'Inbox -10 10 views=4 users=3',
      'Inbox 0 20 views=5 users=4',
      'Inbox 10 30 views=1 users=1',
      'Inbox 20 40 views=1 users=1',
      'Inbox 30 50 views=1 users=1',
      'Social -10 10 views=1 users=1',
      'Social 0 20 views=2 users=2',
      'Social 10 30 views=1 users=1',
    ]);
  });

  it('topic8: session windows with a 5 s gap', async () => {
    expect(windowRows(latestByKey(await readTopic(bootstrap, topics.pageviewSession)), T0)).toEqual([
      'Inbox 1 5 views=4 users=3',
      'Inbox 14 14 views=1 users=1',
      'Inbox 30 30 views=1 users=1',
      'Social 12 12 views=1 users=1',
      'Social 4 4 views=1 users=1',
    ]);
  });

  it('a malformed record goes to the processing log and the queries keep running', async () => {
    const skippedBefore = server.runtime.stats.skipped;
    await producer.send({
      topic: topics.pageview,
      messages: [
        { key: '1', value: '{"user_id": 1, "source": "Inbox", "event_timestamp": ', timestamp: String(T0 + 41_000) },
        { key: '2', value: JSON.stringify({ user_id: 2, session_id: 'x', source: 'Inbox', event_timestamp: T0 + 42_000 }), timestamp: String(T0 + 42_000) },
      ],
    });
    await caughtUp(server);
    expect(server.runtime.stats.skipped).toBeGreaterThan(skippedBefore);
    const log = await readTopic(bootstrap, 'default_ksql_processing_log');
    const entries = log.map(
      (r) =>
        JSON.parse(r.value ?? '{}') as {
          level: string;
          logger: string;
          message: { type: number; deserializationError: { topic: string; errorMessage: string } | null };
        },
    );
    const deser = entries.filter((e) => e.message.type === 0 && e.message.deserializationError?.topic === topics.pageview);
    expect(deser.length).toBeGreaterThan(0);
    expect(deser[0]!.level).toBe('ERROR');
    const tumbling = windowRows(latestByKey(await readTopic(bootstrap, topics.pageviewTumbling)), T0);
    expect(tumbling).toContain('Inbox 40 50 views=1 users=1');
  });
});
