/**
 * The course-activity scenario end to end on the embedded stack: seeded Moodle activity inserted into
 * MySQL, captured by the Debezium-compatible CDC source (unwrap transform), sessions found by ksqlDB
 * (15 minutes of inactivity) and aggregated per user, the scoring producer's predictions filtered into
 * the at-risk stream. Pinot must hold exactly the sessions and at-risk users this test computes from
 * the generated rows; the dashboard page must draw every panel in headless Chromium.
 */
import type { Browser } from 'playwright-core';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { loadCourseActivityConfig } from '../../config/scenarios/course-activity.ts';
import type { ActivityRow } from '../../scenarios/course-activity/activity.ts';
import { courseActivityDashboard } from '../../scenarios/course-activity/dashboard.ts';
import { courseActivityScenario } from '../../scenarios/course-activity/index.ts';
import { insertActivity } from '../../scenarios/course-activity/produce.ts';
import { riskScore, runScoring } from '../../scenarios/course-activity/scoring.ts';
import { startEmbeddedStack, type EmbeddedStack } from '../../stack/embedded-stack.ts';
import { launchChromium, waitForPanelsOk, watchedPage } from '../support/browser.ts';
import { tempDir, waitFor } from '../support/kafka.ts';
import { readTopicValues } from '../support/topic-values.ts';
import { pinotRows } from '../stack/pipeline-data.ts';
import { seededActivity, sessionsOfActivity, sessionLine, userAggregates } from './course-activity-expected.ts';

