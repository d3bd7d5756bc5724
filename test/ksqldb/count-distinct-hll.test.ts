/**
 * COUNT_DISTINCT answers what real ksqlDB 0.29 answers: clearspring's HyperLogLog estimate, not an exact
 * count. The golden numbers below were printed by test/ksqldb/golden/CountDistinctGolden.java, which
 * runs the real stream-lib 2.9.5 jar (the one ksqlDB 0.29 bundles) on the same inputs; its header says
 * how to regenerate them. Both the engine's sketch (embedded/ksqldb/functions/hyperloglog.ts) and the
 * tests' own estimator (test/support/hll.ts) must reproduce every one of them.
 */
import { describe, expect, it } from 'vitest';
import { KsqlEngine } from '../../embedded/ksqldb/engine.ts';
import { stringifyJson } from '../../embedded/ksqldb/expr/long.ts';
import { getAggregateFunction, type AggregateImpl } from '../../embedded/ksqldb/functions/aggregate.ts';
import { DENSE_AT, HllSketch, M } from '../../embedded/ksqldb/functions/hyperloglog.ts';
import { javaHashFor } from '../../embedded/ksqldb/functions/murmur.ts';
import { MemoryStateBackend } from '../../embedded/ksqldb/state/store.ts';
import { T, type SqlType } from '../../embedded/ksqldb/types.ts';
import { KsqlHyperLogLog, hashJavaDouble, hashJavaLong, hashJavaString, ksqlCountDistinct } from '../support/hll.ts';

// [Java class of the value, the value as ksqlDB's SQL type holds it, MurmurHash.hash(value)]
const HASHES: [SqlType, unknown, number][] = [
  [T.INTEGER, 0, 0],
  [T.INTEGER, 1, 1527037976],
  [T.INTEGER, -1, -2037786185],
  [T.INTEGER, 42, 1348420172],
  [T.INTEGER, 2147483647, -1595886004],
  [T.INTEGER, -2147483648, 1331745164],
  [T.BIGINT, 0, 0],
  [T.BIGINT, 1, 1527037976],
  [T.BIGINT, -1, -2037786185],
  [T.BIGINT, 1099511627776, -937224101],
  [T.BIGINT, 9223372036854775807n, 310834921],
  [T.BIGINT, -9223372036854775808n, 630388283],
  [T.BIGINT, -9007199254740993n, 1920269046],
  [T.DOUBLE, 0, 0],
  [T.DOUBLE, -0, 630388283],
  [T.DOUBLE, 1.5, -1688758945],
  [T.DOUBLE, 0.1, 378526865],
  [T.DOUBLE, -2.75, 708219956],
  [T.DOUBLE, 1e300, -654847078],
  [T.STRING, '', -1285986640],
  [T.STRING, 'a', 713507990],
  [T.STRING, 'ab', -1797532438],
  [T.STRING, 'abc', -1465591341],
  [T.STRING, 'abcd', 1555318719],
  [T.STRING, 'abcde', -392878951],
  [T.STRING, 'hello world', 1964480955],
  [T.STRING, '\u00e9', -1125067414],
  [T.STRING, '\u00fc\u00df', -1374406245],
  [T.STRING, '\u65e5\u672c\u8a9e', 93139837],
  [T.STRING, '\ud83d\ude00', -1030930139],
  [T.STRING, 'x\u00e9', -727511592],
  [T.STRING, 'Vi\u1ec7t Nam', 38236340],
  [T.BOOLEAN, true, 1948193093],
  [T.BOOLEAN, false, 728261406],
  [T.array(T.INTEGER), [1, 2, 3], -129977296],
  [T.array(T.STRING), ['a', null], 1521429862],
  [T.array(T.DOUBLE), [1.5, 2], -406729924],
];

