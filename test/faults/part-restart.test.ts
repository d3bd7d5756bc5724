/**
 * Failure isolation (issue #18): ksqlDB's thread, then Connect's, is ended as a crash would end it
 * (worker.terminate()), then Pinot's process is killed (SIGKILL), while data streams through the embedded
 * stack. Throughout, Kafka and every other part and the dashboard keep answering; the dashboard's health strip shows the part down or
 * restarting, then up; the supervisor brings it back on its port. ksqlDB: SHOW QUERIES lists the same
 * persistent queries, and Pinot's pageview_country (fed by topic5) ends equal to the aggregates computed
 * here from every view produced before, during and after the restart. Connect: its JDBC task resumes,
 * topic3 holds every MySQL row exactly once. Pinot: back on its ports, its pageview_country again equal to
 * the aggregates of every view sent. Nothing lost, nothing counted twice.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig, type AppConfig } from '../../config/index.ts';
import { produceUsers } from '../../producers/index.ts';
import { startEmbeddedStack, topicEndOffset, type EmbeddedStack } from '../../stack/embedded-stack.ts';
import mysql from 'mysql2/promise';
import { createTestDatabase } from '../support/mariadb.ts';
import { recordsThroughMarker } from '../connect/helpers.ts';
import { tempDir, waitFor } from '../support/kafka.ts';
import { expectCountriesEqual, loadUsersThroughJoin } from '../stack/pipeline-checks.ts';
import { expectedCountries, generatePageViews, pinotRows, readUsers, sendPageViews, type CountryAggregate, type UserRow } from '../stack/pipeline-data.ts';

const USERS = 150;
const BASE = Date.now() - 3_600_000;

async function showQueries(url: string): Promise<string[]> {
  const response = await fetch(`${url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.ksql.v1+json' },
    body: JSON.stringify({ ksql: 'SHOW QUERIES;' }),
  });
  const body = (await response.json()) as { queries?: { id: string; queryType?: string }[] }[];
  return (body[0]?.queries ?? [])
    .filter((q) => q.queryType !== 'PUSH')
    .map((q) => q.id)
    .sort();
}

async function countries(stack: EmbeddedStack): Promise<Map<string, CountryAggregate>> {
  const rows = await pinotRows(stack.pinot.brokerUrl, 'SELECT country, avg_age, user_count, view_count, last_event_ts FROM pageview_country LIMIT 1000');
  return new Map(rows.map((r) => [String(r.country), r as unknown as CountryAggregate]));
}

/** A Kafka ApiVersions round trip on a fresh connection: the broker's listener and loop answer. */
function kafkaAnswers(bootstrap: string): Promise<void> {
  const [host, port] = bootstrap.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: Number(port) });
    const timer = setTimeout(() => socket.destroy(new Error('no ApiVersions answer within 2 s')), 2_000);
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.once('connect', () => {
      const body = Buffer.from([0, 18, 0, 0, 0, 0, 0, 7, 0, 1, 0x74]);
      const size = Buffer.alloc(4);
      size.writeInt32BE(body.length);
      socket.write(Buffer.concat([size, body]));
    });
    socket.once('data', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
  });
}

type Part = 'ksqlDB' | 'Connect' | 'Pinot';

/**
 * Every 100 ms: Kafka, the dashboard's health and whichever of Pinot, ksqlDB and Connect is not being
 * killed; what failed, and what the health strip said of the part being killed.
 */