const DATABASE = `course_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const settings = loadCourseActivityConfig({ COURSE_ACTIVITY_DATABASE: DATABASE, COURSE_ACTIVITY_SCORING_INTERVAL_MS: '500' });
const scenario = courseActivityScenario(settings);
const GAP_MS = settings.sessionGapMinutes * 60_000;

let stack: EmbeddedStack;
let browser: Browser | undefined;
const rows: ActivityRow[] = seededActivity();
const expectedSessions = (activity: ActivityRow[]) => sessionsOfActivity(activity, GAP_MS);

function sorted(lines: string[]): string[] {
  return [...lines].sort();
}

async function pinotEquals(sql: string, line: (r: Record<string, unknown>) => string, want: string[]): Promise<void> {
  let last: string[] = [];
  try {
    await waitFor(
      `Pinot: ${sql}`,
      async () => {
        last = sorted((await pinotRows(stack.pinot.brokerUrl, sql)).map(line));
        return last.join('\n') === sorted(want).join('\n') ? true : undefined;
      },
      45_000,
      500,
    );
  } finally {
    expect(last).toEqual(sorted(want));
  }
}

beforeAll(async () => {
  const config = loadConfig({ MYSQL_URL: inject('mysqlUrl'), DASHBOARD_POLL_MS: '300' });
  stack = await startEmbeddedStack({ config, dataDir: tempDir('course-activity-e2e'), freePorts: true, scenario });
  const pool = mysql.createPool({ uri: stack.mysql.url, connectionLimit: 2 });
  try {
    for (let i = 0; i < rows.length; i += 25) await insertActivity(pool, settings, rows.slice(i, i + 25));
  } finally {
    await pool.end();
  }
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await mysql.createConnection({ uri: inject('mysqlUrl') }).then(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    await c.end();
  });
});

describe('course-activity end to end', () => {
  it('the bootstrap created the log table, the CDC connector, the statements and the Pinot tables', () => {
    const items = stack.bootstrapSteps.map((s) => s.item);
    expect(items).toContain(`MySQL table ${DATABASE}.mdl_logstore_standard_log`);
    expect(items).toContain('connector course-activity-cdc');
    for (const name of [
      'MOODLE_LOGS',
      'MOODLE_LOGS_SESSIONS_PER_15MINS',
      'MOODLE_SESSION_UPDATES',
      'MOODLE_SESSIONS_LATEST',
      'MOODLE_LOGS_PREDICTION_AGG',
      'MOODLE_LOGS_PREDICTION',
      'MOODLE_LOGS_PREDICTION_IN_RISK',
    ]) {
      expect(
        items.some((i) => i.endsWith(` ${name}`)),
        name,
      ).toBe(true);
    }
    expect(items).toContain('Pinot table moodle_sessions');
    expect(items).toContain('Pinot table moodle_predictions');
  });

  it('Pinot holds every session the test finds in the generated rows: start, end, activities, duration', async () => {
    const sessions = expectedSessions(rows);
    expect(sessions.length).toBeGreaterThan(12);
    expect(sessions.some((s) => s.activities > 1)).toBe(true);
    await pinotEquals(
      'SELECT user_id, start_date, end_date, activities, duration FROM moodle_sessions LIMIT 1000',
      (r) => `${r.user_id} ${r.start_date} ${r.end_date} ${r.activities} ${r.duration}`,
      sessions.map(sessionLine),
    );
  }, 90_000);

  it("ksqlDB aggregates each user's sessions exactly; the scoring producer scores every user from it; the at-risk stream holds exactly the predictions over the threshold", async () => {
    const stopper = new AbortController();
    const scoring = runScoring(stack.targets.kafkaBootstrap, settings, stopper.signal);
    try {
      const users = new Set(rows.map((r) => r.userid));
      // ksqlDB's aggregate over the sessions: the latest value per user equals the test's own from the rows
      const wantAgg = sorted(
        userAggregates(expectedSessions(rows)).map((a) => `${a.userid} activities=${a.activities} duration=${a.duration} sessions=${a.sessions}`),
      );
      let gotAgg: string[] = [];
      try {
        await waitFor(
          'the per-user aggregate',
          async () => {
            const latest = new Map<number, Record<string, unknown>>();
            for (const v of await readTopicValues(stack.targets.kafkaBootstrap, undefined, settings.topics.predictionAgg))
              latest.set(Number(v.userid_value), v);
            gotAgg = sorted([...latest].map(([user, v]) => `${user} activities=${v.ACTIVITIES} duration=${v.DURATION} sessions=${v.SESSIONS}`));
            return gotAgg.join('\n') === wantAgg.join('\n') ? true : undefined;
          },
          30_000,
          1000,
        );
      } finally {
        expect(gotAgg).toEqual(wantAgg);
      }
      // The latest aggregate per user as ksqlDB wrote it, and the prediction the model gives it.
      const predictions = new Map<number, number>();
      await waitFor(
        'a prediction for every user',
        async () => {
          const latest = new Map<number, Record<string, unknown>>();
          for (const v of await readTopicValues(stack.targets.kafkaBootstrap, undefined, settings.topics.predictionAgg)) latest.set(Number(v.userid_value), v);
          predictions.clear();
          for (const [user, v] of latest)
            predictions.set(user, riskScore({ userid: user, activities: Number(v.ACTIVITIES), duration: Number(v.DURATION), sessions: Number(v.SESSIONS) }));
          const inPinot = await pinotRows(stack.pinot.brokerUrl, 'SELECT userid, prediction FROM moodle_predictions LIMIT 1000');
          const match = inPinot.length === users.size && inPinot.every((r) => predictions.get(Number(r.userid)) === Number(r.prediction));
          return predictions.size === users.size && match ? true : undefined;
        },
        45_000,
        1000,
      );
      const atRisk = [...predictions].filter(([, p]) => p > settings.riskThreshold).map(([user, p]) => `${user} ${p}`);
      expect(atRisk.length).toBeGreaterThan(0);
      expect(atRisk.length).toBeLessThan(users.size);
      await pinotEquals(
        `SELECT userid, prediction FROM moodle_predictions WHERE prediction > ${settings.riskThreshold} LIMIT 1000`,
        (r) => `${r.userid} ${r.prediction}`,
        atRisk,
      );
      const inRisk = await readTopicValues(stack.targets.kafkaBootstrap, undefined, settings.topics.inRisk);
      for (const r of inRisk) expect(Number(r.prediction)).toBeGreaterThan(settings.riskThreshold);
      for (const line of atRisk) expect(inRisk.map((r) => `${r.userid} ${r.prediction}`)).toContain(line);
    } finally {
      stopper.abort();
      await scoring;
    }
  }, 90_000);

  it('serves the panels and draws every one in headless Chromium', async () => {
    const body = await waitFor(
      'every panel with rows',
      async () => {
        const b = (await (await fetch(`${stack.dashboard.url}/api/scenario`)).json()) as {
          panels: { id: string; state: string; rows: Record<string, unknown>[] }[];
        };
        return b.panels.every((p) => p.state === 'ok') ? b : undefined;
      },
      30_000,
      300,
    );
    const byId = new Map(body.panels.map((p) => [p.id, p]));
    expect(Number(byId.get('sessions-total')!.rows[0]!.sessions)).toBe(expectedSessions(rows).length);
    browser = await launchChromium();
    const { page, problems } = await watchedPage(browser);
    await page.goto(stack.dashboard.url);
    const ids = courseActivityDashboard(settings).panels.map((p) => p.id);
    const states = await waitForPanelsOk(page, ids);
    expect(Object.keys(states).sort()).toEqual([...ids].sort());
    expect((await page.textContent('[data-panel="sessions-total"] .stat-value'))!.replace(/\D/g, '')).toBe(String(expectedSessions(rows).length));
    expect(problems).toEqual([]);
  });
});
