/**
 * Session windows through the whole embedded stack: page views arriving out of order extend sessions
 * backwards, forwards, and merge several sessions into one, so ksqlDB deletes sessions (tombstones on
 * topic8). After every round, Pinot's pageview_session rows, the dashboard's snapshot and the session
 * chart in Chromium must equal the sessions computed here from the views alone: no merged-away session.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { Browser } from 'playwright-core';
import { loadConfig, type AppConfig } from '../../config/index.ts';
import type { PageView } from '../../producers/generate/events.ts';
import { pageViewMessage } from '../../producers/sinks/kafka-events.ts';
import { startEmbeddedStack, type EmbeddedStack } from '../../stack/embedded-stack.ts';
import { launchChromium, watchedPage } from '../support/browser.ts';
import { createTestDatabase } from '../support/mariadb.ts';
import { tempDir, waitFor } from '../support/kafka.ts';
import { bySourceAndStart, expectedSessions, pinotRows, type SessionRow } from './pipeline-data.ts';

const GAP_S = 30;
const BASE = Math.floor(Date.now() / 1000) * 1000 - 20 * 60_000;

/** A view of `source` by `user` at BASE + `s` seconds. */
const view = (source: string, user: number, s: number): PageView => ({ session_id: `s${user}`, user_id: user, source, event_timestamp: BASE + s * 1000 });

/**
 * Rounds sent one after the other; each round waits until everything before it is in Pinot, so the
 * sessions of one round are emitted before the next round merges them away.
 */
const ROUNDS: PageView[][] = [
  [
    view('Homepage', 1, 0),
    view('Homepage', 2, 10), // A [0, 10]
    view('Homepage', 3, 100),
    view('Homepage', 1, 110), // B [100, 110]
    view('Homepage', 4, 200),
    view('Homepage', 5, 300), // C [200], D [300]
    view('Homepage', 6, 400), // E [400]
    view('Homepage', 1, 500),
    view('Homepage', 2, 540),
    view('Homepage', 3, 580), // G1, G2, G3
    view('Inbox', 7, 0),
    view('Inbox', 8, 45),
    view('Inbox', 9, 90), // three sessions 45 s apart
    view('External', 1, 60),
  ],
  [
    view('Homepage', 7, 75), // B extends backwards to [75, 110]
    view('Homepage', 8, 420), // E extends forwards to [400, 420]
    view('Homepage', 9, 520),
    view('Homepage', 1, 560), // G1 + G2 + G3 merge into [500, 580]
    view('Homepage', 2, 250), // a new session between C and D
    view('Inbox', 7, 22),
    view('Inbox', 10, 68), // Inbox's three sessions merge into [0, 90]
  ],
  [
    view('Homepage', 3, 275),
    view('Homepage', 4, 225), // C, [250] and D merge into [200, 300]
    view('Homepage', 5, 40), // A extends forwards to [0, 40]
    view('External', 2, 31), // External extends backwards to [31, 60]
  ],
];

async function sessionsInPinot(stack: EmbeddedStack): Promise<SessionRow[]> {
  const rows = await pinotRows(stack.pinot.brokerUrl, 'SELECT source, window_start, window_end, user_count, view_count FROM pageview_session LIMIT 1000');
  return rows
    .map((r) => ({
      source: String(r.source),
      window_start: Number(r.window_start),
      window_end: Number(r.window_end),
      user_count: Number(r.user_count),
      view_count: Number(r.view_count),
    }))
    .sort(bySourceAndStart);
}

