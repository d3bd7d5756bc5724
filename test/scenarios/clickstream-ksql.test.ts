/**
 * The clickstream statements on our ksqlDB server (REST) over our Kafka: a seeded data set in (codes
 * and users through the scenario's producer code, then clicks), every output table and stream read
 * back from its topic and compared with what clickstream-expected.ts computes from the same data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { loadClickstreamConfig } from '../../config/scenarios/clickstream.ts';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { startKsqlDb, type KsqlDbHandle } from '../../embedded/ksqldb/index.ts';
import { clickstreamScenario } from '../../scenarios/clickstream/index.ts';
import { STATUS_CODES } from '../../scenarios/clickstream/generate/values.ts';
import { kafkaClient, startTestCluster } from '../support/kafka.ts';
import { applyStatements, caughtUp, latestByKeyBytes, postJson } from '../ksqldb/pipeline-support.ts';
import { clickstreamDataSet, sendClicks, sendReference, type ClickstreamDataSet } from './clickstream-data.ts';
import { actualKey, expectedClickstream, lines, rowsToMap, type ClickstreamExpectations } from './clickstream-expected.ts';

const config = loadConfig({ KAFKA_BROKERS: '1', KAFKA_PARTITIONS: '2', KAFKA_REPLICATION_FACTOR: '1' });
const settings = loadClickstreamConfig({});
const scenario = clickstreamScenario(settings);
const { topics } = settings;
/** A minute boundary, so the 60 s windows start on it. */
const BASE = Date.UTC(2024, 2, 20, 2, 0, 0);

let cluster: KafkaCluster;
let server: KsqlDbHandle;
let data: ClickstreamDataSet;
let expected: ClickstreamExpectations;

/** The final rows of an output topic (latest value per key, tombstones removing it), parsed. */
async function finalRows(topic: string): Promise<Record<string, unknown>[]> {
  const { latest } = await latestByKeyBytes(kafkaClient(cluster), topic);
  return [...latest.values()].filter((v): v is string => v !== null && v !== '').map((v) => JSON.parse(v) as Record<string, unknown>);
}

async function allRecords(topic: string): Promise<Record<string, unknown>[]> {
  const { records } = await latestByKeyBytes(kafkaClient(cluster), topic);
  return records.map((r) => JSON.parse(r.value!) as Record<string, unknown>);
}

beforeAll(async () => {
  cluster = await startTestCluster({ brokers: 1 });
  server = await startKsqlDb({ port: 0, host: '127.0.0.1', bootstrap: cluster.bootstrap() });
  await applyStatements(server, scenario.ksqlStatements(config));
  // 8 users clicking 5 times a second: about 7 minutes of event time, 4 active periods and 3 pauses;
  // under seed 14, three of those minutes are error bursts.
  data = clickstreamDataSet(settings, { seed: 14, users: 8, clicks: 1600, base: BASE, ratePerSecond: 5 });
  expected = expectedClickstream(data.clicks, data.users, STATUS_CODES, settings);
  const brokers = [cluster.bootstrap()];
  await sendReference(brokers, settings, data);
  await caughtUp(server); // codes and users are in their tables before the first click is joined
  await sendClicks(brokers, settings, data);
  await caughtUp(server, 60_000);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await cluster?.stop();
});

