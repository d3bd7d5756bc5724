// TIMESTAMP, DATE and TIME values and their SQL text (ksqlDB's SqlTimeTypes). At run time a TIMESTAMP
// is epoch milliseconds, a DATE days since 1970-01-01, a TIME milliseconds since midnight: the numbers
// ksqlDB's JSON and DELIMITED formats write.

export const DAY_MS = 86_400_000;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** 'yyyy-MM-ddTHH:mm:ss.SSS' in UTC. */
export function formatTimestampText(ms: number): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  return `${y < 0 ? '-' + pad(-y, 4) : pad(y, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** 'yyyy-MM-dd' (LocalDate.toString). */
export function formatDateText(days: number): string {
  return formatTimestampText(days * DAY_MS).slice(0, 10);
}

/** 'HH:mm' or 'HH:mm:ss' (LocalTime.ofSecondOfDay(...).toString(): whole seconds). */
export function formatTimeText(ms: number): string {
  const s = Math.floor(ms / 1000);
  const hm = `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}`;
  return s % 60 ? `${hm}:${pad(s % 60)}` : hm;
}

/**
 * A partial ISO-8601 timestamp ('2018', '2019-01-01T00:00:00+0445', '2020-05-26 01:02') to epoch
 * millis, UTC unless the text gives an offset.
 */
export function parseTimestampText(text: string): number | undefined {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return undefined;
  const n = (i: number, d: number) => (m[i] === undefined ? d : Number(m[i]));
  let ms = Date.UTC(n(1, 1970), n(2, 1) - 1, n(3, 1), n(4, 0), n(5, 0), n(6, 0), m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0);
  const z = m[8];
  if (z && z !== 'Z') {
    const sign = z[0] === '-' ? -1 : 1;
    const digits = z.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return ms;
}

/** 'yyyy-MM-dd' (or a partial 'yyyy-MM', 'yyyy') to days since 1970-01-01. */
export function parseDateText(text: string): number | undefined {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text.trim());
  if (!m) return undefined;
  return Math.floor(Date.UTC(Number(m[1]), Number(m[2] ?? 1) - 1, Number(m[3] ?? 1)) / DAY_MS);
}

/** 'HH:mm[:ss[.fraction]]' (LocalTime.parse) to milliseconds since midnight. */
export function parseTimeText(text: string): number | undefined {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(text.trim());
  if (!m) return undefined;
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || min > 59 || s > 59) return undefined;
  return ((h * 60 + min) * 60 + s) * 1000 + (m[4] ? Number(m[4].slice(0, 3).padEnd(3, '0')) : 0);
}

const PARSERS: Record<string, (t: string) => number | undefined> = { TIMESTAMP: parseTimestampText, DATE: parseDateText, TIME: parseTimeText };
const HELP: Record<string, string> = {
  TIMESTAMP: `Required format is: "yyyy-MM-dd'T'HH:mm:ss.SSS", for example: '2020-05-26T23:59:58.000'.`,
  DATE: `Required format is: "yyyy-MM-dd", for example '2020-05-26'. Partials are also supported, for example '2020-05'`,
  TIME: `Required format is: "HH:mm:ss.SSS", for example: '01:34:20.123' or '01:34:20'. Partials are also supported, for example '01:34'`,
};

/** Text as a TIMESTAMP, DATE or TIME value; throws ksqlDB's message when it does not parse. */
export function parseTemporal(text: string, base: 'TIMESTAMP' | 'DATE' | 'TIME'): number {
  const v = PARSERS[base]!(text);
  if (v === undefined) throw new Error(`Failed to parse ${base.toLowerCase()} '${text}'.\n${HELP[base]}`);
  return v;
}

export function isTemporal(base: string): base is 'TIMESTAMP' | 'DATE' | 'TIME' {
  return base === 'TIMESTAMP' || base === 'DATE' || base === 'TIME';
}

/** A TIMESTAMP, DATE or TIME value as epoch millis (a TIME on 1970-01-01), for comparing across them. */
export function temporalMillis(v: number, base: string): number {
  return base === 'DATE' ? v * DAY_MS : v;
}
