// Time functions: epoch millis formatted and parsed with Java-style patterns and time zones.
import { T, isNumeric } from '../types.ts';
import { def, nullSafe, sig } from './registry.ts';
import { zoneOffsetMs } from '../../common/zone-offset.ts';

function pad(n: number, w: number): string {
  return String(Math.abs(n)).padStart(w, '0');
}

/** Offset of a zone (fixed '+05:30' style or IANA name) from UTC at an instant, in minutes. */
export function zoneOffsetMinutes(ms: number, tz: string): number {
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?$/.exec(tz);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
  if (tz === 'UTC' || tz === 'GMT' || tz === 'Z') return 0;
  return Math.round(zoneOffsetMs(tz, ms) / 60_000);
}

function zoneShortName(ms: number, tz: string): string {
  if (/^(UTC|GMT|Z)$/.test(tz)) return 'UTC';
  try {
    const name = (locale: string) =>
      new Intl.DateTimeFormat(locale, { timeZone: tz, timeZoneName: 'short' }).formatToParts(new Date(ms)).find((x) => x.type === 'timeZoneName')?.value;
    const us = name('en-US') ?? tz;
    if (!us.startsWith('GMT')) return us;
    const gb = name('en-GB');
    return gb && !gb.startsWith('GMT') ? gb : us;
  } catch {
    return tz;
  }
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Format epoch millis with a Java SimpleDateFormat-like pattern (UTC unless a zone offset is given). */
export function formatTimestamp(ms: number, pattern: string, tz = 'UTC'): string {
  const offsetMin = zoneOffsetMinutes(ms, tz);
  const d = new Date(ms + offsetMin * 60_000);
  const parts: Record<string, (n: number) => string> = {
    y: (n) => (n === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), n)),
    // Java's text forms (English): MMM "Jan", MMMM "January"; E..EEE "Mon", EEEE "Monday"
    M: (n) => (n >= 4 ? MONTHS[d.getUTCMonth()]! : n === 3 ? MONTHS[d.getUTCMonth()]!.slice(0, 3) : pad(d.getUTCMonth() + 1, n)),
    E: (n) => (n >= 4 ? WEEKDAYS[d.getUTCDay()]! : WEEKDAYS[d.getUTCDay()]!.slice(0, 3)),
    d: (n) => pad(d.getUTCDate(), n),
    H: (n) => pad(d.getUTCHours(), n),
    h: (n) => pad(d.getUTCHours() % 12 || 12, n),
    m: (n) => pad(d.getUTCMinutes(), n),
    s: (n) => pad(d.getUTCSeconds(), n),
    S: (n) => pad(d.getUTCMilliseconds(), 3).substring(0, Math.max(n, 3)).padEnd(n, '0'),
    a: () => (d.getUTCHours() < 12 ? 'AM' : 'PM'),
    X: () => (offsetMin === 0 ? 'Z' : (offsetMin < 0 ? '-' : '+') + pad(Math.floor(Math.abs(offsetMin) / 60), 2) + pad(Math.abs(offsetMin) % 60, 2)),
    Z: () => (offsetMin < 0 ? '-' : '+') + pad(Math.floor(Math.abs(offsetMin) / 60), 2) + pad(Math.abs(offsetMin) % 60, 2),
    z: () => zoneShortName(ms, tz),
  };
  let out = '';
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      const j = pattern.indexOf("'", i + 1);
      out += j < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, j) || "'";
      i = j < 0 ? pattern.length : j + 1;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    const f = parts[c];
    out += f ? f(n) : c.repeat(n);
    i += n;
  }
  return out;
}

/**
 * The field checks of java.time's SMART resolver, which ksqlDB's date parsing uses: a field out of its
 * range is an error (month 13, day 0 or 32, hour 25), a day past the month's end becomes its last day
 * (2017-02-30 is 2017-02-28), and 24:00:00 is midnight of the next day.
 */
