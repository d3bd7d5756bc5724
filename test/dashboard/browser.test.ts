/**
 * End to end in headless Chromium: embedded Kafka → embedded Pinot (the project's tables, rows produced
 * with kafkajs) → dashboard → browser. Reads the Chart.js instances the page exposes on
 * window.dashboardCharts. Screenshots go to test/dashboard/artifacts/ (git-ignored).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaHealthTarget, pinotHealthTarget, startDashboard, type DashboardHandle } from '../../dashboard/index.ts';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { waitForChartsSettled } from '../support/browser.ts';
import { closedPort, countryRow, startPinotStack, waitFor, windowRow, type PinotStack } from './helpers.ts';

const ARTIFACTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');
const XSS = '<img src=x onerror=alert(1)>';
const T0 = 1_790_000_040_000 - (1_790_000_040_000 % 60_000);
const SOURCES = ['Homepage', 'Inbox', 'External'];

let stack: PinotStack;
let dash: DashboardHandle;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const dialogs: string[] = [];

interface ChartView {
  labels: unknown[];
  datasets: { label: string; data: unknown[] }[];
}

async function charts(): Promise<Record<string, ChartView>> {
  return page.evaluate(() => {
    const all = (window as unknown as { dashboardCharts: Record<string, { data: { labels?: unknown[]; datasets: { label: string; data: unknown[] }[] } }> })
      .dashboardCharts;
    const out: Record<string, ChartView> = {};
    for (const [name, chart] of Object.entries(all)) {
      out[name] = {
        labels: [...(chart.data.labels ?? [])],
        datasets: chart.data.datasets.map((d) => ({ label: d.label, data: JSON.parse(JSON.stringify(d.data)) })),
      };
    }
    return out;
  });
}

async function pageState(): Promise<{ state: string; version: number; updates: number }> {
  return page.evaluate(() => {
    const s = (window as unknown as { dashboardState: { snapshot: { version: number } | null; updates: number } }).dashboardState;
    return { state: document.body.getAttribute('data-state') ?? '', version: s.snapshot?.version ?? -1, updates: s.updates };
  });
}

function windowRows(step: number, scale: number): Record<string, unknown>[] {
  const rows = [];
  for (const [s, source] of SOURCES.entries()) {
    for (let w = 0; w < 3; w++) rows.push(windowRow(source, T0 + w * step, T0 + w * step + 60_000, scale * (1 + s + w), 2 * scale * (1 + s + w)));
  }
  return rows;
}

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startPinotStack();
  dash = await startDashboard({
    port: 0,
    host: '127.0.0.1',
    pinotBrokerUrl: stack.pinot.brokerUrl,
    pollIntervalMs: 500,
    // polled often, but each query given Pinot's usual time: the default (the poll interval, at least 1 s)
    // can expire on a loaded machine and show "Pinot unreachable" where the test expects data
    queryTimeoutMs: 10_000,
    healthTargets: [
      kafkaHealthTarget(stack.cluster.bootstrap().split(',')),
      pinotHealthTarget({ controllerUrl: stack.pinot.controllerUrl, brokerUrl: stack.pinot.brokerUrl }),
      { name: 'MySQL', check: async () => ({ status: 'degraded', detail: 'stand-in check: login refused' }) },
    ],
    log: () => undefined,
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') consoleErrors.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  page.on('requestfailed', (request) => consoleErrors.push(`requestfailed: ${request.url()}`));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
});

afterAll(async () => {
  await browser?.close();
  await dash?.stop();
  await stack?.stop();
});

describe('dashboard in headless Chromium', () => {
  it('loads without console errors and shows the empty state with what to run', async () => {
    const response = await page.goto(dash.url);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await waitFor('the empty state', async () => ((await pageState()).state === 'empty' ? true : undefined));
    const banner = await page.textContent('#banner');
    expect(banner).toContain('No data in Pinot yet');
    expect(await page.textContent('#banner-code')).toBe('npm run produce -- all');
    // Empty charts: a sentence in the chart's place, no Chart.js axis.
    for (const kind of ['tumbling', 'hopping', 'session']) {
      expect(await page.locator(`#panel-${kind}`).getAttribute('data-state')).toBe('empty');
      expect(await page.locator(`#panel-${kind} .empty-note`).textContent()).toContain(`No ${kind} windows yet: pageview_${kind} has no rows`);
      expect(await page.locator(`#panel-${kind} .empty-note`).isVisible()).toBe(true);
      expect(await page.locator(`#chart-${kind}`).isVisible()).toBe(false);
    }
    expect(await page.locator('#panel-users .empty-note').textContent()).toContain('No countries yet');
    expect(await page.locator('#chart-users').isVisible()).toBe(false);
    expect(await page.locator('#country-table').isVisible()).toBe(false);
    const pills = await page.locator('#health .pill').evaluateAll((els) => els.map((e) => [e.textContent, e.getAttribute('title')]));
    expect(pills.map((p) => p[0])).toEqual(['Kafka: up', 'Pinot: up', 'MySQL: degraded']);
    expect(pills[2]![1]).toContain('login refused');
    expect(consoleErrors).toEqual([]);
  });

  it('draws every chart from the data Pinot holds, pushed after the next poll', async () => {
    const countries = Array.from({ length: 12 }, (_, i) => countryRow(`Land ${String.fromCharCode(65 + i)}`, 60 - i * 4, 25 + i, (60 - i * 4) * 2));
    await stack.produce('pageview_country', countries);
    await stack.produce('pageview_tumbling', windowRows(60_000, 1));
    await stack.produce('pageview_hopping', windowRows(30_000, 2));
    await stack.produce('pageview_session', windowRows(90_000, 3));
    await stack.waitForCount('pageview_country', 12);
    for (const t of ['pageview_tumbling', 'pageview_hopping', 'pageview_session'] as const) await stack.waitForCount(t, 9);

    await waitFor('data on the page', async () => {
      const c = await charts();
      return c.users!.labels.length === 11 && c.session!.datasets.length === 3 && c.hopping!.datasets.length === 3 && c.tumbling!.datasets.length === 3
        ? true
        : undefined;
    });
    const c = await charts();
    const pinotCountries = (await stack.query('SELECT country, user_count, avg_age FROM pageview_country ORDER BY user_count DESC LIMIT 100')) as [
      string,
      number,
      number,
    ][];
    // labels and bars side by side, so a mismatch shows which numbers the page had
    const bars = (labels: unknown[], data: unknown[]) => labels.map((label, i) => `${String(label)}: ${String(data[i])}`);
    expect(bars(c.users!.labels, c.users!.datasets[0]!.data)).toEqual(
      bars(
        [...pinotCountries.slice(0, 10).map((r) => r[0]), 'Other'],
        [...pinotCountries.slice(0, 10).map((r) => Number(r[1])), pinotCountries.slice(10).reduce((a, r) => a + Number(r[1]), 0)],
      ),
    );
    expect(c.age!.labels).toEqual(c.users!.labels);
    expect(c.age!.datasets[0]!.data.slice(0, 10)).toEqual(pinotCountries.slice(0, 10).map((r) => Math.round(Number(r[2]) * 10) / 10));
    for (const kind of ['tumbling', 'hopping', 'session'] as const) {
      const rows = (await stack.query(`SELECT source, window_start, window_end, user_count FROM pageview_${kind} ORDER BY source, window_start LIMIT 100`)) as [
        string,
        number,
        number,
        number,
      ][];
      // Windows are points at their start; a session is a segment from its start to its end, then a gap.
      const points = (r: [string, number, number, number]) =>
        kind === 'session'
          ? [
              { x: Number(r[1]), y: Number(r[3]) },
              { x: Number(r[2]), y: Number(r[3]) },
              { x: Number(r[2]), y: null },
            ]
          : [{ x: Number(r[1]), y: Number(r[3]) }];
      const expected = ['External', 'Homepage', 'Inbox'].map((source) => ({
        label: source,
        data: rows.filter((r) => r[0] === source).flatMap(points),
      }));
      expect(c[kind]!.datasets, kind).toEqual(expected);
    }
    expect((await pageState()).state).toBe('ok');
    // A chart made while its panel was hidden has a 0x0 canvas until Chart.js's resize, a frame or more later.
    await waitForChartsSettled(page);
    for (const id of ['chart-users', 'chart-age', 'chart-tumbling', 'chart-hopping', 'chart-session', 'country-table']) {
      const seen = await page
        .locator(`#${id}`)
        .evaluate((e) => `panel ${e.closest('.panel')?.getAttribute('data-state')}, ${e.clientWidth}x${e.clientHeight} px`);
      expect(await page.locator(`#${id}`).isVisible(), `${id} (${seen})`).toBe(true);
    }
    expect(await page.locator('#panel-session .empty-note').isVisible()).toBe(false);
    expect(await page.textContent('#country-count')).toBe('12');
    expect(await page.textContent('#total-views')).toBe(
      pinotCountries.length ? countries.reduce((a, r) => a + Number(r.view_count), 0).toLocaleString('en-US') : '',
    );
    expect(await page.textContent('#updated-at')).not.toBe('never');
    expect(await page.textContent('#countdown')).toMatch(/next update in \d+ s|updating/);
    expect(consoleErrors).toEqual([]);
  });

  it('changes the charts on a pushed update and renders a hostile country name as text', async () => {
    const before = await charts();
    const updatesBefore = (await pageState()).updates;
    await stack.produce('pageview_country', [countryRow(XSS, 500, 33.3, 1000)]);
    await stack.produce('pageview_tumbling', [windowRow('Inbox', T0 + 3 * 60_000, T0 + 4 * 60_000, 42, 84)]);
    await waitFor('the pushed update', async () => {
      const c = await charts();
      return c.users!.labels[0] === XSS && c.tumbling!.datasets.find((d) => d.label === 'Inbox')!.data.length === 4 ? true : undefined;
    });
    const after = await charts();
    expect(after.users).not.toEqual(before.users);
    expect(after.users!.datasets[0]!.data[0]).toBe(500);
    expect(after.tumbling!.datasets.find((d) => d.label === 'Inbox')!.data.at(-1)).toEqual({ x: T0 + 3 * 60_000, y: 42 });
    expect((await pageState()).updates).toBeGreaterThan(updatesBefore);

    // The name is text everywhere: in the table, and no element was made from it.
    const firstRow = await page.locator('#country-table tbody tr').first().locator('th').textContent();
    expect(firstRow).toBe(XSS);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => document.body.innerHTML.includes('<img'))).toBe(false);
    // a marker: an image of the test's own with the payload's src, loaded the way an injected <img onerror> would be;
    // once its error handler has run, an injected one's would have too (its 404 is the one console line it adds)
    const linesBeforeMarker = consoleErrors.length;
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const marker = new Image();
          marker.onload = () => resolve();
          marker.onerror = () => resolve();
          marker.src = 'x';
        }),
    );
    consoleErrors.push(...consoleErrors.splice(linesBeforeMarker).filter((line) => !line.includes('status of 404')));
    expect(dialogs).toEqual([]);
    expect(consoleErrors).toEqual([]);

    await waitForChartsSettled(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    expect(fs.statSync(path.join(ARTIFACTS, 'dashboard.png')).size).toBeGreaterThan(10_000);
  });

  it('draws windows that are still open hollow, reached by a dashed line, and says so in the tooltip', async () => {
    // Pinot's windows are aligned to the minute; one closed a minute ago, one open until ten minutes from now.
    const minute = Date.now() - (Date.now() % 60_000);
    const closed = windowRow('Homepage', minute - 120_000, minute - 60_000, 30, 60);
    const open = windowRow('Homepage', minute - 60_000, minute + 600_000, 7, 9);
    await stack.produce('pageview_tumbling', [closed, open]);
    await waitFor('the open window on the page', async () => {
      const c = await charts();
      return c.tumbling!.datasets.find((d) => d.label === 'Homepage')!.data.some((p) => (p as { x: number }).x === minute - 60_000) ? true : undefined;
    });
    await waitForChartsSettled(page); // drawn elements are read below
    const drawn = await page.evaluate(
      ({ closedX, openX }) => {
        type Point = { x: number; y: number };
        const chart = (
          window as unknown as {
            dashboardCharts: Record<
              string,
              {
                data: { datasets: { label: string; data: Point[] }[] };
                getDatasetMeta(i: number): {
                  data: { options: { backgroundColor: string } }[];
                  dataset: { segments: { end: number; style?: { borderDash?: number[] } }[] };
                };
                options: { plugins: { tooltip: { callbacks: { label(ctx: unknown): string } } } };
              }
            >;
          }
        ).dashboardCharts.tumbling!;
        const index = chart.data.datasets.findIndex((d) => d.label === 'Homepage');
        const dataset = chart.data.datasets[index]!;
        const meta = chart.getDatasetMeta(index);
        const at = (x: number) => dataset.data.findIndex((p) => p.x === x);
        const label = (i: number) => chart.options.plugins.tooltip.callbacks.label({ dataset, dataIndex: i, parsed: { y: dataset.data[i]!.y } });
        const dashOfSegmentEndingAt = (i: number) => meta.dataset.segments.find((seg) => seg.end === i)?.style?.borderDash ?? [];
        return {
          closedFill: meta.data[at(closedX)]!.options.backgroundColor,
          openFill: meta.data[at(openX)]!.options.backgroundColor,
          closedDash: dashOfSegmentEndingAt(at(closedX)),
          openDash: dashOfSegmentEndingAt(at(openX)),
          closedLabel: label(at(closedX)),
          openLabel: label(at(openX)),
          note: document.getElementById('note-tumbling')!.textContent,
          noteShown: getComputedStyle(document.getElementById('note-tumbling')!).display !== 'none',
        };
      },
      { closedX: minute - 120_000, openX: minute - 60_000 },
    );
    expect(drawn.openFill).toBe('#ffffff');
    expect(drawn.closedFill).not.toBe('#ffffff');
    expect(drawn.openDash).toEqual([6, 4]);
    expect(drawn.closedDash).toEqual([]);
    expect(drawn.openLabel).toBe('Homepage: 7 users so far (window still open)');
    expect(drawn.closedLabel).toBe('Homepage: 30 users');
    expect(drawn.note).toMatch(/still open/);
    expect(drawn.noteShown).toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it("honours the reader's reduced-motion setting: charts do not animate", async () => {
    const animations = async (reducedMotion: 'reduce' | 'no-preference') => {
      const other = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US', reducedMotion });
      try {
        await other.goto(dash.url);
        return await other.evaluate(() => {
          const all = (window as unknown as { dashboardCharts: Record<string, { options: { animation: unknown } }> }).dashboardCharts;
          return Object.fromEntries(Object.entries(all).map(([name, chart]) => [name, chart.options.animation === false]));
        });
      } finally {
        await other.close();
      }
    };
    expect(Object.values(await animations('reduce'))).toEqual([true, true, true, true, true]);
    expect(Object.values(await animations('no-preference'))).toEqual([false, false, false, false, false]);
  });

  it('wraps a long country name onto two lines on the bar axes instead of cutting it', async () => {
    await stack.produce('pageview_country', [countryRow('United States of America', 900, 41, 1800)]);
    await waitFor('the country on the page', async () => ((await charts()).users!.labels.includes('United States of America') ? true : undefined));
    const ticks = await page.evaluate(() => {
      const all = (window as unknown as { dashboardCharts: Record<string, { scales: { x: { ticks: { label: string | string[] }[] } } }> }).dashboardCharts;
      return { users: all.users!.scales.x.ticks.map((t) => t.label), age: all.age!.scales.x.ticks.map((t) => t.label) };
    });
    expect(ticks.users).toContainEqual(['United States', 'of America']);
    expect(ticks.age).toContainEqual(['United States', 'of America']);
    expect(consoleErrors).toEqual([]);
  });

  it('fits a phone-width screen without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    // Chart.js resizes its canvases from a ResizeObserver callback; under load that can take a while.
    const measure = () => page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    const widths = await waitFor(
      'the page to settle at phone width',
      async () => {
        const w = await measure();
        return w.scroll <= w.client ? w : undefined;
      },
      10_000,
      100,
    ).catch(measure);
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    const columns = await page.evaluate(() => getComputedStyle(document.getElementById('panels')!).gridTemplateColumns.split(' ').length);
    expect(columns).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    const desktopColumns = await page.evaluate(() => getComputedStyle(document.getElementById('panels')!).gridTemplateColumns.split(' ').length);
    expect(desktopColumns).toBeGreaterThan(1);
  });

  it('shows the error state, keeping the last data marked stale, when Pinot stops', async () => {
    const before = await charts();
    await stack.stopPinot();
    await waitFor('the error state', async () => ((await pageState()).state === 'error' ? true : undefined), 15_000);
    expect(await page.textContent('#state-badge')).toBe('Error (stale data)');
    const banner = await page.textContent('#banner-text');
    expect(banner).toMatch(/Pinot unreachable: Pinot broker .* unreachable/);
    expect(banner).toContain('Retrying');
    expect(banner).toContain('Showing the last good data');
    expect(await page.locator('#panel-users').getAttribute('class')).toContain('stale');
    expect(await charts()).toEqual(before);
    await waitFor(
      'Pinot down on the strip',
      async () => ((await page.locator('#health .pill[data-component="Pinot"]').getAttribute('data-status')) === 'down' ? true : undefined),
      10_000,
    );
    await waitForChartsSettled(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-error.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  it('marks the data stale when the dashboard server itself goes away', async () => {
    const before = await charts();
    await dash.stop();
    await waitFor('the disconnected state', async () => ((await page.textContent('#state-badge')) === 'Disconnected' ? true : undefined), 10_000);
    expect((await pageState()).state).toBe('stale');
    expect(await page.textContent('#banner-text')).toContain('Connection to the dashboard server lost');
    expect(await page.locator('#panel-tumbling').getAttribute('class')).toContain('stale');
    expect(await charts()).toEqual(before);
  });

  it('keeps loading and error states on screen in every panel, never an empty axis', async () => {
    // A "broker" that accepts connections and never answers: the first poll stays in flight.
    const held: net.Socket[] = [];
    const silent = net.createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const panels = ['users', 'age', 'tumbling', 'hopping', 'session', 'table'];
    const loading = await startDashboard({
      port: 0,
      host: '127.0.0.1',
      pinotBrokerUrl: silentUrl,
      pollIntervalMs: 60_000,
      queryTimeoutMs: 30_000,
      healthTargets: [],
      log: () => undefined,
    });
    const unreachable = await startDashboard({
      port: 0,
      host: '127.0.0.1',
      pinotBrokerUrl: `http://127.0.0.1:${await closedPort()}`,
      pollIntervalMs: 200,
      healthTargets: [],
      log: () => undefined,
    });
    const other = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const problems: string[] = [];
    other.on('pageerror', (error) => problems.push(error.message));
    try {
      await other.goto(loading.url);
      await waitFor('the socket connected', async () =>
        (await other.textContent('#banner-text'))?.includes('waiting for the first answer from Pinot') ? true : undefined,
      );
      for (const p of panels) {
        expect(await other.locator(`#panel-${p}`).getAttribute('data-state'), p).toBe('loading');
        expect(await other.locator(`#panel-${p} .empty-note`).textContent(), p).toBe('Loading: waiting for the first answer from Pinot');
        expect(await other.locator(`#panel-${p} .empty-note`).isVisible(), p).toBe(true);
      }
      for (const id of ['chart-users', 'chart-tumbling', 'chart-session', 'country-table']) expect(await other.locator(`#${id}`).isVisible(), id).toBe(false);

      await other.goto(unreachable.url);
      await waitFor('the error state', async () => ((await other.locator('#panel-session').getAttribute('data-state')) === 'error' ? true : undefined), 10_000);
      for (const p of panels) {
        expect(await other.locator(`#panel-${p} .empty-note`).textContent(), p).toContain('No data: Pinot has not answered yet');
        expect(await other.locator(`#panel-${p} .empty-note`).isVisible(), p).toBe(true);
      }
      expect(await other.locator('#chart-session').isVisible()).toBe(false);
      expect(await other.textContent('#banner-text')).toContain('Pinot unreachable');
      expect(problems).toEqual([]);
    } finally {
      await other.close();
      // Dropping the held connections ends the first poll, so stop() does not wait for the query timeout.
      for (const socket of held) socket.destroy();
      silent.close();
      await loading.stop();
      await unreachable.stop();
    }
  });
});
