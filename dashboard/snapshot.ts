/**
 * What the dashboard shows, as one JSON-able snapshot: the Pinot queries, the page views produced (Kafka
 * end offsets), top-N grouping of countries, window series per source, headline numbers. Pure functions
 * except `queryPinot` and `queryProducedViews`.
 */
import { Kafka, logLevel } from 'kafkajs';
import { kafkaConfig } from '../config/kafka-client.ts';
import type { HttpAuth } from '../config/endpoints.ts';
import type { KafkaSecurity } from '../config/kafka-security.ts';
import { num, pinotQuery, PinotQueryError, type Row } from './pinot-client.ts';
import type { HealthResult } from './health.ts';

export const WINDOW_TABLES = {
  tumbling: 'pageview_tumbling',
  hopping: 'pageview_hopping',
  session: 'pageview_session',
} as const;

export type WindowKind = keyof typeof WINDOW_TABLES;

export const COUNTRY_TABLE = 'pageview_country';

/** How many window rows (newest first) each line chart asks for. */
export const WINDOW_ROW_LIMIT = 600;
export const COUNTRY_ROW_LIMIT = 10_000;

/**
 * The live rows of a window table. The session table also holds the session feed's delete rows
 * (`deleted` = true): Pinot 1.x drops them (upsertConfig.deleteRecordColumn), Pinot 0.11 does not know
 * that setting and keeps them as rows, so the filter keeps merged-away sessions off the chart on both.
 */
export const WINDOW_LIVE_ROWS: Readonly<Partial<Record<WindowKind, string>>> = { session: 'deleted = false' };

export const QUERIES = {
  country: `SELECT country, avg_age, user_count, view_count, last_event_ts FROM ${COUNTRY_TABLE} ORDER BY user_count DESC, country LIMIT ${COUNTRY_ROW_LIMIT}`,
  window: (table: string, where?: string) =>
    `SELECT source, window_start, window_end, user_count, view_count FROM ${table}${where ? ` WHERE ${where}` : ''} ORDER BY window_start DESC LIMIT ${WINDOW_ROW_LIMIT}`,
};

export const EMPTY_HINT = 'No data in Pinot yet. Start the stack (sh init.sh or npm start), then produce events: npm run produce -- all';
export const MISSING_TABLES_HINT =
  'Pinot has no dashboard tables yet. Create them with sh init.sh (or npm run pinot -- --create-tables), then: npm run produce -- all';

export interface CountryRow {
  country: string;
  users: number;
  avgAge: number | null;
  views: number;
  lastEventTs: number | null;
}

export interface CountryBar {
  label: string;
  users: number;
  avgAge: number | null;
  views: number;
  /** The grouped rest ("Other"), with how many countries it holds. */
  other?: { countries: number };
}

export interface WindowPoint {
  /** window_start, epoch ms (the x axis). */
  x: number;
  /** user_count (the y axis). */
  y: number;
  windowEnd: number;
  views: number;
}

export interface WindowSeries {
  source: string;
  points: WindowPoint[];
}

export interface WindowPanel {
  table: string;
  /** ok: rows; empty: table exists without rows; missing: no such table in Pinot. */
  status: 'ok' | 'empty' | 'missing';
  series: WindowSeries[];
}

export interface Headline {
  /** Sum of view_count in pageview_country: the page views that joined a clean user (same as viewsJoined, 0 when unknown). */
  totalViews: number;
  distinctUsers: number;
  countries: number;
  /** Joined views per second: growth of totalViews between the last two successful polls; null until there are two. */
  eventsPerSecond: number | null;
  lastEventTs: number | null;
  /** Page views produced: the end offsets of the page-view topic summed over its partitions; null when Kafka did not answer. */
  viewsProduced: number | null;
  /** Page views that joined a clean user: sum of view_count in pageview_country; null when the table is missing. */
  viewsJoined: number | null;
  /** viewsProduced - viewsJoined: dropped by the join (user cleaned out or not loaded yet), plus views still in flight. */
  viewsDropped: number | null;
  /** Produced views per second: growth of viewsProduced between the last two successful polls. */
  producedPerSecond: number | null;
  /** The page-view topic the produced count comes from (config/: topics.pageview). */
  pageviewTopic: string;
  /** Why viewsProduced or viewsDropped is null (Kafka unreachable, topic missing ...); null when both are known. */
  viewsNote: string | null;
}

