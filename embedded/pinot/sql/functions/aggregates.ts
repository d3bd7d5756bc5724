/**
 * Pinot's aggregation functions (AggregationFunctionType) as DuckDB aggregates, with Pinot's results on
 * no rows (sum 0, min +Infinity, max / avg -Infinity …) and result types. DISTINCTCOUNTHLL is Pinot's own
 * HyperLogLog estimate (../../hll.ts); the other sketches (HLL+, smart HLL, t-digest, KLL) are computed exactly. `percentile95(x)` is rewritten to `percentile(x, 95)` before lookup.
 */
import { BOOLEAN, CAST_TYPES, DOUBLE, INT, LONG, T } from '../types.ts';
import { HLL_FUNCTIONS, type HllValueKind } from '../../duckdb-functions.ts';
import { formatJavaDouble } from '../../schema.ts';
import { asDouble, asVarchar, literalArg, parsingError, type Typed } from '../typed.ts';
import type { AggregateFunction } from './function.ts';

/** The percentile functions, which also exist as `percentileNN(x)`. */
export const PERCENTILE_NAMES = ['percentile', 'percentileest', 'percentiletdigest', 'percentilekll', 'percentilesmarttdigest'];

/** Pinot's CommonConstants.Helix.DEFAULT_HYPERLOGLOG_LOG2M. */
const DEFAULT_HLL_LOG2M = 8;

/** A value as Pinot's HyperLogLog hashes it: integers (INT, LONG, TIMESTAMP, BOOLEAN) alike, FLOAT and DOUBLE by their bits, the rest as text. */
function hllValue(a: Typed): { kind: HllValueKind; sql: string } {
  switch (a.type.base) {
    case 'INT':
    case 'LONG':
    case 'TIMESTAMP':
    case 'BOOLEAN':
      return { kind: 'long', sql: `CAST(${a.sql} AS BIGINT)` };
    case 'FLOAT':
      return { kind: 'float', sql: `CAST(${a.sql} AS FLOAT)` };
    case 'DOUBLE':
      return { kind: 'double', sql: `CAST(${a.sql} AS DOUBLE)` };
    case 'BYTES':
      return { kind: 'bytes', sql: `CAST(${a.sql} AS BLOB)` };
    default:
      return { kind: 'text', sql: asVarchar(a) };
  }
}

/**
 * Pinot's result column name of a percentile (getResultColumnName of its aggregation function, 1.2 as 0.11):
 * `percentile90(x)` when the query put the percentile in the name (the percentile truncated to an integer; not
 * for KLL and smart t-digest), else `percentile(x, 90.0)`, with a t-digest's compression unless it is 100.
 */
function percentileName(name: string, rankInName: boolean, expression: string, percentile: number, compression: number | undefined): string {
  if (rankInName && name !== 'percentilekll' && name !== 'percentilesmarttdigest') return `${name}${Math.trunc(percentile)}(${expression})`;
  const extra = name === 'percentiletdigest' && compression !== undefined && compression !== 100 ? `, ${formatJavaDouble(compression)}` : '';
  return `${name}(${expression}, ${formatJavaDouble(percentile)}${extra})`;
}

/** What an aggregate of numbers answers on no rows, as Pinot's default for a DOUBLE result. */
const NO_ROWS = "'-Infinity'";

/** name(number) → DOUBLE: `sqlOf` the value as DOUBLE, `empty` (a DOUBLE literal's text) on no rows. */
function numberAggregate(name: string, sqlOf: (x: string) => string, empty: string): AggregateFunction {
  return {
    names: [name],
    arity: [1, 1],
    signature: `${name}(number) → DOUBLE`,
    emit(call) {
      const [a] = call.typed();
      return call.build(`COALESCE(${call.withFilter(sqlOf(asDouble(a!)))}, ${empty}::DOUBLE)`, DOUBLE);
    },
  };
}

/** DuckDB's statistics of one number. */
const STATISTICS: [name: string, duckdb: string][] = [
  ['stddevpop', 'stddev_pop'],
  ['stddevsamp', 'stddev_samp'],
  ['varpop', 'var_pop'],
  ['varsamp', 'var_samp'],
];

