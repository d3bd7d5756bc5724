// Aggregate functions (UDAFs). Accumulators are plain JSON-serialisable values so that
// aggregate state can be written to and restored from a changelog.
import { compareValues, toDecimal, valuesEqual } from '../expr/cast.ts';
import { fitDecimal } from '../expr/decimal.ts';
import { longOp, stringifyJson, type Long } from '../expr/long.ts';
import { T, isNumeric, typeToString, type SqlType } from '../types.ts';
import { EMPTY_SKETCH, HllSketch, cardinality, decodeSketch, mergeSketches, offerHash } from './hyperloglog.ts';
import { javaHashFor } from './murmur.ts';

export interface AggregateImpl {
  returnType: SqlType;
  init(): unknown;
  add(acc: unknown, args: unknown[]): unknown;
  /** removes a value (table aggregation); absent when the function cannot undo */
  undo?(acc: unknown, args: unknown[]): unknown;
  /** merges two accumulators (session window merges) */
  merge(a: unknown, b: unknown): unknown;
  result(acc: unknown): unknown;
  /** the intermediate state is a STRUCT in ksqlDB (formats without structs cannot hold it) */
  structState?: boolean;
}

export interface AggregateFunction {
  name: string;
  description: string;
  /** index of the first parameter, for a call with this many, that must be a literal constant (ksqlDB's UDAF init arguments) */
  literalsFrom?: (argCount: number) => number;
  /** config: the session's properties (ksql.functions.* settings) */
  resolve(argTypes: SqlType[], literalArgs: unknown[], config: Record<string, string>): AggregateImpl | string;
}

const reg = new Map<string, AggregateFunction>();
const def = (name: string, description: string, resolve: AggregateFunction['resolve'], literalsFrom?: AggregateFunction['literalsFrom']) =>
  reg.set(name, { name, description, resolve, literalsFrom });

export function getAggregateFunction(name: string): AggregateFunction | undefined {
  return reg.get(name.toUpperCase());
}
export function isAggregateName(name: string): boolean {
  return reg.has(name.toUpperCase());
}
export function listAggregateFunctions(): AggregateFunction[] {
  return [...reg.values()];
}

const isNull = (v: unknown) => v === null || v === undefined;
const sig = (ts: SqlType[]) => ts.map(typeToString).join(', ');
const toInt32 = (n: number) => n | 0;

def('COUNT', 'Count rows, or non-null values of the argument', (ts) => {
  const countRows = ts.length === 0;
  const pick = (a: unknown[]) => (countRows ? 1 : isNull(a[0]) ? 0 : 1);
  return {
    returnType: T.BIGINT,
    init: () => 0,
    add: (acc, a) => (acc as number) + pick(a),
    undo: (acc, a) => (acc as number) - pick(a),
    merge: (x, y) => (x as number) + (y as number),
    result: (acc) => acc,
  };
});

def('SUM', 'Sum of non-null values', (ts) => {
  if (ts.length === 1 && ts[0]!.base === 'DECIMAL') return decimalSum(ts[0]!);
  if (ts.length !== 1 || !isNumeric(ts[0]!)) return `Function 'SUM' does not accept parameters (${sig(ts)}).`;
  const t = ts[0]!;
  const plus = (x: unknown, y: unknown): unknown =>
    t.base === 'INTEGER' ? toInt32((x as number) + (y as number)) : t.base === 'BIGINT' ? longOp('+', x as Long, y as Long) : (x as number) + (y as number);
  const minus = (x: unknown, y: unknown): unknown =>
    t.base === 'INTEGER' ? toInt32((x as number) - (y as number)) : t.base === 'BIGINT' ? longOp('-', x as Long, y as Long) : (x as number) - (y as number);
  return {
    returnType: t,
    init: () => 0,
    add: (acc, a) => (isNull(a[0]) ? acc : plus(acc, a[0])),
    undo: (acc, a) => (isNull(a[0]) ? acc : minus(acc, a[0])),
    merge: (x, y) => plus(x, y),
    result: (acc) => acc,
  };
});

