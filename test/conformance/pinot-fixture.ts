/**
 * The Pinot conformance suite's data: which tables it creates (the project's own schema and table JSON,
 * plus an append copy of pageview_country) and the Kafka records both Pinots ingest. Deterministic: the
 * same records in the same order on one-partition topics, so both Pinots see exactly the same stream.
 *
 * The pageview stream holds, besides ordinary rows: out-of-order updates (a lower view_count after a higher
 * one, which the upsert table must ignore), rows without a country (the default null value), one record
 * that is not JSON and one whose number field is text, and a sentinel row last: once a Pinot shows the
 * sentinel, it has consumed everything before it.
 */
import { pinotTableFromFiles, type PinotTable } from '../../pinot/tables.ts';

/** Topics the suite creates on the real Kafka (one partition each). */
export const FIXTURE_TOPICS = { pageviews: 'conf-pageviews', tumbling: 'conf-tumbling' } as const;

/** The append table: pageview_country's columns, no upsert, every record kept. */
export const APPEND_TABLE = 'pageview_log';
export const UPSERT_TABLE = 'pageview_country';
export const WINDOW_TABLE = 'pageview_tumbling';

export const SENTINEL_COUNTRY = 'zz-sentinel';

const PROJECT_PINOT = new URL('../../pinot/', import.meta.url);

/** The three tables the query corpus reads, with topic and broker list filled in. */
export function fixtureTables(brokerList: string): PinotTable[] {
  const upsert = pinotTableFromFiles(PROJECT_PINOT, UPSERT_TABLE, FIXTURE_TOPICS.pageviews, brokerList);
  const append = pinotTableFromFiles(PROJECT_PINOT, UPSERT_TABLE, FIXTURE_TOPICS.pageviews, brokerList);
  append.name = APPEND_TABLE;
  append.schema = { ...append.schema, schemaName: APPEND_TABLE };
  delete append.schema.primaryKeyColumns;
  const { upsertConfig: _upsert, routing: _routing, ...appendConfig } = append.tableConfig;
  append.tableConfig = { ...appendConfig, tableName: APPEND_TABLE, segmentsConfig: { ...appendConfig.segmentsConfig, schemaName: APPEND_TABLE } };
  const tumbling = pinotTableFromFiles(PROJECT_PINOT, WINDOW_TABLE, FIXTURE_TOPICS.tumbling, brokerList);
  return [append, upsert, tumbling];
}

const COUNTRIES = ['us', 'de', 'fr', 'gb', 'in', 'br', 'jp', 'ca', 'es', 'it', 'mx', 'nl'];
/** 2023-11-14T22:13:20Z: far from now, so now()-bounded filters are deterministic. */
export const BASE_TS = 1_700_000_000_000;

/** The pageview records in produce order (strings: one is deliberately not JSON). */
export function pageviewRecords(): string[] {
  const records: string[] = [];
  const views = new Map<string, number>();
  for (let i = 0; i < 96; i++) {
    const country = COUNTRIES[(i * 5) % COUNTRIES.length];
    const next = (views.get(country) ?? 0) + 1 + (i % 3);
    views.set(country, next);
    records.push(JSON.stringify({
      country,
      avg_age: 18 + ((i * 37) % 400) / 8,
      user_count: 1 + ((i * 11) % 17),
      view_count: next,
      last_event_ts: BASE_TS + i * 3_600_000,
    }));
  }
  // Out of order: an older (lower) view_count after a newer one; the upsert table keeps the higher.
  records.push(JSON.stringify({ country: 'us', avg_age: 99.5, user_count: 99, view_count: 1, last_event_ts: BASE_TS + 200 * 3_600_000 }));
  records.push(JSON.stringify({ country: 'de', avg_age: 98.25, user_count: 98, view_count: 2, last_event_ts: BASE_TS + 201 * 3_600_000 }));
  // No country: the STRING default null value ("null").
  records.push(JSON.stringify({ avg_age: 40, user_count: 3, view_count: 7, last_event_ts: BASE_TS + 202 * 3_600_000 }));
  // Malformed: not JSON at all, and a number column holding text.
  records.push('this is not json {');
  records.push(JSON.stringify({ country: 'xx', avg_age: 30, user_count: 'many', view_count: 5, last_event_ts: BASE_TS + 203 * 3_600_000 }));
  // Country with spaces and mixed case (TRIM, UPPER/LOWER, LIKE).
  records.push(JSON.stringify({ country: '  Mixed Case ', avg_age: 33.3, user_count: 4, view_count: 4, last_event_ts: BASE_TS + 204 * 3_600_000 }));
  records.push(JSON.stringify({ country: SENTINEL_COUNTRY, avg_age: 50, user_count: 1, view_count: 1, last_event_ts: BASE_TS + 300 * 3_600_000 }));
  return records;
}

const SOURCES = ['web', 'mobile', 'api'];
const WINDOW_MS = 60_000;

/** The tumbling-window records: per source and minute, then later (higher) and stale (lower) updates. */
export function tumblingRecords(): string[] {
  const records: string[] = [];
  for (let w = 0; w < 20; w++) {
    for (const [s, source] of SOURCES.entries()) {
      const windowStart = BASE_TS + w * WINDOW_MS;
      records.push(JSON.stringify({ source, window_start: windowStart, window_end: windowStart + WINDOW_MS, user_count: 1 + ((w + s) % 4), view_count: 2 + w + s }));
    }
  }
  records.push(JSON.stringify({ source: 'web', window_start: BASE_TS, window_end: BASE_TS + WINDOW_MS, user_count: 9, view_count: 50 }));
  records.push(JSON.stringify({ source: 'api', window_start: BASE_TS, window_end: BASE_TS + WINDOW_MS, user_count: 0, view_count: 1 }));
  records.push(JSON.stringify({ source: SENTINEL_COUNTRY, window_start: BASE_TS + 99 * WINDOW_MS, window_end: BASE_TS + 100 * WINDOW_MS, user_count: 1, view_count: 1 }));
  return records;
}
