/**
 * The clickstream scenario's producers as `npm start` runs them: against our Kafka, codes and users
 * first, then clicks at the rate with the sessionize pauses, until the signal aborts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { loadClickstreamConfig } from '../../config/scenarios/clickstream.ts';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { clickstreamScenario } from '../../scenarios/clickstream/index.ts';
import { WebUserGenerator } from '../../scenarios/clickstream/generate/users.ts';
import { STATUS_CODES } from '../../scenarios/clickstream/generate/values.ts';
import type { ScenarioTargets } from '../../scenarios/scenario.ts';
import { kafkaClient, startTestCluster, waitFor } from '../support/kafka.ts';
import { latestByKeyBytes } from '../ksqldb/pipeline-support.ts';

const config = loadConfig({ KAFKA_BROKERS: '1', KAFKA_PARTITIONS: '2', KAFKA_REPLICATION_FACTOR: '1' });
// One second of clicks, then one second of pause; clicks from users 1..4 of a population of 30.
const settings = loadClickstreamConfig({ CLICKSTREAM_ACTIVE_SECONDS: '1', CLICKSTREAM_PAUSE_SECONDS: '1', CLICKSTREAM_ACTIVE_USERS: '4' });
const scenario = clickstreamScenario(settings);
const RATE = 40;
const POPULATION = 30;

let cluster: KafkaCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ brokers: 1 });
  const admin = kafkaClient(cluster).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: scenario.topics(config).map((t) => ({
        topic: t.name,
        numPartitions: 2,
        replicationFactor: 1,
        configEntries: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
  } finally {
    await admin.disconnect();
  }
});

afterAll(async () => {
  await cluster?.stop();
});

describe('clickstream producers', () => {
  it('write codes and users first, then clicks at the rate, pausing between active periods, until aborted', async () => {
    const progress: [string, number][] = [];
    const controller = new AbortController();
    const targets: ScenarioTargets = {
      mode: 'embedded',
      kafkaBootstrap: [cluster.bootstrap()],
      mysqlUrl: 'mysql://unused',
      pinotBrokerList: cluster.bootstrap(),
      connectorMysql: { host: '127.0.0.1', port: 3306, user: 'root', password: '' },
    };
    const started = Date.now();
    const running = scenario.produce({
      config,
      targets,
      rate: RATE,
      population: POPULATION,
      signal: controller.signal,
      progress: (label, done) => progress.push([label, done]),
    });
    // Wait for the clicks of the second active period, then stop.
    await waitFor(
      'the clicks of the second active period',
      () => (progress.some(([label, done]) => label === 'clicks' && done > RATE * 1.2) ? true : undefined),
      20_000,
      50,
    );
    controller.abort();
    await running;
    const stopped = Date.now();

    const firstClick = progress.findIndex(([label]) => label === 'clicks');
    const lastUsers = progress.map(([label]) => label).lastIndexOf('users');
    expect(progress[lastUsers]).toEqual(['users', POPULATION]);
    expect(lastUsers).toBeLessThan(firstClick);

    const kafka = kafkaClient(cluster);
    const codes = await latestByKeyBytes(kafka, settings.topics.codes);
    expect([...codes.latest.values()].map((v) => JSON.parse(v!).code).sort()).toEqual(STATUS_CODES.map((c) => c.code).sort());
    const users = await latestByKeyBytes(kafka, settings.topics.users);
    const generator = new WebUserGenerator(settings.traffic.seed);
    expect(users.count).toBe(POPULATION);
    for (const value of users.latest.values()) {
      const user = JSON.parse(value!) as { user_id: number };
      expect(user).toEqual(generator.user(user.user_id));
    }

    const clicks = (await latestByKeyBytes(kafka, settings.topics.clickstream)).records.map((r) => JSON.parse(r.value!) as { userid: number; _time: number });
    expect(clicks.length).toBeGreaterThan(RATE * 1.2);
    const times = clicks.map((c) => c._time).sort((a, b) => a - b);
    expect(times[0]!).toBeGreaterThanOrEqual(started);
    expect(times.at(-1)!).toBeLessThanOrEqual(stopped);
    for (const click of clicks) expect(click.userid >= 1 && click.userid <= 4).toBe(true);
    // The pause: one gap of about a second between the two active periods, none of that size inside them.
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.filter((g) => g >= 800)).toHaveLength(1);
    // The rate: the first active period holds one second of clicks.
    const firstPeriod = times.filter((t) => t < times[0]! + 1000).length;
    expect(firstPeriod).toBeGreaterThanOrEqual(RATE * 0.8);
    expect(firstPeriod).toBeLessThanOrEqual(RATE * 1.05);
  });
});