describe('clickstream statements on the embedded ksqlDB', () => {
  it("creates the demo's streams, tables and queries", async () => {
    const r = await postJson(`${server.url}/ksql`, { ksql: 'SHOW STREAMS; SHOW TABLES;' });
    const [streams, tables] = r.json() as [{ streams: { name: string }[] }, { tables: { name: string }[] }];
    expect(
      streams.streams
        .map((s) => s.name)
        .filter((n) => n !== 'KSQL_PROCESSING_LOG')
        .sort(),
    ).toEqual(['CLICKSTREAM', 'ENRICHED_ERROR_CODES', 'USER_CLICKSTREAM']);
    expect(tables.tables.map((t) => t.name).sort()).toEqual([
      'CLICKSTREAM_CODES',
      'CLICK_USER_SESSIONS',
      'ENRICHED_ERROR_CODES_COUNT',
      'ERRORS_PER_MIN',
      'ERRORS_PER_MIN_ALERT',
      'EVENTS_PER_MIN',
      'PAGES_PER_MIN',
      'USER_IP_ACTIVITY',
      'WEB_USERS',
    ]);
  });

  it('enriches every click with its user and its status code', async () => {
    const enriched = await allRecords(topics.userClickstream);
    expect(enriched).toHaveLength(data.clicks.length);
    const users = new Map(data.users.map((u) => [u.username, u]));
    for (const row of enriched) expect(users.get(String(row.USERNAME))?.city).toBe(row.CITY);
    const perUser = (rows: { name: string }[]): string[] =>
      [...rows.reduce((m, r) => m.set(r.name, (m.get(r.name) ?? 0) + 1), new Map<string, number>())].map(([k, n]) => `${k}=${n}`).sort();
    expect(perUser(enriched.map((r) => ({ name: String(r.USERNAME) })))).toEqual(
      perUser(data.clicks.map((c) => ({ name: data.users[c.userid - 1]!.username }))),
    );
    const codes = await allRecords(topics.enrichedErrorCodes);
    expect(codes).toHaveLength(data.clicks.length);
    const definitions = new Map(STATUS_CODES.map((c) => [c.definition, 0]));
    for (const row of codes) definitions.set(String(row.DEFINITION), definitions.get(String(row.DEFINITION))! + 1);
    for (const code of STATUS_CODES) {
      expect(definitions.get(code.definition), code.definition).toBe(data.clicks.filter((c) => Number(c.status) === code.code).length);
    }
  });

  it("counts events and bytes per user per minute (EVENTS_PER_MIN with the seed's sum(bytes))", async () => {
    const got = rowsToMap(await finalRows(topics.eventsPerMin), actualKey.eventsPerMin);
    expect(lines(got)).toEqual(lines(expected.eventsPerMin));
  });

  it('counts html pages per user in hopping windows (PAGES_PER_MIN)', async () => {
    const got = rowsToMap(await finalRows(topics.pagesPerMin), actualKey.pagesPerMin);
    expect(lines(got)).toEqual(lines(expected.pagesPerMin));
  });

  it('alerts on exactly the windows with more than 5 errors of a status (ERRORS_PER_MIN_ALERT)', async () => {
    const quiet = [...expected.errorsPerAlertWindow].filter(([, n]) => n <= settings.thresholds.errorAlert);
    expect(quiet.length, 'windows with errors under the threshold').toBeGreaterThan(0);
    expect(expected.errorsPerMinAlert.size, 'windows over the threshold').toBeGreaterThan(0);
    const got = rowsToMap(await finalRows(topics.errorsPerMinAlert), actualKey.errors);
    expect(lines(got)).toEqual(lines(expected.errorsPerMinAlert));
    for (const [window] of quiet) expect(got.has(window), window).toBe(false);
  });

  it('counts errors per status in hopping windows (ERRORS_PER_MIN)', async () => {
    const got = rowsToMap(await finalRows(topics.errorsPerMin), actualKey.errors);
    expect(lines(got)).toEqual(lines(expected.errorsPerMin));
  });

  it('counts status codes with their definitions (ENRICHED_ERROR_CODES_COUNT)', async () => {
    const got = rowsToMap(await finalRows(topics.enrichedErrorCodesCount), actualKey.enrichedErrorCodesCount);
    expect(lines(got)).toEqual(lines(expected.enrichedErrorCodesCount));
  });

  it('maps users to their addresses and city (USER_IP_ACTIVITY)', async () => {
    const got = rowsToMap(await finalRows(topics.userIpActivity), actualKey.userIpActivity);
    expect(lines(got)).toEqual(lines(expected.userIpActivity));
  });

  it("splits each user's clicks into sessions at 30 s of inactivity, with events and bytes (CLICK_USER_SESSIONS)", async () => {
    // Every pause is longer than the gap: each user has a session per active period.
    const perUser = new Map<string, number>();
    for (const key of expected.clickUserSessions.keys()) perUser.set(key.split('@')[0]!, (perUser.get(key.split('@')[0]!) ?? 0) + 1);
    expect([...perUser.values()].every((n) => n >= 4)).toBe(true);
    const got = rowsToMap(await finalRows(topics.clickUserSessions), actualKey.clickUserSessions);
    expect(lines(got)).toEqual(lines(expected.clickUserSessions));
  });
});
