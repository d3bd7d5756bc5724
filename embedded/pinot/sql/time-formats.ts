/**
 * Pinot's ways of writing time, read at planning time and turned into DuckDB SQL: ISO-8601 durations
 * (ago), Joda / SimpleDateFormat patterns, granularities and date-time formats (`1:MILLISECONDS:EPOCH`,
 * `1:DAYS:SIMPLE_DATE_FORMAT:yyyy-MM-dd`), epoch millis as DuckDB timestamps in a time zone.
 */
import { quoteString } from '../db.ts';
import { parseDateTimeFormat, TIME_UNIT_MS, type DateTimeFormat } from '../schema.ts';
import type { Expr } from './parser.ts';
import { literalArg, parsingError } from './typed.ts';

/** Parses an ISO-8601 duration (`PT1H`, `P1DT2H30M`, `PT0.5S`) to ms. */
export function isoDurationMs(text: string): number | undefined {
  const m = /^([+-])?P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim());
  if (!m || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) return undefined;
  const [, sign, w, d, h, mi, s] = m;
  const ms = (Number(w ?? 0) * 7 * 86_400 + Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3600 + Number(mi ?? 0) * 60 + Number(s ?? 0)) * 1000;
  return sign === '-' ? -ms : ms;
}

/** Converts a Joda / SimpleDateFormat pattern to a DuckDB strftime/strptime pattern. */
export function jodaToStrftime(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        out += "'";
        i += 2;
        continue;
      }
      out += pattern.slice(i + 1, end === -1 ? undefined : end).replace(/%/g, '%%');
      i = end === -1 ? pattern.length : end + 1;
      continue;
    }
    let j = i;
    while (j < pattern.length && pattern[j] === ch) j++;
    const n = j - i;
    const token = ((): string => {
      switch (ch) {
        case 'y':
        case 'Y':
        case 'u':
          return n === 2 ? '%y' : '%Y';
        case 'M':
          return n >= 4 ? '%B' : n === 3 ? '%b' : n === 2 ? '%m' : '%-m';
        case 'd':
          return n === 2 ? '%d' : '%-d';
        case 'H':
        case 'k':
          return n === 2 ? '%H' : '%-H';
        case 'h':
        case 'K':
          return n === 2 ? '%I' : '%-I';
        case 'm':
          return n === 2 ? '%M' : '%-M';
        case 's':
          return n === 2 ? '%S' : '%-S';
        case 'S':
          return n >= 6 ? '%f' : '%g';
        case 'a':
          return '%p';
        case 'E':
          return n >= 4 ? '%A' : '%a';
        case 'D':
          return '%j';
        case 'Z':
        case 'X':
        case 'x':
          return '%z';
        case 'z':
          return '%Z';
        case '%':
          return '%%'.repeat(n);
        default:
          if (/[A-Za-z]/.test(ch)) throw parsingError(`Unsupported date-time pattern letter '${ch}' in '${pattern}'`);
          return pattern.slice(i, j);
      }
    })();
    out += token;
    i = j;
  }
  return out;
}

/** SQL (BIGINT epoch ms) of a value in a Pinot date-time format. */
export function toMillisSql(sql: string, format: DateTimeFormat): string {
  if (format.kind === 'EPOCH') {
    const factor = format.unitMs * format.size;
    return factor === 1 ? `CAST(${sql} AS BIGINT)` : `CAST(CAST(${sql} AS DOUBLE) * ${factor} AS BIGINT)`;
  }
  if (format.kind === 'TIMESTAMP') return `CAST(${sql} AS BIGINT)`;
  const parsed = `strptime(CAST(${sql} AS VARCHAR), ${quoteString(jodaToStrftime(format.pattern))})`;
  return /^(UTC|GMT)$/i.test(format.timeZone) ? `epoch_ms(${parsed})` : `epoch_ms(timezone(${quoteString(format.timeZone)}, ${parsed}))`;
}

/** A granularity (`15:MINUTES`, or `MINUTES|15`) in ms. */
export function parseGranularityMs(text: string): number {
  const parts = text.includes('|') ? text.split('|').reverse() : text.split(':');
  const size = Number(parts[0]);
  const unit = (parts[1] ?? '').toUpperCase();
  const unitMs = TIME_UNIT_MS[unit];
  if (!Number.isFinite(size) || size <= 0 || unitMs === undefined) throw parsingError(`Invalid granularity: ${text}`);
  return size * unitMs;
}

/** A date-time format argument (`1:MILLISECONDS:EPOCH` …), a 150 when it is not one. */
export function formatArg(e: Expr | undefined, what: string): DateTimeFormat {
  const text = literalArg(e, what);
  try {
    return parseDateTimeFormat(text);
  } catch {
    throw parsingError(`Invalid date-time format: ${text}`);
  }
}

/** A TIMESTAMP of epoch ms (DuckDB, naive UTC). */
export function msExpr(sql: string): string {
  return `epoch_ms(CAST(${sql} AS BIGINT))`;
}

/** A TIMESTAMP (naive) of epoch ms in a time zone (UTC when none). */
export function zoned(tsSql: string, tz: string | undefined): string {
  if (tz === undefined || /^(UTC|GMT|Z)$/i.test(tz)) return tsSql;
  return `timezone(${quoteString(tz)}, timezone('UTC', ${tsSql}))`;
}
