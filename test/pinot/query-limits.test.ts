/**
 * Bounds on Pinot queries (issue #18, finding 3). The broker runs in a child process
 * (query-limits-server.ts) whose memory the test reads from /proc, so a query that runs away fails the
 * test (and is killed) instead of taking the machine: the broker's timeout cannot be switched off or
 * raised, string-building functions stop at the maximum length with Pinot's 245, other queries keep
 * being answered meanwhile, no SQL reaches DuckDB's files or settings, and a NUL in a literal is data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PinotDb } from '../../embedded/pinot/db.ts';
import { startNodeScript, type Child } from '../faults/processes.ts';
import { eventsSchema, feed, http, query, realtimeTable, startTestPinot, tempDir } from './helpers.ts';

const SERVER_SCRIPT = path.join('test', 'pinot', 'query-limits-server.ts');
const BROKER_TIMEOUT_MS = 3000;
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const MAX_STRING_LENGTH = 16_384;
/** A scan that takes about 12 s on 300,000 rows (2 cores): far past the broker's timeout. */
const HEAVY = "SELECT count(*) FROM events WHERE regexp_like(lpad(id, 4000, 'ab'), '(a|b)*c$')";
/** The server is killed past this resident size: a runaway query fails the test, not the machine. */
const KILL_RSS_MB = 2048;

let server: Child & { match: RegExpExecArray };
let broker: string;

beforeAll(async () => {
  server = await startNodeScript(
    SERVER_SCRIPT,
    ['--rows', '300000', '--timeout-ms', String(BROKER_TIMEOUT_MS), '--max-response-bytes', String(MAX_RESPONSE_BYTES)],
    /READY (\S+) (\S+)/,
    60_000,
  );
  broker = server.match[1]!;
});
afterAll(async () => {
  await server?.kill9();
});

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** Runs `work` while sampling the server's RSS every 20 ms; kills the server past KILL_RSS_MB. */
async function watchRss<T>(work: () => Promise<T>): Promise<{ result: T; baseMb: number; peakMb: number }> {
  const pid = server.child.pid!;
  const baseMb = rssMb(pid);
  let peakMb = baseMb;
  const timer = setInterval(() => {
    try {
      peakMb = Math.max(peakMb, rssMb(pid));
      if (peakMb > KILL_RSS_MB) server.child.kill('SIGKILL');
    } catch {
      // the server is gone; the query fails on its own
    }
  }, 20);
  try {
    return { result: await work(), baseMb, peakMb };
  } finally {
    clearInterval(timer);
  }
}

interface Answer {
  status: number;
  body: any;
  ms: number;
}

