/**
 * `npm run verify` as a user runs it (a child process), against nothing and against a running
 * embedded stack: one line naming the URL when nothing answers; each empty table named while the
 * stack has no data; then, with seeded users and page views, every value it prints equals what this
 * test computes from the same data (and what Pinot reports): the latest row per key of CLEANED_USERS
 * and PAGEVIEW_COUNTRY, and the newest windows per source of the three windowed tables.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadConfig, type AppConfig } from '../../config/index.ts';
import { produceUsers } from '../../producers/index.ts';
import { startEmbeddedStack, type EmbeddedStack } from '../../stack/embedded-stack.ts';
import { freePort } from '../../stack/mariadb.ts';
import { pullTable } from '../../stack/verify-ksqldb.ts';
import { createTestDatabase } from '../support/mariadb.ts';
import { eventually, run, tempDir, waitFor } from '../support/kafka.ts';
import {
  expectedCountries,
  expectedHopping,
  expectedSessions,
  expectedTumbling,
  generatePageViews,
  pinotRows,
  readUsers,
  sendPageViews,
  type UserRow,
  type WindowAggregate,
} from './pipeline-data.ts';

const TSX = 'node_modules/.bin/tsx';
const TABLES = ['CLEANED_USERS', 'PAGEVIEW_COUNTRY', 'PAGEVIEW_TUMBLING', 'PAGEVIEW_HOPPING', 'PAGEVIEW_SESSION'];
const USERS = 60;
const VIEWS = 400;
/** One view every 1.5 s of event time: 10 minutes, so ten tumbling windows per source. */
const INTERVAL_MS = 1500;

const verify = (args: string[]) => run(TSX, ['stack/verify.ts', ...args], undefined, 60_000);
const iso = (ms: number) => new Date(ms).toISOString();

interface Block {
  title: string;
  subtitle: string;
  rows: Record<string, string>[];
}

/** verify's stdout, back into blocks: `== NAME (...)`, a subtitle, then an aligned `| a | b |` table. */
function parseBlocks(stdout: string): Map<string, Block> {
  const blocks = new Map<string, Block>();
  let current: (Block & { columns?: string[] }) | undefined;
  const cells = (line: string) =>
    line
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim());
  for (const line of stdout.split('\n')) {
    const title = /^== (\S+)/.exec(line);
    if (title) {
      current = { title: line, subtitle: '', rows: [] };
      blocks.set(title[1]!, current);
    } else if (current && line.startsWith('   ') && !current.subtitle) {
      current.subtitle = line.trim();
    } else if (current && line.startsWith('|')) {
      if (!current.columns) current.columns = cells(line);
      else current.rows.push(Object.fromEntries(cells(line).map((c, i) => [current!.columns![i]!, c])));
    }
  }
  return blocks;
}

/** The newest `perKey` windows of each source, newest first, sources in order: what verify shows by default. */
function newest<T extends { source: string; window_start: number }>(windows: Iterable<T>, perKey: number): T[] {
  const sorted = [...windows].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : b.window_start - a.window_start));
  const taken = new Map<string, number>();
  return sorted.filter((w) => {
    const n = taken.get(w.source) ?? 0;
    taken.set(w.source, n + 1);
    return n < perKey;
  });
}

/** A window as verify prints it: the aggregate with its end. */
type Window = WindowAggregate & { window_end: number };

/** Fixed-size windows (tumbling, hopping) with their ends. */
function withEnds(aggregates: Map<string, WindowAggregate>, sizeMs: number): Window[] {
  return [...aggregates.values()].map((w) => ({ ...w, window_end: w.window_start + sizeMs }));
}

function expectWindows(block: Block, expected: Window[], perKey: number): void {
  expect(block.subtitle).toContain(`${expected.length} window(s) over 3 key(s) (source)`);
  const want = newest(expected, perKey).map((w) => ({
    source: w.source,
    user_count: String(w.user_count),
    view_count: String(w.view_count),
    window_start: iso(w.window_start),
    window_end: iso(w.window_end),
  }));
  expect(block.rows).toEqual(want);
}

const cleaned = (u: UserRow) => u.age !== null && u.gender !== null && u.country !== null && u.subscription !== null;

