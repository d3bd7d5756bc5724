/**
 * The fixed, seeded data set of the end-to-end tests, and the aggregates the pipeline must report,
 * computed here directly from that data (not by the code under test).
 */
import mysql from 'mysql2/promise';
import { Kafka, logLevel } from 'kafkajs';
import type { AppConfig } from '../../config/index.ts';
import { fixedClock, PageViewGenerator, type PageView } from '../../producers/generate/events.ts';
import { userIdRange } from '../../producers/generate/user-ids.ts';
import { pageViewMessage } from '../../producers/sinks/kafka-events.ts';
import { ksqlCountDistinct } from '../support/hll.ts';

export interface UserRow {
  user_id: number;
  age: number | null;
  gender: string | null;
  country: string | null;
  subscription: string | null;
}

export interface CountryAggregate {
  country: string;
  avg_age: number;
  user_count: number;
  view_count: number;
  last_event_ts: number;
}

export interface WindowAggregate {
  source: string;
  window_start: number;
  user_count: number;
  view_count: number;
}

export async function readUsers(mysqlUrl: string, config: AppConfig): Promise<UserRow[]> {
  const connection = await mysql.createConnection({ uri: mysqlUrl });
  try {
    const [rows] = await connection.query(
      `SELECT user_id, age, gender, country, subscription FROM \`${config.mysql.database}\`.\`${config.mysql.table}\` ORDER BY user_id`,
    );
    return rows as UserRow[];
  } finally {
    await connection.end();
  }
}

/** Page views over `users` ids, one every `intervalMs` from `base`, identical for the same seed. */
export function generatePageViews(users: UserRow[], count: number, seed: number, base: number, intervalMs: number): PageView[] {
  const ids = users.map((u) => u.user_id);
  const generator = new PageViewGenerator({
    seed,
    userIds: userIdRange(Math.min(...ids), Math.max(...ids)),
    sessionsPerUser: 1,
    jitterMs: 0,
    lateRate: 0,
    lateMs: 0,
    clock: fixedClock(base, intervalMs),
  });
  return generator.take(count);
}

export async function sendPageViews(brokers: string[], topic: string, views: PageView[]): Promise<void> {
  const producer = new Kafka({ clientId: 'e2e', brokers, logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < views.length; i += 500) {
      await producer.send({ topic, acks: -1, messages: views.slice(i, i + 500).map(pageViewMessage) });
    }
  } finally {
    await producer.disconnect();
  }
}

const cleaned = (u: UserRow) => u.age !== null && u.gender !== null && u.country !== null && u.subscription !== null;

/** PAGEVIEW inner join CLEANED_USERS, grouped by country, as ksqlDB defines the aggregates (user_count: ksqlDB's HyperLogLog estimate of the distinct users). */
export function expectedCountries(users: UserRow[], views: PageView[]): Map<string, CountryAggregate> {
  const byId = new Map(users.filter(cleaned).map((u) => [u.user_id, u]));
  const acc = new Map<string, { ages: number; views: number; users: Set<number>; last: number }>();
  for (const view of views) {
    const user = byId.get(view.user_id);
    if (!user) continue;
    const a = acc.get(user.country!) ?? { ages: 0, views: 0, users: new Set<number>(), last: -Infinity };
    a.ages += user.age!;
    a.views++;
    a.users.add(user.user_id);
    a.last = Math.max(a.last, view.event_timestamp);
    acc.set(user.country!, a);
  }
  return new Map(
    [...acc].map(([country, a]) => [
      country,
      { country, avg_age: a.ages / a.views, user_count: ksqlCountDistinct(a.users), view_count: a.views, last_event_ts: a.last },
    ]),
  );
}

/** Per source and tumbling window of `sizeMs`: a hopping window that advances by its size. */
export function expectedTumbling(views: PageView[], sizeMs: number): Map<string, WindowAggregate> {
  return expectedHopping(views, sizeMs, sizeMs);
}

/** Per source and hopping window (`sizeMs` long, every `advanceMs`): distinct users (as ksqlDB estimates them) and views. */
export function expectedHopping(views: PageView[], sizeMs: number, advanceMs: number): Map<string, WindowAggregate> {
  const acc = new Map<string, { source: string; start: number; users: Set<number>; views: number }>();
  for (const view of views) {
    const t = view.event_timestamp;
    // Every window [start, start + size) holding t, starts on multiples of the advance.
    for (let start = t - (t % advanceMs); start > t - sizeMs; start -= advanceMs) {
      if (start < 0) break;
      const key = `${view.source}@${start}`;
      const a = acc.get(key) ?? { source: view.source, start, users: new Set<number>(), views: 0 };
      a.users.add(view.user_id);
      a.views++;
      acc.set(key, a);
    }
  }
  return new Map([...acc].map(([key, a]) => [key, { source: a.source, window_start: a.start, user_count: ksqlCountDistinct(a.users), view_count: a.views }]));
}

export interface SessionRow {
  source: string;
  window_start: number;
  window_end: number;
  user_count: number;
  view_count: number;
}

export function bySourceAndStart(a: { source: string; window_start: number }, b: { source: string; window_start: number }): number {
  return a.source.localeCompare(b.source) || a.window_start - b.window_start;
}

/** Sessions as ksqlDB defines them (a view joins a session when within the gap of it, inclusive), per source; user_count as ksqlDB estimates it. */
export function expectedSessions(views: PageView[], gapMs: number): SessionRow[] {
  const sessions: (SessionRow & { users: Set<number> })[] = [];
  for (const source of [...new Set(views.map((v) => v.source))]) {
    const sorted = views.filter((v) => v.source === source).sort((a, b) => a.event_timestamp - b.event_timestamp);
    let current: (SessionRow & { users: Set<number> }) | undefined;
    for (const v of sorted) {
      if (!current || v.event_timestamp - current.window_end > gapMs) {
        current = { source, window_start: v.event_timestamp, window_end: v.event_timestamp, user_count: 0, view_count: 0, users: new Set() };
        sessions.push(current);
      }
      current.window_end = v.event_timestamp;
      current.users.add(v.user_id);
      current.view_count++;
    }
  }
  return sessions.map(({ users, ...s }) => ({ ...s, user_count: ksqlCountDistinct(users) })).sort(bySourceAndStart);
}

export async function pinotRows(brokerUrl: string, sql: string): Promise<Record<string, unknown>[]> {
  const response = await fetch(`${brokerUrl}/query/sql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql }) });
  const body = (await response.json()) as { resultTable?: { dataSchema: { columnNames: string[] }; rows: unknown[][] }; exceptions: { message: string }[] };
  if (!body.resultTable) return [];
  const names = body.resultTable.dataSchema.columnNames;
  return body.resultTable.rows.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])));
}
