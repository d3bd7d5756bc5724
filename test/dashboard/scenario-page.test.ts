/**
 * The generic scenario page: a scenario's panel list over real Pinot tables (the embedded Kafka and
 * Pinot of helpers.ts) → /api/scenario and the page in headless Chromium. Each panel's state and what
 * it draws are checked against the rows produced here, and the page's options: a caption (note), the
 * largest series as lines and the rest as "others" (topSeries), clock-time table columns (clock), stat
 * cards in their own row, and a sentence instead of an empty chart.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type DashboardHandle } from '../../dashboard/index.ts';
import { checkScenarioDashboard } from '../../dashboard/scenario-panels.ts';
import type { ScenarioDashboard } from '../../scenarios/scenario.ts';
import { launchChromium, panelStates, watchedPage } from '../support/browser.ts';
import { closedPort, countryRow, startPinotStack, waitFor, windowRow, type PinotStack } from './helpers.ts';

const T0 = 1_790_000_040_000 - (1_790_000_040_000 % 60_000);
const XSS = '<img src=x onerror=alert(1)>';

const panels: ScenarioDashboard = {
  title: 'Test scenario',
  panels: [
    {
      id: 'per-minute',
      title: 'Users per minute',
      kind: 'line',
      sql: 'SELECT source, window_start, user_count FROM pageview_tumbling ORDER BY window_start LIMIT 100',
      x: 'window_start',
      y: ['user_count'],
      series: 'source',
      note: `Swings come from ${XSS}`,
    },
    {
      id: 'countries',
      title: 'Users by country',
      kind: 'bar',
      sql: 'SELECT country, user_count FROM pageview_country ORDER BY user_count DESC LIMIT 10',
      x: 'country',
      y: ['user_count'],
    },
    { id: 'country-table', title: 'Countries', kind: 'table', sql: 'SELECT country, view_count FROM pageview_country ORDER BY country LIMIT 10' },
    { id: 'total', title: 'Rows', kind: 'stat', sql: 'SELECT COUNT(*) AS n FROM pageview_country', y: ['n'] },
    { id: 'missing', title: 'Not there yet', kind: 'table', sql: 'SELECT * FROM no_such_table LIMIT 10' },
    {
      id: 'top-source',
      title: 'Largest source',
      kind: 'line',
      sql: 'SELECT source, window_start, user_count FROM pageview_tumbling ORDER BY window_start LIMIT 100',
      x: 'window_start',
      y: ['user_count'],
      series: 'source',
      topSeries: 1,
    },
    // Two clock columns that are not today's, as a dashboard shows yesterday's sessions after midnight.
    {
      id: 'windows',
      title: 'Windows',
      kind: 'table',
      sql: 'SELECT window_start, window_end, source, user_count, view_count FROM pageview_tumbling ORDER BY window_start, source LIMIT 10',
      clock: ['window_start', 'window_end'],
    },
    {
      id: 'missing-line',
      title: 'No line yet',
      kind: 'line',
      sql: 'SELECT window_start, user_count FROM no_such_table LIMIT 10',
      x: 'window_start',
      y: ['user_count'],
    },
  ],
};
const PANEL_COUNT = panels.panels.length;

let stack: PinotStack;
let dash: DashboardHandle;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];

interface ApiPanel {
  id: string;
  state: string;
  rows: Record<string, unknown>[];
  error?: string;
}

async function api(url: string): Promise<{ title: string; panels: ApiPanel[] }> {
  const response = await fetch(`${url}/api/scenario`);
  expect(response.status).toBe(200);
  return (await response.json()) as { title: string; panels: ApiPanel[] };
}

beforeAll(async () => {
  stack = await startPinotStack();
  await stack.produce('pageview_country', [countryRow('Chile', 7, 30, 70), countryRow(XSS, 3, 40, 30)]);
  await stack.produce('pageview_tumbling', [
    windowRow('Inbox', T0, T0 + 60_000, 4, 8),
    windowRow('Inbox', T0 + 60_000, T0 + 120_000, 6, 9),
    windowRow('External', T0, T0 + 60_000, 1, 1),
    windowRow('Homepage', T0 + 60_000, T0 + 120_000, 2, 5),
  ]);
  await stack.waitForCount('pageview_country', 2);
  await stack.waitForCount('pageview_tumbling', 4);
  dash = await startDashboard({
    port: 0,
    host: '127.0.0.1',
    pinotBrokerUrl: stack.pinot.brokerUrl,
    pollIntervalMs: 300,
    healthTargets: [],
    scenarioDashboard: panels,
    log: () => undefined,
    // polled often, but each query given Pinot's usual time (the default, the poll interval, is 1 s here: eight
    // panel queries queued behind two running ones can take longer on a loaded machine and read as failures)
    queryTimeoutMs: 10_000,
  });
  browser = await launchChromium();
  ({ page, problems: consoleErrors } = await watchedPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await dash?.stop();
  await stack?.stop();
});

describe('scenario panels', () => {
  it('refuses a panel list with a writing query, a duplicate id or a chart without columns', () => {
    const base = panels.panels[3]!;
    expect(() => checkScenarioDashboard({ title: 't', panels: [{ ...base, sql: 'DELETE FROM pageview_country' }] })).toThrow(/only SELECT/);
    expect(() => checkScenarioDashboard({ title: 't', panels: [base, base] })).toThrow(/used twice/);
    expect(() => checkScenarioDashboard({ title: 't', panels: [{ ...base, kind: 'line', x: undefined }] })).toThrow(/needs x and y/);
    const line = panels.panels[5]!;
    expect(() => checkScenarioDashboard({ title: 't', panels: [{ ...line, topSeries: 0 }] })).toThrow(/topSeries/);
    expect(() => checkScenarioDashboard({ title: 't', panels: [{ ...line, series: undefined }] })).toThrow(/topSeries/);
    expect(() => checkScenarioDashboard({ title: 't', panels: [{ ...line, clock: ['window_start'] }] })).toThrow(/clock columns are for tables/);
  });

  it('serves every panel with its rows and state at /api/scenario', async () => {
    const body = await waitFor('panels answered', async () => {
      const b = await api(dash.url);
      return b.panels.every((p) => p.state !== 'loading') ? b : undefined;
    });
    expect(body.title).toBe('Test scenario');
    const byId = Object.fromEntries(body.panels.map((p) => [p.id, p]));
    expect(byId['per-minute']!.state).toBe('ok');
    expect(byId['per-minute']!.rows).toHaveLength(4);
    expect(byId.countries!.rows.map((r) => r.country)).toEqual(['Chile', XSS]);
    expect(byId.total!.rows[0]!.n).toBe(2);
    expect(byId.missing!.state).toBe('empty');
    expect(byId.missing!.error).toMatch(/no such table/);
  });

  it('draws each panel in Chromium: lines per series, bars, table cells as text, the stat, the empty note', async () => {
    await page.goto(dash.url);
    await waitFor('every panel drawn', async () => {
      const states = Object.values(await panelStates(page));
      return states.length === PANEL_COUNT && !states.includes('loading') ? states : undefined;
    });
    expect(await page.textContent('h1')).toBe('Test scenario');
    const states = await panelStates(page);
    expect(states).toEqual({
      'per-minute': 'ok',
      countries: 'ok',
      'country-table': 'ok',
      total: 'ok',
      missing: 'empty',
      'top-source': 'ok',
      windows: 'ok',
      'missing-line': 'empty',
    });
    const charts = await page.evaluate(() => {
      const all = (window as unknown as { scenarioCharts: Record<string, { data: { labels?: unknown[]; datasets: { label: string; data: unknown[] }[] } }> })
        .scenarioCharts;
      return Object.fromEntries(
        Object.entries(all).map(([id, c]) => [
          id,
          { labels: c.data.labels ?? [], datasets: c.data.datasets.map((d) => ({ label: d.label, data: JSON.parse(JSON.stringify(d.data)) })) },
        ]),
      );
    });
    const inbox = charts['per-minute']!.datasets.find((d) => d.label === 'Inbox');
    expect(inbox!.data).toEqual([
      { x: T0, y: 4 },
      { x: T0 + 60_000, y: 6 },
    ]);
    expect(charts['per-minute']!.datasets.find((d) => d.label === 'External')!.data).toEqual([{ x: T0, y: 1 }]);
    expect(charts['per-minute']!.datasets.map((d) => d.label).sort()).toEqual(['External', 'Homepage', 'Inbox']);
    expect(charts.countries!.labels).toEqual(['Chile', XSS]);
    expect(charts.countries!.datasets[0]!.data).toEqual([7, 3]);
    const cells = await page.locator('[data-panel="country-table"] td').allTextContents();
    expect(cells).toEqual([XSS, '30', 'Chile', '70']); // ORDER BY country: '<' sorts before 'C'
    expect(await page.locator('[data-panel="country-table"] img').count()).toBe(0);
    expect(await page.textContent('[data-panel="total"] .stat-value')).toBe('2');
    expect(await page.textContent('[data-panel="missing"] .panel-note')).toContain('No rows yet');
    expect(await page.getAttribute('body', 'data-state')).toBe('ok');
    expect(consoleErrors).toEqual([]);
  });

  it("writes a panel's note under it as text", async () => {
    expect(await page.textContent('[data-panel="per-minute"] .panel-caption')).toBe(`Swings come from ${XSS}`);
    expect(await page.locator('[data-panel="per-minute"] img').count()).toBe(0);
    expect(await page.locator('[data-panel="countries"] .panel-caption').count()).toBe(0);
  });

  it('draws the topSeries largest series as lines and the rest as one "others" set of points', async () => {
    const top = await page.evaluate(() => {
      const chart = (
        window as unknown as {
          scenarioCharts: Record<
            string,
            { data: { datasets: { label: string; data: unknown[]; showLine?: boolean }[] }; legend: { legendItems: { text: string }[] } }
          >;
        }
      ).scenarioCharts['top-source']!;
      return {
        datasets: chart.data.datasets.map((d) => ({
          label: d.label,
          showLine: d.showLine,
          data: JSON.parse(JSON.stringify(d.data)) as { x: number; y: number; series?: string }[],
        })),
        legend: chart.legend.legendItems.map((i) => i.text),
      };
    });
    // Per source over the rows produced: Inbox 4 + 6, Homepage 2, External 1.
    const rows = (await stack.query('SELECT source, window_start, user_count FROM pageview_tumbling LIMIT 100')) as [string, number, number][];
    const totals = new Map<string, number>();
    for (const [source, , users] of rows) totals.set(source, (totals.get(source) ?? 0) + Number(users));
    const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([source]) => source);
    expect(top.legend).toEqual([ranked[0], `others (${ranked.length - 1})`]);
    expect(top.datasets[0]!.data).toEqual(
      rows
        .filter((r) => r[0] === ranked[0])
        .map((r) => ({ x: Number(r[1]), y: Number(r[2]) }))
        .sort((a, b) => a.x - b.x),
    );
    const others = top.datasets[1]!;
    expect(others.showLine).toBe(false);
    expect(others.data.map((p) => `${p.series} ${p.x} ${p.y}`).sort()).toEqual(
      rows
        .filter((r) => r[0] !== ranked[0])
        .map((r) => `${r[0]} ${r[1]} ${r[2]}`)
        .sort(),
    );
  });

  it("shows clock columns as the browser's local time, the full date in the title", async () => {
    const cells = await page
      .locator('[data-panel="windows"] tbody tr')
      .first()
      .locator('td')
      .evaluateAll((tds) => tds.map((td) => [td.textContent, td.getAttribute('title')]));
    // T0 is not today: the date goes in front of the 24-hour time.
    const day = new Date(T0).toLocaleDateString('en-US', { month: 'short', day: 'numeric' });
    const time = new Date(T0).toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    expect(cells[0]![0]).toBe(`${day} ${time}`);
    expect(cells[0]![1]).toBe(new Date(T0).toLocaleString('en-US'));
    expect(cells.slice(2).map((c) => c[0])).toEqual(['External', '1', '1']);
  });

  it('fits a table with two dated clock columns in its panel at desktop width, date and time each kept whole', async () => {
    await page.setViewportSize({ width: 1400, height: 1000 });
    try {
      const seen = await page.locator('[data-panel="windows"]').evaluate((panel) => {
        const box = panel.querySelector('.table-box')!;
        const lineHeight = (span: Element) => span.getBoundingClientRect().height;
        const spans = [...panel.querySelectorAll('td.time span')];
        return {
          boxScroll: box.scrollWidth - box.clientWidth,
          spans: spans.length,
          // a part broken across lines would be twice as tall as the clock part of the same cell
          tallest: Math.max(...spans.map(lineHeight)),
          shortest: Math.min(...spans.map(lineHeight)),
        };
      });
      expect(seen.spans).toBe(4 * 2 * 2); // 4 rows, 2 clock columns, a date and a time each
      expect(seen.boxScroll, 'horizontal scroll inside the table box').toBeLessThanOrEqual(1);
      expect(seen.tallest).toBe(seen.shortest);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('puts stat panels in the row of cards above the charts', async () => {
    expect(await page.locator('#stats [data-panel]').evaluateAll((els) => els.map((e) => e.getAttribute('data-panel')))).toEqual(['total']);
    expect(await page.locator('#panels [data-kind="stat"]').count()).toBe(0);
  });

  it('shows a sentence, not an empty axis, where a chart or table has no rows', async () => {
    for (const id of ['missing-line', 'missing']) {
      expect(await page.locator(`[data-panel="${id}"] .chart-box, [data-panel="${id}"] .table-box`).isHidden(), id).toBe(true);
      const note = page.locator(`[data-panel="${id}"] .panel-note`);
      expect(await note.isVisible(), id).toBe(true);
      expect(await note.textContent(), id).toMatch(/^No rows yet: no such table/);
    }
    // The panels with rows show their chart, not the note.
    expect(await page.locator('[data-panel="per-minute"] .chart-box').isVisible()).toBe(true);
    expect(await page.locator('[data-panel="per-minute"] .panel-note').isHidden()).toBe(true);
  });

  it('shows every panel as failed, with the cause, when Pinot cannot be reached', async () => {
    const down = await startDashboard({
      port: 0,
      host: '127.0.0.1',
      pinotBrokerUrl: `http://127.0.0.1:${await closedPort()}`,
      pollIntervalMs: 300,
      healthTargets: [],
      scenarioDashboard: panels,
      log: () => undefined,
    });
    try {
      const body = await waitFor('failed panels', async () => {
        const b = await api(down.url);
        return b.panels.every((p) => p.state === 'error') ? b : undefined;
      });
      expect(body.panels[0]!.error).toMatch(/unreachable/);
      const tab = await browser.newPage();
      await tab.goto(down.url);
      await waitFor('the error badge', async () => ((await tab.getAttribute('body', 'data-state')) === 'error' ? true : undefined));
      expect(await tab.textContent('#banner-text')).toContain('Pinot unreachable');
      // Every chart is replaced by its failure, never drawn as an empty axis.
      await waitFor('failed panels', async () => (Object.values(await panelStates(tab)).every((s) => s === 'error') ? true : undefined));
      expect(await tab.locator('.chart-box:visible').count()).toBe(0);
      expect(await tab.textContent('[data-panel="per-minute"] .panel-note')).toMatch(/^Query failed: .*unreachable/);
      await tab.close();
    } finally {
      await down.stop();
    }
  });

  it('answers 404 at /api/scenario on the PageView dashboard', async () => {
    const plain = await startDashboard({
      port: 0,
      host: '127.0.0.1',
      pinotBrokerUrl: stack.pinot.brokerUrl,
      pollIntervalMs: 10_000,
      healthTargets: [],
      log: () => undefined,
    });
    try {
      const response = await fetch(`${plain.url}/api/scenario`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: string }).error).toContain('/api/snapshot');
    } finally {
      await plain.stop();
    }
  });
});