describe('npm run verify', () => {
  it('--help says what it shows and how it fails', async () => {
    const help = await verify(['--help']);
    expect(help.code).toBe(0);
    for (const text of ['--url', '--rows', '--windows', '--wait-ms', 'pull queries', 'newest windows', 'npm start']) expect(help.stdout).toContain(text);
  });

  it('with nothing listening prints one line naming the URL and how to start the stack, and exits 1', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await verify(['--url', url]);
    expect(result.code).toBe(1);
    const lines = `${result.stdout}${result.stderr}`.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`ksqlDB at ${url}`);
    expect(lines[0]).toContain('connection refused');
    expect(lines[0]).toMatch(/npm start.*sh init\.sh/);
  });

  describe('against a running embedded stack', () => {
    let stack: EmbeddedStack | undefined;
    afterAll(async () => {
      await stack?.stop();
    });

    it('names every empty table, then shows the latest value per key and the newest windows the data implies', async () => {
      const db = await createTestDatabase(inject('mysqlUrl'), 'verify');
      const config: AppConfig = loadConfig({ MYSQL_URL: inject('mysqlUrl'), MYSQL_DATABASE: db.name, PRODUCER_NULL_RATE: '0.2' });
      stack = await startEmbeddedStack({ config, dataDir: tempDir('stack-verify'), freePorts: true });
      const url = stack.ksqldb.url;

      // No data yet: every table is empty, verify says so while it waits, names each, and exits 1.
      const empty = await verify(['--url', url, '--wait-ms', '1200']);
      expect(empty.code).toBe(1);
      expect(empty.stderr).toMatch(/CLEANED_USERS \(topic topic4\) has no rows yet; waiting up to \d+ s more/);
      for (const table of TABLES) expect(empty.stderr).toContain(`${table} is empty`);
      expect(empty.stdout).toContain('0 row(s)');

      await produceUsers({ count: USERS, seed: 21, url: stack.mysql.url, database: config.mysql.database, config });
      const users = await readUsers(stack.mysql.url, config);
      const cleanedUsers = users.filter(cleaned);
      // Page views join CLEANED_USERS as it is when they arrive, so every cleaned user must be in it first.
      await waitFor(
        'every cleaned user in CLEANED_USERS',
        async () => ((await pullTable(url, 'CLEANED_USERS', 10_000)).rows.length === cleanedUsers.length ? true : undefined),
        60_000,
        250,
      );

      const base = Math.floor(Date.now() / 60_000) * 60_000 - 12 * 60_000;
      const views = generatePageViews(users, VIEWS, 5, base, INTERVAL_MS);
      await sendPageViews(stack.targets.kafkaBootstrap, config.topics.pageview, views);
      const countries = expectedCountries(users, views);
      const joined = [...countries.values()].reduce((n, c) => n + c.view_count, 0);
      await waitFor(
        'every joined page view counted in Pinot',
        async () => {
          const rows = await pinotRows(stack!.pinot.brokerUrl, 'SELECT view_count FROM pageview_country LIMIT 1000');
          return rows.reduce((n, r) => n + Number(r.view_count), 0) === joined ? true : undefined;
        },
        60_000,
        300,
      );

      const { windows } = config;
      const tumbling = withEnds(expectedTumbling(views, windows.tumblingSeconds * 1000), windows.tumblingSeconds * 1000);
      const hopping = withEnds(expectedHopping(views, windows.hoppingSeconds * 1000, windows.hoppingAdvanceSeconds * 1000), windows.hoppingSeconds * 1000);
      const sessions = expectedSessions(views, windows.sessionGapSeconds * 1000);
      const pinotCountries = await pinotRows(
        stack.pinot.brokerUrl,
        'SELECT country, avg_age, user_count, view_count, last_event_ts FROM pageview_country LIMIT 1000',
      );

      // ksqlDB's tables are final once Pinot has every view (Pinot reads what they wrote); retried only for that margin.
      await eventually(
        async () => {
          const result = await verify(['--url', url, '--rows', '1000', '--wait-ms', '0']);
          expect(result.code, result.stderr).toBe(0);
          expect(result.stdout).toContain('verify: every table of topics 4-8 has rows');
          const blocks = parseBlocks(result.stdout);
          expect([...blocks.keys()]).toEqual(TABLES);
          expect(blocks.get('PAGEVIEW_COUNTRY')!.title).toBe(`== PAGEVIEW_COUNTRY  (ksqlDB table; Kafka topic ${config.topics.pageviewCountry})`);
          expect(blocks.get('PAGEVIEW_HOPPING')!.title).toBe(
            `== PAGEVIEW_HOPPING  (ksqlDB table, HOPPING windows; Kafka topic ${config.topics.pageviewHopping})`,
          );

          const usersBlock = blocks.get('CLEANED_USERS')!;
          expect(usersBlock.subtitle).toBe(`${cleanedUsers.length} row(s), one per USER_ID; showing all`);
          expect(usersBlock.rows).toEqual(
            cleanedUsers.map((u) => ({ USER_ID: String(u.user_id), AGE: String(u.age), GENDER: u.gender, COUNTRY: u.country, SUBSCRIPTION: u.subscription })),
          );

          const countryBlock = blocks.get('PAGEVIEW_COUNTRY')!;
          expect(countryBlock.subtitle).toBe(`${countries.size} row(s), one per country; showing all`);
          expect(countryBlock.rows.map((r) => r.country)).toEqual([...countries.keys()].sort((a, b) => (a < b ? -1 : 1)));
          for (const row of countryBlock.rows) {
            const want = countries.get(row.country!)!;
            const pinot = pinotCountries.find((p) => p.country === row.country)!;
            expect(Number(row.avg_age), row.country).toBeCloseTo(want.avg_age, 9);
            expect(Number(row.avg_age), row.country).toBeCloseTo(Number(pinot.avg_age), 9);
            expect([row.user_count, row.view_count, row.last_event_ts], row.country).toEqual([
              String(want.user_count),
              String(want.view_count),
              iso(want.last_event_ts),
            ]);
            expect([row.user_count, row.view_count, row.last_event_ts], row.country).toEqual([
              String(pinot.user_count),
              String(pinot.view_count),
              iso(Number(pinot.last_event_ts)),
            ]);
          }

          expectWindows(blocks.get('PAGEVIEW_TUMBLING')!, tumbling, 3);
          expectWindows(blocks.get('PAGEVIEW_HOPPING')!, hopping, 3);
          expectWindows(blocks.get('PAGEVIEW_SESSION')!, sessions, 3);
        },
        30_000,
        1000,
      );

      // --rows cuts the keyed tables to the first rows by key, and says how many the table holds.
      const cut = parseBlocks((await verify(['--url', url, '--rows', '2', '--windows', '1', '--wait-ms', '0'])).stdout);
      expect(cut.get('CLEANED_USERS')!.subtitle).toBe(`${cleanedUsers.length} row(s), one per USER_ID; showing the first 2 by USER_ID`);
      expect(cut.get('CLEANED_USERS')!.rows.map((r) => Number(r.USER_ID))).toEqual(cleanedUsers.slice(0, 2).map((u) => u.user_id));
      expectWindows(cut.get('PAGEVIEW_TUMBLING')!, tumbling, 1);
    });
  });
});
