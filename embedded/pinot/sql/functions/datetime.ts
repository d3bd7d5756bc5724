/**
 * Pinot's date-time functions (DateTimeFunctions, DateTimeConvert, DateTrunc): values are epoch millis
 * (LONG, or TIMESTAMP columns); patterns, formats, units and time zones are literals read at planning
 * time (time-formats.ts). now() and ago() are the query's constant time.
 */
import { quoteString } from '../../db.ts';
import { parseTimestampString, TIME_UNIT_MS } from '../../schema.ts';
import { checkPatternSize } from '../string-limits.ts';
import { formatArg, isoDurationMs, jodaToStrftime, msExpr, parseGranularityMs, toMillisSql, zoned } from '../time-formats.ts';
import { INT, LONG, STRING, TIMESTAMP } from '../types.ts';
import { asVarchar, lit, literalArg, parsingError } from '../typed.ts';
import type { ScalarCall, ScalarFunction } from './function.ts';

const TRUNC_UNITS = new Set(['millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']);

const EPOCH_UNIT_MS = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
type EpochUnit = keyof typeof EPOCH_UNIT_MS;
const EPOCH_UNITS = Object.keys(EPOCH_UNIT_MS) as EpochUnit[];

/** Calendar fields as DuckDB's extract names them: Pinot name → part. */
const DATE_PARTS: Record<string, string> = {
  year: 'year',
  yearofweek: 'isoyear',
  yow: 'isoyear',
  quarter: 'quarter',
  month: 'month',
  week: 'week',
  weekofyear: 'week',
  dayofyear: 'doy',
  doy: 'doy',
  day: 'day',
  dayofmonth: 'day',
  dayofweek: 'isodow',
  dow: 'isodow',
  hour: 'hour',
  minute: 'minute',
  second: 'second',
  millisecond: 'millisecond',
};

