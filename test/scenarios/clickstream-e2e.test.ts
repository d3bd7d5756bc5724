/**
 * The clickstream scenario end to end on the embedded stack: the shared bootstrap creates its topics,
 * statements and Pinot tables; a seeded data set goes in (codes and users through the scenario's
 * producer code, then clicks); Pinot must hold exactly the aggregates computed here from that data,
 * /api/scenario must serve every panel with rows, and in headless Chromium every panel must reach
 * data-state="ok".
 */
import type { Browser } from 'playwright-core';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, waitForPanelsOk, watchedPage } from '../support/browser.ts';
import { loadConfig } from '../../config/index.ts';
import { loadClickstreamConfig } from '../../config/scenarios/clickstream.ts';
import { clickstreamDashboard } from '../../scenarios/clickstream/dashboard.ts';
import { clickstreamScenario } from '../../scenarios/clickstream/index.ts';
import { STATUS_CODES } from '../../scenarios/clickstream/generate/values.ts';
import { startEmbeddedStack, type EmbeddedStack } from '../../stack/embedded-stack.ts';
import { eventually, tempDir, waitFor } from '../support/kafka.ts';
import { pinotRows } from '../stack/pipeline-data.ts';
import { clickstreamDataSet, sendClicks, sendReference, type ClickstreamDataSet } from './clickstream-data.ts';
import { actualKey, expectedClickstream, lines, rowsToMap, type ClickstreamExpectations, type Expected } from './clickstream-expected.ts';

const settings = loadClickstreamConfig({});
const scenario = clickstreamScenario(settings);
/** Ten minutes ago, on a minute boundary: recent enough for the tables' retention, windows start on it. */
const BASE = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
/** The consumer group of the embedded ksqlDB's persistent queries (embedded/ksqldb/runtime/topics.ts). */
const KSQL_GROUP = '_confluent-ksql-default_query_engine';

let stack: EmbeddedStack;
let data: ClickstreamDataSet;
let expected: ClickstreamExpectations;
let browser: Browser | undefined;

/** Until ksqlDB's queries have committed past the end of `topic`: its rows are in their tables. */
async function ksqlHasRead(brokers: string[], topic: string): Promise<void> {
  const admin = new Kafka({ clientId: 'clickstream-e2e', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await waitFor(
      `ksqlDB to read ${topic}`,
      async () => {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId: KSQL_GROUP, topics: [topic] });
        const done = ends.every((end) => {
          const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
          return Number(end.high) === 0 || Number(at) >= Number(end.high);
        });
        return done ? true : undefined;
      },
      60_000,
      200,
    );
  } finally {
    await admin.disconnect();
  }
}

async function pinotMatches(table: string, columns: string, key: (r: Record<string, unknown>) => [string, string], want: Expected): Promise<void> {
  let last: Expected = new Map();
  try {
    await waitFor(
      `${table} in Pinot`,
      async () => {
        last = rowsToMap(await pinotRows(stack.pinot.brokerUrl, `SELECT ${columns} FROM ${table} LIMIT 100000`), key);
        return lines(last).join('\n') === lines(want).join('\n') ? true : undefined;
      },
      90_000,
      500,
    );
  } finally {
    expect(lines(last)).toEqual(lines(want)); // on a timeout, the difference
  }
}

