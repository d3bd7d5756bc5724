/**
 * STACK=external on real engines, as a user runs it: real Apache Kafka 4.1.1 (three KRaft nodes; clients
 * log in with SASL/PLAIN on their own listener), real Apache Pinot 0.11.0 (reading Kafka with SASL too),
 * and our ksqlDB and our Connect worker (the JDBC source has no real plugin here) started as separate
 * services joined to that Kafka: Connect with SASL too, ksqlDB (no SASL yet) over the PLAINTEXT
 * listener. The project's CLIs run with only the external variables: the bootstrap (started while the servers still start), the producers, the session
 * feed, `verify` and the dashboard. Every aggregate of the PageView pipeline in real Pinot is compared
 * exactly with the same aggregate computed here from MySQL and topic1_PageView; the dashboard is loaded in
 * Chromium. Then the course-activity scenario with real Debezium 2.7.4 on real Kafka Connect 3.7.2 as its
 * CDC source, its sessions and predictions in Pinot compared with those computed from the MySQL rows.
 *
 * Pinot 0.11 lacks two things Pinot 1.2 (the compose image) has, and the checks say so where they meet
 * them: `upsertConfig.deleteRecordColumn` (the session feed's delete rows stay visible, marked
 * `deleted`) and `upsertConfig.comparisonColumns` (0.11 compares the time column).
 */
import mysql from 'mysql2/promise';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig, type AppConfig } from '../../config/index.ts';
import { loadCourseActivityConfig, type CourseActivityConfig } from '../../config/scenarios/course-activity.ts';
import { insertActivity } from '../../scenarios/course-activity/produce.ts';
import { riskScore, runScoring } from '../../scenarios/course-activity/scoring.ts';
import { referenceConnectVersion, referenceDebeziumVersion, startReferenceConnect, type ReferenceConnect } from '../../reference/connect/index.ts';
import type { KafkaSecurity } from '../../config/kafka-security.ts';
import type { PageView } from '../../producers/generate/events.ts';
import { ksqlConsumedToEnd } from '../../scenarios/topic-offsets.ts';
import { freePort } from '../../stack/mariadb.ts';
import { startReferenceKafka, type ReferenceKafka } from '../../reference/index.ts';
import { startReferencePinot, type ReferencePinot } from '../../reference/pinot/index.ts';
import { cli, type CliResult } from '../external/cli.ts';
import { launchChromium, watchedPage } from '../support/browser.ts';
import { waitFor } from '../support/kafka.ts';
import { createTestDatabase } from '../support/mariadb.ts';
import { expectCountriesEqual } from '../stack/pipeline-checks.ts';
import {
  bySourceAndStart,
  expectedCountries,
  expectedHopping,
  expectedSessions,
  expectedTumbling,
  pinotRows,
  readUsers,
  type CountryAggregate,
  type SessionRow,
  type WindowAggregate,
} from '../stack/pipeline-data.ts';
import { referencesUnavailable } from './availability.ts';
import { startService, type Service } from '../../stack/service-process.ts';
import { readTopicValues } from '../support/topic-values.ts';
import { seededActivity, sessionLine, sessionsOfActivity, userAggregates, type Session } from '../scenarios/course-activity-expected.ts';

const SASL_USER = 'analytics';
const SASL_PASSWORD = 'kafka-secret-81';
const USERS = 300;
const VIEWS = 3000;
const SESSIONS = 200;

const log = (line: string) => console.log(`[e2e-reference] ${line}`);