def('AVG', 'Average of non-null values (DOUBLE)', (ts) => {
  if (ts.length !== 1 || !isNumeric(ts[0]!)) return `Function 'AVG' does not accept parameters (${sig(ts)}).`;
  type Acc = [number, number];
  return {
    returnType: T.DOUBLE,
    structState: true,
    init: () => [0, 0],
    add: (acc, a) => (isNull(a[0]) ? acc : [(acc as Acc)[0] + Number(a[0]), (acc as Acc)[1] + 1]),
    undo: (acc, a) => (isNull(a[0]) ? acc : [(acc as Acc)[0] - Number(a[0]), (acc as Acc)[1] - 1]),
    merge: (x, y) => [(x as Acc)[0] + (y as Acc)[0], (x as Acc)[1] + (y as Acc)[1]],
    result: (acc) => ((acc as Acc)[1] === 0 ? 0 : (acc as Acc)[0] / (acc as Acc)[1]),
  };
});

const ORDERED = ['INTEGER', 'BIGINT', 'DOUBLE', 'DECIMAL', 'STRING', 'TIMESTAMP', 'DATE', 'TIME', 'BYTES'];
for (const [name, better] of [
  ['MIN', (a: unknown, b: unknown) => compareValues(a, b) < 0],
  ['MAX', (a: unknown, b: unknown) => compareValues(a, b) > 0],
] as const) {
  def(name, `${name === 'MIN' ? 'Minimum' : 'Maximum'} of non-null values`, (ts) => {
    if (ts.length !== 1 || !ORDERED.includes(ts[0]!.base)) return `Function '${name}' does not accept parameters (${sig(ts)}).`;
    return {
      returnType: ts[0]!,
      init: () => null,
      add: (acc, a) => (isNull(a[0]) ? acc : isNull(acc) || better(a[0], acc) ? a[0] : acc),
      merge: (x, y) => (isNull(x) ? y : isNull(y) ? x : better(y, x) ? y : x),
      result: (acc) => acc ?? null,
    };
  });
}

/**
 * ksqlDB's COUNT_DISTINCT is an estimate: clearspring's HyperLogLog (hyperloglog.ts) over the hash of
 * the Java object of each non-null value (murmur.ts), so the counts are those a real ksqlDB gives (typical
 * error under 1%), not exact. Like upstream it has no undo: ksqlDB rejects it on a table.
 */
def('COUNT_DISTINCT', 'Count of distinct non-null values, estimated as ksqlDB does (HyperLogLog, typical error < 1%)', (ts) => {
  if (ts.length !== 1) return `Function 'COUNT_DISTINCT' does not accept parameters (${sig(ts)}).`;
  const hash = javaHashFor(ts[0]!);
  // an accumulator restored from the changelog is the sketch's string form; one written before the
  // sketch (an array of the values as JSON texts) is counted again from its values
  const sketch = (acc: unknown): HllSketch => {
    if (acc instanceof HllSketch) return acc;
    if (typeof acc === 'string') return decodeSketch(acc);
    let s = EMPTY_SKETCH;
    for (const text of acc as string[]) {
      const v = JSON.parse(text) as unknown;
      if (!isNull(v)) s = offerHash(s, hash(v));
    }
    return s;
  };
  return {
    returnType: T.BIGINT,
    init: () => EMPTY_SKETCH,
    add: (acc, a) => (isNull(a[0]) ? sketch(acc) : offerHash(sketch(acc), hash(a[0]))),
    merge: (x, y) => mergeSketches(sketch(x), sketch(y)),
    result: (acc) => cardinality(sketch(acc)),
  };
});

for (const [name, latest] of [
  ['LATEST_BY_OFFSET', true],
  ['EARLIEST_BY_OFFSET', false],
] as const) {
  def(
    name,
    `${latest ? 'Latest' : 'Earliest'} non-null value by offset`,
    (ts, lits) => {
      if (ts.length < 1 || ts.length > 3) return `Function '${name}' does not accept parameters (${sig(ts)}).`;
      const n = ts.length >= 2 && typeof lits[1] === 'number' ? (lits[1] as number) : undefined;
      const ignoreNulls = ts.length === 3 ? lits[2] !== false : ts.length === 2 && typeof lits[1] === 'boolean' ? lits[1] !== false : true;
      // acc: array of [seq, value]
      let seq = 0;
      type Acc = [number, unknown][];
      return {
        returnType: n === undefined ? ts[0]! : T.array(ts[0]!),
        init: () => [],
        add: (acc, a) => {
          if (ignoreNulls && isNull(a[0])) return acc;
          const cur = acc as Acc;
          const entry: [number, unknown] = [++seq, a[0] ?? null];
          const keep = n ?? 1;
          if (latest) return [...cur, entry].slice(-keep);
          return cur.length >= keep ? cur : [...cur, entry];
        },
        merge: (x, y) => {
          const all = [...(x as Acc), ...(y as Acc)].sort((p, q) => p[0] - q[0]);
          const keep = n ?? 1;
          return latest ? all.slice(-keep) : all.slice(0, keep);
        },
        result: (acc) => {
          const cur = acc as Acc;
          if (n === undefined) return cur.length ? cur[cur.length - 1]![1] : null;
          return cur.map((e) => e[1]);
        },
      };
    },
    () => 1,
  );
}

