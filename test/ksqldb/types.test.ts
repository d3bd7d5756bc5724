// ksqlDB's SQL types beyond the primitives: DECIMAL(p,s) arithmetic and typing, STRUCT and MAP,
// TIMESTAMP/DATE/TIME and BYTES, through the parser and the expression compiler, and their JSON form.
import { describe, expect, it } from 'vitest';
import { Bytes } from '../../embedded/ksqldb/expr/bytes.ts';
import { compileExpr, type Scope } from '../../embedded/ksqldb/expr/compile.ts';
import { Decimal } from '../../embedded/ksqldb/expr/decimal.ts';
import { stringifyJson } from '../../embedded/ksqldb/expr/long.ts';
import { javaHashMapOrder } from '../../embedded/ksqldb/formats/java-hash-map.ts';
import { JsonFormat } from '../../embedded/ksqldb/formats/json.ts';
import { parseExpression, parseStatements } from '../../embedded/ksqldb/parser/parser.ts';
import { T, typeToString, type Column, type SqlType } from '../../embedded/ksqldb/types.ts';

const dec = (text: string) => Decimal.parse(text);
const types: Record<string, SqlType> = {
  A: T.decimal(4, 2),
  B: T.decimal(5, 3),
  I: T.INTEGER,
  D: T.DOUBLE,
  S: T.struct([
    { name: 'F1', type: T.STRING },
    { name: 'INNER', type: T.struct([{ name: 'X', type: T.INTEGER }]) },
  ]),
  M: T.map(T.STRING, T.BIGINT),
  ARR: T.array(T.INTEGER),
  TS: T.TIMESTAMP,
  DT: T.DATE,
  TM: T.TIME,
  BT: T.BYTES,
};
const scope: Scope = {
  resolve: (r) => {
    const t = types[r.name];
    if (!t) throw new Error(`unknown ${r.name}`);
    return { field: r.name, type: t };
  },
};
const row = {
  A: dec('10.01'),
  B: dec('-2.500'),
  I: 3,
  D: 0.5,
  S: { F1: 'a', INNER: { X: 7 } },
  M: { k: 5 },
  ARR: [3, 6, null],
  TS: 1589234313000,
  DT: 18393,
  TM: 60220000,
  BT: new Bytes(Buffer.from('hi')),
};
const run = (src: string) => {
  const c = compileExpr(parseExpression(src), scope);
  const value = c.eval(row);
  return { type: typeToString(c.type), value: value instanceof Decimal ? value.toString() : value };
};

describe('DECIMAL', () => {
  it('keeps exact values and scales, rounding HALF_UP only when asked', () => {
    expect(dec('10.0000').toString()).toBe('10.0000');
    expect(dec('-.5').toString()).toBe('-0.5');
    expect(dec('1.5E+2').toString()).toBe('150');
    expect(dec('2.345').setScale(2).toString()).toBe('2.35');
    expect(dec('-2.345').setScale(2).toString()).toBe('-2.35');
    expect(() => dec('2.345').setScale(2, true)).toThrow();
    expect(dec('0.1').add(dec('0.2')).toString()).toBe('0.3');
  });
  it('types a literal with a point as DECIMAL, one with an exponent as DOUBLE', () => {
    expect(run('1.50').type).toBe('DECIMAL(3, 2)');
    expect(run('0.05').type).toBe('DECIMAL(3, 2)');
    expect(run('1.5E1').type).toBe('DOUBLE');
  });
  it("gives + - * / % ksqlDB's result types and exact values", () => {
    expect(run('A + B')).toEqual({ type: 'DECIMAL(6, 3)', value: '7.510' });
    expect(run('A - B')).toEqual({ type: 'DECIMAL(6, 3)', value: '12.510' });
    expect(run('A * B')).toEqual({ type: 'DECIMAL(10, 5)', value: '-25.02500' });
    expect(run('A / B')).toEqual({ type: 'DECIMAL(13, 8)', value: '-4.00400000' });
    expect(run('A % B')).toEqual({ type: 'DECIMAL(5, 3)', value: '0.010' });
    expect(run('A + I')).toEqual({ type: 'DECIMAL(13, 2)', value: '13.01' });
    expect(run('A + D')).toEqual({ type: 'DOUBLE', value: 10.51 });
    // a quotient that needs rounding is an error in ksqlDB (RoundingMode.UNNECESSARY): null
    expect(run('A / 3').value).toBeNull();
    expect(run('A / 0').value).toBeNull();
  });
  it('compares across scales and with integers, and casts', () => {
    expect(run('A > B').value).toBe(true);
    expect(run('A = 10.010').value).toBe(true);
    expect(run('A < 11').value).toBe(true);
    expect(run('CAST(A AS INTEGER)').value).toBe(10);
    expect(run('CAST(A AS STRING)').value).toBe('10.01');
    expect(run("CAST('1.005' AS DECIMAL(3, 2))").value).toBe('1.01');
    expect(run('CAST(123.4 AS DECIMAL(3, 1))').value).toBeNull();
  });
  it('writes JSON numbers with their scale', () => {
    expect(stringifyJson({ A: dec('10.0000'), L: [dec('-0.50')] })).toBe('{"A":10.0000,"L":[-0.50]}');
  });
});