/** Sessions as a session window of `gapMs` finds them in activity rows: a new one whenever the pause exceeds the gap. */
const unavailable = referencesUnavailable();
if (unavailable) console.log(`[e2e-reference] SKIPPED: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('STACK=external on real Kafka 4.1.1 (SASL) and real Pinot 0.11', () => {
  let kafka: ReferenceKafka;
  let pinot: ReferencePinot;
  let ksqldb: Service;
  let connect: Service;
  let sessionFeed: Service | undefined;
  let dashboard: Service | undefined;
  let browser: Browser | undefined;
  let env: Record<string, string>;
  let config: AppConfig;
  let security: KafkaSecurity;
  let clientBrokers: string[];

  let firstBootstrap: CliResult;

  beforeAll(async () => {
    kafka = await startReferenceKafka({ brokers: 3, saslPlainUsers: { [SASL_USER]: SASL_PASSWORD }, log });
    const db = await createTestDatabase(inject('mysqlUrl'), 'e2eref');
    const ports = { ksqldb: await freePort(), connect: await freePort(), pinotController: await freePort(), pinotBroker: await freePort() };
    env = {
      STACK: 'external',
      KAFKA_BOOTSTRAP_SERVERS: kafka.saslBootstrap!,
      KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
      KAFKA_SASL_MECHANISM: 'PLAIN',
      KAFKA_SASL_USERNAME: SASL_USER,
      KAFKA_SASL_PASSWORD: SASL_PASSWORD,
      MYSQL_URL: inject('mysqlUrl'),
      MYSQL_DATABASE: db.name,
      CONNECT_URL: `http://127.0.0.1:${ports.connect}`,
      KSQLDB_URL: `http://127.0.0.1:${ports.ksqldb}`,
      PINOT_CONTROLLER_URL: `http://127.0.0.1:${ports.pinotController}`,
      PINOT_BROKER_URL: `http://127.0.0.1:${ports.pinotBroker}`,
      DASHBOARD_POLL_MS: '500',
    };
    config = loadConfig(env);
    security = config.kafka.security;
    clientBrokers = kafka.saslBootstrap!.split(',');
    // The operator's order: the bootstrap runs while ksqlDB, Connect and Pinot are still starting, and waits.
    const abandon = new AbortController();
    const bootstrapping = cli('stack/bootstrap-cli.ts', ['--mode', 'external', '--wait', '600'], env, 900_000, abandon.signal);
    // ksqlDB joins the real Kafka over its PLAINTEXT listener, as servers inside a cluster's network may.
    const internal = kafka.bootstrap;
    const saslEnv = {
      KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
      KAFKA_SASL_MECHANISM: 'PLAIN',
      KAFKA_SASL_USERNAME: SASL_USER,
      KAFKA_SASL_PASSWORD: SASL_PASSWORD,
    };
    const started = await Promise.allSettled([
      startService(
        'ksqlDB',
        'embedded/ksqldb/cli.ts',
        ['--port', String(ports.ksqldb), '--bootstrap', internal],
        {},
        /ksqlDB REST API ready at (http:\/\/\S+)/,
      ),
      // Our Connect logs in with SASL/PLAIN as the clients do; our ksqlDB has no SASL yet (PLAINTEXT only).
      startService(
        'Connect',
        'embedded/connect/cli.ts',
        ['--port', String(ports.connect), '--bootstrap', kafka.saslBootstrap!],
        saslEnv,
        /Kafka Connect REST API ready at (http:\/\/\S+) \(Kafka \S+, SASL_PLAINTEXT\)/,
      ),
      startReferencePinot({ log, ports: { controller: ports.pinotController, broker: ports.pinotBroker } }),
    ]);
    const [ksqldbStart, connectStart, pinotStart] = started;
    if (ksqldbStart.status === 'rejected' || connectStart.status === 'rejected' || pinotStart.status === 'rejected') {
      // A server that fails to start leaves no bootstrap waiting for it and none of the others running.
      abandon.abort();
      for (const result of started) if (result.status === 'fulfilled') await result.value.stop();
      throw started.map((r) => (r.status === 'rejected' ? (r.reason as Error) : undefined)).find((e) => e !== undefined)!;
    }
    [ksqldb, connect, pinot] = [ksqldbStart.value, connectStart.value, pinotStart.value];
    firstBootstrap = await bootstrapping;
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    for (const service of [dashboard, sessionFeed, ksqldb, connect]) await service?.stop();
    await pinot?.stop();
    await kafka?.stop();
  }, 180_000);

  it('the bootstrap, run while the servers start, waits for each with a progress line, then creates everything', () => {
    const output = firstBootstrap.stdout + firstBootstrap.stderr;
    expect(firstBootstrap.code, output).toBe(0);
    // Pinot's four JVMs take longest: the bootstrap waited for its controller, saying so.
    expect(firstBootstrap.stdout).toMatch(
      new RegExp(`^bootstrap: waiting for Pinot controller at ${env.PINOT_CONTROLLER_URL}: unreachable \\(connection refused\\) \\(\\d+ s of 600 s\\)$`, 'm'),
    );
    expect(firstBootstrap.stdout).toContain('bootstrap: every endpoint answers and accepts the credentials');
    expect(firstBootstrap.stdout).toMatch(/bootstrap: created \d+ item\(s\): .*connector .*ksql table PAGEVIEW_COUNTRY.*Pinot table pageview_country/);
    // What a real server refused while starting was asked again (Pinot 0.11: HTTP 500 for a table whose topic it cannot read yet).
    for (const line of firstBootstrap.stdout.split('\n').filter((l) => / answered HTTP /.test(l))) expect(line).toMatch(/; asking again in [\d.]+ s$/);
    log(`first bootstrap: ${firstBootstrap.stdout.split('\n').filter((l) => /waiting for|answered HTTP/.test(l)).length} wait line(s)`);
    expect(output).not.toContain(SASL_PASSWORD);
  });

  it('a second bootstrap changes nothing', async () => {
    const second = await cli('stack/bootstrap-cli.ts', ['--mode', 'external'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('bootstrap: everything was already there; nothing changed');
  }, 300_000);

  it('a wrong SASL password: the bootstrap stops with one line naming Kafka', async () => {
    const result = await cli('stack/bootstrap-cli.ts', ['--mode', 'external', '--wait', '60'], { ...env, KAFKA_SASL_PASSWORD: 'not-the-password' });
    expect(result.code).toBe(1);
    // A refused login is not a server starting: no wait.
    expect(result.stdout).not.toContain('waiting for');
    expect(result.stderr).toMatch(/^bootstrap: Kafka at \S+: unauthorised \(SASL PLAIN login refused\); set KAFKA_SASL_USERNAME/m);
    expect(result.stderr + result.stdout).not.toContain('not-the-password');
  }, 120_000);

  let views: PageView[] = [];
  let countries: Map<string, CountryAggregate>;

  it("users, page views and sessions produced; Pinot's countries equal the join computed from MySQL and topic1", async () => {
    const users = await cli('producers/cli.ts', ['users', '--count', String(USERS), '--seed', '21'], env);
    expect(users.code, users.stderr).toBe(0);
    await waitFor(
      'ksqlDB to read the users into the join',
      async () => ((await ksqlConsumedToEnd(clientBrokers, [config.topics.users, config.topics.cleanedUsers], security)) ? true : undefined),
      180_000,
      1000,
    );
    const pageviews = await cli('producers/cli.ts', ['pageviews', '--count', String(VIEWS), '--seed', '22'], env);
    expect(pageviews.code, pageviews.stderr).toBe(0);
    const sessions = await cli('producers/cli.ts', ['sessions', '--count', String(SESSIONS), '--seed', '23'], env);
    expect(sessions.code, sessions.stderr).toBe(0);
    expect((await readTopicValues(clientBrokers, security, config.topics.userSession)).length).toBe(SESSIONS);

    views = (await readTopicValues(clientBrokers, security, config.topics.pageview)) as unknown as PageView[];
    expect(views).toHaveLength(VIEWS);
    const mysqlUsers = await readUsers(inject('mysqlUrl'), config);
    expect(mysqlUsers).toHaveLength(USERS);
    countries = expectedCountries(mysqlUsers, views);
    const joined = [...countries.values()].reduce((n, c) => n + c.view_count, 0);
    const actual = await waitFor(
      `Pinot's pageview_country to count the ${joined} joined views`,
      async () => {
        const rows = await pinotRows(pinot.brokerUrl, 'SELECT country, avg_age, user_count, view_count, last_event_ts FROM pageview_country LIMIT 1000');
        const sum = rows.reduce((n, r) => n + Number(r.view_count), 0);
        return sum === joined && rows.length === countries.size ? rows : undefined;
      },
      240_000,
      1000,
    );
    expectCountriesEqual(new Map(actual.map((r) => [String(r.country), r as unknown as CountryAggregate])), countries);
  }, 600_000);

  const windowRows = async (table: string): Promise<Map<string, WindowAggregate>> => {
    const rows = await pinotRows(pinot.brokerUrl, `SELECT source, window_start, user_count, view_count FROM ${table} LIMIT 100000`);
    return new Map(
      rows.map((r) => [
        `${String(r.source)}@${Number(r.window_start)}`,
        {
          source: String(r.source),
          window_start: Number(r.window_start),
          user_count: Number(r.user_count),
          view_count: Number(r.view_count),
        },
      ]),
    );
  };
  const sorted = (m: Map<string, WindowAggregate>) => JSON.stringify([...m.values()].sort(bySourceAndStart));

  it("Pinot's tumbling and hopping windows equal those computed from topic1", async () => {
    const { tumblingSeconds, hoppingSeconds, hoppingAdvanceSeconds } = config.windows;
    for (const [table, expected] of [
      ['pageview_tumbling', expectedTumbling(views, tumblingSeconds * 1000)],
      ['pageview_hopping', expectedHopping(views, hoppingSeconds * 1000, hoppingAdvanceSeconds * 1000)],
    ] as const) {
      let last = new Map<string, WindowAggregate>();
      await waitFor(
        `${table} to equal the ${expected.size} computed windows`,
        async () => {
          last = await windowRows(table);
          return sorted(last) === sorted(expected) ? true : undefined;
        },
        120_000,
        1000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}\nPinot: ${sorted(last)}\nexpected: ${sorted(expected)}`);
      });
    }
  }, 300_000);

  it('the session feed fills pageview_session; its live rows equal the sessions computed from topic1 (0.11 keeps deleted rows, marked)', async () => {
    sessionFeed = await startService('session feed', 'stack/session-feed-cli.ts', ['--scenario', 'pageview'], env, /session feed \S+ -> \S+: (running)/);
    const expected = expectedSessions(views, config.windows.sessionGapSeconds * 1000);
    const live = async (): Promise<SessionRow[]> =>
      (
        await pinotRows(
          pinot.brokerUrl,
          'SELECT source, window_start, window_end, user_count, view_count FROM pageview_session WHERE deleted = false LIMIT 100000',
        )
      )
        .map((r) => ({
          source: String(r.source),
          window_start: Number(r.window_start),
          window_end: Number(r.window_end),
          user_count: Number(r.user_count),
          view_count: Number(r.view_count),
        }))
        .sort(bySourceAndStart);
    let last: SessionRow[] = [];
    await waitFor(
      `pageview_session's live rows to equal the ${expected.length} computed sessions`,
      async () => {
        last = await live();
        return JSON.stringify(last) === JSON.stringify(expected) ? true : undefined;
      },
      180_000,
      1000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nPinot: ${JSON.stringify(last)}\nexpected: ${JSON.stringify(expected)}`);
    });
    // Pinot 0.11 has no upsertConfig.deleteRecordColumn: a session ksqlDB deleted (merged away or moved)
    // stays as a row with deleted = true, which Pinot 1.2 would drop. Every such row names a key that is
    // not a live session.
    const deleted = await pinotRows(pinot.brokerUrl, 'SELECT source, window_start FROM pageview_session WHERE deleted = true LIMIT 100000');
    const liveKeys = new Set(expected.map((s) => `${s.source}@${s.window_start}`));
    for (const row of deleted) expect(liveKeys.has(`${String(row.source)}@${Number(row.window_start)}`)).toBe(false);
    log(`pageview_session: ${expected.length} live sessions, ${deleted.length} deleted rows kept by Pinot 0.11`);
  }, 300_000);

  it('npm run verify reads every table of topics 4-8 from our ksqlDB', async () => {
    const verify = await cli('stack/verify.ts', ['--wait-ms', '60000', '--rows', '2'], env);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('verify: every table of topics 4-8 has rows');
  }, 120_000);

  it('the dashboard, loaded in Chromium from real Pinot, shows the computed headline and draws every chart', async () => {
    const port = await freePort();
    dashboard = await startService('dashboard', 'dashboard/cli.ts', [], { ...env, DASHBOARD_PORT: String(port) }, /\[dashboard\] ready: (http:\/\/\S+)/);
    const joined = [...countries.values()].reduce((n, c) => n + c.view_count, 0);
    const snapshot = await waitFor(
      'the snapshot to show the computed headline',
      async () => {
        const body = (await (await fetch(`${dashboard!.url}/api/snapshot`)).json()) as {
          headline?: { viewsProduced?: number; viewsJoined?: number; viewsDropped?: number };
        };
        return body.headline?.viewsJoined === joined && body.headline.viewsProduced === VIEWS ? body.headline : undefined;
      },
      60_000,
      500,
    );
    expect(snapshot.viewsDropped).toBe(VIEWS - joined);

    browser = await launchChromium();
    const { page, problems } = await watchedPage(browser);
    await page.goto(dashboard.url);
    const digits = (text: string | null) => Number((text ?? '').replace(/[^0-9]/g, ''));
    await waitFor(
      'the page to show the headline',
      async () => {
        const produced = digits(await page.locator('#views-produced').textContent());
        const shown = digits(await page.locator('#total-views').textContent());
        return produced === VIEWS && shown === joined ? true : undefined;
      },
      60_000,
      500,
    );
    const states = await waitFor(
      'every panel drawn',
      async () => {
        const now = await page.locator('.panel[data-state]').evaluateAll((els) => els.map((e) => `${e.id}=${e.getAttribute('data-state')}`));
        return now.length > 0 && now.every((s) => s.endsWith('=ok')) ? now : undefined;
      },
      60_000,
      500,
    );
    expect(states.length).toBeGreaterThanOrEqual(6);
    const expectedSessionCount = expectedSessions(views, config.windows.sessionGapSeconds * 1000).length;
    const drawnSessions = await page.evaluate(() => {
      const charts = (window as unknown as { dashboardCharts?: Record<string, { data: { datasets: { data: unknown[] }[] } }> }).dashboardCharts;
      // Each session is drawn as three points: start, end, and a gap.
      return (charts?.session?.data.datasets ?? []).reduce((n, d) => n + d.data.length / 3, 0);
    });
    expect(drawnSessions).toBe(expectedSessionCount);
    expect(problems).toEqual([]);
    const health = await (await fetch(`${dashboard.url}/api/health`)).text();
    expect(health).not.toContain(SASL_PASSWORD);
    for (const service of [dashboard, connect, ksqldb]) expect(service.output()).not.toContain(SASL_PASSWORD);
  }, 300_000);
  describe(`course-activity with real Debezium ${referenceDebeziumVersion()} on real Kafka Connect ${referenceConnectVersion()} as its CDC source`, () => {
    const database = `e2eref_course_${process.pid}`;
    const GAP_MS = 15 * 60_000;
    let debezium: ReferenceConnect;
    let courseEnv: Record<string, string>;
    let settings: CourseActivityConfig;
    let courseFeed: Service | undefined;

    beforeAll(async () => {
      // The real worker joins Kafka over the PLAINTEXT listener, as our ksqlDB and Connect do.
      debezium = await startReferenceConnect({ bootstrap: kafka.bootstrap, groupId: 'e2e-reference-debezium', log });
      courseEnv = {
        ...env,
        DEBEZIUM_CONNECT_URL: debezium.url,
        COURSE_ACTIVITY_DATABASE: database,
        COURSE_ACTIVITY_SESSION_GAP_MINUTES: String(GAP_MS / 60_000),
      };
      settings = loadCourseActivityConfig(courseEnv);
    }, 600_000);

    afterAll(async () => {
      await courseFeed?.stop();
      await debezium?.stop();
      const connection = await mysql.createConnection({ uri: inject('mysqlUrl') });
      await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await connection.end();
    }, 120_000);

    it('the bootstrap puts the CDC connector on the real Debezium worker, which runs it', async () => {
      const result = await cli('stack/bootstrap-cli.ts', ['--mode', 'external', '--scenario', 'course-activity', '--wait', '120'], courseEnv, 600_000);
      expect(result.code, result.stderr + result.stdout).toBe(0);
      expect(result.stdout).toMatch(/bootstrap: created \d+ item\(s\): .*connector course-activity-cdc.*Pinot table moodle_sessions/);
      expect(result.stdout + result.stderr).not.toContain(SASL_PASSWORD);
      const status = await waitFor(
        'the Debezium connector and its task RUNNING',
        async () => {
          const body = (await (await fetch(`${debezium.url}/connectors/course-activity-cdc/status`)).json()) as {
            connector?: { state: string };
            tasks?: { state: string; trace?: string }[];
          };
          if (body.tasks?.some((t) => t.state === 'FAILED'))
            throw new Error(`the Debezium task failed: ${body.tasks.find((t) => t.trace)?.trace?.split('\n')[0]}`);
          return body.connector?.state === 'RUNNING' && body.tasks?.[0]?.state === 'RUNNING' ? body : undefined;
        },
        180_000,
        1000,
      );
      expect(status.tasks).toHaveLength(1);
      // Our Connect worker holds only the JDBC source; the CDC connector went to Debezium's.
      const ours = (await (await fetch(`${connect.url}/connectors`)).json()) as string[];
      expect(ours).not.toContain('course-activity-cdc');
    }, 600_000);

    let sessions: Session[] = [];

    it('activity written to MySQL reaches Pinot through real Debezium: moodle_sessions equals the sessions computed from the MySQL rows', async () => {
      courseFeed = await startService(
        'course session feed',
        'stack/session-feed-cli.ts',
        ['--scenario', 'course-activity'],
        courseEnv,
        /session feed \S+ -> \S+: (running)/,
      );
      const generated = seededActivity();
      const pool = mysql.createPool({ uri: inject('mysqlUrl'), connectionLimit: 2 });
      try {
        for (let i = 0; i < generated.length; i += 25) await insertActivity(pool, settings, generated.slice(i, i + 25));
        const [rows] = await pool.query(`SELECT userid, timecreated FROM \`${database}\`.\`${settings.table}\``);
        sessions = sessionsOfActivity(rows as { userid: number; timecreated: number }[], GAP_MS);
      } finally {
        await pool.end();
      }
      expect(sessions.length).toBeGreaterThan(12);
      const want = sessions.map(sessionLine).sort();
      let last: string[] = [];
      await waitFor(
        `moodle_sessions to equal the ${want.length} computed sessions`,
        async () => {
          last = (
            await pinotRows(pinot.brokerUrl, 'SELECT user_id, start_date, end_date, activities, duration FROM moodle_sessions WHERE deleted = false LIMIT 1000')
          )
            .map((r) => `${r.user_id} ${r.start_date} ${r.end_date} ${r.activities} ${r.duration}`)
            .sort();
          return JSON.stringify(last) === JSON.stringify(want) ? true : undefined;
        },
        240_000,
        1000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}\nPinot: ${JSON.stringify(last)}\nexpected: ${JSON.stringify(want)}`);
      });
    }, 600_000);

    it("the scoring producer's predictions in Pinot equal the model applied to each user's sessions computed from MySQL", async () => {
      const want = userAggregates(sessions)
        .map((a) => `${a.userid} ${riskScore(a)}`)
        .sort();
      const stopper = new AbortController();
      const scoring = runScoring(clientBrokers, settings, stopper.signal, undefined, security);
      let last: string[] = [];
      try {
        await waitFor(
          `moodle_predictions to hold the ${want.length} computed predictions`,
          async () => {
            last = (await pinotRows(pinot.brokerUrl, 'SELECT userid, prediction FROM moodle_predictions LIMIT 1000'))
              .map((r) => `${r.userid} ${r.prediction}`)
              .sort();
            return JSON.stringify(last) === JSON.stringify(want) ? true : undefined;
          },
          180_000,
          1000,
        ).catch((error: Error) => {
          throw new Error(`${error.message}\nPinot: ${JSON.stringify(last)}\nexpected: ${JSON.stringify(want)}`);
        });
      } finally {
        stopper.abort();
        await scoring;
      }
    }, 300_000);
  });
});