/** The size limit a session sets for COLLECT_LIST / COLLECT_SET (no limit when unset or negative). */
function collectLimit(config: Record<string, string>, key: string): number {
  const v = config[key];
  const n = v === undefined ? NaN : parseInt(v, 10);
  return Number.isNaN(n) || n < 0 ? Infinity : n;
}

/**
 * COLLECT_LIST and COLLECT_SET keep at most ksql.functions.collect_list.limit /
 * ksql.functions.collect_set.limit values; later ones are dropped. As in ksqlDB, only COLLECT_LIST can
 * undo (so only it aggregates a table), removing the last occurrence of the value.
 */
for (const [name, distinct] of [
  ['COLLECT_LIST', false],
  ['COLLECT_SET', true],
] as const) {
  def(name, distinct ? 'Set of distinct values' : 'List of values', (ts, _lits, config) => {
    if (ts.length !== 1) return `Function '${name}' does not accept parameters (${sig(ts)}).`;
    const limit = collectLimit(config, `ksql.functions.${name.toLowerCase()}.limit`);
    const has = (xs: unknown[], v: unknown) => xs.some((x) => valuesEqual(x, v ?? null));
    const impl: AggregateImpl = {
      returnType: T.array(ts[0]!),
      init: () => [],
      add: (acc, a) => {
        const cur = acc as unknown[];
        if (cur.length >= limit || (distinct && has(cur, a[0]))) return cur;
        return [...cur, a[0] ?? null];
      },
      merge: (x, y) => {
        const out = [...(x as unknown[])];
        for (const v of y as unknown[]) {
          if (out.length >= limit) break;
          if (!distinct || !has(out, v)) out.push(v);
        }
        return out;
      },
      result: (acc) => acc,
    };
    if (!distinct) {
      impl.undo = (acc, a) => {
        const cur = [...(acc as unknown[])];
        for (let i = cur.length - 1; i >= 0; i--) {
          if (valuesEqual(cur[i], a[0] ?? null)) {
            cur.splice(i, 1);
            break;
          }
        }
        return cur;
      };
    }
    return impl;
  });
}

const descending = (a: unknown, b: unknown) => compareValues(b, a);

def(
  'TOPKDISTINCT',
  'Top K distinct values, descending',
  (ts, lits) => {
    if (ts.length !== 2 || typeof lits[1] !== 'number') return `Function 'TOPKDISTINCT' does not accept parameters (${sig(ts)}).`;
    const k = lits[1] as number;
    const top = (xs: unknown[]) =>
      xs
        .filter((x, i) => xs.findIndex((y) => valuesEqual(x, y)) === i)
        .sort(descending)
        .slice(0, k);
    return {
      returnType: T.array(ts[0]!),
      init: () => [],
      add: (acc, a) => (isNull(a[0]) ? acc : top([...(acc as unknown[]), a[0]])),
      merge: (x, y) => top([...(x as unknown[]), ...(y as unknown[])]),
      result: (acc) => acc,
    };
  },
  () => 1,
);

/**
 * TOPK(col, k): the k largest values, descending. TOPK(col, other1, other2 ..., k): the rows of the k
 * largest, each a STRUCT<sort_col, col0, col1 ...> (ksqlDB's field names).
 */
