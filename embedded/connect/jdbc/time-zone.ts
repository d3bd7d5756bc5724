/**
 * Wall clocks of the database read and written in the JDBC source's `db.timezone`, as Confluent's connector does
 * through a java.util.Calendar of that zone (GenericDatabaseDialect: rs.getTimestamp(col, cal), rs.getTime(col,
 * cal), stmt.setTimestamp(i, ts, cal); currentTimeOnDB reads CURRENT_TIMESTAMP with it too). An instant is kept
 * as epoch milliseconds plus the nanoseconds of its second (java.sql.Timestamp's getTime() and getNanos()).
 */
import { zoneOffsetMs } from '../../common/zone-offset.ts';

export { zoneOffsetMs };

export interface Instant {
  /** Epoch milliseconds (floor), as java.sql.Timestamp.getTime(). */
  epochMs: number;
  /** Nanoseconds within the second, as java.sql.Timestamp.getNanos(). */
  nanos: number;
}

const WALL_CLOCK = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?$/;

/** "2024-01-02 03:04:05.123456" read in `zone` -> the instant it names (a time skipped by a DST change moves forward). */
export function wallClockToInstant(zone: string, text: string): Instant {
  const m = WALL_CLOCK.exec(text);
  if (!m) throw new Error(`Unexpected timestamp value "${text}"`);
  const d = new Date(Date.UTC(2000, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  d.setUTCFullYear(Number(m[1]));
  const asUtc = d.getTime();
  const first = asUtc - zoneOffsetMs(zone, asUtc);
  const seconds = asUtc - zoneOffsetMs(zone, first);
  const nanos = Number((m[7] ?? '').padEnd(9, '0'));
  return { epochMs: seconds + Math.floor(nanos / 1e6), nanos };
}

/** The instant as `zone`'s wall clock, "YYYY-MM-DD HH:MM:SS" plus `digits` fractional digits (none for 0). */
export function instantToWallClock(zone: string, instant: Instant, digits = 6, separator = ' '): string {
  const seconds = Math.floor(instant.epochMs / 1000) * 1000;
  const d = new Date(seconds + zoneOffsetMs(zone, seconds));
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const fraction = digits === 0 ? '' : `.${p(instant.nanos, 9).slice(0, digits)}`;
  return `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}${separator}${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${fraction}`;
}