export interface PinotData {
  countries: CountryRow[];
  countryStatus: 'ok' | 'empty' | 'missing';
  windows: Record<WindowKind, WindowPanel>;
}

export type DashboardState = 'loading' | 'ok' | 'empty' | 'error';

export interface Snapshot {
  /** Increments with every successful poll. */
  version: number;
  state: DashboardState;
  /** Last good data kept while Pinot fails. */
  stale: boolean;
  error: string | null;
  hint: string | null;
  /** Epoch ms of the last successful poll (the data's time), null before the first. */
  updatedAt: number | null;
  /** Epoch ms of the last attempt, successful or not. */
  attemptedAt: number | null;
  /** When the server polls next (epoch ms). */
  nextPollAt: number | null;
  pollIntervalMs: number;
  /** Consecutive failed polls (drives the back-off). */
  failures: number;
  topN: number;
  headline: Headline;
  /** Top N countries by users, then "Other". */
  countries: CountryBar[];
  countryStatus: 'ok' | 'empty' | 'missing';
  windows: Record<WindowKind, WindowPanel>;
  health: HealthResult[];
  healthCheckedAt: number | null;
}

function emptyPanel(table: string): WindowPanel {
  return { table, status: 'empty', series: [] };
}

export function initialSnapshot(pollIntervalMs: number, topN: number, pageviewTopic = 'topic1_PageView'): Snapshot {
  return {
    version: 0,
    state: 'loading',
    stale: false,
    error: null,
    hint: null,
    updatedAt: null,
    attemptedAt: null,
    nextPollAt: null,
    pollIntervalMs,
    failures: 0,
    topN,
    headline: {
      totalViews: 0,
      distinctUsers: 0,
      countries: 0,
      eventsPerSecond: null,
      lastEventTs: null,
      viewsProduced: null,
      viewsJoined: null,
      viewsDropped: null,
      producedPerSecond: null,
      pageviewTopic,
      viewsNote: null,
    },
    countries: [],
    countryStatus: 'empty',
    windows: {
      tumbling: emptyPanel(WINDOW_TABLES.tumbling),
      hopping: emptyPanel(WINDOW_TABLES.hopping),
      session: emptyPanel(WINDOW_TABLES.session),
    },
    health: [],
    healthCheckedAt: null,
  };
}

