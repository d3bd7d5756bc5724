/**
 * Produced vs joined vs dropped page views, through the whole embedded stack: seeded users into MySQL
 * (a share with a NULL age/gender/country/subscription, cleaned out before ksqlDB's join), page views of
 * those users plus some of users never loaded, then the dashboard. The snapshot's numbers must equal what
 * this test produced and what Pinot holds, and the page (headless Chromium) must show them with the reason.
 * Before any page view, the window charts must show their empty-state sentence and no chart axis.
 * Screenshots of both states go to test/dashboard/artifacts/ (git-ignored).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { loadConfig, type AppConfig } from '../../config/index.ts';
import type { Snapshot } from '../../dashboard/index.ts';
import type { PageView } from '../../producers/generate/events.ts';
import { startEmbeddedStack, topicEndOffset, type EmbeddedStack } from '../../stack/embedded-stack.ts';
import { launchChromium, watchedPage, type WatchedPage } from '../support/browser.ts';
import { createTestDatabase } from '../support/mariadb.ts';
import { tempDir, waitFor } from '../support/kafka.ts';
import { loadUsersThroughJoin } from '../stack/pipeline-checks.ts';
import { expectedCountries, generatePageViews, pinotRows, sendPageViews, type UserRow } from '../stack/pipeline-data.ts';

/** Screenshots for people (git-ignored, as browser.test.ts's). */
const ARTIFACTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');
const USERS = 120;
const VIEWS = 900;
/** Views of user ids that are not in MySQL: no match in CLEANED_USERS, dropped like those of cleaned-out users. */
const UNKNOWN_USER_VIEWS = 37;
const TUMBLING_MS = 60_000;
const BASE = Math.floor(Date.now() / TUMBLING_MS) * TUMBLING_MS - 10 * TUMBLING_MS;

let config: AppConfig;
let stack: EmbeddedStack;
let browser: Browser;
let watched: WatchedPage;
let users: UserRow[];

const hasNull = (u: UserRow) => u.age === null || u.gender === null || u.country === null || u.subscription === null;

async function apiSnapshot(): Promise<Snapshot> {
  return (await (await fetch(`${stack.dashboard.url}/api/snapshot`)).json()) as Snapshot;
}

