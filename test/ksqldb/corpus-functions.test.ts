// Unit tests of the pieces added for ksqlDB's query-validation corpus: functions, coercion, lexing,
// and the runner's skip classification.
import { describe, expect, it } from 'vitest';
import { coerceUserList } from '../../embedded/ksqldb/expr/coercion.ts';
import { exprToString } from '../../embedded/ksqldb/expr/compile.ts';
import { getAggregateFunction } from '../../embedded/ksqldb/functions/aggregate.ts';
import { parseJsonTree, writeJsonTree } from '../../embedded/ksqldb/functions/json-tree.ts';
import { getScalarFunction } from '../../embedded/ksqldb/functions/scalar.ts';
import { getTableFunction } from '../../embedded/ksqldb/functions/table.ts';
import type { Expr } from '../../embedded/ksqldb/parser/ast.ts';
import { tokenize } from '../../embedded/ksqldb/parser/lexer.ts';
import { unsupportedFeature } from '../../embedded/ksqldb/qtt/loader.ts';
import { testOnlyFunctionIn } from '../../embedded/ksqldb/qtt/test-only-functions.ts';
import { T, type SqlType } from '../../embedded/ksqldb/types.ts';

const call = (name: string, types: SqlType[], args: unknown[]) => {
  const fn = getScalarFunction(name)!.resolve(types);
  if (typeof fn === 'string') throw new Error(fn);
  return fn.invoke(args);
};

describe('JSON tree (Jackson-like)', () => {
  it('keeps key order and number text, and writes compact JSON', () => {
    const tree = parseJsonTree('{"b": 1.0, "5": [true, null, "x"], "a": {}}')!;
    expect(writeJsonTree(tree)).toBe('{"b":1.0,"5":[true,null,"x"],"a":{}}');
  });
  it('reads blank text as missing and rejects bad JSON', () => {
    expect(parseJsonTree('  ')).toBeUndefined();
    expect(() => parseJsonTree('abc')).toThrow(/Invalid JSON/);
    expect(() => parseJsonTree('[1, 2')).toThrow(/Invalid JSON/);
  });
});

describe('scalar functions', () => {
  it('JSON_CONCAT merges objects and otherwise concatenates arrays', () => {
    const s3 = [T.STRING, T.STRING, T.STRING];
    expect(call('JSON_CONCAT', s3, ['{"a": {"5": 6}}', '{"a": {"3": 4}}', '{"b": 1}'])).toBe('{"a":{"3":4},"b":1}');
    expect(call('JSON_CONCAT', s3, ['[1, 2]', '{"a": 1}', '4'])).toBe('[1,2,{"a":1},4]');
    expect(call('JSON_CONCAT', s3, ['1', '', '2'])).toBeNull();
  });
  it("JSON_ARRAY_CONTAINS matches an item only of the value's kind", () => {
    expect(call('JSON_ARRAY_CONTAINS', [T.STRING, T.INTEGER], ['[1.0, 2]', 2])).toBe(true);
    expect(call('JSON_ARRAY_CONTAINS', [T.STRING, T.INTEGER], ['[1.0]', 1])).toBe(false);
    expect(call('JSON_ARRAY_CONTAINS', [T.STRING, T.DOUBLE], ['[1.0]', 1])).toBe(true);
    expect(call('JSON_ARRAY_CONTAINS', [T.STRING, T.STRING], ['not json', 'x'])).toBe(false);
  });
  it('ENCODE follows Java charsets and hex prefixes', () => {
    const s3 = [T.STRING, T.STRING, T.STRING];
    expect(call('ENCODE', s3, ["X'4578616d706C6521'", 'hex', 'utf8'])).toBe('Example!');
    expect(call('ENCODE', s3, ['Ελλάδα', 'ascii', 'hex'])).toBe('3f3f3f3f3f3f');
    expect(() => call('ENCODE', s3, ['578616d706C6521', 'hex', 'utf8'])).toThrow();
  });
  it('GEO_DISTANCE accepts INT and BIGINT coordinates but not STRING', () => {
    expect(call('GEO_DISTANCE', [T.DOUBLE, T.DOUBLE, T.INTEGER, T.BIGINT], [37.4439, -122.1663, 51, 0])).toBeCloseTo(8682.459061368269, 9);
    expect(getScalarFunction('GEO_DISTANCE')!.resolve([T.DOUBLE, T.DOUBLE, T.STRING, T.INTEGER])).toMatch(/does not accept parameters/);
  });
  it('GREATEST is ambiguous for INT with BIGINT, as in ksqlDB', () => {
    expect(getScalarFunction('GREATEST')!.resolve([T.INTEGER, T.BIGINT])).toMatch(/ambiguous method parameters \(INTEGER, BIGINT\)/);
    expect(getScalarFunction('GREATEST')!.resolve([T.INTEGER, T.DOUBLE])).toMatchObject({ returnType: T.DOUBLE });
  });
  it('REGEXP_SPLIT_TO_ARRAY never outputs captured groups', () => {
    expect(call('REGEXP_SPLIT_TO_ARRAY', [T.STRING, T.STRING], ['aabcda', '(ab|cd)'])).toEqual(['a', '', 'a']);
  });
  it('LOG with a base of 0 or 1 is NaN', () => {
    expect(call('LOG', [T.INTEGER, T.INTEGER], [1, 13])).toBeNaN();
    expect(call('LOG', [T.INTEGER, T.INTEGER], [15, 0])).toBe(-Infinity);
  });
});