/** The golden program's series: SQL type and the value for i, as the engine holds it (BIGINT: a number while exact). */
const SERIES: Record<string, [SqlType, (i: number) => unknown]> = {
  int: [T.INTEGER, (i) => i],
  bigint: [T.BIGINT, (i) => i * 1_000_000_007 + 2 ** 40],
  'bigint-huge': [T.BIGINT, (i) => 9223372036854775807n - BigInt(i) * 9_999_991n],
  'bigint-neg': [T.BIGINT, (i) => -9223372036854775808n + BigInt(i) * 7_777_777_777n],
  double: [T.DOUBLE, (i) => i * 0.1],
  'double-half': [T.DOUBLE, (i) => i + 0.5],
  string: [T.STRING, (i) => `user-${i}`],
  'string-latin': [T.STRING, (i) => `\u00fc${i}\u00e9`],
  'string-cjk': [T.STRING, (i) => `\u65e5\u672c${i}`],
  'string-emoji': [T.STRING, (i) => `\ud83d\ude00${i}`],
  boolean: [T.BOOLEAN, (i) => i === 1],
  array: [T.array(T.INTEGER), (i) => [i, i + 1]],
};

// [series, from, to, HyperLogLog.cardinality() after offering the series' values for i = from..to]
const CARDINALITIES: [string, number, number, number][] = [
  ['int', 1, 1, 1],
  ['int', 1, 2, 2],
  ['int', 1, 10, 10],
  ['int', 1, 100, 100],
  ['int', 1, 127, 127],
  ['int', 1, 128, 129],
  ['int', 1, 200, 201],
  ['int', 1, 739, 744],
  ['int', 1, 1000, 1002],
  ['int', 1, 5000, 4963],
  ['int', 1, 20000, 19730],
  ['int', 1, 40000, 39852],
  ['int', 1, 41000, 41780],
  ['int', 1, 45000, 45546],
  ['int', 1, 100000, 99614],
  ['int', -1, -1, 1],
  ['int', -50, -1, 50],
  ['int', -1000, -1, 1000],
  ['int', -500, 500, 1002],
  ['bigint', 1, 10, 10],
  ['bigint', 1, 1000, 988],
  ['bigint', 1, 30000, 29718],
  ['bigint-huge', 1, 10, 10],
  ['bigint-huge', 1, 1000, 995],
  ['bigint-neg', 1, 10, 10],
  ['bigint-neg', 1, 1000, 996],
  ['double', 1, 100, 99],
  ['double', 1, 1000, 990],
  ['double', 1, 20000, 19928],
  ['double-half', -300, 300, 604],
  ['string', 1, 10, 10],
  ['string', 1, 300, 302],
  ['string', 1, 5000, 4988],
  ['string-latin', 1, 300, 300],
  ['string-cjk', 1, 300, 301],
  ['string-emoji', 1, 300, 301],
  ['boolean', 0, 1, 2],
  ['array', 1, 500, 500],
];

// [seriesA, fromA, toA, seriesB, fromB, toB, cardinality() of A's registers after RegisterSet.merge(B's)]
const MERGES: [string, number, number, string, number, number, number][] = [
  ['int', 1, 600, 'int', 400, 1200, 1204],
  ['int', 1, 100, 'int', 101, 200, 201],
  ['int', 1, 30000, 'int', 20000, 60000, 60185],
  ['int', 1, 5, 'int', 1, 5, 5],
  ['string', 1, 300, 'string-cjk', 1, 300, 605],
];

function countDistinct(type: SqlType): AggregateImpl {
  const impl = getAggregateFunction('COUNT_DISTINCT')!.resolve([type], [undefined], {});
  if (typeof impl === 'string') throw new Error(impl);
  return impl;
}

/** The engine's accumulator after adding the series' values from..to. */
function engineAcc(series: string, from: number, to: number): { impl: AggregateImpl; acc: unknown } {
  const [type, value] = SERIES[series]!;
  const impl = countDistinct(type);
  let acc = impl.init();
  for (let i = from; i <= to; i++) acc = impl.add(acc, [value(i)]);
  return { impl, acc };
}

/** The tests' estimator over the same values (ARRAY and BOOLEAN hash their Java toString()). */
function supportHll(series: string, from: number, to: number): KsqlHyperLogLog {
  const [type, value] = SERIES[series]!;
  const hll = new KsqlHyperLogLog();
  for (let i = from; i <= to; i++) {
    const v = value(i);
    if (type.base === 'DOUBLE') hll.offerDouble(v as number);
    else if (type.base === 'STRING') hll.offerString(v as string);
    else if (type.base === 'BOOLEAN') hll.offerString(String(v));
    else if (type.base === 'ARRAY') hll.offerString(`[${(v as number[]).join(', ')}]`);
    else hll.offerInteger(v as number | bigint);
  }
  return hll;
}

