import { describe, expect, it } from 'vitest';
import { KsqlError } from '../../embedded/ksqldb/errors.ts';
import { parseExpression, parseStatements } from '../../embedded/ksqldb/parser/parser.ts';

describe('parser', () => {
  it('parses CREATE STREAM with columns and properties', () => {
    const [st] = parseStatements("CREATE STREAM pv (user_id INT KEY, `Src` VARCHAR) WITH (kafka_topic='t1', value_format='JSON', partitions=5);");
    expect(st!.kind).toBe('createSource');
    if (st!.kind !== 'createSource') return;
    expect(st.name).toBe('PV');
    expect(st.columns.map((c) => [c.name, c.type.base, c.key])).toEqual([
      ['USER_ID', 'INTEGER', true],
      ['Src', 'STRING', false],
    ]);
    expect(st.props['PARTITIONS']!.value).toBe(5);
    expect(st.text).toContain('CREATE STREAM pv');
  });

  it('parses a windowed aggregate with HAVING and EMIT FINAL', () => {
    const [st] = parseStatements(
      'CREATE TABLE t AS SELECT id, COUNT(*) AS c FROM s WINDOW HOPPING (SIZE 2 MINUTES, ADVANCE BY 30 SECONDS, GRACE PERIOD 1 SECOND) GROUP BY id HAVING COUNT(*) > 1 EMIT FINAL;',
    );
    if (st!.kind !== 'createAs') throw new Error('kind');
    expect(st.query.window).toMatchObject({ type: 'HOPPING', size: { ms: 120000 }, advance: { ms: 30000 }, grace: { ms: 1000 } });
    expect(st.query.emit).toBe('FINAL');
    expect(st.query.groupBy).toHaveLength(1);
  });

  it('parses joins, PARTITION BY and several statements', () => {
    const sts = parseStatements(
      "CREATE STREAM o AS SELECT s.id, t.name FROM s LEFT JOIN t ON s.id = t.id;\nCREATE STREAM p AS SELECT * FROM s PARTITION BY name;\nSET 'auto.offset.reset'='earliest';",
    );
    expect(sts.map((s) => s.kind)).toEqual(['createAs', 'createAs', 'set']);
  });

  it('honours operator precedence', () => {
    const e = parseExpression('1 + 2 * 3 = 7 AND NOT x IS NULL OR y BETWEEN 1 AND 2');
    expect(e.kind).toBe('logic');
    if (e.kind === 'logic') expect(e.op).toBe('OR');
  });

  it('reports syntax errors with line:column', () => {
    try {
      parseStatements('CREATE STREAM x AS\n  SELECT * FROM FROM;');
      expect.fail('should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(KsqlError);
      const k = e as KsqlError;
      expect(k.pos).toEqual({ line: 2, column: 17 });
      expect(k.message).toContain("mismatched input 'FROM'");
      expect(k.statementText).toContain('SELECT * FROM FROM');
    }
  });

  it('rejects out-of-range literals', () => {
    expect(() => parseExpression('9223372036854775808')).toThrow(/Invalid numeric literal/);
    expect(() => parseExpression('1.7976931348623159E308')).toThrow(/overflows DOUBLE/);
  });
});
