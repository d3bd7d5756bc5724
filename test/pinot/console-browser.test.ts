/** The query console in headless Chromium: runs a query through POST /sql and renders values as text. */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { eventsSchema, feed, http, realtimeTable, startTestPinot, type TestPinot } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);

describe.skipIf(!hasChromium)('query console in a browser', () => {
  let pinot: TestPinot;
  let browser: Browser;

  beforeAll(async () => {
    pinot = await startTestPinot();
    await http('POST', `${pinot.controllerUrl}/schemas`, eventsSchema('web'));
    await http('POST', `${pinot.controllerUrl}/tables`, realtimeTable('web', 'web'));
    await feed(pinot, 'web', 0, 0, [
      { id: '<script>window.__pwned = 1</script>', source: '<img src=x onerror="window.__pwned=2">', views: 7, ts: 1_714_566_896_000 },
      { id: 'plain', source: 'Inbox', views: 3, ts: 1_714_566_897_000 },
    ]);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await pinot?.stop();
  });

  it('lists tables, runs SQL and shows every value as text', async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(pinot.controllerUrl)) external.push(request.url());
    });
    await page.goto(`${pinot.controllerUrl}/#/query`);
    await page.getByRole('button', { name: 'web' }).waitFor();
    await page.fill('#sql', 'SELECT id, source, views FROM web ORDER BY views DESC');
    await page.click('#run');
    await page.locator('#result tbody tr').nth(1).waitFor();

    const headers = await page.locator('#result thead th').allTextContents();
    expect(headers).toEqual(['idSTRING', 'sourceSTRING', 'viewsLONG']);
    const cells = await page.locator('#result tbody tr').first().locator('td').allTextContents();
    expect(cells).toEqual(['<script>window.__pwned = 1</script>', '<img src=x onerror="window.__pwned=2">', '7']);
    expect(await page.locator('#result img, #result script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#stats').textContent()).toContain('numDocsScanned: 2');
    expect(external).toEqual([]);
  });

  it('shows Pinot exceptions for a bad query', async () => {
    const page = await browser.newPage();
    await page.goto(`${pinot.controllerUrl}/`);
    await page.fill('#sql', 'SELECT * FROM nowhere');
    await page.click('#run');
    await expect.poll(() => page.locator('#errors').textContent()).toContain('[190] TableDoesNotExistError');
  });
});