describe('COUNT_DISTINCT hashes values as ksqlDB does (clearspring MurmurHash.hash of the Java object)', () => {
  it.each(HASHES.map(([t, v, h]) => [`${t.base}${t.item ? `<${t.item.base}>` : ''} ${stringifyJson(v)}`, t, v, h] as const))('%s', (_, type, value, hash) => {
    expect(javaHashFor(type)(value)).toBe(hash);
    if (type.base === 'INTEGER' || type.base === 'BIGINT') expect(hashJavaLong(BigInt(value as number | bigint))).toBe(hash);
    if (type.base === 'DOUBLE') expect(hashJavaDouble(value as number)).toBe(hash);
    if (type.base === 'STRING') expect(hashJavaString(value as string)).toBe(hash);
  });
});

describe('COUNT_DISTINCT estimates as ksqlDB does (golden values from stream-lib 2.9.5)', () => {
  it.each(CARDINALITIES)('%s %i..%i -> %i', (series, from, to, want) => {
    const { impl, acc } = engineAcc(series, from, to);
    expect(impl.result(acc)).toBe(want);
    expect(supportHll(series, from, to).cardinality()).toBe(want);
  });

  it.each(MERGES)('merge %s %i..%i with %s %i..%i -> %i', (sa, fa, ta, sb, fb, tb, want) => {
    const a = engineAcc(sa, fa, ta);
    const b = engineAcc(sb, fb, tb);
    expect(a.impl.result(a.impl.merge(a.acc, b.acc))).toBe(want);
    expect(a.impl.result(a.impl.merge(b.acc, a.acc))).toBe(want);
    expect(
      supportHll(sa, fa, ta)
        .merge(supportHll(sb, fb, tb))
        .cardinality(),
    ).toBe(want);
  });

  it('skips nulls, and an empty group counts 0', () => {
    const impl = countDistinct(T.INTEGER);
    const empty = impl.init();
    expect(impl.result(impl.add(empty, [null]))).toBe(0);
    const one = impl.add(empty, [7]);
    expect(impl.add(one, [null])).toBe(one);
    expect(impl.result(impl.add(one, [null]))).toBe(1);
  });

  it('never changes an accumulator it was given (the engine keeps the previous one for the old row)', () => {
    const impl = countDistinct(T.INTEGER);
    let acc = impl.init();
    const history: [unknown, number][] = [];
    for (let i = 1; i <= DENSE_AT * 1.5; i++) {
      history.push([acc, impl.result(acc) as number]);
      acc = impl.add(acc, [i]);
    }
    expect((acc as HllSketch).dense, 'grew past the sparse form').not.toBeNull();
    for (const [old, count] of history) expect(impl.result(old)).toBe(count);
    const before = impl.result(acc);
    impl.merge(acc, engineAcc('int', 100_000, 130_000).acc);
    expect(impl.result(acc)).toBe(before);
  });
});

describe('COUNT_DISTINCT state in the changelog', () => {
  it.each([
    ['int', 1, 200],
    ['int', 1, 5000],
    ['int', 1, 100000],
    ['string', 1, 300],
  ] as const)('a sketch of %s %i..%i comes back with the same registers', (series, from, to) => {
    const { impl, acc } = engineAcc(series, from, to);
    const text = stringifyJson(acc);
    const back = JSON.parse(text) as unknown;
    expect(typeof back).toBe('string');
    expect(impl.result(back)).toBe(impl.result(acc));
    // adding after a restore continues the same registers: the count of from..to+1000 as if never restored
    let restored = back;
    let straight = acc;
    for (let i = to + 1; i <= to + 1000; i++) {
      restored = impl.add(restored, [SERIES[series]![1](i)]);
      straight = impl.add(straight, [SERIES[series]![1](i)]);
    }
    expect(stringifyJson(restored)).toBe(stringifyJson(straight));
    expect(impl.result(restored)).toBe(engineAcc(series, from, to + 1000).impl.result(engineAcc(series, from, to + 1000).acc));
  });

  it('is compact: about 3 bytes per counted value while sparse, 13.6 KB (5 bits per register) when dense', () => {
    expect(stringifyJson(engineAcc('int', 1, 1000).acc).length).toBeLessThan(3 * 1000);
    expect(stringifyJson(engineAcc('int', 1, 100000).acc).length).toBeLessThanOrEqual(2 + Math.ceil((M * 5) / 8 / 3) * 4 + 1);
  });

  it('recounts an accumulator written before the sketch (the values as JSON texts)', () => {
    const impl = countDistinct(T.INTEGER);
    const legacy = Array.from({ length: 1000 }, (_, i) => JSON.stringify(i + 1));
    expect(impl.result(legacy)).toBe(1002);
    expect(impl.result(impl.add(legacy, [1001]))).toBe(engineAcc('int', 1, 1001).impl.result(engineAcc('int', 1, 1001).acc));
  });
});