function watchOthers(stack: EmbeddedStack, killed: Part) {
  const failures: string[] = [];
  const seen: string[] = [];
  let running = true;
  const probes = async (): Promise<void> => {
    while (running) {
      const started = Date.now();
      await Promise.all([
        kafkaAnswers(stack.targets.kafkaBootstrap[0]!).catch((e: Error) => failures.push(`Kafka: ${e.message}`)),
        killed === 'Pinot'
          ? undefined
          : pinotRows(stack.pinot.brokerUrl, 'SELECT COUNT(*) FROM pageview_country').then(
              (rows) => {
                if (rows.length !== 1) failures.push('Pinot: no answer row');
              },
              (e: Error) => failures.push(`Pinot: ${e.message}`),
            ),
        killed === 'Connect'
          ? undefined
          : fetch(`${stack.connect.url}/connectors`, { signal: AbortSignal.timeout(2_000) }).then(
              (r) => {
                if (r.status !== 200) failures.push(`Connect: HTTP ${r.status}`);
              },
              (e: Error) => failures.push(`Connect: ${e.message}`),
            ),
        killed === 'ksqlDB'
          ? undefined
          : showQueries(stack.ksqldb.url).then(
              (queries) => {
                if (queries.length === 0) failures.push('ksqlDB: no queries');
              },
              (e: Error) => failures.push(`ksqlDB: ${e.message}`),
            ),
        fetch(`${stack.dashboard.url}/api/health`, { signal: AbortSignal.timeout(2_000) }).then(
          async (r) => {
            const body = (await r.json()) as { components?: { name: string; status: string }[] };
            const status = body.components?.find((c) => c.name === killed)?.status;
            if (status && seen.at(-1) !== status) seen.push(status);
          },
          (e: Error) => failures.push(`dashboard: ${e.message}`),
        ),
      ]);
      await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - started))));
    }
  };
  const done = probes();
  return {
    failures,
    seen,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

async function joinedInPinot(stack: EmbeddedStack): Promise<number> {
  return [...(await countries(stack)).values()].reduce((n, c) => n + Number(c.view_count), 0);
}

describe('a part of the stack dies, the rest keeps serving', () => {
  let stack: EmbeddedStack;
  let users: UserRow[];
  let config: AppConfig;
  const views = () => generatePageViews(users, 3000, 21, BASE, 200);

  beforeAll(async () => {
    const db = await createTestDatabase(inject('mysqlUrl'), 'part_restart');
    config = loadConfig({
      MYSQL_URL: inject('mysqlUrl'),
      MYSQL_DATABASE: db.name,
      DASHBOARD_POLL_MS: '300',
      PRODUCER_NULL_RATE: '0.2',
      SUPERVISOR_BACKOFF_MS: '300',
    });
    stack = await startEmbeddedStack({ config, dataDir: tempDir('part-restart'), freePorts: true });
    users = await loadUsersThroughJoin(stack, config, USERS, 5);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it("ksqlDB's thread ended mid-stream comes back on its port and counts every view once", async () => {
    const s = stack;
    const [before, during, after] = [views().slice(0, 1000), views().slice(1000, 2000), views().slice(2000, 3000)];
    await sendPageViews(s.targets.kafkaBootstrap, config.topics.pageview, before);
    const joinedBefore = [...expectedCountries(users, before).values()].reduce((n, c) => n + c.view_count, 0);
    await waitFor('the first views counted in Pinot', async () => ((await joinedInPinot(s)) === joinedBefore ? true : undefined), 60_000, 300);
    const queries = await showQueries(s.ksqldb.url);
    expect(queries.length).toBeGreaterThanOrEqual(5);

    const watch = watchOthers(s, 'ksqlDB');
    // views in flight through ksqlDB when its thread ends: it ends once the first of them are in Kafka
    const viewsBefore = await topicEndOffset(s.targets.kafkaBootstrap, config.topics.pageview);
    const sending = sendPageViews(s.targets.kafkaBootstrap, config.topics.pageview, during);
    await waitFor(
      'the first of the views in Kafka',
      async () => ((await topicEndOffset(s.targets.kafkaBootstrap, config.topics.pageview)) > viewsBefore ? true : undefined),
      20_000,
      10,
    );
    const killedAt = Date.now();
    await s.ksqldb.part.kill();
    expect(s.supervisor.status('ksqlDB')).toMatchObject({ state: 'down', restarts: 0 });
    await sending;

    // within the dead thread's group session (30 s): the new thread ends that membership before it joins
    await waitFor('ksqlDB up again', () => (s.supervisor.status('ksqlDB')?.state === 'up' ? true : undefined), 20_000, 50);
    const backInMs = Date.now() - killedAt;
    expect(s.supervisor.status('ksqlDB')).toMatchObject({ state: 'up', restarts: 1 });
    expect(s.ksqldb.part.info().url).toBe(s.ksqldb.url);
    expect(await showQueries(s.ksqldb.url)).toEqual(queries);
    await sendPageViews(s.targets.kafkaBootstrap, config.topics.pageview, after);

    const sent = [...before, ...during, ...after];
    const expected = expectedCountries(users, sent);
    const joined = [...expected.values()].reduce((n, c) => n + c.view_count, 0);
    await waitFor(
      `${joined} joined views counted in Pinot after the restart`,
      async () => ((await joinedInPinot(s)) === joined ? true : undefined),
      90_000,
      300,
    );
    await waitFor('the dashboard strip to show ksqlDB up', () => (watch.seen.at(-1) === 'up' ? true : undefined), 10_000, 100);
    await watch.stop();

    expectCountriesEqual(await countries(s), expected);
    expect(watch.failures).toEqual([]);
    // the strip went from up to down or restarting and back to up
    expect(watch.seen[0]).toBe('up');
    expect(watch.seen.some((status) => status === 'down' || status === 'restarting')).toBe(true);
    expect(watch.seen.at(-1)).toBe('up');
    console.log(`ksqlDB back on its port ${backInMs} ms after its thread ended; the strip showed ${watch.seen.join(' -> ')}`);
  }, 240_000);

  it("Connect's thread ended while users stream in comes back on its port, its task resuming with no gap and no duplicate", async () => {
    const s = stack;
    const topicUsers = () => topicEndOffset(s.targets.kafkaBootstrap, config.topics.users);
    const watch = watchOthers(s, 'Connect');
    // users written to MySQL while the source task polls, and while Connect is down: its thread ends once
    // the first of them are in MySQL
    const rowsBefore = (await readUsers(s.mysql.url, config)).length;
    const adding = produceUsers({ count: 300, seed: 6, url: s.mysql.url, database: config.mysql.database, config, batchSize: 20, rate: 200 });
    await waitFor(
      'the first of the new users in MySQL',
      async () => ((await readUsers(s.mysql.url, config)).length > rowsBefore ? true : undefined),
      20_000,
      10,
    );
    const killedAt = Date.now();
    await s.connect.part.kill();
    expect(s.supervisor.status('Connect')).toMatchObject({ state: 'down' });
    await adding;
    await waitFor('Connect up again', () => (s.supervisor.status('Connect')?.state === 'up' ? true : undefined), 30_000, 50);
    const backInMs = Date.now() - killedAt;
    expect(s.connect.part.info().url).toBe(s.connect.url);
    await produceUsers({ count: 50, seed: 7, url: s.mysql.url, database: config.mysql.database, config });

    const rows = (await readUsers(s.mysql.url, config)).length;
    await waitFor(`${rows} users on topic3`, async () => ((await topicUsers()) >= rows ? true : undefined), 60_000, 250);
    const status = (await (await fetch(`${s.connect.url}/connectors?expand=status`)).json()) as Record<
      string,
      { status: { connector: { state: string }; tasks: { state: string }[] } }
    >;
    const connector = Object.values(status)[0]!.status;
    expect(connector.connector.state).toBe('RUNNING');
    expect(connector.tasks.map((t) => t.state)).toEqual(['RUNNING']);
    await waitFor('the dashboard strip to show Connect up', () => (watch.seen.at(-1) === 'up' ? true : undefined), 10_000, 100);
    await watch.stop();

    // one more row as a marker: once it is on topic3, every row before it is (and a duplicate would be)
    const pool = mysql.createPool({ uri: s.mysql.url, database: config.mysql.database, connectionLimit: 1 });
    const records = await recordsThroughMarker(s.kafka, config.topics.users, pool).finally(() => pool.end());
    expect(records.length).toBe(rows + 1); // every row once: none skipped, none written twice
    expect(new Set(records.map((r) => r.key)).size).toBe(rows + 1);
    expect(watch.failures).toEqual([]);
    expect(watch.seen[0]).toBe('up');
    expect(watch.seen.some((st) => st === 'down' || st === 'restarting')).toBe(true);
    console.log(`Connect back on its port ${backInMs} ms after its thread ended; the strip showed ${watch.seen.join(' -> ')}`);
  }, 240_000);

  it("Pinot's process killed mid-ingestion comes back on its ports with every view counted once", async () => {
    const s = stack;
    const more = generatePageViews(users, 2000, 22, BASE + 600_000, 200);
    const sentBefore = views();
    const watch = watchOthers(s, 'Pinot');
    const pid = s.pinot.part.pid();
    expect(pid).toBeGreaterThan(0);
    expect(pid).not.toBe(process.pid);
    // killed mid-ingestion: once the first of these views are in Kafka
    const viewsBefore = await topicEndOffset(s.targets.kafkaBootstrap, config.topics.pageview);
    const sending = sendPageViews(s.targets.kafkaBootstrap, config.topics.pageview, more.slice(0, 1000));
    await waitFor(
      'the first of the views in Kafka',
      async () => ((await topicEndOffset(s.targets.kafkaBootstrap, config.topics.pageview)) > viewsBefore ? true : undefined),
      20_000,
      10,
    );
    const killedAt = Date.now();
    process.kill(pid!, 'SIGKILL');
    await waitFor('the supervisor seeing Pinot down', () => (s.supervisor.status('Pinot')?.state !== 'up' ? true : undefined), 10_000, 20);
    await sending;
    await waitFor('Pinot up again', () => (s.supervisor.status('Pinot')?.state === 'up' ? true : undefined), 60_000, 50);
    const backInMs = Date.now() - killedAt;
    expect(s.supervisor.status('Pinot')).toMatchObject({ state: 'up', restarts: 1 });
    expect(s.supervisor.status('Pinot')?.cause).toMatch(/process ended by SIGKILL/);
    expect(s.pinot.part.pid()).not.toBe(pid);
    expect(s.pinot.part.info().brokerUrl).toBe(s.pinot.brokerUrl);
    await sendPageViews(s.targets.kafkaBootstrap, config.topics.pageview, more.slice(1000));

    const expected = expectedCountries(users, [...sentBefore, ...more]);
    const joined = [...expected.values()].reduce((n, c) => n + c.view_count, 0);
    await waitFor(
      `${joined} joined views counted in Pinot after its restart`,
      async () => ((await joinedInPinot(s)) === joined ? true : undefined),
      90_000,
      300,
    );
    await waitFor('the dashboard strip to show Pinot up', () => (watch.seen.at(-1) === 'up' ? true : undefined), 10_000, 100);
    await watch.stop();

    expectCountriesEqual(await countries(s), expected);
    expect(watch.failures).toEqual([]);
    expect(watch.seen[0]).toBe('up');
    expect(watch.seen.some((st) => st === 'down' || st === 'restarting')).toBe(true);
    console.log(`Pinot back on its ports ${backInMs} ms after its process was killed; the strip showed ${watch.seen.join(' -> ')}`);
  }, 240_000);
});
