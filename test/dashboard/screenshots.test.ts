/**
 * Every dashboard page with data, in headless Chromium at a desktop (1400x1000) and a phone (390x844)
 * viewport: the PageView page and each scenario's page, each served by its own dashboard over one
 * embedded Kafka + Pinot that holds every scenario's tables, filled with rows shaped like the ksql
 * outputs (many users, long names, the clickstream's pause rhythm). Cheaper than running each
 * pipeline: no ksqlDB, no MySQL, one Pinot.
 *
 * Screenshots go to test/dashboard/artifacts/screenshots/ (git-ignored) for people to look at; the
 * assertions check what a look would: no horizontal scrolling, no panel content wider than its panel,
 * tables that fit at desktop width, legends of at most a dozen entries, stat cards side by side.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type DashboardHandle, type HealthTarget } from '../../dashboard/index.ts';
import { getScenario, scenarioNames } from '../../scenarios/index.ts';
import { WebUserGenerator } from '../../scenarios/clickstream/generate/users.ts';
import { STATUS_CODES, CITIES } from '../../scenarios/clickstream/generate/values.ts';
import { loadClickstreamConfig } from '../../config/scenarios/clickstream.ts';
import { Rng } from '../../producers/generate/random.ts';
import { launchChromium, waitForChartsSettled, waitForPanelsOk, watchedPage } from '../support/browser.ts';
import { countryRow, startPinotStack, waitFor, windowRow, type PinotStack } from './helpers.ts';

const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts', 'screenshots');
const MINUTE = 60_000;
/**
 * Minutes of event time, ending on the last whole minute: 18 is a range where Chart.js's own tick
 * count put six time labels over each other on a phone's axis.
 */
const SPAN_MINUTES = 18;
const END = Math.floor(Date.now() / MINUTE) * MINUTE;
const START = END - SPAN_MINUTES * MINUTE;
const VIEWPORTS = { desktop: { width: 1400, height: 1000 }, phone: { width: 390, height: 844 } } as const;

type Row = Record<string, unknown>;

// ---------------------------------------------------------------------------------------- the rows

/** The PageView tables: countries with long names, three sources over the span in windows. */
function pageviewRows(rng: Rng): Record<string, Row[]> {
  const countries = [
    'United Kingdom of Great Britain and Northern Ireland',
    'South Georgia and the South Sandwich Islands',
    'Democratic Republic of the Congo',
    'Saint Vincent and the Grenadines',
    "Lao People's Democratic Republic",
    'Bosnia and Herzegovina',
    'Chile',
    'France',
    'Japan',
    'Peru',
    'Heard Island and McDonald Islands',
    'Kenya',
    'Norway',
    'India',
  ];
  const windows = (step: number, length: number): Row[] =>
    ['Homepage', 'Inbox', 'External'].flatMap((source, s) =>
      Array.from({ length: SPAN_MINUTES }, (_, w) =>
        windowRow(source, START + w * step, START + w * step + length, 5 + s * 3 + rng.int(0, 6), 20 + rng.int(0, 30)),
      ),
    );
  return {
    pageview_country: countries.map((c, i) => countryRow(c, 80 - i * 5, 20 + rng.int(0, 40) + rng.int(0, 9) / 10, (80 - i * 5) * 3)),
    pageview_tumbling: windows(MINUTE, MINUTE),
    pageview_hopping: windows(MINUTE / 2, 2 * MINUTE),
    pageview_session: windows(90_000, 60_000),
  };
}

