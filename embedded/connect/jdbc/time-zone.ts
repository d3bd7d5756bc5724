/**
 * Wall clocks of the database read and written in the JDBC source's `db.timezone`, as Confluent's connector does
 * through a java.util.Calendar of that zone (GenericDatabaseDialect: rs.getTimestamp(col, cal), rs.getTime(col,
 * cal), stmt.setTimestamp(i, ts, cal); currentTimeOnDB reads CURRENT_TIMESTAMP with it too). An instant is kept
 * as epoch milliseconds plus the nanoseconds of its second (java.sql.Timestamp's getTime() and getNanos()).
 */

export interface Instant {
  /** Epoch milliseconds (floor), as java.sql.Timestamp.getTime(). */
  epochMs: number;
  /** Nanoseconds within the second, as java.sql.Timestamp.getNanos(). */
  nanos: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's offset from UTC at an instant, in milliseconds (local = UTC + offset). */
export function zoneOffsetMs(zone: string, epochMs: number): number {
  if (zone === 'UTC') return 0;
  const whole = Math.floor(epochMs / 1000) * 1000;
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(new Date(whole))
      .map((p) => [p.type, p.value]),
  );
  const year = Number(parts.year);
  const local = Date.UTC(0, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  // Date.UTC maps years 0-99 to 1900-1999: set the year afterwards.
  const d = new Date(local);
  d.setUTCFullYear(year);
  return d.getTime() - whole;
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