def(
  'TOPK',
  'Top K values, descending',
  (ts, lits) => {
    const k = lits[ts.length - 1];
    if (ts.length < 2 || typeof k !== 'number') return `Function 'TOPK' does not accept parameters (${sig(ts)}).`;
    const others = ts.slice(1, -1);
    const withRows = others.length > 0;
    const sortDesc = (xs: unknown[]) =>
      [...xs]
        .sort((a, b) => (withRows ? descending((a as Record<string, unknown>).sort_col, (b as Record<string, unknown>).sort_col) : descending(a, b)))
        .slice(0, k);
    const entry = (a: unknown[]) => (withRows ? { sort_col: a[0], ...Object.fromEntries(others.map((_, i) => [`col${i}`, a[i + 1] ?? null])) } : a[0]);
    return {
      returnType: T.array(withRows ? T.struct([{ name: 'sort_col', type: ts[0]! }, ...others.map((t, i) => ({ name: `col${i}`, type: t }))]) : ts[0]!),
      structState: withRows,
      init: () => [],
      add: (acc, a) => (isNull(a[0]) ? acc : sortDesc([...(acc as unknown[]), entry(a)])),
      merge: (x, y) => sortDesc([...(x as unknown[]), ...(y as unknown[])]),
      result: (acc) => acc,
    };
  },
  (n) => n - 1,
);

/**
 * ATTR: the value when every row of the group has the same one (null counts as a value), else null.
 * As ksqlDB, the state is a list of [value, count] entries so a table can undo rows; entries whose
 * count falls to zero stay in the list but no longer count.
 */
def('ATTR', 'The one value of the group, or null when there are several', (ts) => {
  if (ts.length !== 1) return `Function 'ATTR' does not accept parameters (${sig(ts)}).`;
  type Acc = [unknown, number][];
  const update = (acc: Acc, v: unknown, by: number): Acc => {
    const text = stringifyJson(v ?? null);
    const i = acc.findIndex((e) => stringifyJson(e[0]) === text);
    if (i < 0) return by > 0 ? [...acc, [v ?? null, by]] : acc;
    return acc.map((e, j) => (j === i ? [e[0], Math.max(0, e[1] + by)] : e));
  };
  return {
    returnType: ts[0]!,
    structState: true,
    init: () => [],
    add: (acc, a) => update(acc as Acc, a[0], 1),
    undo: (acc, a) => update(acc as Acc, a[0], -1),
    merge: (x, y) => (y as Acc).reduce((acc, e) => update(acc, e[0], e[1]), x as Acc),
    result: (acc) => {
      const live = (acc as Acc).filter((e) => e[1] > 0);
      return live.length === 1 ? live[0]![0] : null;
    },
  };
});

/**
 * CORRELATION(x, y): Pearson's coefficient over the rows where both are non-null, from running sums
 * (ksqlDB's single-pass formula, so NaN for fewer than two rows or a constant column).
 */