describe('COUNT_DISTINCT in queries', () => {
  const STREAM = "CREATE STREAM pv (k STRING KEY, user_id INT) WITH (kafka_topic='pv', key_format='JSON', value_format='JSON');";
  const feed = (engine: KsqlEngine, rows: [number | null, number][], offset = 0) =>
    rows.flatMap(([user, ts], i) =>
      engine.process({
        topic: 'pv',
        partition: 0,
        offset: offset + i,
        timestamp: ts,
        key: Buffer.from('"a"'),
        value: Buffer.from(JSON.stringify({ user_id: user })),
      }),
    );
  const lastCount = (out: { value: Buffer | null }[]) =>
    JSON.parse(
      out
        .filter((r) => r.value)
        .at(-1)!
        .value!.toString(),
    ).N as number;

  it('a grouped count over 1..1000 answers 1002, and the same after a restart from the changelog', () => {
    const state = new MemoryStateBackend();
    const engine = new KsqlEngine({ state });
    engine.execute(`${STREAM} CREATE TABLE t AS SELECT k, COUNT_DISTINCT(user_id) AS n FROM pv GROUP BY k;`);
    const rows = Array.from({ length: 1000 }, (_, i): [number | null, number] => [i + 1, i]);
    expect(lastCount(feed(engine, [...rows, [null, 1000], [5, 1001]]))).toBe(1002);
    // what a changelog holds: the stores as JSON, read back into a fresh backend
    const restoredState = new MemoryStateBackend();
    restoredState.load(JSON.parse(stringifyJson(state.snapshot())) as Record<string, [string, unknown][]>);
    const restarted = KsqlEngine.restore(engine.snapshot(), { state: restoredState });
    expect(lastCount(feed(restarted, [[1000, 2000]], 2000))).toBe(1002);
    // new users after the restart grow the same registers as in the engine that never stopped
    const more = Array.from({ length: 739 }, (_, i): [number, number] => [1001 + i, 3000]);
    const afterRestart = lastCount(feed(restarted, more, 3000));
    expect(afterRestart).toBe(lastCount(feed(engine, more, 3000)));
    expect(afterRestart).toBe(ksqlCountDistinct(Array.from({ length: 1739 }, (_, i) => i + 1)));
  });

  it('merging two session windows answers the merged registers (1..600 and 400..1200 -> 1204)', () => {
    const engine = new KsqlEngine();
    engine.execute(`${STREAM} CREATE TABLE t AS SELECT k, COUNT_DISTINCT(user_id) AS n FROM pv WINDOW SESSION (10 SECONDS) GROUP BY k;`);
    const first = Array.from({ length: 600 }, (_, i): [number, number] => [i + 1, 0]);
    const second = Array.from({ length: 801 }, (_, i): [number, number] => [400 + i, 20_000]);
    feed(engine, first);
    feed(engine, second, 600);
    expect(lastCount(feed(engine, [[400, 20_000]], 1500))).toBe(ksqlCountDistinct(Array.from({ length: 801 }, (_, i) => 400 + i)));
    // a view at 10 s is within the gap of both sessions: they merge into one
    expect(lastCount(feed(engine, [[1, 10_000]], 2000))).toBe(1204);
  });
});
