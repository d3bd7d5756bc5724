/**
 * The whole embedded stack end to end: seeded users into MySQL and page views into Kafka; the
 * numbers Pinot and the dashboard report must equal aggregates computed here from the same data.
 * Then the same data again with the stack stopped halfway and restarted: the same final numbers.
 */
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadConfig, type AppConfig } from '../../config/index.ts';
import { startEmbeddedStack, type EmbeddedStack } from '../../stack/embedded-stack.ts';
import { createTestDatabase } from '../support/mariadb.ts';
import { run, tempDir, waitFor } from '../support/kafka.ts';
import { expectCountriesEqual, loadUsersThroughJoin } from './pipeline-checks.ts';
import { expectedCountries, expectedTumbling, generatePageViews, pinotRows, sendPageViews, type CountryAggregate, type UserRow } from './pipeline-data.ts';

const USERS = 200;
const VIEWS = 2000;
const TUMBLING_MS = 60_000;
const BASE = Math.floor(Date.now() / TUMBLING_MS) * TUMBLING_MS - 10 * TUMBLING_MS;

async function stackConfig(label: string): Promise<AppConfig> {
  const db = await createTestDatabase(inject('mysqlUrl'), label);
  return loadConfig({ MYSQL_URL: inject('mysqlUrl'), MYSQL_DATABASE: db.name, DASHBOARD_POLL_MS: '300', PRODUCER_NULL_RATE: '0.2' });
}

function loadUsers(stack: EmbeddedStack, config: AppConfig): Promise<UserRow[]> {
  return loadUsersThroughJoin(stack, config, USERS, 11);
}

async function countriesInPinot(stack: EmbeddedStack): Promise<Map<string, CountryAggregate>> {
  const rows = await pinotRows(stack.pinot.brokerUrl, 'SELECT country, avg_age, user_count, view_count, last_event_ts FROM pageview_country LIMIT 1000');
  return new Map(rows.map((r) => [String(r.country), r as unknown as CountryAggregate]));
}

async function waitForViews(stack: EmbeddedStack, expected: number): Promise<void> {
  await waitFor(
    `${expected} joined page views counted in Pinot`,
    async () => {
      const total = [...(await countriesInPinot(stack)).values()].reduce((n, c) => n + Number(c.view_count), 0);
      return total === expected ? true : undefined;
    },
    120_000,
    500,
  );
}

describe('embedded stack end to end', () => {
  const stacks: EmbeddedStack[] = [];
  afterAll(async () => {
    for (const stack of stacks) await stack.stop();
  });

  it('reports in Pinot, the dashboard and ksqlDB exactly what the produced data implies', async () => {
    const config = await stackConfig('e2e');
    const stack = await startEmbeddedStack({ config, dataDir: tempDir('stack-e2e'), freePorts: true });
    stacks.push(stack);
    expect(stack.bootstrapSteps.every((s) => s.status === 'created')).toBe(true);

    const users = await loadUsers(stack, config);
    const views = generatePageViews(users, VIEWS, 12, BASE, 150);
    await sendPageViews(stack.targets.kafkaBootstrap, config.topics.pageview, views);

    const countries = expectedCountries(users, views);
    const joined = [...countries.values()].reduce((n, c) => n + c.view_count, 0);
    expect(joined).toBeGreaterThan(VIEWS / 4); // each of four columns is NULL with probability 0.2
    await waitForViews(stack, joined);
    expectCountriesEqual(await countriesInPinot(stack), countries);

    const tumbling = expectedTumbling(views, TUMBLING_MS);
    await waitFor(
      'every tumbling window in Pinot',
      async () => {
        const rows = await pinotRows(stack.pinot.brokerUrl, 'SELECT source, window_start, user_count, view_count FROM pageview_tumbling LIMIT 10000');
        const got = new Map(rows.map((r) => [`${r.source}@${r.window_start}`, r]));
        const same = [...tumbling].every(
          ([key, want]) => Number(got.get(key)?.view_count) === want.view_count && Number(got.get(key)?.user_count) === want.user_count,
        );
        return same && got.size === tumbling.size ? true : undefined;
      },
      60_000,
      500,
    );

    const snapshot = await waitFor(
      'the dashboard snapshot to show every view',
      async () => {
        const body = (await (await fetch(`${stack.dashboard.url}/api/snapshot`)).json()) as { headline?: { totalViews: number; countries: number } };
        return body.headline?.totalViews === joined ? body : undefined;
      },
      30_000,
      300,
    );
    expect(snapshot.headline!.countries).toBe(countries.size);

    const verify = await run(path.resolve('node_modules/.bin/tsx'), ['stack/verify.ts', '--url', stack.ksqldb.url, '--wait-ms', '4000'], undefined, 60_000);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('every table of topics 4-8 has rows');

    const listed = await run('kcat', ['-b', stack.targets.kafkaBootstrap[0], '-L']);
    expect(listed.stdout).toMatch(/3 brokers:/);

    // A second bootstrap finds everything in place and changes nothing.
    const { bootstrap } = await import('../../stack/bootstrap.ts');
    const again = await bootstrap(config, stack.targets);
    expect(again.filter((s) => s.status === 'created')).toEqual([]);
  });

  it('stopped halfway and restarted, ends with the same numbers as an uninterrupted run', async () => {
    const config = await stackConfig('restart');
    const dataDir = tempDir('stack-restart');
    let stack = await startEmbeddedStack({ config, dataDir, freePorts: true });
    const users = await loadUsers(stack, config);
    const views = generatePageViews(users, VIEWS, 12, BASE, 150);
    await sendPageViews(stack.targets.kafkaBootstrap, config.topics.pageview, views.slice(0, VIEWS / 2));
    // stopped mid-stream: once the first views are counted in Pinot, while the rest may be anywhere
    await waitFor(
      'the first views counted in Pinot',
      async () => ([...(await countriesInPinot(stack)).values()].some((c) => Number(c.view_count) > 0) ? true : undefined),
      60_000,
      100,
    );
    await stack.stop();

    stack = await startEmbeddedStack({ config, dataDir, freePorts: true });
    stacks.push(stack);
    expect(stack.bootstrapSteps.every((s) => s.status === 'exists')).toBe(true);
    await sendPageViews(stack.targets.kafkaBootstrap, config.topics.pageview, views.slice(VIEWS / 2));

    const countries = expectedCountries(users, views);
    await waitForViews(
      stack,
      [...countries.values()].reduce((n, c) => n + c.view_count, 0),
    );
    expectCountriesEqual(await countriesInPinot(stack), countries);
  });
});
