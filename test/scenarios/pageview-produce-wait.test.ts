/**
 * Issue #18 (finding 6): page views that missed their join at the start of `npm start`'s producers.
 * They started once topic3 held the users, but the join reads CLEANED_USERS (topic4), which ksqlDB
 * writes from topic3 a commit later; a page view processed in between found no user and was dropped.
 * The producers now wait until ksqlDB has read topic3 and topic4 to their ends: every page view sent
 * after that joins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { startKsqlDb, type KsqlDbHandle } from '../../embedded/ksqldb/index.ts';
import { waitForUsersInJoin } from '../../scenarios/pageview/index.ts';
import { ksqlConsumedToEnd, topicEndOffset } from '../../scenarios/topic-offsets.ts';
import { kafkaClient, startTestCluster, waitFor } from '../support/kafka.ts';
import { applyStatements, caughtUp, latestByKeyBytes, pipelineStatements, smallConfig } from '../ksqldb/pipeline-support.ts';

const config = smallConfig();
const { topics } = config;
const USERS = 30;
const VIEWS = 300;

const users = Array.from({ length: USERS }, (_, i) => ({ id: i + 1, country: (i + 1) % 4 === 0 ? null : ['FR', 'US', 'DE'][(i + 1) % 3]! }));
const cleaned = new Set(users.filter((u) => u.country !== null).map((u) => u.id));

describe('pageview producers wait for the users to reach the join', () => {
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

  it('waits past topic3 until CLEANED_USERS is read into the join; every page view sent then joins', async () => {
    const brokers = [cluster.bootstrap()];
    const statements = pipelineStatements(config);
    const join = statements.findIndex((s) => /PAGEVIEW_COUNTRY/.test(s));
    server = await startKsqlDb({ port: 0, bootstrap: cluster.bootstrap() });
    // the sources only: topic3 fills up, nothing reads it into CLEANED_USERS yet
    await applyStatements(server, statements.slice(0, 3));
    let waited = false;
    const waiting = waitForUsersInJoin(brokers, config, USERS, new AbortController().signal).then(() => {
      waited = true;
    });
    const now = Date.now();
    await producer.send({
      topic: topics.users,
      messages: users.map((u) => ({
        key: String(u.id),
        value: JSON.stringify({ user_id: u.id, age: 30, gender: 'F', country: u.country, subscription: 'free' }),
        timestamp: String(now),
      })),
    });
    await waitFor('the users on topic3', async () => ((await topicEndOffset(brokers, topics.users)) >= USERS ? true : undefined), 20_000, 50);
    expect(await ksqlConsumedToEnd(brokers, [topics.users, topics.cleanedUsers])).toBe(false);
    expect(waited).toBe(false);

    await applyStatements(server, statements.slice(3, join + 1));
    await waiting;
    const views = Array.from({ length: VIEWS }, (_, i) => {
      const user = 1 + ((i * 11) % USERS);
      return { key: String(user), value: JSON.stringify({ user_id: user, session_id: `s${i}`, source: 'Inbox', event_timestamp: now + 1_000 + i }) };
    });
    await producer.send({ topic: topics.pageview, messages: views });
    await caughtUp(server, 30_000);

    const joined = [...(await latestByKeyBytes(kafka, topics.pageviewCountry)).latest.values()]
      .filter((v): v is string => v !== null)
      .reduce((n, v) => n + (JSON.parse(v) as { view_count: number }).view_count, 0);
    expect(joined).toBe(views.filter((v) => cleaned.has(Number(v.key))).length);
  }, 60_000);

  it('after a crash between a flush and its offset commit, the restarted server commits what its state covers', async () => {
    const brokers = [cluster.bootstrap()];
    await server!.stop();
    server = undefined;
    // the group's offsets behind the changelog's marker, as a kill -9 right after a flush leaves them
    const admin = kafka.admin();
    await admin.connect();
    const group = '_confluent-ksql-default_query_engine';
    for (const topic of [topics.users, topics.cleanedUsers]) {
      const partitions = (await admin.fetchTopicOffsets(topic)).map((o) => ({ partition: o.partition, offset: '0' }));
      await admin.setOffsets({ groupId: group, topic, partitions });
    }
    await admin.disconnect();
    expect(await ksqlConsumedToEnd(brokers, [topics.users, topics.cleanedUsers])).toBe(false);

    // nothing new arrives on topic3 or topic4: the restored marker itself is committed
    server = await startKsqlDb({ port: 0, bootstrap: cluster.bootstrap() });
    await waitFor(
      'the group at the marker',
      async () => ((await ksqlConsumedToEnd(brokers, [topics.users, topics.cleanedUsers])) ? true : undefined),
      20_000,
      100,
    );
    expect(server.runtime.stats.processed).toBe(0);
  }, 60_000);
});