function checkSmartRanges(text: string, fields: Record<string, number>): void {
  const ranges: [string, string, number, number][] = [
    ['M', 'MonthOfYear', 1, 12],
    ['d', 'DayOfMonth', 1, 31],
    ['H', 'HourOfDay', 0, 24],
    ['m', 'MinuteOfHour', 0, 59],
    ['s', 'SecondOfMinute', 0, 59],
  ];
  for (const [key, name, min, max] of ranges) {
    const value = fields[key]!;
    if (value < min || value > max) throw new Error(`Text '${text}' could not be parsed: Invalid value for ${name} (valid values ${min} - ${max}): ${value}`);
  }
  if (fields.H === 24 && (fields.m !== 0 || fields.s !== 0 || fields.S !== 0))
    throw new Error(`Text '${text}' could not be parsed: Invalid value for HourOfDay (valid values 0 - 23): 24`);
  fields.d = Math.min(fields.d!, new Date(Date.UTC(fields.y!, fields.M!, 0)).getUTCDate());
}

/** Zone abbreviations as Java reads them: the region, so daylight time applies in summer. */
const ZONE_ABBREVIATIONS: Record<string, string> = {
  PST: 'America/Los_Angeles',
  PDT: 'America/Los_Angeles',
  MST: 'America/Denver',
  MDT: 'America/Denver',
  CST: 'America/Chicago',
  CDT: 'America/Chicago',
  EST: 'America/New_York',
  EDT: 'America/New_York',
  GMT: 'UTC',
  UTC: 'UTC',
  Z: 'UTC',
  BST: 'Europe/London',
  CET: 'Europe/Paris',
  CEST: 'Europe/Paris',
};

/**
 * Parse text with a Java pattern into epoch millis (UTC unless a zone is given). `simpleFormat`: read as
 * java.text's SimpleDateFormat does (text after the pattern ignored, month names in any case), not java.time.
 */
export function parseTimestamp(text: string, pattern: string, tz = 'UTC', simpleFormat = false): number {
  const fields: Record<string, number> = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0 };
  let offsetMin: number | undefined;
  let ti = 0;
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      const j = pattern.indexOf("'", i + 1);
      const lit = pattern.slice(i + 1, j < 0 ? undefined : j);
      if (text.substr(ti, lit.length) !== lit) throw new Error(`Text '${text}' could not be parsed`);
      ti += lit.length;
      i = j < 0 ? pattern.length : j + 1;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    if (c === 'M' && n >= 3) {
      // month by name: 'Jan' (MMM) or 'January' (MMMM)
      const names = n === 3 ? MONTHS.map((m) => m.slice(0, 3)) : MONTHS;
      // SimpleDateFormat (the lenient reader) ignores case; java.time does not
      const at = (m: string) => (simpleFormat ? text.slice(ti, ti + m.length).toLowerCase() === m.toLowerCase() : text.startsWith(m, ti));
      const idx = names.findIndex(at);
      if (idx < 0) throw new Error(`Text '${text}' could not be parsed at index ${ti}`);
      fields.M = idx + 1;
      ti += names[idx]!.length;
    } else if (c === 'z') {
      // a zone name: an abbreviation (PST, EDT ...) or a region id (America/Los_Angeles)
      const mm = /^[A-Za-z][A-Za-z_/+-]*/.exec(text.slice(ti));
      const zone = mm && (ZONE_ABBREVIATIONS[mm[0]] ?? mm[0]);
      if (!zone) throw new Error(`Text '${text}' could not be parsed at index ${ti}`);
      tz = zone;
      ti += mm[0].length;
    } else if ('yMdHhmsS'.includes(c)) {
      // java.time widths: 'yy' two digits (2000-2099), other years at least n digits (up to 19 unless a
      // number follows at once), a single letter 1+ digits, a repeated one exactly n digits.
      const following = pattern[i + n];
      const adjacent = following !== undefined && 'yMdHhmsS'.includes(following);
      const [min, max] = c === 'y' ? (n === 2 ? [2, 2] : [n, adjacent ? n : 19]) : n === 1 ? [1, adjacent ? 1 : 10] : [n, n];
      const mm = new RegExp(`^\\d{${min},${max}}`).exec(text.slice(ti));
      if (!mm) throw new Error(`Text '${text}' could not be parsed at index ${ti}`);
      const value = Number(c === 'S' ? mm[0].padEnd(3, '0').slice(0, 3) : mm[0]);
      fields[c === 'h' ? 'H' : c] = c === 'y' && n === 2 ? 2000 + value : value;
      ti += mm[0].length;
    } else if (c === 'X' || c === 'Z') {
      const mm = /^(Z|[+-]\d{2}:?\d{2})/.exec(text.slice(ti));
      if (!mm) throw new Error(`Text '${text}' could not be parsed at index ${ti}`);
      offsetMin = mm[0] === 'Z' ? 0 : (mm[0][0] === '-' ? -1 : 1) * (Number(mm[0].slice(1, 3)) * 60 + Number(mm[0].slice(-2)));
      ti += mm[0].length;
    } else {
      if (text.substr(ti, n) !== c.repeat(n)) throw new Error(`Text '${text}' could not be parsed at index ${ti}`);
      ti += n;
    }
    i += n;
  }
  if (ti !== text.length && !simpleFormat) throw new Error(`Text '${text}' could not be parsed, unparsed text found at index ${ti}`);
  checkSmartRanges(text, fields);
  const local = Date.UTC(fields.y!, fields.M! - 1, fields.d, fields.H, fields.m, fields.s, fields.S);
  if (offsetMin === undefined) offsetMin = zoneOffsetMinutes(local - zoneOffsetMinutes(local, tz) * 60_000, tz);
  return local - offsetMin * 60_000;
}