function text(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

export function toCountryRows(rows: Row[]): CountryRow[] {
  return rows.map((r) => {
    const age = num(r.avg_age, NaN);
    const ts = num(r.last_event_ts, NaN);
    return {
      country: text(r.country),
      users: num(r.user_count),
      avgAge: Number.isFinite(age) ? age : null,
      views: num(r.view_count),
      lastEventTs: Number.isFinite(ts) && ts > 0 ? ts : null,
    };
  });
}

/** Top N by users (ties by name), the rest summed into "Other" (age weighted by views, as ksql's AVG is per view). */
export function topCountries(rows: readonly CountryRow[], topN: number): CountryBar[] {
  const sorted = [...rows].sort((a, b) => b.users - a.users || (a.country < b.country ? -1 : a.country > b.country ? 1 : 0));
  const n = Math.max(1, Math.floor(topN));
  const bars: CountryBar[] = sorted.slice(0, n).map((r) => ({ label: r.country, users: r.users, avgAge: r.avgAge, views: r.views }));
  const rest = sorted.slice(n);
  if (rest.length > 0) {
    let users = 0;
    let views = 0;
    let ageWeight = 0;
    let ageSum = 0;
    for (const r of rest) {
      users += r.users;
      views += r.views;
      if (r.avgAge !== null) {
        const w = r.views > 0 ? r.views : 1;
        ageSum += r.avgAge * w;
        ageWeight += w;
      }
    }
    bars.push({ label: 'Other', users, views, avgAge: ageWeight > 0 ? ageSum / ageWeight : null, other: { countries: rest.length } });
  }
  return bars;
}

/** One series per source (sorted by name), points by window_start ascending. */
export function toWindowSeries(rows: Row[]): WindowSeries[] {
  const bySource = new Map<string, Map<number, WindowPoint>>();
  for (const r of rows) {
    const start = num(r.window_start, NaN);
    if (!Number.isFinite(start)) continue;
    const source = text(r.source);
    let points = bySource.get(source);
    if (!points) bySource.set(source, (points = new Map()));
    points.set(start, { x: start, y: num(r.user_count), windowEnd: num(r.window_end), views: num(r.view_count) });
  }
  return [...bySource.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([source, points]) => ({ source, points: [...points.values()].sort((a, b) => a.x - b.x) }));
}

/** Runs the four queries. A missing table is an empty panel; anything else (unreachable, other errors) throws. */
export async function queryPinot(brokerUrl: string, timeoutMs: number, auth?: HttpAuth): Promise<PinotData> {
  const run = async (sql: string): Promise<Row[] | 'missing'> => {
    try {
      return await pinotQuery(brokerUrl, sql, { timeoutMs, auth });
    } catch (error) {
      if (error instanceof PinotQueryError && error.tableMissing) return 'missing';
      throw error;
    }
  };
  const kinds = Object.keys(WINDOW_TABLES) as WindowKind[];
  const [country, ...windowRows] = await Promise.all([run(QUERIES.country), ...kinds.map((k) => run(QUERIES.window(WINDOW_TABLES[k], WINDOW_LIVE_ROWS[k])))]);
  const windows = {} as Record<WindowKind, WindowPanel>;
  kinds.forEach((kind, i) => {
    const rows = windowRows[i]!;
    const table = WINDOW_TABLES[kind];
    windows[kind] =
      rows === 'missing' ? { table, status: 'missing', series: [] } : { table, status: rows.length ? 'ok' : 'empty', series: toWindowSeries(rows) };
  });
  return {
    countries: country === 'missing' ? [] : toCountryRows(country!),
    countryStatus: country === 'missing' ? 'missing' : country!.length ? 'ok' : 'empty',
    windows,
  };
}

/**
 * The page views produced so far, read where the producers write them: the end offsets (high watermarks)
 * of `topic` summed over its partitions, through the Kafka admin API (as `kafka-get-offsets` would).
 */
export type ProducedViews = { count: number } | { count: null; note: string };

export interface ProducedViewsSource {
  bootstrap: readonly string[];
  /** TLS / SASL of the cluster; default PLAINTEXT. */
  security?: KafkaSecurity;
  topic: string;
}

/** Reads the produced count; never rejects: Kafka unreachable or the topic missing is `count: null` with a note. */
export async function queryProducedViews(source: ProducedViewsSource | undefined, timeoutMs: number): Promise<ProducedViews> {
  if (!source || source.bootstrap.length === 0) return { count: null, note: 'no Kafka bootstrap servers configured, so the produced page views are unknown' };
  const admin = new Kafka(
    kafkaConfig(
      { brokers: source.bootstrap, security: source.security },
      {
        clientId: 'dashboard-offsets',
        logLevel: logLevel.NOTHING,
        connectionTimeout: Math.min(timeoutMs, 3_000),
        requestTimeout: timeoutMs,
        // One quick attempt per poll: the next poll is the retry.
        retry: { retries: 0 },
      },
    ),
  ).admin();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const offsets = await Promise.race([admin.connect().then(() => admin.fetchTopicOffsets(source.topic)), timeout]);
    return { count: offsets.reduce((n, o) => n + Number(o.high), 0) };
  } catch (error) {
    const where = `Kafka ${source.bootstrap.join(',')}`;
    // kafkajs wraps a missing topic in a retries-exceeded error; asking for the topic list tells it apart.
    const topics = await Promise.race([admin.listTopics(), timeout]).catch(() => undefined);
    if (topics && !topics.includes(source.topic)) return { count: null, note: `topic ${source.topic} does not exist yet on ${where}` };
    return { count: null, note: `${where} did not answer (${(error as Error)?.message ?? String(error)}), so the produced page views are unknown` };
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}

export interface PreviousTotals {
  totalViews: number;
  viewsProduced: number | null;
  at: number;
}

function perSecond(now: number, count: number | null, previous: number | null | undefined, at: number | undefined): number | null {
  if (count === null || previous === null || previous === undefined || at === undefined || now <= at || count < previous) return null;
  return ((count - previous) * 1000) / (now - at);
}

export function headlineOf(data: PinotData, now: number, previous: PreviousTotals | undefined, produced: ProducedViews, pageviewTopic: string): Headline {
  let totalViews = 0;
  let distinctUsers = 0;
  let lastEventTs: number | null = null;
  for (const r of data.countries) {
    totalViews += r.views;
    distinctUsers += r.users;
    if (r.lastEventTs !== null && (lastEventTs === null || r.lastEventTs > lastEventTs)) lastEventTs = r.lastEventTs;
  }
  const viewsJoined = data.countryStatus === 'missing' ? null : totalViews;
  const viewsProduced = produced.count;
  let viewsDropped: number | null = null;
  let viewsNote: string | null = produced.count === null ? produced.note : null;
  if (viewsProduced !== null && viewsJoined !== null) {
    // Pinot is read before Kafka, so every joined view was produced before the offsets were read. More
    // joined than produced means the two do not describe the same data (topic recreated, another cluster).
    if (viewsJoined <= viewsProduced) viewsDropped = viewsProduced - viewsJoined;
    else viewsNote = `Pinot counts more joined views (${viewsJoined}) than topic ${pageviewTopic} holds (${viewsProduced}): was the topic recreated?`;
  } else if (viewsJoined === null && viewsNote === null) {
    viewsNote = `table ${COUNTRY_TABLE} does not exist in Pinot yet, so the joined page views are unknown`;
  }
  return {
    totalViews,
    distinctUsers,
    countries: data.countries.length,
    eventsPerSecond: perSecond(now, totalViews, previous?.totalViews, previous?.at),
    lastEventTs,
    viewsProduced,
    viewsJoined,
    viewsDropped,
    producedPerSecond: perSecond(now, viewsProduced, previous?.viewsProduced, previous?.at),
    pageviewTopic,
    viewsNote,
  };
}

/** The snapshot after a successful poll. */
export function successSnapshot(prev: Snapshot, data: PinotData, now: number, previousTotals: PreviousTotals | undefined, produced: ProducedViews): Snapshot {
  const panels = [data.countryStatus, ...Object.values(data.windows).map((w) => w.status)];
  const allMissing = panels.every((s) => s === 'missing');
  const anyData = panels.some((s) => s === 'ok');
  return {
    ...prev,
    version: prev.version + 1,
    state: anyData ? 'ok' : 'empty',
    stale: false,
    error: null,
    hint: anyData ? null : allMissing || data.countryStatus === 'missing' ? MISSING_TABLES_HINT : EMPTY_HINT,
    updatedAt: now,
    attemptedAt: now,
    failures: 0,
    headline: headlineOf(data, now, previousTotals, produced, prev.headline.pageviewTopic),
    countries: topCountries(data.countries, prev.topN),
    countryStatus: data.countryStatus,
    windows: data.windows,
  };
}

/** The snapshot after a failed poll: last good data kept and marked stale. */
export function failureSnapshot(prev: Snapshot, error: string, now: number): Snapshot {
  return {
    ...prev,
    state: 'error',
    stale: prev.updatedAt !== null,
    error,
    attemptedAt: now,
    failures: prev.failures + 1,
  };
}
