/** The query console in headless Chromium: runs a query through POST /sql and renders values as text. */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { eventsSchema, feed, http, realtimeTable, startTestPinot, type TestPinot } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';

describe('query console in a browser', () => {
  it('has Chromium to drive (apt-get install chromium; .ci/run installs it)', () => {
    expect(fs.existsSync(CHROMIUM)).toBe(true);
  });

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
    await http('POST', `${pinot.controllerUrl}/schemas`, {
      schemaName: 'orders',
      dimensionFieldSpecs: [
        { name: 'orderId', dataType: 'STRING' },
        { name: 'status', dataType: 'STRING' },
      ],
      metricFieldSpecs: [{ name: 'amount', dataType: 'DOUBLE' }],
      dateTimeFieldSpecs: [{ name: 'ts', dataType: 'LONG', format: '1:MILLISECONDS:EPOCH', granularity: '1:MILLISECONDS' }],
      primaryKeyColumns: ['orderId'],
    });
    await http('POST', `${pinot.controllerUrl}/tables`, realtimeTable('orders', 'orders'));
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

  it('lists every table with its schema', async () => {
    const page = await browser.newPage();
    await page.goto(`${pinot.controllerUrl}/`);
    const web = page.locator('li.table[data-table="web"]');
    await expect.poll(() => web.locator('summary').textContent()).toBe('schema web (9 columns)');
    const rows = await web.locator('.cols tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toEqual([
      ['id', 'STRING', 'dimension'],
      ['source', 'STRING', 'dimension'],
      ['n', 'INT', 'dimension'],
      ['flag', 'BOOLEAN', 'dimension'],
      ['tags', 'STRING[]', 'dimension'],
      ['label', 'STRING', 'dimension'],
      ['views', 'LONG', 'metric'],
      ['score', 'DOUBLE', 'metric'],
      ['ts', 'LONG', 'datetime'],
    ]);
    expect(await page.locator('li.table[data-table="orders"] summary').textContent()).toMatch(/^schema orders \(4 columns\)$/);
    // Clicking a table fills the editor and opens its schema.
    await page.getByRole('button', { name: 'orders', exact: true }).click();
    expect(await page.inputValue('#sql')).toBe('SELECT * FROM orders LIMIT 10');
    expect(await page.locator('li.table[data-table="orders"] details').getAttribute('open')).not.toBeNull();
  });

  it('runs the typed query on Ctrl-Enter and shows grid, timing and errors, offline', async () => {
    const context = await browser.newContext();
    // Everything that is not the controller is refused: the page must not need the network.
    const external: string[] = [];
    await context.route('**/*', (route) => {
      if (route.request().url().startsWith(pinot.controllerUrl)) return route.continue();
      external.push(route.request().url());
      return route.abort('internetdisconnected');
    });
    const page = await context.newPage();
    await page.goto(`${pinot.controllerUrl}/#/query`);
    await page.locator('li.table[data-table="web"] .cols tr').first().waitFor({ state: 'attached' });

    const editor = page.locator('#sql');
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type('SELECT source, SUM(views) AS v, COUNT(*) FROM web GROUP BY source ORDER BY v DESC');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.locator('#status').textContent()).toBe('done');

    expect(await page.locator('#result thead th').allTextContents()).toEqual(['sourceSTRING', 'vDOUBLE', 'count(*)LONG']);
    const grid = await page.locator('#result tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(grid).toEqual([
      ['<img src=x onerror="window.__pwned=2">', '7', '1'],
      ['Inbox', '3', '1'],
    ]);
    const timing = await page.locator('#timing').textContent();
    expect(timing).toMatch(/^2 rows · timeUsedMs \d+ ms · round trip \d+ ms$/);
    expect(await page.locator('#errors').textContent()).toBe('');
    expect(page.url()).toContain('#/query?query=SELECT%20source');

    // An error replaces the grid and is shown with its code; timing still reported.
    await editor.fill('SELECT nosuchcolumn FROM web');
    await editor.press('Control+Enter');
    await expect.poll(() => page.locator('#status').textContent()).toBe('error');
    expect(await page.locator('#errors').textContent()).toMatch(/^\[710\] UnknownColumnError: Unknown columnName 'nosuchcolumn'/);
    expect(await page.locator('#result tbody tr').count()).toBe(0);
    expect(await page.locator('#timing').textContent()).toMatch(/^timeUsedMs \d+ ms · round trip \d+ ms$/);

    // A syntax error, then a good query again clears the error.
    await editor.fill('SELEC 1');
    await editor.press('Control+Enter');
    await expect.poll(() => page.locator('#errors').textContent()).toMatch(/^\[150\] SQLParsingError:/);
    await editor.fill('SELECT COUNT(*) FROM web');
    await editor.press('Control+Enter');
    await expect.poll(() => page.locator('#result tbody td').allTextContents()).toEqual(['2']);
    expect(await page.locator('#errors').textContent()).toBe('');
    expect(await page.locator('#timing').textContent()).toMatch(/^1 row · /);

    // The controller gone: a network error is shown, not thrown away.
    await context.route(`${pinot.controllerUrl}/sql`, (route) => route.abort('connectionrefused'));
    await editor.press('Control+Enter');
    await expect.poll(() => page.locator('#status').textContent()).toBe('failed');
    expect(await page.locator('#errors').textContent()).toMatch(/^Request failed: TypeError/);
    expect(external).toEqual([]);
    await context.close();
  });

  it('loads with no failed request: its icon is declared in the page, not asked of the controller', async () => {
    const page = await browser.newPage();
    // Chromium's favicon fetch is not a page request in Playwright; its 404 shows only as a console error.
    const errors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    page.on('response', (response) => {
      if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(`${pinot.controllerUrl}/`, { waitUntil: 'networkidle' });
    await page.locator('li.table[data-table="web"] .cols tr').first().waitFor({ state: 'attached' });
    expect(await page.evaluate(() => document.querySelector('link[rel="icon"]')?.getAttribute('href') ?? null)).toMatch(/^data:image\/svg\+xml,/);
    // The icon is our own bytes: it decodes as an SVG image the page's CSP (img-src data:) lets in.
    const size = await page.evaluate(async () => {
      const img = new Image();
      img.src = document.querySelector('link[rel="icon"]')!.getAttribute('href')!;
      await img.decode();
      return [img.naturalWidth, img.naturalHeight];
    });
    expect(size).toEqual([16, 16]);
    expect(errors).toEqual([]);
  });

  it('shows Pinot exceptions for a bad query', async () => {
    const page = await browser.newPage();
    await page.goto(`${pinot.controllerUrl}/`);
    await page.fill('#sql', 'SELECT * FROM nowhere');
    await page.click('#run');
    await expect.poll(() => page.locator('#errors').textContent()).toContain('[190] TableDoesNotExistError');
  });
});