def('TIMESTAMPTOSTRING', 'Format epoch millis', (ts) => {
  if (ts.length < 2 || ts.length > 3 || !isNumeric(ts[0]!)) return `Function 'timestamptostring' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.STRING, invoke: nullSafe((a) => formatTimestamp(Number(a[0]), String(a[1]), a[2] === undefined ? 'UTC' : String(a[2]))) };
});
def('STRINGTOTIMESTAMP', 'Parse a timestamp string to epoch millis', (ts) => {
  if (ts.length < 2 || ts.length > 3) return `Function 'stringtotimestamp' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.BIGINT, invoke: nullSafe((a) => parseTimestamp(String(a[0]), String(a[1]), a[2] === undefined ? 'UTC' : String(a[2]))) };
});

// ---- dates as days since 1970-01-01 (INT): ksqlDB's DATETOSTRING, STRINGTODATE, UNIX_DATE ----
const DAY_MS = 86_400_000;

/** Whether a pattern asks for a time-of-day field (outside quotes), which a date cannot format. */
const hasTimeField = (pattern: string) => /[HhmsSakKnAN]/.test(pattern.replace(/'[^']*'/g, ''));

def('DATETOSTRING', 'Format a date given as days since 1970-01-01', (ts) => {
  if (ts.length !== 2 || ts[0]!.base !== 'INTEGER' || ts[1]!.base !== 'STRING') return `Function 'datetostring' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.STRING,
    invoke: (a) => {
      if (a[1] === null || a[1] === undefined) return null;
      // the day count is a Java int: a null cannot be passed in
      if (a[0] === null || a[0] === undefined) throw new Error('DATETOSTRING: null day count');
      const pattern = String(a[1]);
      if (hasTimeField(pattern)) throw new Error(`Failed to format date ${String(a[0])} with formatter '${pattern}': unsupported field`);
      return formatTimestamp(Number(a[0]) * DAY_MS, pattern);
    },
  };
});

def('STRINGTODATE', 'Parse a date string to days since 1970-01-01', (ts) => {
  if (ts.length !== 2 || ts.some((t) => t.base !== 'STRING' && t.base !== 'NULL')) return `Function 'stringtodate' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.INTEGER,
    invoke: (a) => {
      if (a.some((x) => x === null || x === undefined)) throw new Error('STRINGTODATE: null argument');
      return Math.floor(parseTimestamp(String(a[0]), String(a[1])) / DAY_MS);
    },
  };
});