/** `toEpoch`, `hours`, `bucket` → `toEpochHoursBucket`, as Pinot spells the name. */
function camel(prefix: string, ...words: string[]): string {
  return prefix + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** toEpochSeconds(ms), toEpochSecondsBucket(ms, n), toEpochSecondsRounded(ms, n), … for each unit. */
function toEpoch(unit: EpochUnit, variant: '' | 'bucket' | 'rounded'): ScalarFunction {
  const unitMs = EPOCH_UNIT_MS[unit];
  return {
    names: [`toepoch${unit}${variant}`],
    arity: variant ? [2, 2] : [1, 1],
    signature: `${camel('toEpoch', unit, variant)}(millis LONG${variant ? ', size LONG' : ''}) → LONG`,
    emit(call) {
      const all = call.typed();
      const size = variant ? `CAST(${all[1]!.sql} AS BIGINT)` : '1';
      const base = `floor(CAST(${all[0]!.sql} AS DOUBLE) / ${unitMs})`;
      const sql =
        variant === 'bucket'
          ? `CAST(floor(${base} / ${size}) AS BIGINT)`
          : variant === 'rounded'
            ? `CAST(floor(${base} / ${size}) * ${size} AS BIGINT)`
            : `CAST(${base} AS BIGINT)`;
      return call.make(all, sql, LONG);
    },
  };
}

/** fromEpochSeconds(n), fromEpochSecondsBucket(n, size), … for each unit: back to epoch millis. */
function fromEpoch(unit: EpochUnit, bucketed: boolean): ScalarFunction {
  const unitMs = EPOCH_UNIT_MS[unit];
  return {
    names: [`fromepoch${unit}${bucketed ? 'bucket' : ''}`],
    arity: bucketed ? [2, 2] : [1, 1],
    signature: `${camel('fromEpoch', unit, bucketed ? 'bucket' : '')}(LONG${bucketed ? ', size LONG' : ''}) → LONG`,
    emit(call) {
      const all = call.typed();
      const sql = bucketed ? `(CAST(${all[0]!.sql} AS BIGINT) * CAST(${all[1]!.sql} AS BIGINT) * ${unitMs})` : `(CAST(${all[0]!.sql} AS BIGINT) * ${unitMs})`;
      return call.make(all, sql, LONG);
    },
  };
}

/** TIMESTAMP '…' and DATE '…': the literal's epoch millis (no arity check: a missing literal says so). */
function timestampLiteral(name: string, what: string): ScalarFunction {
  return {
    names: [name],
    arity: [0, Infinity],
    signature: `${name}(STRING literal) → TIMESTAMP`,
    emit(call) {
      const text = literalArg(call.args[0], what);
      const ms = parseTimestampString(text.trim());
      if (ms === undefined) throw parsingError(`Invalid ${what}: '${text}'`);
      return lit(`${ms}::BIGINT`, TIMESTAMP, `'${text}'`);
    },
  };
}

/** dateTrunc(unit, value[, inputUnit[, timeZone[, outputUnit]]]) */
function dateTrunc(call: ScalarCall) {
  const { args } = call;
  const unitText = literalArg(args[0], 'datetrunc unit');
  const unit = unitText.toLowerCase();
  if (!TRUNC_UNITS.has(unit)) throw parsingError(`Invalid datetrunc unit: ${unit}`);
  const a = call.emit(args[1]!);
  const inUnit = args[2] ? literalArg(args[2], 'input unit').toUpperCase() : 'MILLISECONDS';
  const tz = args[3] ? literalArg(args[3], 'time zone') : undefined;
  const outUnit = args[4] ? literalArg(args[4], 'output unit').toUpperCase() : inUnit;
  const inMs = TIME_UNIT_MS[inUnit];
  const outMs = TIME_UNIT_MS[outUnit];
  if (inMs === undefined || outMs === undefined) throw parsingError(`Invalid time unit in datetrunc`);
  const ms = `CAST(CAST(${a.sql} AS DOUBLE) * ${inMs} AS BIGINT)`;
  let truncated: string;
  if (tz && !/^(UTC|GMT)$/i.test(tz)) {
    truncated = `epoch_ms(timezone(${quoteString(tz)}, date_trunc(${quoteString(unit)}, ${zoned(msExpr(ms), tz)})))`;
  } else truncated = `epoch_ms(date_trunc(${quoteString(unit)}, ${msExpr(ms)}))`;
  const sql = a.type.base === 'TIMESTAMP' ? truncated : `CAST(floor(${truncated} / ${outMs}) AS BIGINT)`;
  return call.make([a], sql, a.type.base === 'TIMESTAMP' ? TIMESTAMP : LONG, [`'${unitText}'`, a.name]);
}

/** dateTimeConvert(value, inputFormat, outputFormat, granularity): bucketed, then printed in the output format. */
function dateTimeConvert(call: ScalarCall) {
  const { args } = call;
  const a = call.emit(args[0]!);
  const input = formatArg(args[1], 'input format');
  const output = formatArg(args[2], 'output format');
  const granularity = parseGranularityMs(literalArg(args[3], 'granularity'));
  const ms = toMillisSql(a.sql, input);
  const bucket = `(floor(CAST(${ms} AS DOUBLE) / ${granularity}) * ${granularity})`;
  const names = [a.name, ...args.slice(1, 4).map((x) => `'${literalArg(x, 'argument')}'`)];
  if (output.kind === 'SIMPLE_DATE_FORMAT') {
    checkPatternSize('dateTimeConvert', output.pattern, call.scope);
    return call.make([a], `strftime(${zoned(msExpr(bucket), output.timeZone)}, ${quoteString(jodaToStrftime(output.pattern))})`, STRING, names);
  }
  if (output.kind === 'TIMESTAMP') return call.make([a], `CAST(${bucket} AS BIGINT)`, TIMESTAMP, names);
  const factor = output.unitMs * output.size;
  return call.make([a], `CAST(floor(${bucket} / ${factor}) AS BIGINT)`, LONG, names);
}

export const DATETIME_FUNCTIONS: ScalarFunction[] = [
  {
    names: ['now'],
    arity: [0, 0],
    signature: 'now() → LONG',
    emit: (call) => lit(`${call.scope.nowMs}::BIGINT`, LONG, 'now()'),
  },
  {
    names: ['ago'],
    arity: [1, 1],
    signature: 'ago(ISO-8601 duration literal) → LONG',
    emit(call) {
      const duration = literalArg(call.args[0], 'ago() duration');
      const ms = isoDurationMs(duration);
      if (ms === undefined) throw parsingError(`Invalid ISO-8601 duration for ago(): ${duration}`);
      return lit(`${Math.round(call.scope.nowMs - ms)}::BIGINT`, LONG, `ago('${duration}')`);
    },
  },
  {
    names: ['todatetime'],
    arity: [2, 3],
    signature: 'toDateTime(millis LONG, pattern literal[, timeZone literal]) → STRING',
    emit(call) {
      const a = call.emit(call.args[0]!);
      const pattern = literalArg(call.args[1], 'toDateTime pattern');
      checkPatternSize('toDateTime', pattern, call.scope);
      const tz = call.args[2] ? literalArg(call.args[2], 'time zone') : undefined;
      return call.make([a], `strftime(${zoned(msExpr(a.sql), tz)}, ${quoteString(jodaToStrftime(pattern))})`, STRING, [
        a.name,
        `'${pattern}'`,
        ...(tz ? [`'${tz}'`] : []),
      ]);
    },
  },
  {
    names: ['fromdatetime'],
    arity: [2, 4],
    signature: 'fromDateTime(STRING, pattern literal[, timeZone literal[, default LONG]]) → LONG',
    emit(call) {
      const { args } = call;
      const a = call.emit(args[0]!);
      const pattern = literalArg(args[1], 'fromDateTime pattern');
      const tz = args[2] ? literalArg(args[2], 'time zone') : undefined;
      const parsed = `try_strptime(${asVarchar(a)}, ${quoteString(jodaToStrftime(pattern))})`;
      let sql = tz && !/^(UTC|GMT)$/i.test(tz) ? `epoch_ms(timezone(${quoteString(tz)}, ${parsed}))` : `epoch_ms(${parsed})`;
      if (args[3]) sql = `COALESCE(${sql}, ${call.emit(args[3]).sql})`;
      return call.make([a], sql, LONG, [a.name, `'${pattern}'`]);
    },
  },
  {
    names: ['datetimeconvert'],
    arity: [4, 5],
    signature: 'dateTimeConvert(value, inputFormat literal, outputFormat literal, granularity literal) → LONG, STRING or TIMESTAMP as the output format',
    emit: dateTimeConvert,
  },
  {
    names: ['datetrunc'],
    arity: [2, 5],
    signature: 'dateTrunc(unit literal, value[, inputUnit literal[, timeZone literal[, outputUnit literal]]]) → LONG (TIMESTAMP of a TIMESTAMP)',
    emit: dateTrunc,
  },
  ...EPOCH_UNITS.flatMap((unit) => [toEpoch(unit, ''), toEpoch(unit, 'bucket'), toEpoch(unit, 'rounded'), fromEpoch(unit, false), fromEpoch(unit, true)]),
  ...(
    [
      [['totimestamp', 'fromepochmillis'], TIMESTAMP, 'toTimestamp(millis LONG) → TIMESTAMP'],
      [['toepochmillis', 'fromtimestamp'], LONG, 'toEpochMillis(TIMESTAMP) → LONG'],
    ] as const
  ).map(
    ([names, type, signature]): ScalarFunction => ({
      // the same epoch millis, typed as the other one
      names,
      arity: [1, 1],
      signature,
      emit(call) {
        const [a] = call.typed();
        return call.make([a!], `CAST(${a!.sql} AS BIGINT)`, type);
      },
    }),
  ),
  timestampLiteral('timestampliteral', 'TIMESTAMP literal'),
  timestampLiteral('dateliteral', 'DATE literal'),
  ...Object.entries(DATE_PARTS).map(
    ([name, part]): ScalarFunction => ({
      names: [name],
      arity: [1, 2],
      signature: `${name}(millis LONG[, timeZone literal]) → INT`,
      emit(call) {
        const a = call.emit(call.args[0]!);
        const tz = call.args[1] ? literalArg(call.args[1], 'time zone') : undefined;
        const extracted = `extract(${part} FROM ${zoned(msExpr(a.sql), tz)})`;
        const sql = part === 'millisecond' ? `CAST(${extracted} % 1000 AS INTEGER)` : `CAST(${extracted} AS INTEGER)`;
        return call.make([a], sql, INT);
      },
    }),
  ),
];