/** The clickstream's tables for 30 users whose clicks follow the generator's 90 s on / 35 s off rhythm. */
function clickstreamRows(rng: Rng): Record<string, Row[]> {
  const settings = loadClickstreamConfig({});
  const { traffic } = settings;
  const cycle = (traffic.activeSeconds + traffic.pauseSeconds) * 1000;
  const users = new WebUserGenerator(traffic.seed).users(30);
  const activeMsIn = (from: number, to: number): number => {
    let active = 0;
    for (let t = from; t < to; t += 1000) if ((t - START) % cycle < traffic.activeSeconds * 1000) active += 1000;
    return active;
  };
  const minutes = Array.from({ length: SPAN_MINUTES }, (_, m) => START + m * MINUTE);
  const perUserMinute = users
    .flatMap((u) => minutes.map((ts) => ({ userid: u.user_id, event_ts: ts, events: Math.round(activeMsIn(ts, ts + MINUTE) / 1000 / (3 + rng.int(0, 4))) })))
    .filter((r) => r.events > 0);
  const sessions = users.flatMap((u) =>
    Array.from({ length: Math.floor((SPAN_MINUTES * MINUTE) / cycle) }, (_, c) => {
      const start = START + c * cycle + rng.int(0, 5000);
      const events = rng.int(5, 40);
      return {
        username: u.username,
        session_start: start,
        event_ts: START + c * cycle + traffic.activeSeconds * 1000 - rng.int(0, 5000),
        events,
        bytes: events * rng.int(1000, 6000),
      };
    }),
  );
  const errorCodes = STATUS_CODES.filter((c) => c.code > 400);
  const errors = minutes.flatMap((ts, m) => errorCodes.map((c) => ({ status: c.code, event_ts: ts, errors: m % 7 === 3 ? rng.int(6, 20) : rng.int(0, 3) })));
  return {
    events_per_min: perUserMinute.map((r) => ({ ...r, bytes: r.events * rng.int(1000, 5000) })),
    pages_per_min: perUserMinute.map((r) => ({ userid: r.userid, event_ts: r.event_ts, pages: Math.ceil(r.events / 3) })),
    click_user_sessions: sessions,
    errors_per_min: errors,
    errors_per_min_alert: errors.filter((r) => r.errors > settings.thresholds.errorAlert),
    enriched_error_codes_count: minutes.flatMap((ts) =>
      STATUS_CODES.map((c) => ({ code: c.code, definition: c.definition, event_ts: ts, count: rng.int(1, 40) })),
    ),
    user_ip_activity: users.flatMap((u, i) =>
      minutes
        .filter((_, m) => (m + i) % 4 === 0)
        .map((ts) => ({
          username: u.username,
          ip: `${111 + (i % 4) * 11}.${rng.int(1, 254)}.${i}.${rng.int(1, 254)}`,
          city: CITIES[i % CITIES.length],
          event_ts: ts,
          count: rng.int(2, 12),
        })),
    ),
  };
}

/** Course activity: 40 users' sessions and their predictions. */
function courseActivityRows(rng: Rng): Record<string, Row[]> {
  const sessions = Array.from({ length: 40 }, (_, u) =>
    Array.from({ length: rng.int(1, 6) }, (_, s) => {
      const start = START + s * 3 * MINUTE + rng.int(0, 120) * 1000;
      const duration = rng.int(60, 600);
      return { user_id: u + 1, start_date: start, end_date: start + duration * 1000, activities: rng.int(1, 30), duration };
    }),
  ).flat();
  return {
    moodle_sessions: sessions,
    moodle_predictions: Array.from({ length: 40 }, (_, u) => ({
      userid: u + 1,
      prediction: rng.int(0, 1000) / 1000,
      created_date: END - rng.int(0, 600) * 1000,
    })),
  };
}

/** Stay categories: the five categories over one-minute windows and their totals. */
function stayCategoriesRows(rng: Rng): Record<string, Row[]> {
  const categories = ['Erroneous data', 'Short stay', 'Standard stay', 'Standard extended stay', 'Long stay'];
  const windows = categories.flatMap((c) =>
    Array.from({ length: SPAN_MINUTES }, (_, w) => ({ stay_category: c, event_ts: START + w * MINUTE, searches: rng.int(1, 30), hotels: rng.int(1, 20) })),
  );
  return {
    stay_categories_per_window: windows,
    stay_counts: categories.map((c) => {
      const mine = windows.filter((w) => w.stay_category === c);
      return { stay_category: c, count_distinct: rng.int(10, 40), count_all: mine.reduce((n, w) => n + w.searches, 0), updated_ts: END };
    }),
  };
}

const ROWS: Record<string, (rng: Rng) => Record<string, Row[]>> = {
  pageview: pageviewRows,
  clickstream: clickstreamRows,
  'course-activity': courseActivityRows,
  'stay-categories': stayCategoriesRows,
};

// ---------------------------------------------------------------------------------------- the stack

let stack: PinotStack;
let browser: Browser;
const dashboards = new Map<string, DashboardHandle>();

/** More page views than Pinot's countries count (1,995): the PageView page shows the difference as dropped by the join. */
const PRODUCED_VIEWS = 2_400;

