/**
 * The clickstream scenario's parts on their own: config and its overrides, the seeded generators and
 * their value sets, the Kafka messages, the rendered statements, the Pinot files against the
 * statements that feed them, and the dashboard's panel list.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { loadClickstreamConfig } from '../../config/scenarios/clickstream.ts';
import { checkScenarioDashboard } from '../../dashboard/scenario-panels.ts';
import { describeStatement } from '../../ksql/statements.ts';
import { schemaColumns } from '../../pinot/tables.ts';
import { ClickGenerator, accessLogTime, sessionizedClock } from '../../scenarios/clickstream/generate/clicks.ts';
import { WebUserGenerator } from '../../scenarios/clickstream/generate/users.ts';
import { AGENTS, BYTES, CITIES, LEVELS, REQUESTS, STATUS_CODES } from '../../scenarios/clickstream/generate/values.ts';
import { clickstreamScenario } from '../../scenarios/clickstream/index.ts';
import { clickMessage, codeMessage, userMessage } from '../../scenarios/clickstream/messages.ts';
import { CLICKSTREAM_PINOT_TABLES } from '../../scenarios/clickstream/pinot.ts';

const config = loadConfig({});
const settings = loadClickstreamConfig({});
const BASE = Date.UTC(2024, 2, 20, 2, 0, 0);

function clickGenerator(seed: number, burstShare = 0.25, base = BASE): ClickGenerator {
  const users = new WebUserGenerator(5);
  const clock = sessionizedClock({ base, ratePerSecond: 10, activeMs: 90_000, pauseMs: 35_000 });
  return new ClickGenerator({ seed, users, activeUsers: 10, burstShare, clock });
}

function clicks(seed: number, n: number, burstShare = 0.25) {
  return clickGenerator(seed, burstShare).take(n);
}

describe('clickstream config', () => {
  it("defaults to the demo's topics, windows and thresholds", () => {
    expect(settings.topics.clickstream).toBe('clickstream');
    expect(settings.topics.codes).toBe('clickstream_codes');
    expect(settings.topics.users).toBe('clickstream_users');
    expect(settings.windows).toMatchObject({
      eventsSeconds: 60,
      pagesSeconds: 60,
      pagesAdvanceSeconds: 5,
      errorsAlertSeconds: 60,
      errorsAlertAdvanceSeconds: 20,
      sessionGapSeconds: 30,
    });
    expect(settings.thresholds.errorAlert).toBe(5);
  });

  it('takes CLICKSTREAM_ overrides and names the variable of a bad one', () => {
    const custom = loadClickstreamConfig({
      CLICKSTREAM_TOPIC_CLICKSTREAM: 'clicks2',
      CLICKSTREAM_SESSION_GAP_SECONDS: '10',
      CLICKSTREAM_ERROR_ALERT_THRESHOLD: '3',
    });
    expect(custom.topics.clickstream).toBe('clicks2');
    expect(custom.windows.sessionGapSeconds).toBe(10);
    expect(custom.thresholds.errorAlert).toBe(3);
    expect(() => loadClickstreamConfig({ CLICKSTREAM_PAGES_WINDOW_ADVANCE_SECONDS: '90' })).toThrow(/CLICKSTREAM_PAGES_WINDOW_ADVANCE_SECONDS must not exceed/);
    expect(() => loadClickstreamConfig({ CLICKSTREAM_TOPIC_USERS: 'bad topic' })).toThrow(/CLICKSTREAM_TOPIC_USERS/);
  });
});

describe('clickstream generators', () => {
  it('are deterministic for a seed and differ between seeds', () => {
    expect(clicks(1, 300)).toEqual(clicks(1, 300));
    expect(clicks(1, 300)).not.toEqual(clicks(2, 300));
    expect(new WebUserGenerator(5).users(20)).toEqual(new WebUserGenerator(5).users(20));
  });

  it("write clicks in the demo's shape and value sets, with _time as the event time", () => {
    const users = new WebUserGenerator(5);
    for (const click of clicks(3, 500)) {
      expect(Object.keys(click)).toEqual(['ip', 'userid', 'remote_user', 'time', '_time', 'request', 'status', 'bytes', 'referrer', 'agent']);
      expect(STATUS_CODES.map((c) => String(c.code))).toContain(click.status);
      expect(BYTES.map(String)).toContain(click.bytes);
      expect(REQUESTS).toContain(click.request);
      expect(AGENTS).toContain(click.agent);
      expect(click.userid).toBeGreaterThanOrEqual(1);
      expect(click.userid).toBeLessThanOrEqual(10);
      expect(users.ips(click.userid)).toContain(click.ip);
      expect(click.time).toBe(accessLogTime(click._time));
    }
    expect(accessLogTime(Date.UTC(2020, 2, 20, 2, 5, 52))).toBe('20/Mar/2020:02:05:52 +0000');
  });

  it('pause after every active period, long enough to end every session', () => {
    const clock = sessionizedClock({ base: BASE, ratePerSecond: 10, activeMs: 90_000, pauseMs: 35_000 });
    expect(clock(0)).toBe(BASE);
    expect(clock(899)).toBe(BASE + 89_900);
    expect(clock(900)).toBe(BASE + 90_000 + 35_000);
    expect(clock(1800)).toBe(BASE + 180_000 + 70_000);
  });

  it('make error bursts in some minutes and rare errors in the others', () => {
    const generator = clickGenerator(14);
    const all = generator.take(3000);
    const share = (burst: boolean): number => {
      const some = all.filter((c) => generator.isBurst(c._time) === burst);
      expect(some.length).toBeGreaterThan(100);
      return some.filter((c) => Number(c.status) > 400).length / some.length;
    };
    expect(share(true)).toBeGreaterThan(0.35);
    expect(share(false)).toBeLessThan(0.1);
    const calm = clicks(14, 3000, 0);
    expect(calm.filter((c) => Number(c.status) > 400).length / calm.length).toBeLessThan(0.1);
    // The same minutes burst whatever the base time: a seed's data set is the same at any time.
    const later = clickGenerator(14, 0.25, BASE + 7 * 86_400_000 + 13_000);
    expect(later.take(3000).map((c) => c.status)).toEqual(all.map((c) => c.status));
  });

  it("make users with the demo's fields, unique usernames, the same person for the same id", () => {
    const generator = new WebUserGenerator(5);
    const users = generator.users(200);
    expect(new Set(users.map((u) => u.username)).size).toBe(200);
    for (const u of users) {
      expect(Object.keys(u)).toEqual(['user_id', 'username', 'registered_at', 'first_name', 'last_name', 'city', 'level']);
      expect(CITIES).toContain(u.city);
      expect(LEVELS).toContain(u.level);
      expect(u.registered_at).toBeGreaterThan(Date.UTC(2013, 11, 31));
    }
    expect(new WebUserGenerator(5).user(137)).toEqual(users[136]);
    expect(generator.ips(3)).toEqual(new WebUserGenerator(5).ips(3));
  });

  it('key codes and users by their id as JSON numbers and clicks by userid, stamped with _time', () => {
    expect(codeMessage(STATUS_CODES[2]!)).toEqual({ key: '404', value: '{"code":404,"definition":"Page not found"}' });
    const user = new WebUserGenerator(5).user(7);
    expect(userMessage(user).key).toBe('7');
    expect(JSON.parse(userMessage(user).value)).toEqual(user);
    const click = clicks(1, 1)[0]!;
    const message = clickMessage(click);
    expect(message.key).toBe(String(click.userid));
    expect(message.timestamp).toBe(String(click._time));
    expect(JSON.parse(message.value)).toEqual(click);
  });
});

describe('clickstream statements, Pinot tables and dashboard', () => {
  const scenario = clickstreamScenario(settings);
  const statements = scenario.ksqlStatements(config);
  const created = statements.map((s) => describeStatement(s)!);

  it("renders the demo's statements with topics and windows from config", () => {
    expect(created.map((c) => c.name)).toEqual([
      'CLICKSTREAM',
      'CLICKSTREAM_CODES',
      'WEB_USERS',
      'USER_CLICKSTREAM',
      'ENRICHED_ERROR_CODES',
      'EVENTS_PER_MIN',
      'PAGES_PER_MIN',
      'CLICK_USER_SESSIONS',
      'ERRORS_PER_MIN_ALERT',
      'ERRORS_PER_MIN',
      'ENRICHED_ERROR_CODES_COUNT',
      'USER_IP_ACTIVITY',
    ]);
    const custom = loadClickstreamConfig({
      CLICKSTREAM_SESSION_GAP_SECONDS: '12',
      CLICKSTREAM_ERROR_ALERT_THRESHOLD: '9',
      CLICKSTREAM_TOPIC_EVENTS_PER_MIN: 'epm',
    });
    const rendered = clickstreamScenario(custom).ksqlStatements(config).join('\n');
    expect(rendered).toContain('WINDOW SESSION (12 SECONDS)');
    expect(rendered).toContain('HAVING COUNT(*) > 9 AND COUNT(*) IS NOT NULL');
    expect(rendered).toContain("KAFKA_TOPIC='epm'");
    expect(rendered).not.toContain('${');
  });

  it('feeds every Pinot table from the statement writing its topic (through a session feed for sessions), column for column', () => {
    const tables = scenario.pinotTables(config, 'b1:9092,b2:9092');
    const feeds = scenario.sessionFeeds!(config);
    expect(feeds.map((f) => f.source)).toEqual([settings.topics.clickUserSessions]);
    expect(tables.map((t) => t.name).sort()).toEqual(Object.keys(CLICKSTREAM_PINOT_TABLES).sort());
    for (const table of tables) {
      const feed = feeds.find((f) => f.target === table.topic);
      const writer = created.find((c) => c.topic === (feed?.source ?? table.topic));
      expect(writer, table.name).toBeDefined();
      const written = schemaColumns(table.schema).filter((c) => c !== feed?.deleteColumn);
      expect(written.sort(), table.name).toEqual([...writer!.valueColumns].sort());
      if (feed) {
        expect(table.tableConfig.upsertConfig).toMatchObject({ comparisonColumns: [feed.windowEndColumn], deleteRecordColumn: feed.deleteColumn });
        expect([writer!.expressions[feed.windowStartColumn], writer!.expressions[feed.windowEndColumn]]).toEqual(['WINDOWSTART', 'WINDOWEND']);
      }
      expect(table.tableConfig.tableIndexConfig.streamConfigs['stream.kafka.broker.list']).toBe('b1:9092,b2:9092');
      for (const key of table.schema.primaryKeyColumns ?? []) expect(writer!.valueColumns).toContain(key);
    }
  });

  it('has a dashboard the page accepts, querying only its own tables', () => {
    const dashboard = scenario.dashboard!(config);
    checkScenarioDashboard(dashboard);
    const names = Object.keys(CLICKSTREAM_PINOT_TABLES);
    for (const panel of dashboard.panels) {
      const from = /\bFROM\s+([a-z_]+)/i.exec(panel.sql)?.[1];
      expect(names, panel.id).toContain(from);
    }
  });
});
