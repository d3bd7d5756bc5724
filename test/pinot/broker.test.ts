/** Broker queries over real HTTP against real DuckDB: response shapes, SQL subset, errors, null defaults, upsert, restart. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPinotSchema, readPinotTableConfig } from '../../pinot/tables.ts';
import { eventsSchema, feed, http, query, realtimeTable, rejectViewsFrom, startTestPinot, tempDir, waitFor, type TestPinot } from './helpers.ts';

let pinot: TestPinot;

const SOURCES = ['Homepage', 'Inbox', 'External'];

beforeAll(async () => {
  pinot = await startTestPinot();
  const c = pinot.controllerUrl;
  await http('POST', `${c}/schemas`, eventsSchema('events'));
  await http('POST', `${c}/tables`, realtimeTable('events', 'events'));
  // 30 rows: source cycles, views = i, n = i % 4, score = i / 2.
  const rows = Array.from({ length: 30 }, (_, i) => ({
    id: `e${i}`,
    source: SOURCES[i % 3],
    n: i % 4,
    flag: i % 2 === 0,
    tags: ['t', `x${i % 2}`],
    views: i,
    score: i / 2,
    ts: 1_714_566_896_000 + i * 1000,
  }));
  await feed(pinot, 'events', 0, 0, rows.slice(0, 15));
  await feed(pinot, 'events', 1, 0, rows.slice(15));
  // A row with nulls and missing fields, and the <script> value the console must render as text.
  await feed(pinot, 'events', 2, 0, [{ id: '<script>alert(1)</script>', source: null, views: null, ts: 1_714_566_999_000 }]);
});
afterAll(async () => {
  await pinot?.stop();
});

describe('response shape', () => {
  it('answers a group-by query with BrokerResponseNative', async () => {
    const response = await http('POST', `${pinot.brokerUrl}/query/sql`, {
      sql: "SELECT source, COUNT(*), SUM(views) FROM events WHERE source <> 'null' GROUP BY source ORDER BY SUM(views) DESC LIMIT 10",
      queryOptions: 'timeoutMs=10000',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-pinot-error-code')).toBe('-1');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = response.json;
    expect(body.resultTable).toEqual({
      dataSchema: { columnNames: ['source', 'count(*)', 'sum(views)'], columnDataTypes: ['STRING', 'LONG', 'DOUBLE'] },
      rows: [
        ['External', 10, 155.0],
        ['Inbox', 10, 145.0],
        ['Homepage', 10, 135.0],
      ],
    });
    // Doubles are written the Java way.
    expect(response.text).toContain('["External",10,155.0]');
    expect(Object.keys(body).slice(0, 4)).toEqual(['resultTable', 'numRowsResultSet', 'partialResult', 'exceptions']);
    expect(body).toMatchObject({
      numRowsResultSet: 3,
      partialResult: false,
      exceptions: [],
      numGroupsLimitReached: false,
      brokerId: `Broker_127.0.0.1_${pinot.brokerPort}`,
      numDocsScanned: 30,
      totalDocs: 31,
      numServersQueried: 1,
      numServersResponded: 1,
      traceInfo: {},
      tablesQueried: ['events'],
    });
    expect(body.requestId).toMatch(/^\d+$/);
    for (const key of [
      'timeUsedMs',
      'numSegmentsQueried',
      'numConsumingSegmentsQueried',
      'minConsumingFreshnessTimeMs',
      'numEntriesScannedInFilter',
      'numEntriesScannedPostFilter',
      'brokerReduceTimeMs',
      'realtimeTotalCpuTimeNs',
    ]) {
      expect(typeof body[key], key).toBe('number');
    }
    expect(body.minConsumingFreshnessTimeMs).toBeGreaterThan(0);
  });

  it('answers GET /query/sql the same way', async () => {
    const r = await http('GET', `${pinot.brokerUrl}/query/sql?sql=${encodeURIComponent('SELECT count(*) FROM events_REALTIME')}`);
    expect(r.json.resultTable.rows).toEqual([[31]]);
  });

  it('puts failures in exceptions with HTTP 200 and X-Pinot-Error-Code', async () => {
    const missing = await http('POST', `${pinot.brokerUrl}/query/sql`, { sql: 'SELECT * FROM nosuchtable' });
    expect(missing.status).toBe(200);
    expect(missing.headers.get('x-pinot-error-code')).toBe('190');
    expect(missing.json.exceptions).toEqual([{ errorCode: 190, message: 'TableDoesNotExistError' }]);
    expect(missing.json).not.toHaveProperty('resultTable');
    expect(missing.json).toMatchObject({ numRowsResultSet: 0, partialResult: true, numDocsScanned: 0, totalDocs: 0 });

    const bad = await http('POST', `${pinot.brokerUrl}/query/sql`, { sql: 'SELEC * FROM events' });
    expect(bad.status).toBe(200);
    expect(bad.json.exceptions).toHaveLength(1);
    expect(bad.json.exceptions[0].errorCode).toBe(150);
    expect(bad.json.exceptions[0].message).toMatch(
      /^SQLParsingError: Caught exception while parsing query: SELEC \* FROM events: Encountered "SELEC" at line 1, column 1/,
    );

    const column = await query(pinot, 'SELECT foo FROM events');
    expect(column.exceptions).toEqual([{ errorCode: 710, message: "UnknownColumnError: Unknown columnName 'foo' found in the query" }]);

    const withStatus = await http('POST', `${pinot.brokerUrl}/query/sql`, { sql: 'SELECT * FROM nosuchtable' }, { 'Pinot-Use-Http-Status-For-Errors': 'true' });
    expect(withStatus.status).toBe(404);
  });

  it('answers a missing sql field or bad JSON with HTTP 400', async () => {
    const noSql = await http('POST', `${pinot.brokerUrl}/query/sql`, { query: 'x' });
    expect(noSql.status).toBe(400);
    expect(noSql.json).toEqual({ code: 400, error: "Payload is missing the query string field 'sql'" });
    expect((await http('POST', `${pinot.brokerUrl}/query/sql`, '{oops')).status).toBe(400);
  });
});

describe('SQL subset', () => {
  it('gives a CASE without ELSE the placeholder of its type for unmatched rows, as Pinot 1.2 without null handling', async () => {
    const r = await query(
      pinot,
      "SELECT CASE WHEN views < 2 THEN 'low' END, CASE WHEN views < 2 THEN views END, CASE WHEN views < 2 THEN 'low' ELSE NULL END FROM events WHERE source <> 'null' ORDER BY views LIMIT 3",
    );
    expect(r.resultTable).toEqual({
      dataSchema: {
        columnNames: ["case(less_than(views,'2'),'low','null')", "case(less_than(views,'2'),views,'null')", "case(less_than(views,'2'),'low','null')"],
        columnDataTypes: ['STRING', 'LONG', 'STRING'],
      },
      rows: [
        ['low', 0, 'low'],
        ['low', 1, 'low'],
        ['', 0, ''],
      ],
    });
  });

  it('answers a query of constants on the broker alone, as Pinot 1.2 does: one row, columns named by their values', async () => {
    const answer = async (sql: string) => (await query(pinot, sql)).resultTable;
    expect(await answer('SELECT 1')).toEqual({ dataSchema: { columnNames: ['1'], columnDataTypes: ['INT'] }, rows: [[1]] });
    // functions of literals are computed while compiling; FROM, WHERE and LIMIT do not matter then
    expect(await answer('SELECT 1 + 2 FROM events WHERE views > 1000 LIMIT 0')).toEqual({
      dataSchema: { columnNames: ['3.0'], columnDataTypes: ['DOUBLE'] },
      rows: [[3]],
    });
    expect(await answer("SELECT FROMDATETIME('2023-11-15', 'yyyy-MM-dd'), FROMEPOCHSECONDS(1700000000) AS e FROM events")).toEqual({
      dataSchema: { columnNames: ['1700006400000', 'e'], columnDataTypes: ['LONG', 'LONG'] },
      rows: [[1700006400000, 1700000000000]],
    });
    expect(await answer("SELECT 'x', true, 2.5, 3000000000, NULL, upper('a') AS u FROM nosuch")).toEqual({
      dataSchema: {
        columnNames: ["'x'", 'true', '2.5', '3000000000', 'null', 'u'],
        columnDataTypes: ['STRING', 'BOOLEAN', 'DOUBLE', 'LONG', 'UNKNOWN', 'STRING'],
      },
      rows: [['x', true, 2.5, 3000000000, null, 'A']],
    });
    // in a query of columns, a function of literals is computed once and named by its value, as Pinot compiles it
    expect(await answer("SELECT views + (1 + 2), FROMEPOCHSECONDS(1700000000), upper('x') FROM events WHERE views = 3")).toEqual({
      dataSchema: { columnNames: ["plus(views,'3.0')", "'1700000000000'", "'X'"], columnDataTypes: ['DOUBLE', 'LONG', 'STRING'] },
      rows: [[6, 1700000000000, 'X']],
    });
    // a column without FROM: Pinot's broker has no table to send it to
    expect((await query(pinot, 'SELECT id')).exceptions).toEqual([{ errorCode: 700, message: 'QueryValidationError: Data source (FROM clause) not found' }]);
    expect((await query(pinot, "SELECT read_text('/etc/passwd')")).exceptions.map((e: { errorCode: number }) => e.errorCode)).toEqual([700]);
  });

  it('applies the default LIMIT 10 and explicit LIMIT/OFFSET', async () => {
    expect((await query(pinot, 'SELECT id FROM events')).resultTable.rows).toHaveLength(10);
    expect((await query(pinot, "SELECT id FROM events WHERE source <> 'null' ORDER BY views LIMIT 3 OFFSET 2")).resultTable.rows).toEqual([
      ['e2'],
      ['e3'],
      ['e4'],
    ]);
    expect((await query(pinot, "SELECT id FROM events WHERE source <> 'null' ORDER BY views LIMIT 2, 3")).resultTable.rows).toEqual([['e2'], ['e3'], ['e4']]);
    expect((await query(pinot, 'SELECT n, count(*) FROM events GROUP BY n ORDER BY n LIMIT 2')).resultTable.rows).toEqual([
      [-2147483648, 1],
      [0, 8],
    ]);
    // Pinot's group-by and distinct reducers (1.2 as 0.11) ignore OFFSET; an aggregation keeps its one row.
    expect((await query(pinot, 'SELECT n, count(*) FROM events GROUP BY n ORDER BY n LIMIT 2 OFFSET 1')).resultTable.rows).toEqual([
      [-2147483648, 1],
      [0, 8],
    ]);
    expect((await query(pinot, 'SELECT DISTINCT n FROM events ORDER BY n LIMIT 1, 2')).resultTable.rows).toEqual([[-2147483648], [0]]);
    expect((await query(pinot, 'SELECT count(*) FROM events LIMIT 5 OFFSET 3')).resultTable.rows).toEqual([[31]]);
  });

  it('computes aggregates with Pinot result types', async () => {
    const r = await query(
      pinot,
      "SELECT COUNT(*), SUM(views), AVG(score), MIN(n), MAX(views), DISTINCTCOUNT(source), COUNT(DISTINCT n) FROM events WHERE source IN ('Homepage', 'Inbox')",
    );
    expect(r.resultTable.dataSchema.columnDataTypes).toEqual(['LONG', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'INT', 'INT']);
    expect(r.resultTable.rows).toEqual([[20, 280, 7, 0, 28, 2, 4]]);
  });

  it('returns Pinot values for aggregates over no rows', async () => {
    const r = await query(pinot, "SELECT COUNT(*), SUM(views), MIN(views), MAX(views), AVG(views) FROM events WHERE id = 'none'");
    expect(r.resultTable.rows).toEqual([[0, 0, 'Infinity', '-Infinity', '-Infinity']]);
  });

  it('supports aliases, expressions, HAVING, BETWEEN, LIKE, CASE and time functions', async () => {
    const r = await query(
      pinot,
      `SELECT source AS s, SUM(views) AS total, MAX(views) - MIN(views) AS spread FROM events
      WHERE views BETWEEN 3 AND 29 AND id LIKE 'e%' GROUP BY source HAVING total > 140 ORDER BY total DESC`,
    );
    expect(r.resultTable.dataSchema.columnNames).toEqual(['s', 'total', 'spread']);
    expect(r.resultTable.rows).toEqual([
      ['External', 153, 24],
      ['Inbox', 144, 24],
    ]);
    const c = await query(
      pinot,
      "SELECT CASE WHEN views > 20 THEN 'high' ELSE 'low' END AS bucket, count(*) FROM events WHERE source <> 'null' GROUP BY bucket ORDER BY bucket",
    );
    expect(c.resultTable.rows).toEqual([
      ['high', 9],
      ['low', 21],
    ]);
    const t = await query(
      pinot,
      "SELECT ToDateTime(ts, 'yyyy-MM-dd HH:mm:ss') AS t, DATETIMECONVERT(ts, '1:MILLISECONDS:EPOCH', '1:MINUTES:EPOCH', '1:MINUTES') AS m FROM events WHERE id = 'e0'",
    );
    expect(t.resultTable).toEqual({ dataSchema: { columnNames: ['t', 'm'], columnDataTypes: ['STRING', 'LONG'] }, rows: [['2024-05-01 12:34:56', 28576114]] });
    const recent = await query(pinot, "SELECT count(*) FROM events WHERE ts > ago('PT1H')");
    expect(recent.resultTable.rows).toEqual([[0]]);
  });

  it('queries multi-value columns with any-match semantics and returns arrays', async () => {
    const r = await query(pinot, "SELECT id, tags FROM events WHERE tags = 'x1' ORDER BY views LIMIT 2");
    expect(r.resultTable).toEqual({
      dataSchema: { columnNames: ['id', 'tags'], columnDataTypes: ['STRING', 'STRING_ARRAY'] },
      rows: [
        ['e1', ['t', 'x1']],
        ['e3', ['t', 'x1']],
      ],
    });
    const agg = await query(pinot, 'SELECT COUNTMV(tags), DISTINCTCOUNTMV(tags) FROM events');
    expect(agg.resultTable).toEqual({
      dataSchema: { columnNames: ['countmv(tags)', 'distinctcountmv(tags)'], columnDataTypes: ['LONG', 'INT'] },
      rows: [[61, 4]],
    });
  });

  it('shows default null values for missing fields', async () => {
    const r = await query(pinot, "SELECT id, source, n, flag, views, score, label, tags FROM events WHERE id = '<script>alert(1)</script>'");
    expect(r.resultTable.rows).toEqual([['<script>alert(1)</script>', 'null', -2147483648, false, 0, 0, 'none', ['null']]]);
    expect(r.resultTable.dataSchema.columnDataTypes).toEqual(['STRING', 'STRING', 'INT', 'BOOLEAN', 'LONG', 'DOUBLE', 'STRING', 'STRING_ARRAY']);
  });

  it('answers SELECT DISTINCT and EXPLAIN PLAN', async () => {
    const d = await query(pinot, "SELECT DISTINCT source FROM events WHERE source <> 'null' ORDER BY source");
    expect(d.resultTable.rows).toEqual([['External'], ['Homepage'], ['Inbox']]);
    const e = await query(pinot, 'EXPLAIN PLAN FOR SELECT source FROM events');
    expect(e.resultTable.dataSchema.columnNames).toEqual(['Operator', 'Operator_Id', 'Parent_Id']);
  });
});

describe('upsert and persistence', () => {
  it('keeps only the latest row per primary key (comparison column wins, ties go to the later row)', async () => {
    const c = pinot.controllerUrl;
    await http('POST', `${c}/schemas`, readPinotSchema('pageview_tumbling'));
    const config = readPinotTableConfig('pageview_tumbling');
    expect((await http('POST', `${c}/tables`, config)).status).toBe(200);
    const w = 1_714_566_840_000;
    await feed(pinot, 'pageview_tumbling', 0, 0, [
      { source: 'Inbox', window_start: w, window_end: w + 60_000, user_count: 1, view_count: 1 },
      { source: 'Inbox', window_start: w, window_end: w + 60_000, user_count: 2, view_count: 3 },
      { source: 'Homepage', window_start: w, window_end: w + 60_000, user_count: 1, view_count: 1 },
    ]);
    await feed(pinot, 'pageview_tumbling', 1, 0, [
      { source: 'Inbox', window_start: w, window_end: w + 60_000, user_count: 4, view_count: 7 },
      { source: 'Inbox', window_start: w + 60_000, window_end: w + 120_000, user_count: 1, view_count: 1 },
    ]);
    const r = await query(pinot, 'SELECT source, window_start, user_count, view_count FROM pageview_tumbling ORDER BY source, window_start');
    expect(r.resultTable.rows).toEqual([
      ['Homepage', w, 1, 1],
      ['Inbox', w, 4, 7],
      ['Inbox', w + 60_000, 1, 1],
    ]);
    const counted = await query(pinot, 'SELECT count(*) FROM pageview_tumbling');
    expect(counted.resultTable.rows).toEqual([[3]]);
    // As Pinot: every record is a document of the table (the replaced ones too), only the valid ones are scanned.
    expect(counted).toMatchObject({ totalDocs: 5, numDocsScanned: 3 });
  });

  it('hides a primary key whose latest row sets the deleteRecordColumn, and shows it again when a newer row arrives', async () => {
    const c = pinot.controllerUrl;
    await http('POST', `${c}/schemas`, readPinotSchema('pageview_session'));
    const config = readPinotTableConfig('pageview_session');
    expect(config.upsertConfig).toMatchObject({ comparisonColumns: ['window_end'], deleteRecordColumn: 'deleted' });
    expect((await http('POST', `${c}/tables`, config)).status).toBe(200);
    const s = 1_714_566_840_000;
    const session = (start: number, end: number, users: number, views: number) => ({
      source: 'Inbox',
      window_start: start,
      window_end: end,
      user_count: users,
      view_count: views,
    });
    await feed(pinot, 'pageview_session', 0, 0, [
      session(s, s, 1, 1),
      session(s + 100_000, s + 110_000, 2, 2),
      // merged into [s, s + 110_000]: the later session is deleted, the earlier one grows
      { source: 'Inbox', window_start: s + 100_000, window_end: s + 110_000, deleted: true },
      { source: 'Inbox', window_start: s, window_end: s, deleted: true },
      session(s, s + 110_000, 3, 4),
      // a delete older than the stored row (smaller window_end) does not win
      { source: 'Inbox', window_start: s, window_end: s + 50_000, deleted: true },
      { source: 'External', window_start: s, window_end: s, deleted: true },
    ]);
    const rows = async () =>
      (await query(pinot, 'SELECT source, window_start, window_end, user_count, view_count FROM pageview_session ORDER BY window_start')).resultTable.rows;
    expect(await rows()).toEqual([['Inbox', s, s + 110_000, 3, 4]]);
    expect((await query(pinot, 'SELECT count(*) FROM pageview_session')).resultTable.rows).toEqual([[1]]);
    expect((await query(pinot, "SELECT count(*) FROM pageview_session WHERE source = 'External'")).resultTable.rows).toEqual([[0]]);
    await feed(pinot, 'pageview_session', 0, 7, [{ source: 'Inbox', window_start: s, window_end: s + 110_000, deleted: true }]);
    expect(await rows()).toEqual([]);
    await feed(pinot, 'pageview_session', 0, 8, [session(s, s + 120_000, 3, 5)]);
    expect(await rows()).toEqual([['Inbox', s, s + 120_000, 3, 5]]);
  });

  it('validates deleteRecordColumn as Pinot does', async () => {
    const c = pinot.controllerUrl;
    await http('POST', `${c}/schemas`, eventsSchema('deletes', { primaryKeyColumns: ['id'] }));
    const table = (deleteRecordColumn: string) => realtimeTable('deletes', 'deletes', { upsertConfig: { mode: 'FULL', deleteRecordColumn } });
    const missing = await http('POST', `${c}/tables`, table('gone'));
    expect(missing.status).toBe(400);
    expect(missing.json.error).toContain('Column gone specified in deleteRecordColumn does not exist');
    const multi = await http('POST', `${c}/tables`, table('tags'));
    expect(multi.status).toBe(400);
    expect(multi.json.error).toContain('The deleteRecordColumn - tags must be a single-valued column');
    expect((await http('POST', `${c}/tables`, table('flag'))).status).toBe(200);
  });

  it('skips and counts a row the database rejects without wedging the partition', async () => {
    const c = pinot.controllerUrl;
    await http('POST', `${c}/schemas`, eventsSchema('strict'));
    await http('POST', `${c}/tables`, realtimeTable('strict', 'strict'));
    await rejectViewsFrom(pinot, 'strict', 100);
    await feed(pinot, 'strict', 0, 0, [
      { id: 'a', views: 5 },
      { id: 'b', views: 500 },
      { id: 'c', views: 7 },
    ]);
    expect((await query(pinot, 'SELECT id FROM strict ORDER BY id')).resultTable.rows).toEqual([['a'], ['c']]);
    const debug = (await http('GET', `${c}/debug/ingestion/strict`)).json;
    expect(debug).toMatchObject({ rowsIngested: 2, failed: 1, partitions: [expect.objectContaining({ nextOffset: '3' })] });
    expect(pinot.logs.some((l) => l.includes('skipped row that DuckDB rejected'))).toBe(true);
  });

  it('keeps schemas, tables, rows and offsets across a restart without doubling', async () => {
    const dataDir = tempDir('pinot-restart');
    const first = await startTestPinot({ dataDir });
    await http('POST', `${first.controllerUrl}/schemas`, eventsSchema('kept'));
    await http('POST', `${first.controllerUrl}/tables`, realtimeTable('kept', 'kept'));
    await feed(first, 'kept', 0, 0, [
      { id: 'a', views: 1 },
      { id: 'b', views: 2 },
    ]);
    await first.stop();

    const second = await startTestPinot({ dataDir });
    try {
      expect((await http('GET', `${second.controllerUrl}/schemas`)).json).toEqual(['kept']);
      expect((await http('GET', `${second.controllerUrl}/tables`)).json).toEqual({ tables: ['kept'] });
      // Redelivery of offsets 0..1 plus a new offset 2: only the new one is stored.
      await feed(second, 'kept', 0, 0, [
        { id: 'a', views: 1 },
        { id: 'b', views: 2 },
        { id: 'c', views: 3 },
      ]);
      const r = await query(second, 'SELECT id, views FROM kept ORDER BY id');
      expect(r.resultTable.rows).toEqual([
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ]);
      // The counters are updated just after the transaction that made row c visible commits.
      const debug = await waitFor(
        'the ingestion counters to show offset 3',
        async () => {
          const d = await http('GET', `${second.controllerUrl}/debug/ingestion/kept`);
          return d.json.partitions?.[0]?.nextOffset === '3' ? d : undefined;
        },
        5_000,
        20,
      ).catch(async () => http('GET', `${second.controllerUrl}/debug/ingestion/kept`));
      expect(debug.json.partitions).toEqual([expect.objectContaining({ partition: 0, nextOffset: '3', rowsIngested: 3 })]);
    } finally {
      await second.stop();
    }
  });
});