/** POST /query/sql, bounded at 20 s whatever the server does. */
async function sql(text: string, extra: Record<string, unknown> = {}): Promise<Answer> {
  const started = Date.now();
  const r = await fetch(`${broker}/query/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql: text, ...extra }),
    signal: AbortSignal.timeout(20_000),
  });
  const raw = await r.text();
  return { status: r.status, body: JSON.parse(raw), ms: Date.now() - started };
}

/**
 * Waits until a quick query is answered: an interrupted statement keeps its slot until DuckDB notices
 * (up to a row group of work), so a test that needs a free slot starts once one is.
 */
async function untilAQueryRuns(): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    if ((await sql('SELECT count(*) FROM pageview_country')).body.exceptions.length === 0) return;
  }
  throw new Error('no query ran in 10 attempts');
}

function errorCodes(answer: Answer): number[] {
  return (answer.body.exceptions ?? []).map((e: { errorCode: number }) => e.errorCode);
}

describe('string-building functions', () => {
  it("ends issue #18's lpad query at once with 245, and the server's memory stays where it was", async () => {
    const { result, baseMb, peakMb } = await watchRss(() =>
      sql("SET timeoutMs=600000; SELECT max(length(lpad(country,100000000,'xy'))) FROM pageview_country"),
    );
    expect(errorCodes(result)).toEqual([245]);
    expect(result.body.exceptions[0].message).toBe(
      `ServerResourceLimitExceededError: lpad would build a string of 100000000 characters, more than the broker's maximum of ${MAX_STRING_LENGTH}`,
    );
    expect(result.ms).toBeLessThan(2000);
    expect(peakMb - baseMb).toBeLessThan(100);
  });

  it('stops rpad, repeat, concat, concatWS, replace and regexpReplace past the maximum, before building', async () => {
    const big = "lpad(country, 10000, 'x')";
    const refused = [
      "SELECT rpad(country, 16385, 'ab') FROM pageview_country",
      'SELECT repeat(country, 100000000) FROM pageview_country',
      "SELECT repeat('ab', '-', 6000) FROM pageview_country",
      `SELECT concat(${big}, ${big}) FROM pageview_country`,
      `SELECT concat(${big}, 'y', ${big}) FROM pageview_country`,
      `SELECT concat_ws('-', ${big}, country, ${big}) FROM pageview_country`,
      // doubling by nesting: every level is checked, so the 4th stops it (about 32,000 characters)
      `SELECT length(${Array.from({ length: 6 }).reduce<string>((inner) => `concat(${inner}, ${inner})`, "lpad(country, 2000, 'x')")}) FROM pageview_country`,
      `SELECT replace(${big}, 'x', 'xx') FROM pageview_country`,
      `SELECT regexp_replace(${big}, 'x', 'yy') FROM pageview_country`,
      `SELECT regexp_replace(lpad(country, 9000, 'x'), '(x+)', '\\1\\1') FROM pageview_country`,
      `SELECT count(*) FROM pageview_country WHERE lpad(country, 100000000, 'x') = 'a'`,
    ];
    for (const text of refused) {
      const answer = await sql(text);
      expect(errorCodes(answer), text).toEqual([245]);
      expect(answer.ms, text).toBeLessThan(2000);
    }
  });

  it('builds strings within the maximum as Pinot does', async () => {
    const rows = async (text: string) => (await sql(text)).body.resultTable?.rows;
    const where = "FROM pageview_country WHERE country = 'Country 7'";
    expect(await rows(`SELECT lpad(country, 12, '.'), rpad(country, 12, '-') ${where}`)).toEqual([['...Country 7', 'Country 7---']]);
    // StringUtils.leftPad/rightPad: never truncated; an empty pad pads with spaces
    expect(
      await rows(`SELECT lpad(country, 5, '*'), rpad(country, 9, '*'), lpad(country, 0, '*'), lpad(country, 11, ''), rpad(country, 11, '') ${where}`),
    ).toEqual([['Country 7', 'Country 7', 'Country 7', '  Country 7', 'Country 7  ']]);
    expect(await rows(`SELECT repeat('ab', 3), repeat('ab', '-', 3), repeat('ab', 0), repeat(country, 2) ${where}`)).toEqual([
      ['ababab', 'ab-ab-ab', '', 'Country 7Country 7'],
    ]);
    expect(await rows(`SELECT concat(country, '!'), concat(country, 'x', '/') ${where}`)).toEqual([['Country 7!', 'Country 7/x']]);
    expect(await rows(`SELECT replace(country, 'o', '00'), regexp_replace(country, '([0-9])', '<\\1>') ${where}`)).toEqual([['C00untry 7', 'Country <7>']]);
    expect(await rows(`SELECT length(lpad(country, ${MAX_STRING_LENGTH}, 'xy')) ${where}`)).toEqual([[MAX_STRING_LENGTH]]);
    expect(
      await rows(
        `SELECT lpad(country, 11, '.') AS c, count(*) FROM pageview_country WHERE country IN ('Country 1', 'Country 2') GROUP BY lpad(country, 11, '.') ORDER BY c`,
      ),
    ).toEqual([
      ['..Country 1', 1],
      ['..Country 2', 1],
    ]);
  });
});

