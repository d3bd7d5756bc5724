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
export const FIXTURE_TOPICS = { pageviews: 'conf-pageviews', tumbling: 'conf-tumbling', malformed: 'conf-malformed' } as const;

/** The append table: pageview_country's columns, no upsert, every record kept. */
export const APPEND_TABLE = 'pageview_log';
export const UPSERT_TABLE = 'pageview_country';
export const WINDOW_TABLE = 'pageview_tumbling';
/** An append table on its own topic, for records whose values do not fit the schema. */
export const MALFORMED_TABLE = 'pageview_malformed';

export const SENTINEL_COUNTRY = 'zz-sentinel';

const PROJECT_PINOT = new URL('../../pinot/', import.meta.url);

/** pageview_country's schema and config renamed, without upsert: every record kept. */
function appendCopyOfCountry(name: string, topic: string, brokerList: string): PinotTable {
  const table = pinotTableFromFiles(PROJECT_PINOT, UPSERT_TABLE, topic, brokerList);
  table.name = name;
  table.schema = { ...table.schema, schemaName: name };
  delete table.schema.primaryKeyColumns;
  const { upsertConfig: _upsert, routing: _routing, ...config } = table.tableConfig;
  table.tableConfig = { ...config, tableName: name, segmentsConfig: { ...config.segmentsConfig, schemaName: name } };
  return table;
}

/** The tables the suite ingests into, with topic and broker list filled in. */
export function fixtureTables(brokerList: string): PinotTable[] {
  return [
    appendCopyOfCountry(APPEND_TABLE, FIXTURE_TOPICS.pageviews, brokerList),
    pinotTableFromFiles(PROJECT_PINOT, UPSERT_TABLE, FIXTURE_TOPICS.pageviews, brokerList),
    pinotTableFromFiles(PROJECT_PINOT, WINDOW_TABLE, FIXTURE_TOPICS.tumbling, brokerList),
    appendCopyOfCountry(MALFORMED_TABLE, FIXTURE_TOPICS.malformed, brokerList),
  ];
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
    records.push(
      JSON.stringify({
        country,
        avg_age: 18 + ((i * 37) % 400) / 8,
        user_count: 1 + ((i * 11) % 17),
        view_count: next,
        last_event_ts: BASE_TS + i * 3_600_000,
      }),
    );
  }
  // Out of order: an older update (lower view_count, earlier event time) after newer ones; the upsert table
  // keeps the newer. Older in both columns because Pinot 0.11 ignores upsertConfig.comparisonColumns and
  // compares the time column, where 1.2 (and ours) compare view_count: see README, Pinot, P-UPSERT-CMP.
  records.push(JSON.stringify({ country: 'us', avg_age: 99.5, user_count: 99, view_count: 1, last_event_ts: BASE_TS - 2 * 3_600_000 }));
  records.push(JSON.stringify({ country: 'de', avg_age: 98.25, user_count: 98, view_count: 2, last_event_ts: BASE_TS - 1 * 3_600_000 }));
  // No country: the STRING default null value ("null").
  records.push(JSON.stringify({ avg_age: 40, user_count: 3, view_count: 7, last_event_ts: BASE_TS + 202 * 3_600_000 }));
  // Malformed: not JSON at all (both Pinots skip it). A number column holding text is in malformedRecords().
  records.push('this is not json {');
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
      records.push(
        JSON.stringify({ source, window_start: windowStart, window_end: windowStart + WINDOW_MS, user_count: 1 + ((w + s) % 4), view_count: 2 + w + s }),
      );
    }
  }
  // A later update of one window (higher view_count, same key). No stale update here: the window start is
  // part of the key, so Pinot 0.11 (comparing the time column, see P-UPSERT-CMP) could not tell it is stale.
  records.push(JSON.stringify({ source: 'web', window_start: BASE_TS, window_end: BASE_TS + WINDOW_MS, user_count: 9, view_count: 50 }));
  records.push(
    JSON.stringify({ source: SENTINEL_COUNTRY, window_start: BASE_TS + 99 * WINDOW_MS, window_end: BASE_TS + 100 * WINDOW_MS, user_count: 1, view_count: 1 }),
  );
  return records;
}

/**
 * Records whose values do not fit pageview_country's columns, between two good ones and before a sentinel.
 * With `ingestionConfig.continueOnError` (the project's tables set it) Pinot 1.2 keeps such a row with the
 * column's default; 0.11 does not know the setting and drops the row (P-CONTINUE-ON-ERROR).
 */
export function malformedRecords(): string[] {
  return [
    JSON.stringify({ country: 'good-1', avg_age: 30, user_count: 1, view_count: 1, last_event_ts: BASE_TS }),
    JSON.stringify({ country: 'text-number', avg_age: 30, user_count: 'many', view_count: 5, last_event_ts: BASE_TS + 1 }),
    JSON.stringify({ country: 'good-2', avg_age: 31, user_count: 2, view_count: 2, last_event_ts: BASE_TS + 2 }),
    JSON.stringify({ country: SENTINEL_COUNTRY, avg_age: 50, user_count: 1, view_count: 1, last_event_ts: BASE_TS + 3 }),
  ];
}