def('CORRELATION', "Pearson's correlation coefficient of two numeric columns", (ts) => {
  const kinds = ['INTEGER', 'BIGINT', 'DOUBLE'];
  if (ts.length !== 2 || ts[0]!.base !== ts[1]!.base || !kinds.includes(ts[0]!.base)) return `Function 'CORRELATION' does not accept parameters (${sig(ts)}).`;
  // [sum x, sum y, sum x², sum y², sum xy, count]
  type Acc = [number, number, number, number, number, number];
  const step = (acc: Acc, a: unknown[], sign: 1 | -1): Acc => {
    if (isNull(a[0]) || isNull(a[1])) return acc;
    const x = Number(a[0]);
    const y = Number(a[1]);
    return [acc[0] + sign * x, acc[1] + sign * y, acc[2] + sign * x * x, acc[3] + sign * y * y, acc[4] + sign * x * y, acc[5] + sign];
  };
  return {
    returnType: T.DOUBLE,
    structState: true,
    init: () => [0, 0, 0, 0, 0, 0],
    add: (acc, a) => step(acc as Acc, a, 1),
    undo: (acc, a) => step(acc as Acc, a, -1),
    merge: (x, y) => (x as Acc).map((v, i) => v + (y as Acc)[i]!),
    result: (acc) => {
      const [sx, sy, sxx, syy, sxy, n] = acc as Acc;
      return (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
    },
  };
});

/** SUM_LIST(array): the sum of the non-null elements of every row's array, in the element type. */
def('SUM_LIST', 'Sum of the elements of the arrays', (ts) => {
  const item = ts[0]?.base === 'ARRAY' ? ts[0].item : undefined;
  if (ts.length !== 1 || !item || !['INTEGER', 'BIGINT', 'DOUBLE'].includes(item.base)) return `Function 'SUM_LIST' does not accept parameters (${sig(ts)}).`;
  const plus = (x: unknown, y: unknown): unknown =>
    item.base === 'INTEGER'
      ? toInt32((x as number) + (y as number))
      : item.base === 'BIGINT'
        ? longOp('+', x as Long, y as Long)
        : (x as number) + (y as number);
  const minus = (x: unknown, y: unknown): unknown =>
    item.base === 'INTEGER'
      ? toInt32((x as number) - (y as number))
      : item.base === 'BIGINT'
        ? longOp('-', x as Long, y as Long)
        : (x as number) - (y as number);
  const sumOf = (list: unknown) => (list as unknown[]).reduce((s: unknown, v) => (isNull(v) ? s : plus(s, v)), 0);
  return {
    returnType: item,
    init: () => 0,
    add: (acc, a) => (isNull(a[0]) ? acc : plus(acc, sumOf(a[0]))),
    undo: (acc, a) => (isNull(a[0]) ? acc : minus(acc, sumOf(a[0]))),
    merge: (x, y) => plus(x, y),
    result: (acc) => acc,
  };
});

/** SUM of a DECIMAL: exact, in the column's DECIMAL(p,s); the state is the sum's text (JSON-safe). */
function decimalSum(t: SqlType): AggregateImpl {
  const fit = (x: unknown) => fitDecimal(toDecimal(x), t.precision!, t.scale!);
  const op = (acc: unknown, v: unknown, sign: 1 | -1) => {
    if (isNull(v)) return acc;
    const d = toDecimal(v);
    return toDecimal(acc)
      .add(sign > 0 ? d : d.negate())
      .toString();
  };
  return {
    returnType: t,
    init: () => '0',
    add: (acc, a) => op(acc, a[0], 1),
    undo: (acc, a) => op(acc, a[0], -1),
    merge: (x, y) => toDecimal(x).add(toDecimal(y)).toString(),
    result: (acc) => fit(acc),
  };
}

/** STDDEV_SAMPLE: the sample standard deviation (0 for one value), over running count, sum and sum of squares. */
def('STDDEV_SAMPLE', 'Sample standard deviation of non-null values', (ts) => stddev('STDDEV_SAMPLE', ts));
def('STDDEV_SAMP', 'Sample standard deviation of non-null values', (ts) => stddev('STDDEV_SAMP', ts));
function stddev(name: string, ts: SqlType[]): AggregateImpl | string {
  if (ts.length !== 1 || !isNumeric(ts[0]!)) return `Function '${name}' does not accept parameters (${sig(ts)}).`;
  type Acc = [number, number, number];
  const step = (acc: unknown, v: unknown, sign: 1 | -1): Acc => {
    const [n, sum, sq] = acc as Acc;
    const x = Number(v);
    return [n + sign, sum + sign * x, sq + sign * x * x];
  };
  return {
    returnType: T.DOUBLE,
    structState: true,
    init: () => [0, 0, 0],
    add: (acc, a) => (isNull(a[0]) ? acc : step(acc, a[0], 1)),
    undo: (acc, a) => (isNull(a[0]) ? acc : step(acc, a[0], -1)),
    merge: (x, y) => (x as Acc).map((v, i) => v + (y as Acc)[i]!) as Acc,
    result: (acc) => {
      const [n, sum, sq] = acc as Acc;
      if (n < 2) return n === 1 ? 0 : null;
      return Math.sqrt(Math.max((sq - (sum * sum) / n) / (n - 1), 0));
    },
  };
}

/** HISTOGRAM: how many times each string occurs; a table's undo drops a string whose count reaches 0. */
def('HISTOGRAM', 'Count of each distinct string', (ts) => {
  if (ts.length !== 1 || ts[0]!.base !== 'STRING') return `Function 'HISTOGRAM' does not accept parameters (${sig(ts)}).`;
  type Acc = Record<string, number>;
  const bump = (acc: unknown, v: unknown, by: number): Acc => {
    if (isNull(v)) return acc as Acc;
    const out = { ...(acc as Acc) };
    const k = String(v);
    const n = (out[k] ?? 0) + by;
    if (n > 0) out[k] = n;
    else delete out[k];
    return out;
  };
  return {
    returnType: T.map(T.STRING, T.BIGINT),
    init: () => ({}),
    add: (acc, a) => bump(acc, a[0], 1),
    undo: (acc, a) => bump(acc, a[0], -1),
    merge: (x, y) => Object.entries(y as Acc).reduce((acc, [k, n]) => bump(acc, k, n), x as Acc),
    result: (acc) => ({ ...(acc as Acc) }),
  };
});
