/**
 * The stay-categories scenario end to end on the embedded stack: the shared bootstrap creates its
 * topic, statements and Pinot tables; a seeded batch of hotel searches goes in, then a second batch
 * over the same hotels that moves their counts; Pinot must hold exactly the per-category totals and
 * the categories over time computed here from the generated dates, /api/scenario must serve every
 * panel with those rows, and in headless Chromium every panel must reach data-state="ok".
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, waitForPanelsOk, watchedPage } from '../support/browser.ts';
import { loadConfig, type AppConfig } from '../../config/index.ts';
import { loadStayCategoriesConfig } from '../../config/scenarios/stay-categories.ts';
import type { HotelSearch, SearchGenerator } from '../../scenarios/stay-categories/generate/searches.ts';
import { stayCategoriesDashboard } from '../../scenarios/stay-categories/dashboard.ts';
import { stayCategoriesScenario } from '../../scenarios/stay-categories/index.ts';
import { bootstrap } from '../../stack/bootstrap.ts';
import { startEmbeddedStack, type EmbeddedStack } from '../../stack/embedded-stack.ts';
import { eventually, tempDir, waitFor } from '../support/kafka.ts';
import { pinotRows } from '../stack/pipeline-data.ts';
import { expectedStays, lines, searchGenerator, sendSearches } from './stay-categories-data.ts';

const settings = loadStayCategoriesConfig({});
const scenario = stayCategoriesScenario(settings);
/** Forty minutes ago, on a minute boundary: recent enough for the tables' retention, windows start on it. */
const BASE = Math.floor(Date.now() / 60_000) * 60_000 - 40 * 60_000;

let config: AppConfig;
let stack: EmbeddedStack;
let generator: SearchGenerator;
const sent: HotelSearch[] = [];
let browser: Browser | undefined;

async function pinotMatches(sql: string, key: (r: Record<string, unknown>) => [string, string], want: Map<string, string>): Promise<void> {
  let last = new Map<string, string>();
  try {
    await waitFor(
      `Pinot: ${sql}`,
      async () => {
        last = new Map((await pinotRows(stack.pinot.brokerUrl, sql)).map(key));
        return lines(last).join('\n') === lines(want).join('\n') ? true : undefined;
      },
      90_000,
      500,
    );
  } finally {
    expect(lines(last)).toEqual(lines(want)); // on a timeout, the difference
  }
}

const totals = (): Promise<void> =>
  pinotMatches(
    'SELECT stay_category, count_distinct, count_all FROM stay_counts LIMIT 100',
    (r) => [String(r.stay_category), `hotels=${String(r.count_distinct)} stays=${String(r.count_all)}`],
    expectedStays(sent, settings.windowSeconds).perCategory,
  );

async function send(searches: HotelSearch[]): Promise<void> {
  sent.push(...searches);
  await sendSearches(stack.targets.kafkaBootstrap, settings.topics.expedia, searches);
}