describe('STRUCT and MAP', () => {
  it('dereferences fields, subscripts maps and builds both', () => {
    expect(run('S->INNER->X')).toEqual({ type: 'INTEGER', value: 7 });
    expect(run("M['k']")).toEqual({ type: 'BIGINT', value: 5 });
    expect(run("M['missing']").value).toBeNull();
    expect(run("STRUCT(N := I, T := 'x')")).toEqual({ type: 'STRUCT<`N` INTEGER, `T` STRING>', value: { N: 3, T: 'x' } });
    expect(run("MAP('a' := 1, 'b' := I)")).toEqual({ type: 'MAP<STRING, INTEGER>', value: { a: 1, b: 3 } });
    expect(() => run('S->NOPE')).toThrow(/Could not find field 'NOPE'/);
  });
  it('compares deeply and coerces IN lists field by field', () => {
    expect(run("S = STRUCT(F1 := 'a', INNER := STRUCT(X := 7))").value).toBe(true);
    expect(run("M IN (MAP('k' := 5))").value).toBe(true);
    expect(run("M IN (MAP('k' := 6))").value).toBe(false);
  });
  it('reads JSON structs case-insensitively by field and maps as they are', () => {
    const cols: Column[] = [
      { name: 'S', type: types.S!, namespace: 'VALUE' },
      { name: 'M', type: types.M!, namespace: 'VALUE' },
    ];
    const [s, m] = JsonFormat.deserialize(Buffer.from('{"s":{"f1":"x","inner":{"x":1}},"m":{"Key":2}}'), cols, false);
    expect(s).toEqual({ F1: 'x', INNER: { X: 1 } });
    expect(m).toEqual({ Key: 2 });
    expect(JsonFormat.validate([{ name: 'M', type: T.map(T.INTEGER, T.STRING), namespace: 'VALUE' }], false)).toMatch(/STRING keys/);
  });
  it('parses nested column types', () => {
    const [st] = parseStatements("CREATE STREAM X (K STRUCT<`a b` INT, C ARRAY<MAP<STRING, DECIMAL(5,2)>>>) WITH (kafka_topic='x', value_format='JSON');");
    expect(st!.kind === 'createSource' && typeToString(st.columns[0]!.type)).toBe('STRUCT<`a b` INTEGER, `C` ARRAY<MAP<STRING, DECIMAL(5, 2)>>>');
    expect(() => parseStatements("CREATE STREAM X (D DECIMAL(2,3)) WITH (kafka_topic='x', value_format='JSON');")).toThrow(/precision must be >= scale/);
  });
});

