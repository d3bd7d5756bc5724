/** The SQL layer alone: parsing, Pinot naming/typing rules, errors, and the DuckDB text it emits. */
import { describe, expect, it } from 'vitest';
import { QueryError } from '../../embedded/pinot/errors.ts';
import { parseSchema } from '../../embedded/pinot/schema.ts';
import { SqlSyntaxError } from '../../embedded/pinot/sql/lexer.ts';
import { parseQuery, SqlValidationError } from '../../embedded/pinot/sql/parser.ts';
import { isoDurationMs, jodaToStrftime, translate, typeName, type TableView } from '../../embedded/pinot/sql/translate.ts';
import { eventsSchema } from './helpers.ts';

const view: TableView = { name: 'events', columns: parseSchema(eventsSchema()).columns, from: '"_pinot_data_1"' };

function tr(sql: string) {
  return translate(parseQuery(sql).select, view, 1_700_000_000_000);
}

function errorOf(sql: string): { code: number; message: string } {
  try {
    tr(sql);
  } catch (error) {
    if (error instanceof QueryError) return { code: error.errorCode, message: error.pinotMessage };
    if (error instanceof SqlSyntaxError) return { code: 150, message: error.message };
    if (error instanceof SqlValidationError) return { code: 700, message: error.message };
    throw error;
  }
  throw new Error(`no error for ${sql}`);
}

describe('parser', () => {
  it('parses SET options, EXPLAIN and the clauses', () => {
    const q = parseQuery(
      "SET timeoutMs = 5000; SET useMultistageEngine='true'; SELECT DISTINCT a AS x, b FROM t WHERE a > 1 GROUP BY a HAVING count(*) > 2 ORDER BY x DESC NULLS LAST LIMIT 5, 20;",
    );
    expect(q.options).toEqual({ timeoutMs: '5000', useMultistageEngine: 'true' });
    expect(q.select.distinct).toBe(true);
    expect(q.select.items.map((i) => i.alias)).toEqual(['x', undefined]);
    expect(q.select.offset).toBe(5);
    expect(q.select.limit).toBe(20);
    expect(q.select.orderBy[0]).toMatchObject({ desc: true, nulls: 'LAST' });
    expect(parseQuery('EXPLAIN PLAN FOR SELECT * FROM t').explain).toBe(true);
    expect(parseQuery('select * from t limit 3 offset 4').select).toMatchObject({ limit: 3, offset: 4 });
  });

  it('reports syntax errors with line and column, and JOINs as validation errors', () => {
    expect(() => parseQuery('SELEC * FROM t')).toThrow(/Encountered "SELEC" at line 1, column 1/);
    expect(() => parseQuery('SELECT a FROM')).toThrow(SqlSyntaxError);
    expect(() => parseQuery("SELECT 'abc FROM t")).toThrow(/unterminated string/);
    expect(() => parseQuery('SELECT * FROM a JOIN b ON a.x = b.x')).toThrow(SqlValidationError);
    expect(() => parseQuery('SELECT * FROM (SELECT * FROM t)')).toThrow(SqlValidationError);
  });

  it('keeps quoted identifiers and escaped strings intact', () => {
    const q = parseQuery(`SELECT "we""ird", 'it''s' FROM "my table"`);
    expect(q.select.table).toBe('my table');
    expect(q.select.items[0]!.expr).toMatchObject({ kind: 'column', name: 'we"ird' });
    expect(q.select.items[1]!.expr).toMatchObject({ kind: 'literal', value: "it's" });
  });
});

