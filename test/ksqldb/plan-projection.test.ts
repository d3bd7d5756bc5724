// Step 5 (analyzer/select-items.ts, table-functions.ts, keys.ts, projection.ts): the SELECT list of a
// query without GROUP BY, its key, PARTITION BY (RepartitionNode), table functions (FlatMapNode) and
// the ProjectNode's value columns.
import { describe, expect, it } from 'vitest';
import { planProjection } from '../../embedded/ksqldb/analyzer/projection.ts';
import type { FlatMapNode, RepartitionNode } from '../../embedded/ksqldb/plan/logical.ts';
import { catalog, show, stepsFor } from './plan-support.ts';

const project = (engine: ReturnType<typeof catalog>, sql: string, opts?: Parameters<typeof stepsFor>[2]) => {
  const s = stepsFor(engine, sql, opts);
  return { ...s, out: planProjection(s.ctx, s.joins, s.filtered, s.select, s.norm) };
};

describe('plan step: projection', () => {
  const engine = catalog();

  it('names items: aliases, column names, KSQL_COL_n; * expands to key and value columns', () => {
    expect(stepsFor(engine, 'SELECT ID, B + 1, A AS X, * FROM S EMIT CHANGES;').select.items.map((i) => i.name)).toEqual([
      'ID',
      'KSQL_COL_0',
      'X',
      'ID',
      'A',
      'B',
      'XS',
    ]);
    expect(stepsFor(engine, 'SELECT S.ID, T.ID FROM S JOIN T ON S.ID = T.ID EMIT CHANGES;').select.items.map((i) => i.name)).toEqual(['S_ID', 'T_ID']);
  });

  it('the source key found in the projection is the key; the rest are values', () => {
    const { out, filtered } = project(engine, 'CREATE STREAM OUT AS SELECT ID, UCASE(A) AS UA, B * 2 AS B2 FROM S;');
    expect(out.node.kind).toBe('project');
    expect(out.node.source).toBe(filtered);
    expect(show(out.node.schema)).toBe('ID INTEGER KEY, UA STRING, B2 INTEGER');
    expect(out.values.map((v) => [v.name, v.expr.eval({ ID: 1, A: 'ab', B: 4 })])).toEqual([
      ['UA', 'AB'],
      ['B2', 8],
    ]);
    expect(out.projection).toEqual([
      { name: 'ID', type: { base: 'INTEGER' }, keyIndex: 0 },
      { name: 'UA', type: { base: 'STRING' } },
      { name: 'B2', type: { base: 'INTEGER' } },
    ]);
    expect(out.resultType).toBe('STREAM');
  });

  it('PARTITION BY becomes a RepartitionNode with the new key; PARTITION BY NULL has no key', () => {
    const { out } = project(engine, 'CREATE STREAM OUT AS SELECT A, B FROM S PARTITION BY A;');
    const r = out.node.source as RepartitionNode;
    expect(r.kind).toBe('repartition');
    expect(r.keys!.map((k) => k.eval({ A: 'k' }))).toEqual(['k']);
    expect(show(out.node.schema)).toBe('A STRING KEY, B INTEGER');
    const none = project(engine, 'CREATE STREAM OUT AS SELECT A, B FROM S PARTITION BY NULL;').out;
    expect((none.node.source as RepartitionNode).keys).toEqual([]);
    expect(none.partitionedByNull).toBe(true);
    expect(none.keyless).toBe(true);
  });

  it('table functions become a FlatMapNode whose fields the items read', () => {
    const { out } = project(engine, 'CREATE STREAM OUT AS SELECT ID, EXPLODE(XS) AS X FROM S;');
    const f = out.node.source as FlatMapNode;
    expect(f.kind).toBe('flatMap');
    expect(f.functions.map((t) => [t.field, t.text, t.explode([1, 2])])).toEqual([['#T0', 'EXPLODE(XS)', [1, 2]]]);
    expect(out.values[0]!.expr.eval({ '#T0': 5 })).toBe(5);
  });

  it("a join of windowed streams may select a side's window bounds; an unwindowed source has none", () => {
    const windowed = catalog();
    windowed.execute(
      "CREATE STREAM LW (K STRING KEY, F0 INT) WITH (kafka_topic='lw', value_format='JSON', window_type='tumbling', window_size='1 second');" +
        "CREATE STREAM RW (K STRING KEY, F1 INT) WITH (kafka_topic='rw', value_format='JSON', window_type='tumbling', window_size='1 second');",
    );
    const { out } = project(
      windowed,
      'CREATE STREAM OUT AS SELECT l.K, l.WINDOWSTART AS WSTART, l.WINDOWEND AS WEND, F0, F1 FROM LW l JOIN RW r WITHIN 1 SECOND ON l.K = r.K;',
    );
    expect(show(out.node.schema)).toBe('L_K STRING KEY, WSTART BIGINT, WEND BIGINT, F0 INTEGER, F1 INTEGER');
    expect(out.values.slice(0, 2).map((v) => v.expr.eval({ L_WINDOWSTART: 0, L_WINDOWEND: 1000 }))).toEqual([0, 1000]);
    expect(out.window).toEqual({ type: 'TUMBLING', size: 1000 });
    expect(() => project(engine, 'CREATE STREAM OUT AS SELECT ID, WINDOWSTART AS WS FROM S;')).toThrow("Column 'WINDOWSTART' cannot be resolved.");
  });

  it('a persistent query must project its key once, and some value', () => {
    expect(() => project(engine, 'CREATE STREAM OUT AS SELECT A FROM S;')).toThrow(
      'Key missing from projection (ie, SELECT). The query used to build `OUT` must include the key column ID in its projection',
    );
    expect(() => project(engine, 'CREATE STREAM OUT AS SELECT ID FROM S;')).toThrow('The projection contains no value columns.');
    expect(() => project(engine, 'CREATE STREAM OUT AS SELECT ID, ID AS I2, A FROM S;')).toThrow('The projection contains a key column more than once');
    // a transient query need not
    expect(project(engine, 'SELECT A FROM S EMIT CHANGES;', { persistent: false }).out.values.map((v) => v.name)).toEqual(['A']);
  });
});