beforeAll(async () => {
  config = loadConfig({ MYSQL_URL: inject('mysqlUrl'), DASHBOARD_POLL_MS: '300' });
  stack = await startEmbeddedStack({ config, dataDir: tempDir('stay-categories-e2e'), freePorts: true, scenario });
  // 40 hotels, a search every 2 s: 30 minutes of event time, 10 % with bad stay dates.
  generator = searchGenerator({ seed: 12, hotels: 40, invalidShare: 0.1, base: BASE, intervalMs: 2000 });
  await send(generator.take(900));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('stay-categories on the embedded stack', () => {
  it("bootstraps the scenario's topic, statements and Pinot tables", () => {
    const items = stack.bootstrapSteps.map((s) => s.item);
    expect(stack.bootstrapSteps.every((s) => s.status === 'created')).toBe(true);
    for (const name of [
      'topic expedia',
      'ksql stream EXPEDIA_EXT',
      'ksql table HOTEL_STAY_CAT_COUNTS',
      'ksql table STAY_COUNTS',
      'Pinot table stay_counts',
      'Pinot table stay_categories_per_window',
    ]) {
      expect(items).toContain(name);
    }
  });

  it('has the distinct hotels and stays per category in Pinot', async () => {
    await totals();
  });

  it('has the searches and hotels per category per window in Pinot', async () => {
    await pinotMatches(
      'SELECT stay_category, event_ts, searches, hotels FROM stay_categories_per_window LIMIT 10000',
      (r) => [`${String(r.stay_category)}@${String(r.event_ts)}`, `searches=${String(r.searches)} hotels=${String(r.hotels)}`],
      expectedStays(sent, settings.windowSeconds).perWindow,
    );
  });

  it("follows a second batch that moves hotels' counts: Pinot upserts the new totals", async () => {
    const before = expectedStays(sent, settings.windowSeconds);
    await send(generator.take(300));
    const after = expectedStays(sent, settings.windowSeconds);
    expect(lines(after.perCategory)).not.toEqual(lines(before.perCategory));
    await totals();
  });

  it("upgrades the seed's CREATE OR REPLACE tables in place when they are sent again; a second bootstrap changes nothing", async () => {
    const replace = scenario.ksqlStatements(config).filter((st) => /^\s*CREATE OR REPLACE TABLE/i.test(st));
    expect(replace).toHaveLength(2);
    for (const ksql of replace) {
      const r = await fetch(`${stack.ksqldb.url}/ksql`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.ksql.v1+json' },
        body: JSON.stringify({ ksql, streamsProperties: {} }),
      });
      expect(r.status, await r.clone().text()).toBe(200);
      const [entity] = (await r.json()) as { commandStatus: { queryId: string } }[];
      expect(entity!.commandStatus.queryId).toMatch(/^CTAS_(HOTEL_STAY_CAT_COUNTS|STAY_COUNTS)_\d+$/);
    }
    const queries = await fetch(`${stack.ksqldb.url}/ksql`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.ksql.v1+json' },
      body: JSON.stringify({ ksql: 'SHOW QUERIES;', streamsProperties: {} }),
    });
    const [listed] = (await queries.json()) as { queries: { id: string }[] }[];
    expect(listed!.queries.filter((q) => /STAY_COUNTS|HOTEL_STAY_CAT_COUNTS/.test(q.id))).toHaveLength(2);
    const again = await bootstrap(config, stack.targets, { scenario });
    expect(again.filter((step) => step.status !== 'exists')).toEqual([]);
    await send(generator.take(100));
    await totals(); // one writer per table: nothing counted twice
  });

  it('serves every panel with the totals at /api/scenario', async () => {
    const expected = expectedStays(sent, settings.windowSeconds);
    type Body = { title: string; panels: { id: string; state: string; rows: Record<string, unknown>[] }[] };
    // Pinot ingests each table on its own: check everything in one answer, until one has it all.
    await eventually(async () => {
      const body = (await (await fetch(`${stack.dashboard.url}/api/scenario`)).json()) as Body;
      expect(body.panels.map((p) => [p.id, p.state]).filter(([, state]) => state !== 'ok')).toEqual([]);
      expect(body.title).toBe('Hotel stay categories');
      const byId = new Map(body.panels.map((p) => [p.id, p]));
      const perCategory = (id: string, column: string): Map<string, string> =>
        new Map(byId.get(id)!.rows.map((r) => [String(r.stay_category), String(r[column])]));
      const want = (pattern: RegExp): Map<string, string> => new Map([...expected.perCategory].map(([c, v]) => [c, pattern.exec(v)![1]!]));
      expect(lines(perCategory('stays-per-category', 'count_all'))).toEqual(lines(want(/stays=(\d+)/)));
      expect(lines(perCategory('hotels-per-category', 'count_distinct'))).toEqual(lines(want(/hotels=(\d+)/)));
      expect(Number(byId.get('erroneous-searches')!.rows[0]!.searches)).toBe(Number(/stays=(\d+)/.exec(expected.perCategory.get('Erroneous data')!)![1]));
      const overTime = byId.get('categories-over-time')!.rows;
      expect(overTime).toHaveLength(expected.perWindow.size);
      expect(overTime.reduce((n, r) => n + Number(r.searches), 0)).toBe(sent.length);
    });
  });

  it('draws every panel in headless Chromium with data', async () => {
    browser = await launchChromium();
    const { page, problems: errors } = await watchedPage(browser);
    await page.goto(stack.dashboard.url);
    const panelIds = stayCategoriesDashboard(settings).panels.map((p) => p.id);
    const states = await waitForPanelsOk(page, panelIds);
    expect(Object.keys(states).sort()).toEqual([...panelIds].sort());
    expect((await page.textContent('[data-panel="total-searches"] .stat-value'))!.replace(/\D/g, '')).toBe(String(sent.length));
    const expected = expectedStays(sent, settings.windowSeconds).perCategory;
    const rows = await page
      .locator('[data-panel="category-totals"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    expect(
      lines(new Map(rows.map(([category, hotels, searches]) => [category!, `hotels=${hotels!.replace(/\D/g, '')} stays=${searches!.replace(/\D/g, '')}`]))),
    ).toEqual(lines(expected));
    const charts = await page.evaluate(() => Object.keys((window as unknown as { scenarioCharts?: Record<string, unknown> }).scenarioCharts ?? {}).sort());
    expect(charts).toEqual(['categories-over-time', 'hotels-per-category', 'stays-per-category']);
    expect(errors).toEqual([]);
  });
});