describe('translate', () => {
  it('names and types columns the way Pinot does', () => {
    const t = tr('SELECT source, COUNT(*), SUM(views), AVG(score), MIN(n), MAX(n), DISTINCTCOUNT(id), COUNT(DISTINCT id) FROM events GROUP BY source');
    expect(t.columnNames).toEqual(['source', 'count(*)', 'sum(views)', 'avg(score)', 'min(n)', 'max(n)', 'distinctcount(id)', 'distinctcount(id)']);
    expect(t.columnTypes.map(typeName)).toEqual(['STRING', 'LONG', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'INT', 'INT']);
    expect(t.groupBy).toBe(true);
  });

  it('types selected columns from the schema, MV columns as arrays, and arithmetic as DOUBLE (as Pinot does)', () => {
    const t = tr('SELECT id, n, views, score, flag, tags, ts, n + 1, views * 2, score / 2, n - score, abs(views) FROM events');
    expect(t.columnTypes.map(typeName)).toEqual([
      'STRING',
      'INT',
      'LONG',
      'DOUBLE',
      'BOOLEAN',
      'STRING_ARRAY',
      'LONG',
      'DOUBLE',
      'DOUBLE',
      'DOUBLE',
      'DOUBLE',
      'DOUBLE',
    ]);
    expect(t.columnNames.slice(7)).toEqual(["plus(n,'1')", "times(views,'2')", "divide(score,'2')", 'minus(n,score)', 'abs(views)']);
  });

  it('expands SELECT * to all columns sorted by name', () => {
    expect(tr('SELECT * FROM events').columnNames).toEqual(['flag', 'id', 'label', 'n', 'score', 'source', 'tags', 'ts', 'views']);
  });

  it('applies the default LIMIT 10 to selections and group-bys, but not to aggregation-only queries', () => {
    expect(tr('SELECT id FROM events').sql).toMatch(/LIMIT 10$/);
    expect(tr('SELECT source, count(*) FROM events GROUP BY source').sql).toMatch(/LIMIT 10$/);
    expect(tr('SELECT count(*) FROM events').sql).not.toMatch(/LIMIT/);
    expect(tr('SELECT id FROM events LIMIT 3 OFFSET 2').sql).toMatch(/LIMIT 3 OFFSET 2$/);
  });

  it('uses aliases in ORDER BY / HAVING (alias wins over a column of the same name)', () => {
    const t = tr('SELECT source, SUM(views) AS views FROM events GROUP BY source HAVING views > 3 ORDER BY views DESC');
    expect(t.columnNames).toEqual(['source', 'views']);
    expect(t.sql).toContain('HAVING (COALESCE(sum(CAST("views" AS DOUBLE)), 0.0::DOUBLE) > 3)');
    expect(t.sql).toContain('ORDER BY COALESCE(sum(CAST("views" AS DOUBLE)), 0.0::DOUBLE) DESC');
  });

  it('rejects columns mixed with aggregates without GROUP BY (150) and unknown columns (710)', () => {
    expect(errorOf('SELECT source, count(*) FROM events')).toEqual({
      code: 150,
      message: "SQLParsingError: Columns and Aggregate functions can't co-exist without GROUP BY clause",
    });
    expect(errorOf('SELECT nope FROM events')).toEqual({ code: 710, message: "UnknownColumnError: Unknown columnName 'nope' found in the query" });
    expect(errorOf('SELECT id FROM events WHERE nope = 1').code).toBe(710);
    expect(errorOf('SELECT id, count(*) FROM events GROUP BY source').code).toBe(150);
    expect(errorOf('SELECT nosuchfn(id) FROM events').code).toBe(200); // the server cannot make it, as in Pinot 1.2
    expect(errorOf('SELECT sum(max(n)) FROM events').code).toBe(150);
  });

  it('quotes identifiers and literals so user text never becomes SQL', () => {
    const t = tr(`SELECT id FROM events WHERE source = 'x''; DROP TABLE t; --' AND "id" <> 'a"b'`);
    expect(t.sql).toContain(`("source" = 'x''; DROP TABLE t; --')`);
    expect(t.sql).toContain(`("id" <> 'a"b')`);
    expect(t.sql.startsWith('SELECT "id" AS "c0" FROM "_pinot_data_1" AS "pinot_table" WHERE')).toBe(true);
  });

  it('resolves columns case-insensitively as a fallback and compares strings with numbers as strings', () => {
    const t = tr("SELECT ID FROM events WHERE source = 5 AND n = '7'");
    expect(t.columnNames).toEqual(['id']);
    expect(t.sql).toContain(`("source" = '5')`);
    expect(t.sql).toContain('("n" = 7)');
  });

  it('folds now() and ago() to constants and translates time functions', () => {
    const t = tr("SELECT count(*) FROM events WHERE ts > ago('PT1H') AND ts <= now()");
    expect(t.sql).toContain(`("ts" > ${1_700_000_000_000 - 3_600_000}::BIGINT)`);
    expect(t.sql).toContain(`("ts" <= 1700000000000::BIGINT)`);
    const d = tr("SELECT DATETIMECONVERT(ts, '1:MILLISECONDS:EPOCH', '1:MILLISECONDS:EPOCH', '5:MINUTES') AS bucket, count(*) FROM events GROUP BY bucket");
    expect(d.columnNames).toEqual(['bucket', 'count(*)']);
    expect(d.columnTypes.map(typeName)).toEqual(['LONG', 'LONG']);
    expect(tr("SELECT ToDateTime(ts, 'yyyy-MM-dd HH:mm:ss') FROM events").columnNames).toEqual(["todatetime(ts,'yyyy-MM-dd HH:mm:ss')"]);
  });

  it('accepts ordinals in GROUP BY / ORDER BY and the legacy OPTION(...) suffix', () => {
    const t = tr('SELECT source, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC');
    expect(t.sql).toContain('GROUP BY "source"');
    expect(t.sql).toContain('ORDER BY count(*) DESC');
    expect(errorOf('SELECT source FROM events ORDER BY 3').code).toBe(150);
    const q = parseQuery('SELECT * FROM events WHERE n > 1 LIMIT 5 OPTION(timeoutMs=200, skipUpsert=true)');
    expect(q.options).toEqual({ timeoutMs: '200', skipUpsert: 'true' });
    expect(q.select).toMatchObject({ table: 'events', limit: 5 });
    expect(parseQuery('SELECT * FROM events OPTION(timeoutMs=1)').select.tableAlias).toBeUndefined();
  });

  it('converts ISO durations and Joda patterns', () => {
    expect(isoDurationMs('PT15M')).toBe(900_000);
    expect(isoDurationMs('P1DT2H')).toBe(93_600_000);
    expect(isoDurationMs('PT0.5S')).toBe(500);
    expect(isoDurationMs('bogus')).toBeUndefined();
    expect(jodaToStrftime("yyyy-MM-dd'T'HH:mm:ss.SSS")).toBe('%Y-%m-%dT%H:%M:%S.%g');
  });
});

describe('GROUP BY without an aggregate (Pinot runs it as a DISTINCT of the select list)', () => {
  it('answers as DISTINCT when the select and group-by expressions are the same set', () => {
    expect(tr('SELECT source, n FROM events GROUP BY n, source').columnNames).toEqual(['source', 'n']);
  });

  it('refuses other select lists (150) and a HAVING (200: the server cannot run it on a DISTINCT)', () => {
    expect(errorOf('SELECT source FROM events GROUP BY source, n')).toEqual({
      code: 150,
      message: 'SQLParsingError: For non-aggregation group-by query, select expression set and group-by expression set should be the same',
    });
    expect(errorOf('SELECT source FROM events GROUP BY source HAVING COUNT(*) > 5').code).toBe(200);
    // an aggregate in ORDER BY makes it a group-by query, HAVING included
    expect(tr('SELECT source FROM events GROUP BY source HAVING COUNT(*) > 5 ORDER BY COUNT(*)').columnNames).toEqual(['source']);
  });
});
