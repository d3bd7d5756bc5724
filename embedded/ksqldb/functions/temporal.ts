// Functions over TIMESTAMP, DATE and TIME values: parse and format with Java patterns, convert between
// zones, add and subtract intervals, and convert from and to epoch numbers.
import { DAY_MS } from '../expr/temporal.ts';
import { T, isNumeric, type SqlType } from '../types.ts';
import { formatTimestamp, parseTimestamp } from './date.ts';
import { def, nullSafe, sig } from './registry.ts';

const tzArg = (a: unknown[], i: number) => (a[i] === undefined ? 'UTC' : String(a[i]));

function fn(name: string, desc: string, accepts: (ts: SqlType[]) => boolean, ret: SqlType, f: (a: unknown[]) => unknown): void {
  def(name, desc, (ts) =>
    accepts(ts) ? { returnType: ret, invoke: nullSafe(f) } : `Function '${name.toLowerCase()}' does not accept parameters (${sig(ts)}).`,
  );
}
const is =
  (...bases: string[]) =>
  (ts: SqlType[]) =>
    ts.length === bases.length && ts.every((t, i) => t.base === bases[i] || t.base === 'NULL');
const oneOf =
  (...sigs: ((ts: SqlType[]) => boolean)[]) =>
  (ts: SqlType[]) =>
    sigs.some((s) => s(ts));

fn(
  'PARSE_TIMESTAMP',
  'A TIMESTAMP from text in a Java pattern, in UTC or a given zone',
  oneOf(is('STRING', 'STRING'), is('STRING', 'STRING', 'STRING')),
  T.TIMESTAMP,
  (a) => parseTimestamp(String(a[0]), String(a[1]), tzArg(a, 2)),
);
fn(
  'FORMAT_TIMESTAMP',
  'A TIMESTAMP as text in a Java pattern, in UTC or a given zone',
  oneOf(is('TIMESTAMP', 'STRING'), is('TIMESTAMP', 'STRING', 'STRING')),
  T.STRING,
  (a) => formatTimestamp(Number(a[0]), String(a[1]), tzArg(a, 2)),
);
// SimpleDateFormat-style: text after the pattern is ignored; a time of day is an error
fn('PARSE_DATE', 'A DATE from text in a Java pattern', is('STRING', 'STRING'), T.DATE, (a) => {
  const ms = parseTimestamp(String(a[0]), String(a[1]), 'UTC', true);
  if (ms % DAY_MS !== 0) throw new Error('Date format contains time field.');
  return ms / DAY_MS;
});
fn('FORMAT_DATE', 'A DATE as text in a Java pattern', is('DATE', 'STRING'), T.STRING, (a) => formatTimestamp(Number(a[0]) * DAY_MS, String(a[1])));
fn(
  'PARSE_TIME',
  'A TIME from text in a Java pattern',
  is('STRING', 'STRING'),
  T.TIME,
  (a) => ((parseTimestamp(String(a[0]), String(a[1])) % DAY_MS) + DAY_MS) % DAY_MS,
);
fn('FORMAT_TIME', 'A TIME as text in a Java pattern', is('TIME', 'STRING'), T.STRING, (a) => formatTimestamp(Number(a[0]), String(a[1])));
fn('CONVERT_TZ', 'A TIMESTAMP read in one zone, written in another', is('TIMESTAMP', 'STRING', 'STRING'), T.TIMESTAMP, (a) => {
  // the instant whose wall-clock time in the first zone is the given one's wall-clock time in the second
  const text = formatTimestamp(Number(a[0]), "yyyy-MM-dd'T'HH:mm:ss.SSS", String(a[2]));
  return parseTimestamp(text, "yyyy-MM-dd'T'HH:mm:ss.SSS", String(a[1]));
});
fn('FROM_DAYS', 'The DATE that many days after 1970-01-01', is('INTEGER'), T.DATE, (a) => Number(a[0]));
fn(
  'FROM_UNIXTIME',
  'The TIMESTAMP of epoch milliseconds',
  (ts) => ts.length === 1 && isNumeric(ts[0]!),
  T.TIMESTAMP,
  (a) => Number(a[0]),
);

/** UNIX_DATE(): today (machine clock and zone) as days since 1970-01-01; UNIX_DATE(d): the DATE's days. */
def('UNIX_DATE', 'Days since 1970-01-01 of a DATE, or of today', (ts) => {
  if (is('DATE')(ts)) return { returnType: T.INTEGER, invoke: nullSafe((a) => Number(a[0])) };
  if (ts.length) return `Function 'unix_date' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.INTEGER,
    invoke: () => {
      const now = new Date();
      return Math.floor(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) / DAY_MS);
    },
  };
});
def('UNIX_TIMESTAMP', 'Epoch milliseconds of a TIMESTAMP, or of now', (ts) => {
  if (is('TIMESTAMP')(ts)) return { returnType: T.BIGINT, invoke: nullSafe((a) => Number(a[0])) };
  if (ts.length) return `Function 'unix_timestamp' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.BIGINT, invoke: () => Date.now() };
});

/** Interval units of DATEADD (the parser passes the bare word as text), TIMEADD, TIMESTAMPADD ... (Java's TimeUnit names), in milliseconds. */
const TIME_UNITS: Record<string, number> = {
  NANOSECONDS: 1e-6,
  MICROSECONDS: 1e-3,
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: DAY_MS,
};

for (const [name, base, sign] of [
  ['DATEADD', 'DATE', 1],
  ['DATESUB', 'DATE', -1],
  ['TIMEADD', 'TIME', 1],
  ['TIMESUB', 'TIME', -1],
  ['TIMESTAMPADD', 'TIMESTAMP', 1],
  ['TIMESTAMPSUB', 'TIMESTAMP', -1],
] as const) {
  def(name, `The ${base} ${sign > 0 ? 'plus' : 'minus'} an interval`, (ts) => {
    if (
      ts.length !== 3 ||
      ts[0]!.base !== 'STRING' ||
      !['INTEGER', 'BIGINT', 'NULL'].includes(ts[1]!.base) ||
      (ts[2]!.base !== base && ts[2]!.base !== 'NULL')
    ) {
      return `Function '${name.toLowerCase()}' does not accept parameters (${sig(ts)}).`;
    }
    return {
      returnType: { base },
      invoke: nullSafe((a) => {
        const unit = TIME_UNITS[String(a[0]).toUpperCase()];
        if (unit === undefined) throw new Error(`Unknown time unit: ${String(a[0])}`);
        const delta = sign * Number(a[1]) * unit;
        if (base === 'DATE') {
          if (unit < DAY_MS) throw new Error(`DATEADD and DATESUB take DAYS or longer, not ${String(a[0])}`);
          return Number(a[2]) + Math.trunc(delta / DAY_MS);
        }
        const v = Number(a[2]) + Math.trunc(delta);
        return base === 'TIME' ? ((v % DAY_MS) + DAY_MS) % DAY_MS : v;
      }),
    };
  });
}