beforeAll(async () => {
  const config = loadConfig({ MYSQL_URL: inject('mysqlUrl'), DASHBOARD_POLL_MS: '300' });
  stack = await startEmbeddedStack({ config, dataDir: tempDir('clickstream-e2e'), freePorts: true, scenario });
  data = clickstreamDataSet(settings, { seed: 14, users: 8, clicks: 1600, base: BASE, ratePerSecond: 5 });
  expected = expectedClickstream(data.clicks, data.users, STATUS_CODES, settings);
  const brokers = stack.targets.kafkaBootstrap;
  await sendReference(brokers, settings, data);
  await ksqlHasRead(brokers, settings.topics.codes);
  await ksqlHasRead(brokers, settings.topics.users);
  await sendClicks(brokers, settings, data);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('clickstream on the embedded stack', () => {
  it("bootstraps the scenario's topics, statements and Pinot tables", () => {
    const items = stack.bootstrapSteps.map((s) => s.item);
    expect(stack.bootstrapSteps.every((s) => s.status === 'created')).toBe(true);
    for (const name of ['topic clickstream', 'ksql table ERRORS_PER_MIN_ALERT', 'ksql table CLICK_USER_SESSIONS', 'Pinot table click_user_sessions']) {
      expect(items).toContain(name);
    }
  });

  it('has the events and bytes per minute in Pinot', async () => {
    await pinotMatches('events_per_min', 'userid, event_ts, events, bytes', actualKey.eventsPerMin, expected.eventsPerMin);
  });

  it('has exactly the error alerts (windows over 5 errors) and the errors per minute in Pinot', async () => {
    expect([...expected.errorsPerAlertWindow.values()].some((n) => n <= settings.thresholds.errorAlert)).toBe(true);
    expect(expected.errorsPerMinAlert.size).toBeGreaterThan(10); // seed 14 has error bursts
    await pinotMatches('errors_per_min_alert', 'status, event_ts, errors', actualKey.errors, expected.errorsPerMinAlert);
    await pinotMatches('errors_per_min', 'status, event_ts, errors', actualKey.errors, expected.errorsPerMin);
  });

  it('has every user session with its end, clicks and bytes in Pinot', async () => {
    await pinotMatches('click_user_sessions', 'username, session_start, event_ts, events, bytes', actualKey.clickUserSessions, expected.clickUserSessions);
  });

  it('has pages per minute, status codes and user IP activity in Pinot', async () => {
    await pinotMatches('pages_per_min', 'userid, event_ts, pages', actualKey.pagesPerMin, expected.pagesPerMin);
    await pinotMatches(
      'enriched_error_codes_count',
      'code, definition, event_ts, "count"',
      actualKey.enrichedErrorCodesCount,
      expected.enrichedErrorCodesCount,
    );
    await pinotMatches('user_ip_activity', 'username, ip, city, event_ts, "count"', actualKey.userIpActivity, expected.userIpActivity);
  });

  it('serves every panel with rows at /api/scenario', async () => {
    const totalBytes = data.clicks.reduce((n, c) => n + Number(c.bytes), 0);
    // Pinot ingests each table on its own: check everything in one answer, until one has it all.
    await eventually(async () => {
      const body = (await (await fetch(`${stack.dashboard.url}/api/scenario`)).json()) as {
        title: string;
        panels: { id: string; state: string; rows: Record<string, unknown>[] }[];
      };
      expect(body.title).toBe('Clickstream analysis');
      expect(body.panels.map((p) => [p.id, p.state]).filter(([, state]) => state !== 'ok')).toEqual([]);
      const byId = new Map(body.panels.map((p) => [p.id, p]));
      expect(Number(byId.get('total-events')!.rows[0]!.events)).toBe(data.clicks.length);
      expect(Number(byId.get('total-bytes')!.rows[0]!.bytes)).toBe(totalBytes);
      expect(byId.get('error-alerts')!.rows).toHaveLength(Math.min(50, expected.errorsPerMinAlert.size));
      const perMinute = byId.get('events-per-minute')!.rows;
      expect(perMinute.reduce((n, r) => n + Number(r.events), 0)).toBe(data.clicks.length);
      expect(byId.get('session-events')!.rows).toHaveLength(expected.clickUserSessions.size);
    });
  });

  it('draws every panel in headless Chromium with data', async () => {
    browser = await launchChromium();
    const { page, problems: errors } = await watchedPage(browser);
    await page.goto(stack.dashboard.url);
    const panelIds = clickstreamDashboard(settings).panels.map((p) => p.id);
    const states = await waitForPanelsOk(page, panelIds);
    expect(Object.keys(states).sort()).toEqual([...panelIds].sort());
    expect((await page.textContent('[data-panel="total-events"] .stat-value'))!.replace(/\D/g, '')).toBe(String(data.clicks.length));
    const alertCells = await page.locator('[data-panel="error-alerts"] tbody tr').count();
    expect(alertCells).toBe(Math.min(50, expected.errorsPerMinAlert.size));
    expect(errors).toEqual([]);
  });
});
