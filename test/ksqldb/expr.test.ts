import { describe, expect, it } from 'vitest';
import { compileExpr, type Scope } from '../../embedded/ksqldb/expr/compile.ts';
import { javaDouble } from '../../embedded/ksqldb/expr/javaText.ts';
import { parseExpression } from '../../embedded/ksqldb/parser/parser.ts';
import { T, type SqlType } from '../../embedded/ksqldb/types.ts';

const types: Record<string, SqlType> = { I: T.INTEGER, B: T.BIGINT, D: T.DOUBLE, S: T.STRING, N: T.INTEGER };
const scope: Scope = {
  resolve: (r) => {
    const t = types[r.name];
    if (!t) throw new Error(`unknown ${r.name}`);
    return { field: r.name, type: t };
  },
};
const row = { I: 7, B: 10, D: 2.5, S: 'abc', N: null };
const run = (src: string) => {
  const c = compileExpr(parseExpression(src), scope);
  return { type: c.type.base, value: c.eval(row) };
};

describe('expressions', () => {
  it('widens numeric types and keeps integer division', () => {
    expect(run('I / 2')).toEqual({ type: 'INTEGER', value: 3 });
    expect(run('I + B')).toEqual({ type: 'BIGINT', value: 17 });
    expect(run('I * D')).toEqual({ type: 'DOUBLE', value: 17.5 });
    expect(run('2147483647 + 1').value).toBe(-2147483648);
  });
  it('null handling: arithmetic null, comparison false', () => {
    expect(run('N + 1').value).toBeNull();
    expect(run('N = 1').value).toBe(false);
    expect(run('N IS NULL').value).toBe(true);
  });
  it('string functions, CASE, LIKE, IN, BETWEEN, CAST', () => {
    expect(run("CONCAT(S, '-', UCASE(S))").value).toBe('abc-ABC');
    expect(run('LEN(S)')).toEqual({ type: 'INTEGER', value: 3 });
    expect(run("CASE WHEN I > 5 THEN 'big' ELSE 'small' END").value).toBe('big');
    expect(run("S LIKE 'a%'").value).toBe(true);
    expect(run('I IN (1, 7)').value).toBe(true);
    expect(run('I BETWEEN 1 AND 5').value).toBe(false);
    expect(run('CAST(D AS STRING)').value).toBe('2.5');
    expect(run("CAST('12' AS BIGINT)")).toEqual({ type: 'BIGINT', value: 12 });
    expect(run('IFNULL(N, 5)').value).toBe(5);
  });
  it('type errors are rejected', () => {
    expect(() => run("I >= 'x'")).toThrow(/Cannot compare/);
    expect(() => run('TRUE + 1.5')).toThrow(/arithmetic/);
  });
  it('formats doubles like Java', () => {
    expect(javaDouble(1)).toBe('1.0');
    expect(javaDouble(1e7)).toBe('1.0E7');
    expect(javaDouble(1.7976931348623157e308)).toBe('1.7976931348623157E308');
    expect(javaDouble(0.0001)).toBe('1.0E-4');
  });
});

describe('BIGINT precision and formats', () => {
  it('keeps 64-bit literals exact and wraps on overflow', async () => {
    const { longOp, stringifyJson } = await import('../../embedded/ksqldb/expr/long.ts');
    expect(String(parseExpression('9223372036854775807').kind === 'lit' && (parseExpression('9223372036854775807') as { value: unknown }).value)).toBe(
      '9223372036854775807',
    );
    expect(longOp('+', 9223372036854775807n, 1)).toBe(-9223372036854775808n);
    expect(stringifyJson({ v: 998877665544332211n })).toBe('{"v":998877665544332211}');
  });
  it('DELIMITED quotes like Commons CSV', async () => {
    const { DelimitedFormat } = await import('../../embedded/ksqldb/formats/delimited.ts');
    const cols = [
      { name: 'A', type: T.INTEGER, namespace: 'VALUE' as const },
      { name: 'B', type: T.STRING, namespace: 'VALUE' as const },
      { name: 'C', type: T.DOUBLE, namespace: 'VALUE' as const },
    ];
    expect(DelimitedFormat.serialize([-1, 'a,b', 1], cols, false).toString()).toBe('"-1","a,b",1.0');
    expect(DelimitedFormat.deserialize(Buffer.from('1,"x ""y""",'), cols, false)).toEqual([1, 'x "y"', null]);
  });
});