describe('TIMESTAMP, DATE, TIME and BYTES', () => {
  it('casts to and from text in ksqlDB forms', () => {
    expect(run('CAST(TS AS STRING)').value).toBe('2020-05-11T21:58:33.000');
    expect(run('CAST(DT AS STRING)').value).toBe('2020-05-11');
    expect(run('CAST(TM AS STRING)').value).toBe('16:43:40');
    expect(run("CAST('2020-05-11T21:58:33.000' AS TIMESTAMP)").value).toBe(1589234313000);
    expect(run('CAST(TS AS DATE)').value).toBe(18393);
    expect(run("CAST('01:00' AS TIME)").value).toBe(3_600_000);
  });
  it('compares with string literals and across DATE and TIMESTAMP', () => {
    expect(run("TS > '2020-05-11'").value).toBe(true);
    expect(run("DT = '2020-05-11'").value).toBe(true);
    expect(run('DT < TS').value).toBe(true);
    expect(() => run("TS > 'yesterday'")).toThrow(/Failed to parse timestamp/);
  });
  it('adds intervals with bare units and converts zones', () => {
    expect(run('DATEADD(DAYS, 2, DT)').value).toBe(18395);
    expect(run('TIMEADD(HOURS, 8, TM)').value).toBe(60220000 + 8 * 3_600_000 - 86_400_000);
    expect(run("CONVERT_TZ(TS, '+0200', '+0500')").value).toBe(1589234313000 + 3 * 3_600_000);
  });
  it('writes BYTES as base64 and reads it back', () => {
    expect(stringifyJson({ B: row.BT })).toBe('{"B":"aGk="}');
    expect(run("FROM_BYTES(BT, 'hex')").value).toBe('6869');
    expect(run('SUBSTRING(BT, 2)').value).toEqual(new Bytes(Buffer.from('i')));
    expect(() => Bytes.fromBase64('not base64!')).toThrow(/Base64/);
  });
});

describe('lambdas', () => {
  it('TRANSFORM, FILTER and REDUCE over arrays and maps, nested, with outer columns', () => {
    expect(run('TRANSFORM(ARR, x => x * I)')).toEqual({ type: 'ARRAY<INTEGER>', value: null }); // null * I: the call fails, as in ksqlDB
    expect(run('FILTER(ARR, x => x > 4)')).toEqual({ type: 'ARRAY<INTEGER>', value: [6] });
    expect(run('REDUCE(FILTER(ARR, x => x IS NOT NULL), 0, (s, x) => s + x)')).toEqual({ type: 'INTEGER', value: 9 });
    expect(run("TRANSFORM(M, (k, v) => CONCAT(k, '!'), (k, v) => v + 1)")).toEqual({ type: 'MAP<STRING, BIGINT>', value: { 'k!': 6 } });
    expect(run('REDUCE(M, I, (s, k, v) => s * v)').value).toBe(15);
    expect(run('TRANSFORM(FILTER(ARR, x => x IS NOT NULL), x => REDUCE(ARR, x, (s, y) => s))').value).toEqual([3, 6]);
    expect(() => run('TRANSFORM(ARR, (a, b) => a)')).toThrow(/must have 1 argument/);
  });
});

describe('MAP order', () => {
  it("iterates as Java's HashMap built by ksqlDB's JSON reader", () => {
    // String.hashCode buckets in a table of 4: 'yes, thanks' 0, 'sure, yeah' 0, 'nope' 1
    expect(javaHashMapOrder(['yes, thanks', 'nope', 'sure, yeah'])).toEqual(['yes, thanks', 'sure, yeah', 'nope']);
    // 4 keys grow the table to 8 buckets
    expect(javaHashMapOrder(['d', 'c', 'b', 'a'])).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('CREATE TYPE', () => {
  it('registers a named type that later statements (in the same text or not) use, and drops it', async () => {
    const { KsqlEngine } = await import('../../embedded/ksqldb/engine.ts');
    const engine = new KsqlEngine();
    engine.execute(
      "CREATE TYPE ADDRESS AS STRUCT<number INTEGER, street VARCHAR>; CREATE STREAM A (K STRING KEY, home ADDRESS) WITH (kafka_topic='a', value_format='JSON');",
    );
    engine.execute("CREATE STREAM B (K STRING KEY, homes ARRAY<ADDRESS>) WITH (kafka_topic='b', value_format='JSON');");
    expect(typeToString(engine.metastore.get('A')!.schema.value[0]!.type)).toBe('STRUCT<`NUMBER` INTEGER, `STREET` STRING>');
    expect(typeToString(engine.metastore.get('B')!.schema.value[0]!.type)).toBe('ARRAY<STRUCT<`NUMBER` INTEGER, `STREET` STRING>>');
    expect(() => engine.execute('CREATE TYPE ADDRESS AS INT;')).toThrow(/already registered/);
    engine.execute('DROP TYPE ADDRESS;');
    expect(() => engine.execute("CREATE STREAM C (home ADDRESS) WITH (kafka_topic='c', value_format='JSON');")).toThrow(/Unknown type: ADDRESS/);
  });
});
