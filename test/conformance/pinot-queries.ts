/**
 * The broker query corpus of the Pinot conformance suite: each query runs on real Apache Pinot and on ours
 * against the same ingested data (pinot-fixture.ts), and what a client reads is compared.
 *
 * `check` says how rows are compared: `ordered` (ORDER BY makes the order deterministic), `multiset`
 * (same rows, any order), `shape` (only column names, types and the row count: a LIMIT without ORDER BY
 * may pick any rows). Default: `ordered` when the SQL has ORDER BY, else `multiset`.
 */
import { QUERIES } from '../../dashboard/snapshot.ts';
import { APPEND_TABLE as L, UPSERT_TABLE as C, WINDOW_TABLE as T } from './pinot-fixture.ts';

export type RowCheck = 'ordered' | 'multiset' | 'shape';

export interface CorpusQuery {
  id: string;
  sql: string;
  check?: RowCheck;
  /** Extra request fields (queryOptions). */
  request?: Record<string, unknown>;
}

/** L = the append table (every record), C = the upsert table (latest per country), T = tumbling windows. */
export const PINOT_QUERIES: CorpusQuery[] = [
  // The dashboard's own queries.
  { id: 'dash-country', sql: QUERIES.country },
  // Windows of different sources share a start: the order among them is not defined (LIMIT 600 > rows).
  { id: 'dash-window', sql: QUERIES.window(T), check: 'multiset' },

  // Projections, *, aliases, literals, arithmetic.
  { id: 'proj-columns', sql: `SELECT country, view_count FROM ${L} ORDER BY last_event_ts LIMIT 200` },
  { id: 'proj-star-ordered', sql: `SELECT * FROM ${L} ORDER BY last_event_ts LIMIT 5` },
  { id: 'proj-star-default-limit', sql: `SELECT * FROM ${L}`, check: 'shape' },
  { id: 'proj-default-limit', sql: `SELECT country FROM ${L}`, check: 'shape' },
  { id: 'proj-limit-0', sql: `SELECT country FROM ${L} LIMIT 0` },
  { id: 'proj-alias', sql: `SELECT country AS c, view_count AS v FROM ${L} ORDER BY last_event_ts LIMIT 20` },
  { id: 'proj-quoted-alias', sql: `SELECT country AS "the country" FROM ${L} ORDER BY last_event_ts LIMIT 3` },
  { id: 'proj-arith-long', sql: `SELECT view_count + user_count, view_count * 2, view_count - 1 FROM ${L} ORDER BY last_event_ts LIMIT 10` },
  { id: 'proj-arith-div', sql: `SELECT view_count / 4 FROM ${L} ORDER BY last_event_ts LIMIT 10` },
  { id: 'proj-arith-double', sql: `SELECT avg_age * 2 AS twice, avg_age + view_count AS mixed FROM ${L} ORDER BY last_event_ts LIMIT 10` },
  { id: 'proj-mod', sql: `SELECT MOD(view_count, 3) FROM ${L} ORDER BY last_event_ts LIMIT 10` },
  { id: 'proj-abs-neg', sql: `SELECT ABS(0 - view_count), CEIL(avg_age), FLOOR(avg_age) FROM ${L} ORDER BY last_event_ts LIMIT 10` },
  { id: 'proj-literal-int', sql: `SELECT 1 + 2 FROM ${L} LIMIT 1` },
  { id: 'proj-literal-string', sql: `SELECT 'x' AS s, country FROM ${L} ORDER BY last_event_ts LIMIT 2` },
  { id: 'proj-no-table', sql: 'SELECT 1' },
  { id: 'proj-upsert-all', sql: `SELECT country, avg_age, user_count, view_count, last_event_ts FROM ${C} ORDER BY country LIMIT 100` },
  { id: 'proj-window-all', sql: `SELECT source, window_start, window_end, user_count, view_count FROM ${T} ORDER BY source, window_start LIMIT 100` },
  { id: 'proj-distinct', sql: `SELECT DISTINCT country FROM ${L} ORDER BY country LIMIT 100` },
  { id: 'proj-distinct-two', sql: `SELECT DISTINCT country, user_count FROM ${L} ORDER BY country, user_count LIMIT 20` },

  // WHERE.
  { id: 'where-eq', sql: `SELECT country, view_count FROM ${L} WHERE country = 'us' ORDER BY last_event_ts LIMIT 100` },
  { id: 'where-and', sql: `SELECT country, view_count FROM ${L} WHERE country = 'us' AND view_count > 10 ORDER BY last_event_ts LIMIT 100` },
  { id: 'where-or', sql: `SELECT country, view_count FROM ${L} WHERE country = 'us' OR country = 'de' ORDER BY last_event_ts LIMIT 100` },
  { id: 'where-not', sql: `SELECT COUNT(*) FROM ${L} WHERE NOT country = 'us'` },
  { id: 'where-not-paren', sql: `SELECT COUNT(*) FROM ${L} WHERE NOT (country = 'us' OR view_count < 5)` },
  { id: 'where-and-or-precedence', sql: `SELECT COUNT(*) FROM ${L} WHERE country = 'us' OR country = 'de' AND view_count > 10` },
  { id: 'where-in', sql: `SELECT country, COUNT(*) FROM ${L} WHERE country IN ('us', 'de', 'fr') GROUP BY country ORDER BY country` },
  { id: 'where-not-in', sql: `SELECT COUNT(*) FROM ${L} WHERE country NOT IN ('us', 'de')` },
  { id: 'where-in-numbers', sql: `SELECT COUNT(*) FROM ${L} WHERE view_count IN (1, 2, 3)` },
  { id: 'where-between', sql: `SELECT COUNT(*) FROM ${L} WHERE view_count BETWEEN 3 AND 10` },
  { id: 'where-between-double', sql: `SELECT COUNT(*) FROM ${L} WHERE avg_age BETWEEN 20.5 AND 40` },
  { id: 'where-not-between', sql: `SELECT COUNT(*) FROM ${L} WHERE view_count NOT BETWEEN 3 AND 10` },
  { id: 'where-like-prefix', sql: `SELECT DISTINCT country FROM ${L} WHERE country LIKE 'u%' ORDER BY country` },
  { id: 'where-like-underscore', sql: `SELECT DISTINCT country FROM ${L} WHERE country LIKE '_e' ORDER BY country` },
  { id: 'where-like-contains', sql: `SELECT DISTINCT country FROM ${L} WHERE country LIKE '%x%' ORDER BY country` },
  { id: 'where-not-like', sql: `SELECT COUNT(*) FROM ${L} WHERE country NOT LIKE 'u%'` },
  { id: 'where-regexp', sql: `SELECT DISTINCT country FROM ${L} WHERE REGEXP_LIKE(country, '^[a-f]') ORDER BY country` },
  { id: 'where-regexp-partial', sql: `SELECT DISTINCT country FROM ${L} WHERE REGEXP_LIKE(country, 'e') ORDER BY country` },
  { id: 'where-is-null', sql: `SELECT COUNT(*) FROM ${L} WHERE country IS NULL` },
  { id: 'where-is-not-null', sql: `SELECT COUNT(*) FROM ${L} WHERE country IS NOT NULL` },
  { id: 'where-default-null-string', sql: `SELECT country, view_count FROM ${L} WHERE country = 'null' ORDER BY last_event_ts` },
  { id: 'where-gt-double', sql: `SELECT COUNT(*) FROM ${L} WHERE avg_age > 30.5` },
  { id: 'where-ne', sql: `SELECT COUNT(*) FROM ${L} WHERE view_count <> 5` },
  { id: 'where-ne-bang', sql: `SELECT COUNT(*) FROM ${L} WHERE view_count != 5` },
  { id: 'where-le-ge', sql: `SELECT COUNT(*) FROM ${L} WHERE view_count >= 5 AND view_count <= 8` },
  { id: 'where-column-vs-column', sql: `SELECT COUNT(*) FROM ${L} WHERE view_count > user_count` },
  { id: 'where-literal-true', sql: `SELECT COUNT(*) FROM ${L} WHERE true` },
  { id: 'where-expression', sql: `SELECT COUNT(*) FROM ${L} WHERE view_count * 2 > 20` },
  { id: 'where-now-past', sql: `SELECT COUNT(*) FROM ${L} WHERE last_event_ts < now()` },
  { id: 'where-now-recent', sql: `SELECT COUNT(*) FROM ${L} WHERE last_event_ts > now() - 86400000` },
  { id: 'where-string-number', sql: `SELECT COUNT(*) FROM ${L} WHERE view_count = '5'` },
  { id: 'where-no-match', sql: `SELECT country FROM ${L} WHERE country = 'nowhere'` },
  { id: 'where-upsert-out-of-order', sql: `SELECT country, view_count, user_count FROM ${C} WHERE country IN ('us', 'de') ORDER BY country` },

  // GROUP BY, ORDER BY, LIMIT/OFFSET, HAVING.
  { id: 'group-count', sql: `SELECT country, COUNT(*) FROM ${L} GROUP BY country ORDER BY country LIMIT 100` },
  { id: 'group-default-limit', sql: `SELECT country, COUNT(*) FROM ${L} GROUP BY country`, check: 'shape' },
  { id: 'group-sum-desc', sql: `SELECT country, SUM(view_count) FROM ${L} GROUP BY country ORDER BY SUM(view_count) DESC, country LIMIT 5` },
  { id: 'group-alias-order', sql: `SELECT country, MAX(view_count) AS m FROM ${L} GROUP BY country ORDER BY m DESC, country LIMIT 3` },
  { id: 'group-offset', sql: `SELECT country, COUNT(*) AS n FROM ${L} GROUP BY country ORDER BY country LIMIT 5 OFFSET 2` },
  { id: 'group-limit-comma', sql: `SELECT country, COUNT(*) AS n FROM ${L} GROUP BY country ORDER BY country LIMIT 2, 3` },
  { id: 'select-offset', sql: `SELECT country, view_count FROM ${L} ORDER BY last_event_ts LIMIT 4 OFFSET 10` },
  { id: 'group-having-count', sql: `SELECT country, COUNT(*) FROM ${L} GROUP BY country HAVING COUNT(*) > 8 ORDER BY country` },
  { id: 'group-having-sum', sql: `SELECT country, SUM(view_count) AS v FROM ${L} GROUP BY country HAVING SUM(view_count) > 150 ORDER BY country` },
  { id: 'group-having-and', sql: `SELECT country FROM ${L} GROUP BY country HAVING COUNT(*) > 5 AND MAX(view_count) < 20 ORDER BY country` },
  { id: 'group-two-keys', sql: `SELECT country, user_count, COUNT(*) FROM ${L} GROUP BY country, user_count ORDER BY country, user_count LIMIT 30` },
  { id: 'group-expression', sql: `SELECT MOD(view_count, 3) AS r, COUNT(*) FROM ${L} GROUP BY MOD(view_count, 3) ORDER BY MOD(view_count, 3)` },
  { id: 'group-order-asc-desc', sql: `SELECT user_count, COUNT(*) FROM ${L} GROUP BY user_count ORDER BY COUNT(*) DESC, user_count ASC LIMIT 5` },
  { id: 'group-no-select-key', sql: `SELECT COUNT(*) FROM ${L} GROUP BY country ORDER BY COUNT(*), country LIMIT 5` },
  { id: 'group-window-source', sql: `SELECT source, SUM(view_count), MAX(window_end) FROM ${T} GROUP BY source ORDER BY source` },
  { id: 'group-where', sql: `SELECT country, AVG(avg_age) FROM ${L} WHERE view_count > 5 GROUP BY country ORDER BY country` },
  { id: 'order-desc', sql: `SELECT country, view_count FROM ${L} ORDER BY view_count DESC, last_event_ts LIMIT 10` },
  { id: 'order-expression', sql: `SELECT country, view_count FROM ${L} ORDER BY view_count * -1, last_event_ts LIMIT 5` },
  { id: 'order-string', sql: `SELECT country FROM ${C} ORDER BY country DESC LIMIT 20` },
  { id: 'order-double', sql: `SELECT avg_age FROM ${L} ORDER BY avg_age, last_event_ts LIMIT 10` },
  { id: 'order-alias', sql: `SELECT country AS c, view_count FROM ${L} ORDER BY c, last_event_ts LIMIT 10` },

  // Aggregations.
  { id: 'agg-count', sql: `SELECT COUNT(*) FROM ${L}` },
  { id: 'agg-count-upsert', sql: `SELECT COUNT(*) FROM ${C}` },
  { id: 'agg-count-window', sql: `SELECT COUNT(*) FROM ${T}` },
  { id: 'agg-count-column', sql: `SELECT COUNT(country) FROM ${L}` },
  { id: 'agg-sum-long', sql: `SELECT SUM(view_count) FROM ${L}` },
  { id: 'agg-sum-double', sql: `SELECT SUM(avg_age) FROM ${L}` },
  { id: 'agg-min-max', sql: `SELECT MIN(view_count), MAX(view_count), MIN(avg_age), MAX(avg_age) FROM ${L}` },
  { id: 'agg-min-max-ts', sql: `SELECT MIN(last_event_ts), MAX(last_event_ts) FROM ${L}` },
  { id: 'agg-avg', sql: `SELECT AVG(avg_age), AVG(view_count) FROM ${L}` },
  { id: 'agg-distinctcount', sql: `SELECT DISTINCTCOUNT(country) FROM ${L}` },
  { id: 'agg-distinctcount-long', sql: `SELECT DISTINCTCOUNT(view_count) FROM ${L}` },
  { id: 'agg-distinctcounthll', sql: `SELECT DISTINCTCOUNTHLL(country) FROM ${L}` },
  { id: 'agg-count-distinct', sql: `SELECT COUNT(DISTINCT country) FROM ${L}` },
  { id: 'agg-percentile-50', sql: `SELECT PERCENTILE(view_count, 50) FROM ${L}` },
  { id: 'agg-percentile-90', sql: `SELECT PERCENTILE90(view_count) FROM ${L}` },
  { id: 'agg-percentile-double', sql: `SELECT PERCENTILE(avg_age, 25) FROM ${L}` },
  { id: 'agg-percentileest', sql: `SELECT PERCENTILEEST(view_count, 50) FROM ${L}` },
  { id: 'agg-percentiletdigest', sql: `SELECT PERCENTILETDIGEST(view_count, 50) FROM ${L}` },
  { id: 'agg-minmaxrange', sql: `SELECT MINMAXRANGE(view_count) FROM ${L}` },
  {
    id: 'agg-all-grouped',
    sql: `SELECT country, COUNT(*), SUM(view_count), MIN(user_count), MAX(user_count), AVG(avg_age), MINMAXRANGE(view_count), DISTINCTCOUNT(user_count) FROM ${L} GROUP BY country ORDER BY country`,
  },
  { id: 'agg-empty', sql: `SELECT COUNT(*), SUM(view_count), MAX(view_count), MIN(view_count), AVG(view_count) FROM ${L} WHERE country = 'nowhere'` },
  { id: 'agg-empty-grouped', sql: `SELECT country, COUNT(*) FROM ${L} WHERE country = 'nowhere' GROUP BY country` },
  { id: 'agg-arith-of-aggs', sql: `SELECT SUM(view_count) / COUNT(*) FROM ${L}` },
  { id: 'agg-aliases', sql: `SELECT COUNT(*) AS n, SUM(view_count) AS views FROM ${L}` },
  { id: 'agg-expression-arg', sql: `SELECT SUM(view_count * 2), MAX(avg_age + 1) FROM ${L}` },
  { id: 'agg-upsert-sum', sql: `SELECT SUM(view_count), SUM(user_count) FROM ${C}` },
  { id: 'agg-window-grouped', sql: `SELECT source, COUNT(*), SUM(user_count) FROM ${T} GROUP BY source ORDER BY source` },

  // CASE WHEN, CAST.
  { id: 'case-simple', sql: `SELECT CASE WHEN view_count > 5 THEN 'high' ELSE 'low' END FROM ${L} ORDER BY last_event_ts LIMIT 10` },
  { id: 'case-alias', sql: `SELECT CASE WHEN view_count > 5 THEN 'high' ELSE 'low' END AS bucket FROM ${L} ORDER BY last_event_ts LIMIT 10` },
  {
    id: 'case-multi',
    sql: `SELECT CASE WHEN view_count > 20 THEN 3 WHEN view_count > 10 THEN 2 ELSE 1 END AS tier, COUNT(*) FROM ${L} GROUP BY CASE WHEN view_count > 20 THEN 3 WHEN view_count > 10 THEN 2 ELSE 1 END ORDER BY COUNT(*)`,
  },
  { id: 'case-no-else', sql: `SELECT CASE WHEN country = 'us' THEN 'yes' END FROM ${L} ORDER BY last_event_ts LIMIT 5` },
  { id: 'case-in-sum', sql: `SELECT SUM(CASE WHEN country = 'us' THEN view_count ELSE 0 END) FROM ${L}` },
  { id: 'cast-double', sql: `SELECT CAST(view_count AS DOUBLE) FROM ${L} ORDER BY last_event_ts LIMIT 5` },
  { id: 'cast-long', sql: `SELECT CAST(avg_age AS LONG) FROM ${L} ORDER BY last_event_ts LIMIT 5` },
  { id: 'cast-int', sql: `SELECT CAST(avg_age AS INT) FROM ${L} ORDER BY last_event_ts LIMIT 5` },
  { id: 'cast-string', sql: `SELECT CAST(view_count AS STRING) FROM ${L} ORDER BY last_event_ts LIMIT 5` },
  { id: 'cast-varchar', sql: `SELECT CAST(view_count AS VARCHAR) FROM ${L} ORDER BY last_event_ts LIMIT 5` },
  { id: 'cast-float', sql: `SELECT CAST(avg_age AS FLOAT) FROM ${L} ORDER BY last_event_ts LIMIT 5` },
  { id: 'cast-in-where', sql: `SELECT COUNT(*) FROM ${L} WHERE CAST(avg_age AS LONG) = 30` },

  // String functions.
  { id: 'str-upper-lower', sql: `SELECT UPPER(country), LOWER(country) FROM ${C} ORDER BY country LIMIT 20` },
  { id: 'str-substr-from', sql: `SELECT SUBSTR(country, 1) FROM ${C} ORDER BY country LIMIT 20` },
  { id: 'str-substr-range', sql: `SELECT SUBSTR(country, 0, 1) FROM ${C} ORDER BY country LIMIT 20` },
  { id: 'str-concat-3', sql: `SELECT CONCAT(country, 'x', '-') FROM ${C} ORDER BY country LIMIT 20` },
  { id: 'str-concat-2', sql: `SELECT CONCAT(country, 'x') FROM ${C} ORDER BY country LIMIT 20` },
  { id: 'str-trim', sql: `SELECT TRIM(country), LTRIM(country), RTRIM(country) FROM ${C} WHERE country LIKE '%Case%'` },
  { id: 'str-length', sql: `SELECT country, LENGTH(country) FROM ${C} ORDER BY country LIMIT 20` },
  { id: 'str-replace', sql: `SELECT REPLACE(country, 'e', 'E') FROM ${C} ORDER BY country LIMIT 20` },
  { id: 'str-reverse', sql: `SELECT REVERSE(country) FROM ${C} ORDER BY country LIMIT 20` },
  { id: 'str-lpad-rpad', sql: `SELECT LPAD(country, 5, '*'), RPAD(country, 5, '*') FROM ${C} ORDER BY country LIMIT 20` },
  { id: 'str-strpos', sql: `SELECT STRPOS(country, 'e', 1) FROM ${C} ORDER BY country LIMIT 20` },
  { id: 'str-startswith', sql: `SELECT country FROM ${C} WHERE STARTSWITH(country, 'u') ORDER BY country` },
  { id: 'str-upper-where', sql: `SELECT COUNT(*) FROM ${L} WHERE UPPER(country) = 'US'` },
  { id: 'str-group-by-function', sql: `SELECT UPPER(country) AS c, COUNT(*) FROM ${L} GROUP BY UPPER(country) ORDER BY UPPER(country)` },
  { id: 'str-concat-pipes', sql: `SELECT country || '!' FROM ${C} ORDER BY country LIMIT 3` },

  // Date-time functions.
  {
    id: 'dt-datetrunc-day',
    sql: `SELECT DATETRUNC('DAY', last_event_ts), COUNT(*) FROM ${L} GROUP BY DATETRUNC('DAY', last_event_ts) ORDER BY DATETRUNC('DAY', last_event_ts)`,
  },
  { id: 'dt-datetrunc-hour', sql: `SELECT DATETRUNC('hour', last_event_ts) FROM ${L} ORDER BY last_event_ts LIMIT 5` },
  { id: 'dt-datetrunc-week', sql: `SELECT DATETRUNC('week', last_event_ts) FROM ${L} ORDER BY last_event_ts LIMIT 5` },
  {
    id: 'dt-datetimeconvert-seconds',
    sql: `SELECT DATETIMECONVERT(last_event_ts, '1:MILLISECONDS:EPOCH', '1:SECONDS:EPOCH', '1:SECONDS') FROM ${L} ORDER BY last_event_ts LIMIT 5`,
  },
  {
    id: 'dt-datetimeconvert-bucket',
    sql: `SELECT DATETIMECONVERT(last_event_ts, '1:MILLISECONDS:EPOCH', '1:MILLISECONDS:EPOCH', '1:DAYS') AS d, COUNT(*) FROM ${L} GROUP BY DATETIMECONVERT(last_event_ts, '1:MILLISECONDS:EPOCH', '1:MILLISECONDS:EPOCH', '1:DAYS') ORDER BY d`,
  },
  {
    id: 'dt-datetimeconvert-sdf',
    sql: `SELECT DATETIMECONVERT(last_event_ts, '1:MILLISECONDS:EPOCH', '1:DAYS:SIMPLE_DATE_FORMAT:yyyy-MM-dd', '1:DAYS') FROM ${L} ORDER BY last_event_ts LIMIT 5`,
  },
  { id: 'dt-todatetime', sql: `SELECT TODATETIME(last_event_ts, 'yyyy-MM-dd HH:mm') FROM ${L} ORDER BY last_event_ts LIMIT 5` },
  { id: 'dt-fromdatetime', sql: `SELECT FROMDATETIME('2023-11-15', 'yyyy-MM-dd') FROM ${L} LIMIT 1` },
  { id: 'dt-fromdatetime-where', sql: `SELECT COUNT(*) FROM ${L} WHERE last_event_ts >= FROMDATETIME('2023-11-16', 'yyyy-MM-dd')` },
  {
    id: 'dt-toepoch',
    sql: `SELECT TOEPOCHSECONDS(last_event_ts), TOEPOCHMINUTES(last_event_ts), TOEPOCHHOURS(last_event_ts), TOEPOCHDAYS(last_event_ts) FROM ${L} ORDER BY last_event_ts LIMIT 3`,
  },
  { id: 'dt-toepoch-rounded', sql: `SELECT TOEPOCHSECONDSROUNDED(last_event_ts, 10) FROM ${L} ORDER BY last_event_ts LIMIT 3` },
  { id: 'dt-fromepoch', sql: `SELECT FROMEPOCHSECONDS(1700000000) FROM ${L} LIMIT 1` },
  {
    id: 'dt-parts',
    sql: `SELECT YEAR(last_event_ts), MONTH(last_event_ts), DAY(last_event_ts), HOUR(last_event_ts), DAYOFWEEK(last_event_ts) FROM ${L} ORDER BY last_event_ts LIMIT 3`,
  },
  { id: 'dt-now-type', sql: `SELECT COUNT(*) FROM ${L} WHERE now() > 0` },
  { id: 'dt-ago', sql: `SELECT COUNT(*) FROM ${L} WHERE last_event_ts > ago('P1D')` },
  {
    id: 'dt-window-buckets',
    sql: `SELECT DATETRUNC('MINUTE', window_start) AS m, SUM(view_count) FROM ${T} GROUP BY DATETRUNC('MINUTE', window_start) ORDER BY DATETRUNC('MINUTE', window_start) LIMIT 5`,
  },

  // Query options.
  { id: 'opt-set-timeout', sql: `SET timeoutMs = 10000; SELECT COUNT(*) FROM ${L}` },
  { id: 'opt-set-two', sql: `SET timeoutMs = 10000; SET enableNullHandling = false; SELECT COUNT(*) FROM ${L}` },
  { id: 'opt-option-clause', sql: `SELECT COUNT(*) FROM ${L} OPTION(timeoutMs=10000)` },
  { id: 'opt-request-field', sql: `SELECT COUNT(*) FROM ${L}`, request: { queryOptions: 'timeoutMs=10000' } },
  { id: 'opt-set-lowercase', sql: `set timeoutMs=5000; SELECT country FROM ${C} ORDER BY country LIMIT 2` },

  // Errors: unknown table, unknown column, bad SQL, bad functions and types.
  { id: 'err-unknown-table', sql: 'SELECT * FROM no_such_table' },
  { id: 'err-unknown-column', sql: `SELECT no_such_column FROM ${L}` },
  { id: 'err-unknown-column-where', sql: `SELECT COUNT(*) FROM ${L} WHERE no_such_column = 1` },
  { id: 'err-unknown-column-group', sql: `SELECT COUNT(*) FROM ${L} GROUP BY no_such_column` },
  { id: 'err-typo-keyword', sql: `SELEC country FROM ${L}` },
  { id: 'err-no-from-column', sql: 'SELECT country' },
  { id: 'err-trailing-garbage', sql: `SELECT country FROM ${L} WHERE` },
  { id: 'err-unbalanced', sql: `SELECT COUNT(* FROM ${L}` },
  { id: 'err-unknown-function', sql: `SELECT NOSUCHFUNC(country) FROM ${L}` },
  { id: 'err-non-grouped-column', sql: `SELECT country, view_count, COUNT(*) FROM ${L} GROUP BY country` },
  { id: 'err-sum-string', sql: `SELECT SUM(country) FROM ${L}` },
  { id: 'err-empty', sql: '' },
  { id: 'err-insert', sql: `INSERT INTO ${L} (country) VALUES ('x')` },
  { id: 'err-delete', sql: `DELETE FROM ${L}` },
  { id: 'err-two-statements', sql: `SELECT 1; SELECT 2` },
  { id: 'err-bad-option', sql: `SET timeoutMs; SELECT COUNT(*) FROM ${L}` },
];

/** Queries whose broker stats (USER_READ_STATS) are compared too: one of each kind of plan. */
export const STATS_QUERY_IDS = [
  'agg-count',
  'agg-count-upsert',
  'where-eq',
  'where-in',
  'group-count',
  'proj-star-default-limit',
  'proj-columns',
  'dash-country',
  'where-no-match',
];