async function createTopics(topics: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'screenshots', brokers: stack.cluster.bootstrap().split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 3 })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** The scenarios' tables next to the PageView ones: topics, schemas and table configs, then the rows. */
async function addScenarioTables(name: string, rows: Record<string, Row[]>): Promise<void> {
  const tables = name === 'pageview' ? [] : getScenario(name).pinotTables(stack.config, stack.cluster.bootstrap());
  if (name === 'pageview') {
    // The page-view topic itself, whose end offsets are the page's "views produced".
    await createTopics([stack.config.topics.pageview]);
    await stack.producer.send({
      topic: stack.config.topics.pageview,
      acks: -1,
      messages: Array.from({ length: PRODUCED_VIEWS }, (_, i) => ({
        key: String(i % 700),
        value: JSON.stringify({ user_id: i % 700, source: 'Inbox', event_timestamp: START + i * 500 }),
      })),
    });
  }
  if (tables.length > 0) {
    await createTopics(tables.map((t) => t.topic));
    for (const table of tables) {
      for (const [route, body] of [
        ['schemas', table.schema],
        ['tables', table.tableConfig],
      ] as const) {
        const response = await fetch(`${stack.pinot.controllerUrl}/${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (!response.ok) throw new Error(`POST /${route} ${table.name}: ${response.status} ${await response.text()}`);
      }
    }
  }
  const topicOf = new Map(tables.map((t) => [t.name, t.topic]));
  for (const [table, tableRows] of Object.entries(rows)) {
    if (name === 'pageview') await stack.produce(table as 'pageview_country', tableRows);
    else
      await stack.producer.send({
        topic: topicOf.get(table)!,
        acks: -1,
        messages: tableRows.map((r) => ({
          key: String(r.username ?? r.userid ?? r.user_id ?? r.stay_category ?? r.status ?? r.code),
          value: JSON.stringify(r),
        })),
      });
  }
  // Upsert tables hold one row per key; every generated row has its own key.
  for (const [table, tableRows] of Object.entries(rows)) await stack.waitForCount(table as 'pageview_country', tableRows.length, 30_000);
}

const health: HealthTarget[] = ['Kafka', 'Connect', 'ksqlDB', 'Pinot', 'MySQL'].map((name) => ({
  name,
  check: async () => ({ status: 'up' as const, detail: `${name} answers` }),
}));

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  stack = await startPinotStack();
  for (const name of scenarioNames()) {
    await addScenarioTables(name, ROWS[name]!(new Rng(name.length)));
    const scenario = getScenario(name);
    dashboards.set(
      name,
      await startDashboard({
        port: 0,
        host: '127.0.0.1',
        pinotBrokerUrl: stack.pinot.brokerUrl,
        pollIntervalMs: 1000,
        healthTargets: health,
        log: () => undefined,
        queryTimeoutMs: 10_000, // Pinot's usual time: 1 s can expire on a loaded machine and mark panels failed
        kafkaBootstrap: stack.cluster.bootstrap().split(','),
        pageviewTopic: stack.config.topics.pageview,
        ...(scenario.dashboard ? { scenarioDashboard: scenario.dashboard(stack.config) } : {}),
      }),
    );
  }
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const dash of dashboards.values()) await dash.stop();
  await stack?.stop();
});

// ---------------------------------------------------------------------------------------- the pages

/** Until every panel shows its rows (scenario pages: data-state ok; the PageView page: body state ok). */
async function waitForData(page: Page, name: string): Promise<void> {
  const scenario = getScenario(name);
  if (scenario.dashboard)
    await waitForPanelsOk(
      page,
      scenario.dashboard(stack.config).panels.map((p) => p.id),
    );
  else await waitFor('the PageView page with data', async () => ((await page.getAttribute('body', 'data-state')) === 'ok' ? true : undefined), 30_000);
}

/** Until no chart animates and every canvas has the width of its box (Chart.js resizes a frame or more late). */
interface Layout {
  scrollWidth: number;
  innerWidth: number;
  /** Panels whose content is wider than the panel (cut off or spilling over). */
  overflowingPanels: string[];
  /** Tables that need a horizontal scroll inside their box. */
  scrollingTables: string[];
  /** Each chart's legend entries. */
  legendItems: Record<string, number>;
  /** Charts whose x-axis labels overlap: [chart, label, next label]. */
  overlappingTicks: string[][];
  /** Stat panels: [top, height] each. */
  stats: [number, number][];
}

interface ChartView {
  ctx: CanvasRenderingContext2D;
  legend?: { legendItems?: unknown[] };
  scales: Record<
    string,
    {
      isHorizontal(): boolean;
      getLabelItems(): { label: string | string[]; font: { string: string }; options: { translation: [number, number]; textAlign: string } }[];
    }
  >;
}

function layout(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const w = window as unknown as { scenarioCharts?: Record<string, ChartView>; dashboardCharts?: Record<string, ChartView> };
    const charts = Object.entries(w.scenarioCharts ?? w.dashboardCharts ?? {});
    /** Horizontal-axis labels drawn unrotated side by side must not overlap (rotated ones never touch). */
    const overlaps = ([id, chart]: [string, ChartView]): string[][] =>
      Object.values(chart.scales)
        .filter((s) => s.isHorizontal())
        .flatMap((scale) => {
          const items = scale.getLabelItems().filter((i) => i.options.textAlign === 'center');
          const span = (i: (typeof items)[number]): [number, number] => {
            chart.ctx.font = i.font.string;
            const width = Math.max(...[i.label].flat().map((line) => chart.ctx.measureText(line).width));
            return [i.options.translation[0] - width / 2, i.options.translation[0] + width / 2];
          };
          return items.slice(1).flatMap((item, k) => (span(items[k]!)[1] > span(item)[0] ? [[id, String(items[k]!.label), String(item.label)]] : []));
        });
    const name = (e: Element) => e.getAttribute('data-panel') ?? e.id ?? e.className;
    const panels = [...document.querySelectorAll('.panel, [data-panel]')];
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      overflowingPanels: panels.filter((p) => p.scrollWidth > p.clientWidth + 1).map(name),
      scrollingTables: [...document.querySelectorAll('.table-box')]
        .filter((b) => b.scrollWidth > b.clientWidth + 1)
        .map((b) => name(b.closest('.panel, [data-panel]') ?? b)),
      legendItems: Object.fromEntries(charts.map(([id, c]) => [id, c.legend?.legendItems?.length ?? 0])),
      overlappingTicks: charts.flatMap(overlaps),
      stats: [...document.querySelectorAll('[data-kind="stat"]')].map((s) => {
        const r = s.getBoundingClientRect();
        return [Math.round(r.top), Math.round(r.height)] as [number, number];
      }),
    };
  });
}

describe('every page with data, desktop and phone', () => {
  for (const name of scenarioNames()) {
    it(`${name}: fits 1400x1000 and 390x844 with nothing cut off`, async () => {
      const { page, problems } = await watchedPage(browser, VIEWPORTS.desktop);
      try {
        // Still charts for still pictures (the scenario page honours the reader's reduced-motion setting).
        await page.emulateMedia({ reducedMotion: 'reduce' });
        await page.goto(dashboards.get(name)!.url);
        await waitForData(page, name);
        for (const [viewport, size] of Object.entries(VIEWPORTS)) {
          await page.setViewportSize(size);
          await waitForChartsSettled(page);
          await page.screenshot({ path: path.join(SHOTS, `${name}-${viewport}.png`), fullPage: true });
          const seen = await layout(page);
          expect(seen.scrollWidth, `${name} ${viewport}: page wider than the screen`).toBeLessThanOrEqual(seen.innerWidth);
          expect(seen.overflowingPanels, `${name} ${viewport}: panel content wider than its panel`).toEqual([]);
          if (viewport === 'desktop') expect(seen.scrollingTables, `${name}: tables that do not fit at desktop width`).toEqual([]);
          for (const [chart, items] of Object.entries(seen.legendItems)) expect(items, `${name} ${viewport}: legend of ${chart}`).toBeLessThanOrEqual(12);
          expect(seen.overlappingTicks, `${name} ${viewport}: axis labels drawn over each other`).toEqual([]);
          if (viewport === 'desktop' && seen.stats.length > 1) {
            expect(new Set(seen.stats.map(([top]) => top)).size, `${name}: stat cards side by side`).toBe(1);
            for (const [, height] of seen.stats) expect(height, `${name}: stat card height`).toBeLessThan(140);
          }
        }
        expect(problems).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }
});
