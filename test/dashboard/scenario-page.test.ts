/**
 * The generic scenario page: a scenario's panel list over real Pinot tables (the embedded Kafka and
 * Pinot of helpers.ts) → /api/scenario and the page in headless Chromium. Each panel's state and what
 * it draws are checked against the rows produced here.
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
    { id: 'per-minute', title: 'Users per minute', kind: 'line', sql: 'SELECT source, window_start, user_count FROM pageview_tumbling ORDER BY window_start LIMIT 100', x: 'window_start', y: ['user_count'], series: 'source' },
    { id: 'countries', title: 'Users by country', kind: 'bar', sql: 'SELECT country, user_count FROM pageview_country ORDER BY user_count DESC LIMIT 10', x: 'country', y: ['user_count'] },
    { id: 'country-table', title: 'Countries', kind: 'table', sql: 'SELECT country, view_count FROM pageview_country ORDER BY country LIMIT 10' },
    { id: 'total', title: 'Rows', kind: 'stat', sql: 'SELECT COUNT(*) AS n FROM pageview_country', y: ['n'] },
    { id: 'missing', title: 'Not there yet', kind: 'table', sql: 'SELECT * FROM no_such_table LIMIT 10' },
  ],
};

let stack: PinotStack;
let dash: DashboardHandle;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];

interface ApiPanel { id: string; state: string; rows: Record<string, unknown>[]; error?: string }

async function api(url: string): Promise<{ title: string; panels: ApiPanel[] }> {
  const response = await fetch(`${url}/api/scenario`);
  expect(response.status).toBe(200);
  return (await response.json()) as { title: string; panels: ApiPanel[] };
}

beforeAll(async () => {
  stack = await startPinotStack();
  await stack.produce('pageview_country', [countryRow('Chile', 7, 30, 70), countryRow(XSS, 3, 40, 30)]);
  await stack.produce('pageview_tumbling', [
    windowRow('Inbox', T0, T0 + 60_000, 4, 8), windowRow('Inbox', T0 + 60_000, T0 + 120_000, 6, 9), windowRow('External', T0, T0 + 60_000, 1, 1),
  ]);
  await stack.waitForCount('pageview_country', 2);
  await stack.waitForCount('pageview_tumbling', 3);
  dash = await startDashboard({ port: 0, host: '127.0.0.1', pinotBrokerUrl: stack.pinot.brokerUrl, pollIntervalMs: 300, healthTargets: [], scenarioDashboard: panels, log: () => undefined });
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
  });

  it('serves every panel with its rows and state at /api/scenario', async () => {
    const body = await waitFor('panels answered', async () => {
      const b = await api(dash.url);
      return b.panels.every((p) => p.state !== 'loading') ? b : undefined;
    });
    expect(body.title).toBe('Test scenario');
    const byId = Object.fromEntries(body.panels.map((p) => [p.id, p]));
    expect(byId['per-minute']!.state).toBe('ok');
    expect(byId['per-minute']!.rows).toHaveLength(3);
    expect(byId.countries!.rows.map((r) => r.country)).toEqual(['Chile', XSS]);
    expect(byId.total!.rows[0]!.n).toBe(2);
    expect(byId.missing!.state).toBe('empty');
    expect(byId.missing!.error).toMatch(/no such table/);
  });

  it('draws each panel in Chromium: lines per series, bars, table cells as text, the stat, the empty note', async () => {
    await page.goto(dash.url);
    await waitFor('every panel drawn', async () => {
      const states = Object.values(await panelStates(page));
      return states.length === 5 && !states.includes('loading') ? states : undefined;
    });
    expect(await page.textContent('h1')).toBe('Test scenario');
    const states = await panelStates(page);
    expect(states).toEqual({ 'per-minute': 'ok', countries: 'ok', 'country-table': 'ok', total: 'ok', missing: 'empty' });
    const charts = await page.evaluate(() => {
      const all = (window as unknown as { scenarioCharts: Record<string, { data: { labels?: unknown[]; datasets: { label: string; data: unknown[] }[] } }> }).scenarioCharts;
      return Object.fromEntries(Object.entries(all).map(([id, c]) => [id, { labels: c.data.labels ?? [], datasets: c.data.datasets.map((d) => ({ label: d.label, data: JSON.parse(JSON.stringify(d.data)) })) }]));
    });
    const inbox = charts['per-minute']!.datasets.find((d) => d.label === 'Inbox');
    expect(inbox!.data).toEqual([{ x: T0, y: 4 }, { x: T0 + 60_000, y: 6 }]);
    expect(charts['per-minute']!.datasets.find((d) => d.label === 'External')!.data).toEqual([{ x: T0, y: 1 }]);
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

  it('shows every panel as failed, with the cause, when Pinot cannot be reached', async () => {
    const down = await startDashboard({
      port: 0, host: '127.0.0.1', pinotBrokerUrl: `http://127.0.0.1:${await closedPort()}`, pollIntervalMs: 300, healthTargets: [], scenarioDashboard: panels, log: () => undefined,
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
      await tab.close();
    } finally {
      await down.stop();
    }
  });

  it('answers 404 at /api/scenario on the PageView dashboard', async () => {
    const plain = await startDashboard({ port: 0, host: '127.0.0.1', pinotBrokerUrl: stack.pinot.brokerUrl, pollIntervalMs: 10_000, healthTargets: [], log: () => undefined });
    try {
      const response = await fetch(`${plain.url}/api/scenario`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: string }).error).toContain('/api/snapshot');
    } finally {
      await plain.stop();
    }
  });
});
