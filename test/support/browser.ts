/**
 * Headless Chromium for the page tests: the machine's /usr/bin/chromium with the flags every browser
 * test uses, and a page that records console errors, page errors and dialogs (an XSS would open one).
 */
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface WatchedPage {
  page: Page;
  /** Console errors, uncaught page errors and dialogs seen so far. */
  problems: string[];
}

export async function watchedPage(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport, locale: 'en-US' });
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { page, problems };
}

/** Each `[data-panel]` of a scenario page and its data-state. */
export function panelStates(page: Page): Promise<Record<string, string | null>> {
  return page.locator('[data-panel]').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-panel'), e.getAttribute('data-state')])));
}

/** Waits until the page shows exactly `ids` as panels, each with data-state="ok"; returns the states. */
export async function waitForPanelsOk(page: Page, ids: string[], timeoutMs = 30_000): Promise<Record<string, string | null>> {
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, string | null> = {};
  while (Date.now() < deadline) {
    last = await panelStates(page);
    if (Object.keys(last).length === ids.length && Object.values(last).every((s) => s === 'ok')) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`panels not all ok after ${timeoutMs} ms: ${JSON.stringify(last)}`);
}

/**
 * Waits until no chart of the page (window.dashboardCharts or window.scenarioCharts) is animating and each
 * canvas has its box's width, so what a test reads from drawn elements or a screenshot is final.
 */
export async function waitForChartsSettled(page: Page, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let unsettled: string[] = [];
  while (Date.now() < deadline) {
    unsettled = await page.evaluate(() => {
      const w = window as unknown as {
        Chart: { animator: { running(c: unknown): boolean } };
        scenarioCharts?: Record<string, { canvas: HTMLCanvasElement }>;
        dashboardCharts?: Record<string, { canvas: HTMLCanvasElement }>;
      };
      return Object.entries(w.scenarioCharts ?? w.dashboardCharts ?? {}).flatMap(([id, c]) => {
        const running = w.Chart.animator.running(c);
        const width = c.canvas.clientWidth;
        const boxWidth = c.canvas.parentElement?.clientWidth ?? 0;
        return running || Math.abs(width - boxWidth) > 1 ? [`${id}: ${running ? 'animating, ' : ''}canvas ${width} px wide in a ${boxWidth} px box`] : [];
      });
    });
    if (unsettled.length === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the charts did not settle in ${timeoutMs} ms: ${unsettled.join('; ')}`);
}