describe('the response', () => {
  it('stops past the maximum of bytes with 503, as Pinot stops a response over maxServerResponseSizeBytes', async () => {
    // 300,000 rows of 16,000 characters: 4.8 GB, were it read whole (or DuckDB let run ahead of the reader)
    const { result, baseMb, peakMb } = await watchRss(() => sql("SELECT lpad(id, 16000, 'x') FROM events LIMIT 300000"));
    expect(errorCodes(result)).toEqual([503]);
    expect(result.body.exceptions[0].message).toMatch(
      new RegExp(`^QueryCancellationError: Serialized query response size \\d+ exceeds threshold ${MAX_RESPONSE_BYTES} for requestId \\d+ from broker Broker_`),
    );
    expect(result.ms).toBeLessThan(BROKER_TIMEOUT_MS);
    expect(peakMb - baseMb).toBeLessThan(300);
    // a response within the bound is whole
    expect((await sql("SELECT lpad(id, 1000, 'x') FROM events LIMIT 1000")).body.resultTable.rows).toHaveLength(1000);
  });
});

describe('DuckDB behind the broker', () => {
  it('is reached by no SQL: Pinot SQL keeps table functions, PRAGMA and SET out, and DuckDB refuses them even from us', async () => {
    const passwd = await sql("SELECT * FROM read_csv('/etc/passwd')");
    expect(errorCodes(passwd)).toEqual([150]);
    expect(JSON.stringify(passwd.body)).not.toContain('root:');
    expect(errorCodes(await sql('SELECT * FROM "read_csv(\'/etc/passwd\')"'))).toEqual([190]);
    expect(errorCodes(await sql("SELECT read_text('/etc/passwd') FROM pageview_country"))).toEqual([200]);
    expect(errorCodes(await sql("PRAGMA memory_limit='100GB'"))).toEqual([150]);
    // SET is a Pinot query option: memory_limit is just an option name DuckDB never sees
    const set = await sql("SET memory_limit='100GB'; SELECT count(*) FROM pageview_country");
    expect(set.body.resultTable?.rows, JSON.stringify(set.body.exceptions)).toEqual([[70]]);

    // behind the translator, DuckDB itself refuses files, extensions and setting changes
    const dir = tempDir('pinot-locked');
    const db = await PinotDb.open(dir, { memoryLimitMb: 64, threads: 1 });
    try {
      const refused: [string, RegExp][] = [
        ["SELECT * FROM read_csv('/etc/passwd')", /file system operations are disabled/],
        ["SELECT * FROM read_text('/etc/passwd')", /file system operations are disabled/],
        [`COPY (SELECT 1) TO '${path.join(dir, 'out.csv')}'`, /disabled/],
        [`ATTACH '${path.join(dir, 'other.duckdb')}' AS other`, /disabled/],
        ['LOAD httpfs', /disabled|not allowed|locked/i],
        ["SET memory_limit = '100GB'", /configuration has been locked/],
        ["PRAGMA memory_limit = '100GB'", /configuration has been locked/],
        ['SET threads = 64', /configuration has been locked/],
        ['SET enable_external_access = true', /configuration has been locked/],
        ['SET lock_configuration = false', /configuration has been locked/],
        ["SET temp_directory = '/tmp'", /configuration has been locked/],
      ];
      for (const [text, message] of refused) {
        await expect(db.read(text), text).rejects.toThrow(message);
      }
      await expect(db.write((tx) => tx.run("SET memory_limit = '100GB'"))).rejects.toThrow(/configuration has been locked/);
      const settings = await db.read("SELECT current_setting('memory_limit'), current_setting('threads'), current_setting('enable_external_access')");
      expect(settings.getRows()[0]!.map(String)).toEqual(['61.0 MiB', '1', 'false']);
      expect(fs.existsSync(path.join(dir, 'out.csv'))).toBe(false);
    } finally {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the broker timeout', () => {
  it('cannot be switched off: timeoutMs must be a positive number, as Pinot says with HTTP 500', async () => {
    const { result: issue } = await watchRss(() => sql("SET timeoutMs=0; SELECT max(length(lpad(country,100000000,'xy'))) FROM pageview_country"));
    expect(issue.status).toBe(500);
    expect(issue.body).toEqual({ code: 500, error: 'Query timeout must be positive, got: 0' });
    expect(issue.ms).toBeLessThan(2000);
    expect((await sql(`SET timeoutMs='-1'; ${HEAVY}`)).body).toEqual({ code: 500, error: 'Query timeout must be positive, got: -1' });
    expect((await sql(HEAVY, { queryOptions: 'timeoutMs=0' })).body).toEqual({ code: 500, error: 'Query timeout must be positive, got: 0' });
    expect((await sql(`SET timeoutMs='off'; ${HEAVY}`)).body).toEqual({ code: 500, error: 'For input string: "off"' });
  });

  it('keeps answering other queries while a heavy one runs to the broker timeout', async () => {
    const heavy = sql(`SET timeoutMs=600000; ${HEAVY}`);
    let heavyDone = false;
    void heavy.then(
      () => (heavyDone = true),
      () => (heavyDone = true),
    );
    const quick: number[] = [];
    while (!heavyDone && quick.length < 200) {
      const answer = await sql("SELECT view_count FROM pageview_country WHERE country = 'Country 3'");
      expect(answer.body.resultTable?.rows, JSON.stringify(answer.body.exceptions)).toEqual([[40]]);
      if (!heavyDone) quick.push(answer.ms);
    }
    const answer = await heavy;
    expect(errorCodes(answer)).toEqual([250]);
    expect(answer.ms).toBeLessThan(BROKER_TIMEOUT_MS + 1500);
    expect(quick.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...quick)).toBeLessThan(1000);
  });

  it('cannot be raised: a longer timeoutMs is cut to the broker timeout, DuckDB is interrupted, 250 comes back', async () => {
    await untilAQueryRuns();
    const { result } = await watchRss(() => sql(`SET timeoutMs=600000; ${HEAVY}`));
    expect(errorCodes(result)).toEqual([250]);
    expect(result.body.exceptions[0].message).toBe(`ExecutionTimeoutError: Timed out while polling results block (query timeout ${BROKER_TIMEOUT_MS} ms)`);
    expect(result.ms).toBeGreaterThanOrEqual(BROKER_TIMEOUT_MS - 100);
    expect(result.ms).toBeLessThan(BROKER_TIMEOUT_MS + 1500);
  });

  it('may be lowered by the query, and answers at it without waiting for DuckDB to notice', async () => {
    await untilAQueryRuns();
    const answer = await sql(HEAVY, { queryOptions: 'timeoutMs=800' });
    expect(errorCodes(answer)).toEqual([250]);
    expect(answer.ms).toBeGreaterThanOrEqual(700);
    expect(answer.ms).toBeLessThan(1500);
  });
});

describe('queries running at once', () => {
  it("are at most maxRunningQueries: four heavy ones leave Node's file reads alone, and one still waiting at its timeout answers 240", async () => {
    const pinot = await startTestPinot({ queryLimits: { maxRunningQueries: 2 } });
    try {
      await http('POST', `${pinot.controllerUrl}/schemas`, eventsSchema('events'));
      await http('POST', `${pinot.controllerUrl}/tables`, realtimeTable('events', 'events'));
      const table = pinot.services.tables.find('events')[0]!.dataTable;
      await pinot.services.db.write((tx) => tx.run(`INSERT INTO "${table}" (id, views, ts) SELECT 'e' || i, i, i FROM range(100000) r(i)`));
      let running = 4;
      const heavy = Array.from({ length: 4 }, () => query(pinot, HEAVY, { queryOptions: 'timeoutMs=2000' }).finally(() => running--));
      // Node's libuv pool has four threads: four DuckDB statements at once would leave none for files
      const reads: number[] = [];
      while (running > 0 && reads.length < 500) {
        const started = Date.now();
        await fs.promises.readFile(SERVER_SCRIPT);
        reads.push(Date.now() - started);
      }
      const codes = (await Promise.all(heavy))
        .map((r) => r.exceptions.map((e: { errorCode: number }) => e.errorCode))
        .flat()
        .sort();
      expect(codes).toEqual([240, 240, 250, 250]);
      expect(Math.max(...reads)).toBeLessThan(500);
    } finally {
      await pinot.stop();
    }
  });
});

describe("DuckDB's memory limit", () => {
  it('ends a query past it with 245, as Pinot ends a query that takes too much memory, and the next query runs', async () => {
    const pinot = await startTestPinot({ storageLimits: { memoryLimitMb: 64, threads: 1 }, queryLimits: { timeoutMs: 30_000 } });
    try {
      await http('POST', `${pinot.controllerUrl}/schemas`, eventsSchema('events'));
      await http('POST', `${pinot.controllerUrl}/tables`, realtimeTable('events', 'events'));
      const table = pinot.services.tables.find('events')[0]!.dataTable;
      await pinot.services.db.write((tx) => tx.run(`INSERT INTO "${table}" (id, views, ts) SELECT 'e' || i, i, i FROM range(50000) r(i)`));
      // 50,000 strings of 4,000 characters to sort or to tell apart: 200 MB in a 64 MB buffer
      for (const text of ["SELECT lpad(id, 4000, 'x') FROM events ORDER BY 1 DESC LIMIT 50000", "SELECT distinctcount(lpad(id, 4000, 'x')) FROM events"]) {
        const answer = await query(pinot, text);
        expect(
          answer.exceptions.map((e: { errorCode: number }) => e.errorCode),
          text,
        ).toEqual([245]);
        expect(answer.exceptions[0].message, text).toMatch(/^ServerResourceLimitExceededError: Out of Memory Error: /);
      }
      expect((await query(pinot, 'SELECT count(*) FROM events')).resultTable.rows).toEqual([[50_000]]);
    } finally {
      await pinot.stop();
    }
  });
});

describe('a NUL character in a string literal', () => {
  it('is data: it compares, prints and round-trips instead of ending the statement', async () => {
    const pinot = await startTestPinot();
    try {
      await http('POST', `${pinot.controllerUrl}/schemas`, eventsSchema('events'));
      await http('POST', `${pinot.controllerUrl}/tables`, realtimeTable('events', 'events'));
      // Stored strings end at a NUL, as Pinot's ingestion sanitizes them: 'a\u0000b' is stored as 'a'.
      await feed(pinot, 'events', 0, 0, [
        { id: 'a\u0000b', source: 'Inbox', views: 1, ts: 1 },
        { id: 'a', source: 'Inbox', views: 2, ts: 2 },
        { id: 'q', source: 'Inbox', views: 3, ts: 3 },
      ]);
      const count = async (where: string) => {
        const answer = await query(pinot, `SELECT count(*) FROM events WHERE ${where}`);
        expect(answer.exceptions, where).toEqual([]);
        return answer.resultTable.rows[0][0];
      };
      expect(await count("id = 'a\u0000b'")).toBe(0);
      expect(await count("id = 'a'")).toBe(2);
      expect(await count("id <> 'q\u0000'")).toBe(3);
      // what follows the NUL stays inside the literal: no OR '1'='1' reaches DuckDB
      expect(await count("id = 'a\u0000'' OR ''1''=''1'")).toBe(0);
      const literal = await query(
        pinot,
        "SELECT 'x\u0000y', concat(id, '\u0000', ''), length('x\u0000y'), replace('n\u0000n', '\u0000', '-') FROM events WHERE views = 2",
      );
      expect(literal.exceptions).toEqual([]);
      expect(literal.resultTable.rows).toEqual([['x\u0000y', 'a\u0000', 3, 'n-n']]);
    } finally {
      await pinot.stop();
    }
  });
});