describe('session windows end to end', () => {
  let config: AppConfig;
  let stack: EmbeddedStack;
  let producer: Producer;
  let browser: Browser;

  beforeAll(async () => {
    const db = await createTestDatabase(inject('mysqlUrl'), 'sessions');
    config = loadConfig({ MYSQL_URL: inject('mysqlUrl'), MYSQL_DATABASE: db.name, DASHBOARD_POLL_MS: '300', WINDOW_SESSION_GAP_SECONDS: String(GAP_S) });
    stack = await startEmbeddedStack({ config, dataDir: tempDir('stack-sessions'), freePorts: true });
    producer = new Kafka({ clientId: 'sessions-e2e', brokers: stack.targets.kafkaBootstrap, logLevel: logLevel.NOTHING }).producer({
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await producer?.disconnect();
    await stack?.stop();
  });

  it('serves exactly the sessions ksqlDB semantics give, with merged-away sessions deleted, in Pinot, the snapshot and the chart', async () => {
    const sent: PageView[] = [];
    for (const [i, round] of ROUNDS.entries()) {
      await producer.send({ topic: config.topics.pageview, acks: -1, messages: round.map(pageViewMessage) });
      sent.push(...round);
      const expected = expectedSessions(sent, GAP_S * 1000);
      let last: SessionRow[] = [];
      await waitFor(
        `round ${i + 1}: Pinot's sessions to equal the ${expected.length} computed ones`,
        async () => {
          last = await sessionsInPinot(stack);
          return JSON.stringify(last) === JSON.stringify(expected) ? true : undefined;
        },
        60_000,
        300,
      ).catch((error: Error) => {
        throw new Error(`${error.message}\nPinot: ${JSON.stringify(last)}\nexpected: ${JSON.stringify(expected)}`);
      });
    }

    const expected = expectedSessions(sent, GAP_S * 1000);
    // The data did make ksqlDB delete sessions (merged away, or moved by an extension): at least 12
    // tombstones; those a later record of their batch replaces in Pinot are left out, the others copied.
    expect(expected).toHaveLength(7);
    const feed = stack.sessionFeeds.stats()[0]!;
    expect(feed.tombstones).toBeGreaterThanOrEqual(12);
    expect(feed.deleted).toBeGreaterThan(0);
    expect(feed.unreadable).toBe(0);

    const series = await waitFor(
      'the dashboard snapshot to show the final sessions',
      async () => {
        const body = (await (await fetch(`${stack.dashboard.url}/api/snapshot`)).json()) as {
          windows: { session: { series: { source: string; points: { x: number; y: number; windowEnd: number; views: number }[] }[] } };
        };
        const rows = body.windows.session.series.flatMap((s) =>
          s.points.map((p) => ({ source: s.source, window_start: p.x, window_end: p.windowEnd, user_count: p.y, view_count: p.views })),
        );
        return JSON.stringify(rows.sort(bySourceAndStart)) === JSON.stringify(expected) ? rows : undefined;
      },
      30_000,
      300,
    );
    expect(series).toHaveLength(expected.length);

    const { page, problems } = await watchedPage(browser);
    await page.goto(stack.dashboard.url);
    const drawn = await waitFor(
      'the session chart to draw the final sessions',
      async () => {
        const datasets = await page.evaluate(() => {
          const charts = (
            window as unknown as { dashboardCharts?: Record<string, { data: { datasets: { label: string; data: { x: number; y: number | null }[] }[] } }> }
          ).dashboardCharts;
          return charts?.session?.data.datasets.map((d) => ({ label: d.label, data: d.data.map((p) => ({ x: p.x, y: p.y })) })) ?? [];
        });
        // Each session is drawn as a segment: (start, users), (end, users), then a gap (end, null).
        const segments = datasets
          .flatMap((d) => {
            const out: string[] = [];
            for (let i = 0; i + 2 < d.data.length + 1; i += 3)
              out.push(`${d.label}@${d.data[i]!.x}-${d.data[i + 1]?.x}=${d.data[i]!.y}/${d.data[i + 1]?.y}/${String(d.data[i + 2]?.y)}`);
            return out;
          })
          .sort();
        const want = expected.map((s) => `${s.source}@${s.window_start}-${s.window_end}=${s.user_count}/${s.user_count}/null`).sort();
        return JSON.stringify(segments) === JSON.stringify(want) ? datasets : undefined;
      },
      30_000,
      300,
    );
    expect(drawn.map((d) => d.label).sort()).toEqual(['External', 'Homepage', 'Inbox']);
    expect(problems).toEqual([]);
  });
});
