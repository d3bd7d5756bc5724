/**
 * verify's table views from answers shaped as real ksqlDB 0.29 gives them, which the embedded stack's
 * test cannot show: `SELECT *` on a windowed table also returns the WINDOWSTART / WINDOWEND pseudo
 * columns after the key. The views must hide what only repeats another column, and still pick the
 * newest windows per key. Also the delimited /query-stream parser, errors included.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { KsqlDbQueryError, parseDelimited } from '../../stack/verify-ksqldb.ts';
import { copiedColumns, renderView, tableView } from '../../stack/verify-tables.ts';
import { verifiedSources } from '../../stack/verify.ts';

const sources = new Map(verifiedSources(loadConfig({})).map((s) => [s.name, s]));
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0);

describe('verify table views', () => {
  it('finds the five tables of topics 4-8 with their topics from config', () => {
    const config = loadConfig({ TOPIC_PAGEVIEW_SESSION: 'sessions_here' });
    expect(verifiedSources(config).map((s) => [s.name, s.topic])).toEqual([
      ['CLEANED_USERS', 'topic4'],
      ['PAGEVIEW_COUNTRY', 'topic5'],
      ['PAGEVIEW_TUMBLING', 'topic6'],
      ['PAGEVIEW_HOPPING', 'topic7'],
      ['PAGEVIEW_SESSION', 'sessions_here'],
    ]);
  });

  it('on a real-ksqlDB-shaped windowed answer hides the key copy and the window pseudo columns and shows the newest windows per key', () => {
    const source = sources.get('PAGEVIEW_TUMBLING')!;
    const columns = ['source_key', 'WINDOWSTART', 'WINDOWEND', 'source', 'user_count', 'view_count', 'window_start', 'window_end'];
    expect(copiedColumns(columns, source.statement)).toEqual(
      new Map([
        ['source_key', 'source'],
        ['WINDOWSTART', 'window_start'],
        ['WINDOWEND', 'window_end'],
      ]),
    );
    const row = (src: string, minute: number, views: number) => [
      src,
      T0 + minute * MIN,
      T0 + (minute + 1) * MIN,
      src,
      1,
      views,
      T0 + minute * MIN,
      T0 + (minute + 1) * MIN,
    ];
    const rows = [row('Inbox', 0, 1), row('External', 2, 7), row('Inbox', 2, 3), row('External', 0, 5), row('Inbox', 1, 2), row('External', 1, 6)];
    const view = tableView(
      source,
      { name: source.name, keyColumns: ['source_key'], windowType: 'TUMBLING' },
      {
        columns,
        columnTypes: ['STRING', 'BIGINT', 'BIGINT', 'STRING', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT'],
        rows,
      },
      { rows: 10, windowsPerKey: 2 },
    );
    expect(view.columns).toEqual(['source', 'user_count', 'view_count', 'window_start', 'window_end']);
    expect(view.cells.map((c) => [c[0], c[2], c[3]])).toEqual([
      ['External', '7', '2026-01-01T12:02:00.000Z'],
      ['External', '6', '2026-01-01T12:01:00.000Z'],
      ['Inbox', '3', '2026-01-01T12:02:00.000Z'],
      ['Inbox', '2', '2026-01-01T12:01:00.000Z'],
    ]);
    expect([view.rowCount, view.keyCount]).toEqual([6, 2]);
    expect(view.subtitle).toMatch(/^6 window\(s\) over 2 key\(s\) \(source\); showing the newest 2 per source/);
    expect(renderView(view).split('\n')[0]).toBe('== PAGEVIEW_TUMBLING  (ksqlDB table, TUMBLING windows; Kafka topic topic6)');
  });

  it('sorts an unwindowed table by its key (numbers as numbers), cuts it to the asked rows and aligns the columns', () => {
    const source = sources.get('CLEANED_USERS')!;
    const rows = [
      [10, 30, 'Male', 'Chad', 'Gold'],
      [9, 41, 'Female', 'Peru', 'Silver'],
      [100, 22, 'Other', 'Fiji', 'Standard'],
    ];
    const view = tableView(
      source,
      { name: source.name, keyColumns: ['USER_ID'], windowType: null },
      {
        columns: ['USER_ID', 'AGE', 'GENDER', 'COUNTRY', 'SUBSCRIPTION'],
        columnTypes: ['INTEGER', 'INTEGER', 'STRING', 'STRING', 'STRING'],
        rows,
      },
      { rows: 2, windowsPerKey: 3 },
    );
    expect(view.cells.map((c) => c[0])).toEqual(['9', '10']);
    expect(view.subtitle).toBe('3 row(s), one per USER_ID; showing the first 2 by USER_ID');
    const lines = renderView(view).split('\n');
    expect(lines[5]).toBe('|       9 |  41 | Female | Peru    | Silver       |');
    expect(new Set(lines.slice(2).map((l) => l.length)).size).toBe(1);
  });

  it('parses the delimited answer and turns an error line into KsqlDbQueryError', () => {
    const ok = parseDelimited('{"queryId":"q","columnNames":["A","B"],"columnTypes":["INTEGER","STRING"]}\n[1,"x"]\n[2,null]\n');
    expect(ok).toEqual({
      columns: ['A', 'B'],
      columnTypes: ['INTEGER', 'STRING'],
      rows: [
        [1, 'x'],
        [2, null],
      ],
    });
    expect(() =>
      parseDelimited(
        '{"queryId":"q","columnNames":["A"],"columnTypes":["INTEGER"]}\n{"@type":"generic_error","error_code":50000,"message":"store is restoring"}\n',
      ),
    ).toThrow(new KsqlDbQueryError('store is restoring'));
  });
});
