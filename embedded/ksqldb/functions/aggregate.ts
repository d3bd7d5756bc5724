// Aggregate functions (UDAFs). Accumulators are plain JSON-serialisable values so that
// aggregate state can be written to and restored from a changelog.
import { longOp, stringifyJson, type Long } from '../expr/long.ts';
import { T, isNumeric, typeToString, type SqlType } from '../types.ts';

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
  resolve(argTypes: SqlType[], literalArgs: unknown[]): AggregateImpl | string;
}

const reg = new Map<string, AggregateFunction>();
const def = (name: string, description: string, resolve: AggregateFunction['resolve']) => reg.set(name, { name, description, resolve });

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

for (const [name, better] of [['MIN', (a: unknown, b: unknown) => (a as number) < (b as number)], ['MAX', (a: unknown, b: unknown) => (a as number) > (b as number)]] as const) {
  def(name, `${name === 'MIN' ? 'Minimum' : 'Maximum'} of non-null values`, (ts) => {
    if (ts.length !== 1 || !(isNumeric(ts[0]!) || ts[0]!.base === 'STRING')) return `Function '${name}' does not accept parameters (${sig(ts)}).`;
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
 * Membership sets of the COUNT_DISTINCT accumulators updated last (by array identity), so a value
 * already counted is found in O(1) instead of by scanning the array. An accumulator only ever grows
 * into a new array (old + one value), and the new array shares the old one's set, extended: a set is
 * therefore a superset of every array it is filed under, and exactly its members when the sizes agree;
 * otherwise (the old array used again, or evicted: the map is bounded) it is rebuilt from the array.
 */
const distinctMembers = new Map<readonly string[], Set<string>>();
const DISTINCT_MEMBER_SETS = 512;
function membersOf(acc: readonly string[]): Set<string> {
  const set = distinctMembers.get(acc);
  return set && set.size === acc.length ? set : rememberMembers(acc, new Set(acc));
}
function rememberMembers(acc: readonly string[], set: Set<string>): Set<string> {
  distinctMembers.delete(acc);
  if (distinctMembers.size >= DISTINCT_MEMBER_SETS) distinctMembers.delete(distinctMembers.keys().next().value!);
  distinctMembers.set(acc, set);
  return set;
}

def('COUNT_DISTINCT', 'Count of distinct non-null values', (ts) => {
  if (ts.length !== 1) return `Function 'COUNT_DISTINCT' does not accept parameters (${sig(ts)}).`;
  const k = (v: unknown) => stringifyJson(v);
  return {
    returnType: T.BIGINT,
    init: () => [],
    add: (acc, a) => {
      if (isNull(a[0])) return acc;
      const cur = acc as string[];
      const s = k(a[0]);
      const members = membersOf(cur);
      if (members.has(s)) return acc;
      const out = cur.slice();
      out.push(s);
      rememberMembers(out, members.add(s));
      return out;
    },
    // accumulators are never mutated, so merging into an empty one can share the other
    merge: (x, y) => ((x as string[]).length === 0 ? y : (y as string[]).length === 0 ? x : [...new Set([...(x as string[]), ...(y as string[])])]),
    result: (acc) => (acc as string[]).length,
  };
});

for (const [name, latest] of [['LATEST_BY_OFFSET', true], ['EARLIEST_BY_OFFSET', false]] as const) {
  def(name, `${latest ? 'Latest' : 'Earliest'} non-null value by offset`, (ts, lits) => {
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
  });
}

for (const [name, distinct] of [['COLLECT_LIST', false], ['COLLECT_SET', true]] as const) {
  def(name, distinct ? 'Set of distinct values' : 'List of values', (ts) => {
    if (ts.length !== 1) return `Function '${name}' does not accept parameters (${sig(ts)}).`;
    return {
      returnType: T.array(ts[0]!),
      init: () => [],
      add: (acc, a) => {
        const cur = acc as unknown[];
        if (distinct && cur.some((x) => stringifyJson(x) === stringifyJson(a[0]))) return cur;
        return [...cur, a[0] ?? null];
      },
      undo: (acc, a) => {
        const cur = [...(acc as unknown[])];
        const i = cur.findIndex((x) => stringifyJson(x) === stringifyJson(a[0] ?? null));
        if (i >= 0) cur.splice(i, 1);
        return cur;
      },
      merge: (x, y) => {
        const all = [...(x as unknown[]), ...(y as unknown[])];
        return distinct ? all.filter((v, i) => all.findIndex((w) => stringifyJson(w) === stringifyJson(v)) === i) : all;
      },
      result: (acc) => acc,
    };
  });
}

def('TOPKDISTINCT', 'Top K distinct values, descending', (ts, lits) => {
  if (ts.length !== 2 || typeof lits[1] !== 'number') return `Function 'TOPKDISTINCT' does not accept parameters (${sig(ts)}).`;
  const k = lits[1] as number;
  const top = (xs: unknown[]) => [...new Set(xs)].sort((a, b) => ((a as number) < (b as number) ? 1 : (a as number) > (b as number) ? -1 : 0)).slice(0, k);
  return {
    returnType: T.array(ts[0]!),
    init: () => [],
    add: (acc, a) => (isNull(a[0]) ? acc : top([...(acc as unknown[]), a[0]])),
    merge: (x, y) => top([...(x as unknown[]), ...(y as unknown[])]),
    result: (acc) => acc,
  };
});

def('TOPK', 'Top K values, descending', (ts, lits) => {
  if (ts.length !== 2 || typeof lits[1] !== 'number') return `Function 'TOPK' does not accept parameters (${sig(ts)}).`;
  const k = lits[1] as number;
  const sortDesc = (xs: unknown[]) => [...xs].sort((a, b) => ((a as number) < (b as number) ? 1 : (a as number) > (b as number) ? -1 : 0)).slice(0, k);
  return {
    returnType: T.array(ts[0]!),
    init: () => [],
    add: (acc, a) => (isNull(a[0]) ? acc : sortDesc([...(acc as unknown[]), a[0]])),
    merge: (x, y) => sortDesc([...(x as unknown[]), ...(y as unknown[])]),
    result: (acc) => acc,
  };
});