export const AGGREGATE_FUNCTIONS: AggregateFunction[] = [
  {
    names: ['count'],
    arity: [1, 1],
    signature: 'count(* | value) → LONG',
    emit(call) {
      if (call.args[0]!.kind === 'star') return call.build(call.withFilter('count(*)'), LONG, ['*']);
      const [a] = call.typed();
      // Without null handling Pinot counts every row and names COUNT(col) `count(*)` (CountAggregationFunction).
      return call.build(call.withFilter(`count(${a!.sql})`), LONG, ['*']);
    },
  },
  ...['sum', 'summv'].map(
    (name): AggregateFunction => ({
      names: [name],
      arity: [1, 1],
      signature: `${name}(number${name === 'summv' ? ' multi-value' : ''}) → DOUBLE`,
      emit(call) {
        const [a] = call.typed();
        const x = name === 'summv' ? `list_sum(${a!.sql})` : asDouble(a!);
        return call.build(`COALESCE(${call.withFilter(`sum(${x})`)}, 0.0::DOUBLE)`, DOUBLE);
      },
    }),
  ),
  {
    names: ['sumprecision'],
    arity: [1, 2],
    signature: 'sumPrecision(number[, precision]) → BIG_DECIMAL',
    emit(call) {
      const [a] = call.typed();
      return call.build(`CAST(COALESCE(${call.withFilter(`sum(CAST(${a!.sql} AS DECIMAL(38,10)))`)}, 0) AS DECIMAL(38,10))`, T('BIG_DECIMAL'));
    },
  },
  numberAggregate('avg', (x) => `avg(${x})`, NO_ROWS),
  {
    names: ['avgmv'],
    arity: [1, 1],
    signature: 'avgMV(number multi-value) → DOUBLE',
    emit(call) {
      const [a] = call.typed();
      return call.build(`COALESCE(list_avg(CAST(flatten(${call.withFilter(`list(${a!.sql})`)}) AS DOUBLE[])), '-Infinity'::DOUBLE)`, DOUBLE);
    },
  },
  ...['min', 'max', 'minmv', 'maxmv'].map(
    (name): AggregateFunction => ({
      names: [name],
      arity: [1, 1],
      signature: `${name}(number${name.endsWith('mv') ? ' multi-value' : ''}) → DOUBLE`,
      emit(call) {
        const [a] = call.typed();
        const isMin = name.startsWith('min');
        const x = name.endsWith('mv') ? `${isMin ? 'list_min' : 'list_max'}(${a!.sql})` : asDouble(a!);
        return call.build(`COALESCE(${call.withFilter(`${isMin ? 'min' : 'max'}(CAST(${x} AS DOUBLE))`)}, '${isMin ? '' : '-'}Infinity'::DOUBLE)`, DOUBLE);
      },
    }),
  ),
  {
    names: ['minmaxrange'],
    arity: [1, 1],
    signature: 'minMaxRange(number) → DOUBLE',
    emit(call) {
      const [a] = call.typed();
      return call.build(`COALESCE(${call.withFilter(`max(${asDouble(a!)})`)} - ${call.withFilter(`min(${asDouble(a!)})`)}, '-Infinity'::DOUBLE)`, DOUBLE);
    },
  },
  {
    names: ['distinctcount', 'distinctcountbitmap'],
    arity: [1, 1],
    signature: 'distinctCount(value) → INT',
    emit(call) {
      const [a] = call.typed();
      return call.build(`CAST(${call.withFilter(`count(DISTINCT ${a!.sql})`)} AS INTEGER)`, INT);
    },
  },
  {
    names: ['distinctcountmv'],
    arity: [1, 1],
    signature: 'distinctCountMV(multi-value) → INT',
    emit(call) {
      const [a] = call.typed();
      return call.build(`CAST(COALESCE(len(list_distinct(flatten(${call.withFilter(`list(${a!.sql})`)}))), 0) AS INTEGER)`, INT);
    },
  },
  {
    names: ['distinctcounthll'],
    arity: [1, 2],
    signature: "distinctCountHLL(value[, log2m literal, default 8]) → LONG (Pinot's HyperLogLog estimate)",
    emit(call) {
      const [a] = call.typed();
      const log2m = call.args[1] ? Number(literalArg(call.args[1], 'log2m')) : DEFAULT_HLL_LOG2M;
      if (!Number.isInteger(log2m) || log2m < 1 || log2m > 30) throw parsingError(`log2m argument is ${log2m} and is outside the range [1, 30]`);
      const { kind, sql } = hllValue(a!);
      return call.build(`COALESCE(${HLL_FUNCTIONS[kind].name}(${call.withFilter(`list(DISTINCT ${sql})`)}, ${log2m}), 0)`, LONG);
    },
  },
  ...['distinctcounthllplus', 'distinctcountsmarthll', 'distinctcountrawhll'].map(
    (name): AggregateFunction => ({
      names: [name],
      arity: [1, 3],
      signature: `${name}(value[, parameters]) → ${name === 'distinctcountsmarthll' ? 'INT' : 'LONG'} (exact)`,
      emit(call) {
        const all = call.typed();
        return call.build(`CAST(${call.withFilter(`count(DISTINCT ${all[0]!.sql})`)} AS BIGINT)`, name === 'distinctcountsmarthll' ? INT : LONG);
      },
    }),
  ),
  numberAggregate('distinctsum', (x) => `sum(DISTINCT ${x})`, '0.0'),
  numberAggregate('distinctavg', (x) => `avg(DISTINCT ${x})`, NO_ROWS),
  ...PERCENTILE_NAMES.map(
    (name): AggregateFunction => ({
      names: [name],
      arity: [2, 3],
      signature: `${name}(number, percentile literal 0-100) → ${name === 'percentileest' ? 'LONG' : 'DOUBLE'}`,
      emit(call) {
        const a = call.emit(call.args[0]!);
        const p = Number(literalArg(call.args[1], 'percentile'));
        if (!(p >= 0 && p <= 100)) throw parsingError(`Invalid percentile: ${p}`);
        const fn = name === 'percentile' || name === 'percentileest' ? 'quantile_disc' : 'quantile_cont';
        const value = `${call.withFilter(`${fn}(${asDouble(a)}, ${p / 100})`)}`;
        const resultName = percentileName(name, call.writtenName !== name, a.name, p, call.args[2] && Number(literalArg(call.args[2], 'compression')));
        if (name === 'percentileest') return call.buildNamed(`CAST(COALESCE(${value}, -9223372036854775808::DOUBLE) AS BIGINT)`, LONG, resultName);
        return call.buildNamed(`COALESCE(${value}, '-Infinity'::DOUBLE)`, DOUBLE, resultName);
      },
    }),
  ),
  ...(
    [
      ['lastwithtime', 'arg_max'],
      ['firstwithtime', 'arg_min'],
    ] as const
  ).map(
    ([name, duckdb]): AggregateFunction => ({
      names: [name],
      arity: [3, 3],
      signature: `${name}(value, time, dataType literal) → dataType`,
      emit(call) {
        const a = call.emit(call.args[0]!);
        const t = call.emit(call.args[1]!);
        const typeWritten = literalArg(call.args[2], 'data type');
        const typeText = typeWritten.toUpperCase();
        const target = CAST_TYPES[typeText];
        if (!target || typeText === 'TIMESTAMP' || typeText === 'JSON' || typeText === 'BYTES')
          throw parsingError(`Unsupported data type for ${name}: ${typeText}`);
        return call.build(`CAST(${call.withFilter(`${duckdb}(${a.sql}, ${t.sql})`)} AS ${target[0]})`, T(target[1]), [a.name, t.name, `'${typeWritten}'`]);
      },
    }),
  ),
  {
    names: ['mode'],
    arity: [1, 2],
    signature: 'mode(number[, multiModeReducer]) → DOUBLE',
    emit(call) {
      const a = call.emit(call.args[0]!);
      return call.build(`COALESCE(CAST(${call.withFilter(`mode(${a.sql})`)} AS DOUBLE), '-Infinity'::DOUBLE)`, DOUBLE, [a.name]);
    },
  },
  ...STATISTICS.map(([name, duckdb]) => numberAggregate(name, (x) => `${duckdb}(${x})`, NO_ROWS)),
  ...(
    [
      ['booland', 'bool_and', 'TRUE'],
      ['boolor', 'bool_or', 'FALSE'],
    ] as const
  ).map(
    ([name, duckdb, empty]): AggregateFunction => ({
      names: [name],
      arity: [1, 1],
      signature: `${name}(BOOLEAN) → BOOLEAN`,
      emit(call) {
        const [a] = call.typed();
        return call.build(`COALESCE(${call.withFilter(`${duckdb}(CAST(${a!.sql} AS BOOLEAN))`)}, ${empty})`, BOOLEAN);
      },
    }),
  ),
  {
    names: ['countmv'],
    arity: [1, 1],
    signature: 'countMV(multi-value) → LONG',
    emit(call) {
      const [a] = call.typed();
      return call.build(`CAST(COALESCE(${call.withFilter(`sum(len(${a!.sql}))`)}, 0) AS BIGINT)`, LONG);
    },
  },
  {
    names: ['anyvalue'],
    arity: [1, 1],
    signature: "anyValue(value) → the value's type",
    emit(call) {
      const [a] = call.typed();
      return call.build(call.withFilter(`any_value(${a!.sql})`), a!.type);
    },
  },
];