describe('table and aggregate functions', () => {
  it('CUBE_EXPLODE counts up from all null and skips repeats for null elements', () => {
    const cube = getTableFunction('CUBE_EXPLODE')!.resolve([T.array(T.INTEGER)]);
    if (typeof cube === 'string') throw new Error(cube);
    expect(cube.explode([1, 2])).toEqual([
      [null, null],
      [null, 2],
      [1, null],
      [1, 2],
    ]);
    expect(cube.explode([1, null])).toEqual([
      [null, null],
      [1, null],
    ]);
  });
  it('ATTR is the single value, null once values differ, and undoes', () => {
    const attr = getAggregateFunction('ATTR')!.resolve([T.STRING], [undefined], {});
    if (typeof attr === 'string') throw new Error(attr);
    let acc = attr.add(attr.init(), ['a']);
    expect(attr.result(acc)).toBe('a');
    acc = attr.add(acc, ['b']);
    expect(attr.result(acc)).toBeNull();
    expect(attr.result(attr.undo!(acc, ['b']))).toBe('a');
  });
  it('COLLECT_SET keeps at most ksql.functions.collect_set.limit values', () => {
    const set = getAggregateFunction('COLLECT_SET')!.resolve([T.INTEGER], [undefined], { 'ksql.functions.collect_set.limit': '1' });
    if (typeof set === 'string') throw new Error(set);
    expect(set.result(set.add(set.add(set.init(), [0]), [100]))).toEqual([0]);
    expect(set.undo).toBeUndefined();
  });
});

describe('user list coercion', () => {
  const pos = { line: 1, column: 1 };
  const lit = (type: SqlType, value: unknown): Expr => ({ kind: 'lit', type, value, pos });
  const col = (name: string): Expr => ({ kind: 'col', name, pos });
  const types: Record<string, SqlType> = { I: T.INTEGER, B: T.BOOLEAN, A: T.array(T.BIGINT) };
  const typeOf = (e: Expr): SqlType => (e.kind === 'col' ? types[e.name]! : e.kind === 'lit' ? e.type : T.array(T.STRING));

  it('widens INT to BIGINT for a string literal beyond INT', () => {
    const r = coerceUserList([col('I'), lit(T.INTEGER, 1), lit(T.STRING, '2147483648')], typeOf, exprToString);
    expect(r.commonType).toEqual(T.BIGINT);
    expect(r.exprs[0]).toMatchObject({ kind: 'cast', type: T.BIGINT });
    expect(r.exprs[2]).toMatchObject({ kind: 'lit', value: 2147483648 });
  });
  it('reads boolean prefixes and rejects other text', () => {
    expect(coerceUserList([col('B'), lit(T.STRING, 'tr')], typeOf, exprToString).exprs[1]).toMatchObject({ value: true });
    expect(() => coerceUserList([col('B'), lit(T.STRING, 'maybe')], typeOf, exprToString)).toThrow('invalid input syntax for type BOOLEAN: "maybe".');
  });
  it('names the operator that does not exist for a mismatched constructor', () => {
    const arr: Expr = { kind: 'array', items: [col('B')], pos };
    expect(() => coerceUserList([col('A'), arr], typeOf, exprToString)).toThrow(/operator does not exist: ARRAY<BIGINT> = ARRAY<STRING> \(ARRAY\[B\]\)/);
  });
});

describe('lexer', () => {
  it('reads a digit-led name as an identifier, and numbers as numbers', () => {
    expect(tokenize('1R 12 1E5 1.5').map((t) => [t.kind, t.text])).toEqual([
      ['ident', '1R'],
      ['int', '12'],
      ['decimal', '1E5'],
      ['decimal', '1.5'],
      ['eof', '<EOF>'],
    ]);
  });
});

describe('QTT skip classification', () => {
  it('names test-only functions outside string literals', () => {
    expect(testOnlyFunctionIn("SELECT test_udf(a, 'x') FROM s")).toBe('TEST_UDF');
    expect(testOnlyFunctionIn("SELECT 'var_arg(' FROM s")).toBeUndefined();
  });
  it('skips schema-registry formats but runs unknown ones', () => {
    expect(unsupportedFeature(["CREATE STREAM s (a INT) WITH (kafka_topic='t', value_format='AVRO');"], { name: 'x', statements: [] })).toBe('format AVRO');
    expect(unsupportedFeature(["CREATE STREAM s (a INT) WITH (kafka_topic='t', value_format='FOO');"], { name: 'x', statements: [] })).toBeUndefined();
  });
});