beforeAll(async () => {
  const db = await createTestDatabase(inject('mysqlUrl'), 'dash-numbers');
  config = loadConfig({ MYSQL_URL: inject('mysqlUrl'), MYSQL_DATABASE: db.name, DASHBOARD_POLL_MS: '300', PRODUCER_NULL_RATE: '0.2' });
  stack = await startEmbeddedStack({ config, dataDir: tempDir('dash-numbers'), freePorts: true });
  users = await loadUsersThroughJoin(stack, config, USERS, 5);
  browser = await launchChromium();
  watched = await watchedPage(browser);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('views produced, joined and dropped by the join', () => {
  it('shows empty window charts as a sentence without an axis before any page view', async () => {
    const { page } = watched;
    await page.goto(stack.dashboard.url);
    await waitFor(
      'the first poll on the page',
      async () => ((await page.locator('#panel-session').getAttribute('data-state')) === 'empty' ? true : undefined),
      20_000,
    );
    const note = page.locator('#panel-session .empty-note');
    expect(await note.isVisible()).toBe(true);
    expect(await note.textContent()).toContain('No session windows yet: pageview_session has no rows');
    expect(await page.locator('#chart-session').isVisible()).toBe(false);
    expect(await page.locator('#panel-session .chart-box').boundingBox()).toBeNull();
    expect(await page.locator('#panel-users .empty-note').textContent()).toContain('No countries yet');
    // The topic exists (the bootstrap made it) and is empty: 0 produced, 0 joined, 0 dropped.
    const snap = await apiSnapshot();
    expect(snap.headline).toMatchObject({ viewsProduced: 0, viewsJoined: 0, viewsDropped: 0, pageviewTopic: config.topics.pageview, viewsNote: null });
    expect(watched.problems).toEqual([]);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-numbers-empty.png'), fullPage: true });
  });

  it('counts every produced view, the joined ones as Pinot holds them, and the rest as dropped, on the page too', async () => {
    expect(users.filter(hasNull).length).toBeGreaterThan(0);
    const maxId = Math.max(...users.map((u) => u.user_id));
    const unknown: PageView[] = Array.from({ length: UNKNOWN_USER_VIEWS }, (_, i) => ({
      session_id: `s-unknown-${i}`,
      user_id: maxId + 1000 + i,
      source: 'External',
      event_timestamp: BASE + i * 100,
    }));
    const views = [...generatePageViews(users, VIEWS, 3, BASE, 150), ...unknown];
    await sendPageViews(stack.targets.kafkaBootstrap, config.topics.pageview, views);

    // What ksqlDB's join keeps, computed here: views of users without NULL fields.
    const joined = [...expectedCountries(users, views).values()].reduce((n, c) => n + c.view_count, 0);
    const nullUserIds = new Set(users.filter(hasNull).map((u) => u.user_id));
    const ofCleanedOut = views.filter((v) => nullUserIds.has(v.user_id)).length;
    expect(ofCleanedOut).toBeGreaterThan(0);
    expect(joined + ofCleanedOut + UNKNOWN_USER_VIEWS).toBe(views.length);

    const inPinot = async () =>
      (await pinotRows(stack.pinot.brokerUrl, 'SELECT view_count FROM pageview_country LIMIT 1000')).reduce((n, r) => n + Number(r.view_count), 0);
    await waitFor(`${joined} joined views in Pinot`, async () => ((await inPinot()) === joined ? true : undefined), 120_000, 500);

    // A poll already in flight may have started before Pinot held every view: wait for one that follows.
    const snap = await waitFor(
      'a poll that sees every joined view',
      async () => {
        const s = await apiSnapshot();
        return s.headline.viewsJoined === joined ? s : undefined;
      },
      20_000,
    );
    expect(snap.headline.viewsProduced).toBe(views.length);
    expect(snap.headline.viewsProduced).toBe(await topicEndOffset(stack.targets.kafkaBootstrap, config.topics.pageview));
    expect(snap.headline.viewsJoined).toBe(await inPinot());
    expect(snap.headline.viewsJoined).toBe(joined);
    expect(snap.headline.viewsDropped).toBe(ofCleanedOut + UNKNOWN_USER_VIEWS);
    expect(snap.headline.viewsNote).toBeNull();
    expect(await apiSnapshot()).toMatchObject({
      headline: { viewsProduced: views.length, viewsJoined: joined, viewsDropped: ofCleanedOut + UNKNOWN_USER_VIEWS },
    });

    const { page } = watched;
    const fmt = (n: number) => n.toLocaleString('en-US');
    await waitFor('the numbers on the page', async () => ((await page.textContent('#views-produced')) === fmt(views.length) ? true : undefined), 20_000);
    expect(await page.textContent('#total-views')).toBe(fmt(joined));
    expect(await page.textContent('#views-dropped')).toBe(fmt(ofCleanedOut + UNKNOWN_USER_VIEWS));
    expect(await page.textContent('#views-dropped-sub')).toContain(`${(((ofCleanedOut + UNKNOWN_USER_VIEWS) * 100) / views.length).toFixed(1)}% of produced`);
    const reason = (await page.textContent('#drop-reason'))!.replace(/\s+/g, ' ');
    expect(reason).toContain('Users with a NULL age, gender, country or subscription are cleaned out before the join');
    expect(reason).toContain('a view whose user is not loaded yet is dropped too');
    expect(await page.locator('#drop-reason').isVisible()).toBe(true);
    expect(await page.locator('#views-note').isVisible()).toBe(false);
    expect(await page.textContent('#views-produced-sub')).toBe(`end offsets of ${config.topics.pageview}`);
    expect(await page.textContent('#produced-per-second')).toMatch(/^produced: /);
    // With data, the charts replace their sentences.
    await waitFor('the session chart', async () => ((await page.locator('#panel-session').getAttribute('data-state')) === 'ok' ? true : undefined), 20_000);
    expect(await page.locator('#chart-session').isVisible()).toBe(true);
    expect(await page.locator('#panel-session .empty-note').isVisible()).toBe(false);
    expect(watched.problems).toEqual([]);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-numbers.png'), fullPage: true });
  }, 180_000);
});
