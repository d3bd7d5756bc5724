/**
 * Restart durability of the embedded ksqlDB server against the embedded Kafka: stop the server while
 * page views are still flowing, start a new one on the same Kafka without sending any statement. The
 * statements come back from the command topic, the state from the changelog, and the final aggregates
 * of topics 5–8 equal those of an uninterrupted in-process run; no output is lost or doubled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { KsqlEngine, startKsqlDb, type KsqlDbHandle, type SinkRecord } from '../../embedded/ksqldb/index.ts';
import { kafkaClient, startTestCluster, waitFor } from '../support/kafka.ts';
import { applyStatements, caughtUp, latestByKeyBytes, pipelineStatements, postJson, smallConfig } from './pipeline-support.ts';

const T0 = 1_699_999_980_000;
const config = smallConfig();
const { topics } = config;
const N = 3000;
const SOURCES = ['Inbox', 'Social', 'Direct'];

const users = [1, 2, 3, 4].map((id) => ({
  key: String(id),
  value: JSON.stringify({ age: 20 + id * 7, gender: id % 2 ? 'F' : 'M', country: id % 2 ? 'FR' : 'US', subscription: 'free' }),
}));
/** deterministic page views: 100 ms apart, with a 9 s pause every 500 to close sessions */
const views = Array.from({ length: N }, (_, i) => {
  const user = 1 + ((i * 7) % 4);
  const ts = T0 + i * 100 + Math.floor(i / 500) * 9_000;
  return {
    key: String(user),
    value: JSON.stringify({ user_id: user, session_id: `s${i % 17}`, source: SOURCES[(i * 5) % 3], event_timestamp: ts }),
    timestamp: String(ts),
  };
});

/** The same statements and inputs through one in-process engine, outputs fed back like Kafka would. */
function uninterruptedRun(): Map<string, Map<string, string | null>> {
  const engine = new KsqlEngine({ config: { 'ksql.output.topic.name.prefix': '' } });
  for (const s of pipelineStatements(config)) engine.execute(s);
  const latest = new Map<string, Map<string, string | null>>();
  let offset = 0;
  const feed = (topic: string, m: { key: string | Buffer | null; value: string | Buffer | null; timestamp: string }): void => {
    const queue: SinkRecord[] = engine.process({
      topic,
      partition: 0,
      offset: offset++,
      timestamp: Number(m.timestamp),
      key: m.key === null ? null : Buffer.from(m.key),
      value: m.value === null ? null : Buffer.from(m.value),
    });
    while (queue.length) {
      const out = queue.shift()!;
      if (!latest.has(out.topic)) latest.set(out.topic, new Map());
      latest.get(out.topic)!.set(out.key?.toString('hex') ?? '', out.value?.toString('utf8') ?? null);
      if (engine.subscribedTopics().includes(out.topic)) {
        queue.push(...engine.process({ topic: out.topic, partition: 0, offset: offset++, timestamp: out.timestamp, key: out.key, value: out.value }));
      }
    }
  };
  for (const u of users) feed(topics.users, { ...u, timestamp: String(T0) });
  for (const v of views) feed(topics.pageview, v);
  return latest;
}

describe('ksqlDB server restart', () => {
  let cluster: KafkaCluster;
  let kafka: Kafka;
  let producer: Producer;
  let first: KsqlDbHandle | undefined;
  let second: KsqlDbHandle | undefined;

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
    kafka = kafkaClient(cluster);
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await first?.stop();
    await second?.stop();
    await cluster?.stop();
  });

  it('recreates statements, restores state and resumes without losing or doubling output', async () => {
    const bootstrap = cluster.bootstrap();
    first = await startKsqlDb({ port: 0, bootstrap });
    await applyStatements(first, pipelineStatements(config));
    await producer.send({ topic: topics.users, messages: users.map((u) => ({ ...u, timestamp: String(T0) })) });
    await caughtUp(first);

    // page views flow in batches while the first server is stopped part-way
    const sending = (async () => {
      for (let i = 0; i < N; i += 100) {
        await producer.send({ topic: topics.pageview, messages: views.slice(i, i + 100) });
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    const server1 = first;
    await waitFor('the first server to be mid-stream', () => (server1.runtime.stats.processed > users.length + 600 ? true : undefined), 30_000, 5);
    await first.stop();
    const processedBefore = first.runtime.stats.processed;
    first = undefined;
    expect(processedBefore).toBeLessThan(users.length * 2 + N);

    second = await startKsqlDb({ port: 0, bootstrap });
    const shown = await postJson(`${second.url}/ksql`, { ksql: 'SHOW TABLES;' });
    expect((shown.json() as [{ tables: { name: string }[] }])[0].tables.map((t) => t.name)).toContain('PAGEVIEW_SESSION');
    await sending;
    await caughtUp(second, 40_000);

    // every input record (users, their CLEANED_USERS rows read back, page views) processed exactly once
    expect(processedBefore + second.runtime.stats.processed).toBe(users.length * 2 + N);
    const expected = uninterruptedRun();
    for (const topic of [topics.cleanedUsers, topics.pageviewCountry, topics.pageviewTumbling, topics.pageviewHopping, topics.pageviewSession]) {
      const got = await latestByKeyBytes(kafka, topic);
      const want = expected.get(topic)!;
      const live = (m: Map<string, string | null>) => [...m].filter(([, v]) => v !== null).sort(([a], [b]) => a.localeCompare(b));
      expect(live(got.latest), topic).toEqual(live(want));
    }
    // one tumbling update and one country update per page view: nothing lost, nothing written twice
    expect((await latestByKeyBytes(kafka, topics.pageviewTumbling)).count).toBe(N);
    expect((await latestByKeyBytes(kafka, topics.pageviewCountry)).count).toBe(N);
  }, 80_000);
});
