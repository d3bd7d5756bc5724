/**
 * The rows the Pinot benchmarks write: pageview_country rows (every key distinct, so N rows stay visible in
 * the upsert table) and pageview_tumbling rows (8 sources, one window a minute). Deterministic.
 */
export const BENCH_SOURCES = ['Homepage', 'Inbox', 'News', 'Sports', 'Search', 'Settings', 'External', 'Mail'];
export const BENCH_BASE_TS = 1_714_566_000_000;

export interface CountryRow {
  country: string;
  avg_age: number;
  user_count: number;
  view_count: number;
  last_event_ts: number;
}
export interface WindowRow {
  source: string;
  window_start: number;
  window_end: number;
  user_count: number;
  view_count: number;
}

export function countryRow(i: number): CountryRow {
  return {
    country: `C${String(i).padStart(8, '0')}`,
    avg_age: 18 + ((i * 7) % 600) / 10,
    user_count: (i * 7919) % 100_003,
    view_count: (i * 104_729) % 1_000_003,
    last_event_ts: BENCH_BASE_TS + i,
  };
}

export function windowRow(i: number): WindowRow {
  const windowStart = BENCH_BASE_TS + Math.floor(i / BENCH_SOURCES.length) * 60_000;
  return {
    source: BENCH_SOURCES[i % BENCH_SOURCES.length]!,
    window_start: windowStart,
    window_end: windowStart + 60_000,
    user_count: (i * 31) % 5_000,
    view_count: (i * 17) % 50_000,
  };
}
