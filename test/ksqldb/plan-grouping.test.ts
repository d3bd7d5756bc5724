// Step 6 (analyzer/grouping.ts, windows.ts): GROUP BY becomes an AggregateNode with its aggregate
// calls and window, EMIT FINAL a SuppressNode, HAVING a FilterNode, then the ProjectNode.
import { describe, expect, it } from 'vitest';
import { isAggregation, planGrouping } from '../../embedded/ksqldb/analyzer/grouping.ts';
import { checkGroupingClauses, planWindow } from '../../embedded/ksqldb/analyzer/windows.ts';
import type { AggregateNode, FilterNode, SuppressNode } from '../../embedded/ksqldb/plan/logical.ts';
import { catalog, parseQuery, show, stepsFor } from './plan-support.ts';

const group = (engine: ReturnType<typeof catalog>, sql: string) => {
  const s = stepsFor(engine, sql);
  return { ...s, out: planGrouping(s.ctx, s.joins, s.filtered, s.select, s.norm) };
};

describe('plan step: grouping', () => {
  const engine = catalog();

  it('tells aggregations from projections', () => {
    expect(isAggregation(stepsFor(engine, 'SELECT A, COUNT(*) FROM S GROUP BY A EMIT CHANGES;').ctx)).toBe(true);
    expect(isAggregation(stepsFor(engine, 'SELECT ID, A FROM S EMIT CHANGES;').ctx)).toBe(false);
  });

  it('an AggregateNode over the filtered rows: grouping key, one aggregate per distinct call', () => {
    const { out, filtered } = group(engine, 'CREATE TABLE OUT AS SELECT A, COUNT(*) AS N, SUM(B) AS S, COUNT(*) * 2 AS N2 FROM S WHERE B > 0 GROUP BY A;');
    const agg = out.node.source as AggregateNode;
    expect(agg.kind).toBe('aggregate');
    expect(agg.source).toBe(filtered);
    expect(agg.spec.aggs.map((a) => a.text)).toEqual(['COUNT(*)', 'SUM(B)']);
    expect(agg.spec.groupBy.map((g) => g.eval({ A: 'g' }))).toEqual(['g']);
    expect(agg.spec.window).toBeUndefined();
    expect(agg.spec.tableInput).toBe(false);
    expect(show(agg.schema)).toBe('A STRING KEY, KSQL_INTERNAL_COL_0 STRING, KSQL_AGG_VARIABLE_0 BIGINT, KSQL_AGG_VARIABLE_1 INTEGER');
    expect(show(out.node.schema)).toBe('A STRING KEY, N BIGINT, S INTEGER, N2 BIGINT');
    expect(out.values.find((v) => v.name === 'N2')!.expr.eval({ '#A0': 3 })).toBe(6);
    expect(out.resultType).toBe('TABLE');
  });

  it('a window, EMIT FINAL and HAVING: Aggregate -> Suppress -> Filter -> Project', () => {
    const { out } = group(
      engine,
      'CREATE TABLE OUT AS SELECT A, COUNT(*) AS N FROM S WINDOW HOPPING (SIZE 1 MINUTE, ADVANCE BY 10 SECONDS) GROUP BY A HAVING COUNT(*) > 2 EMIT FINAL;',
    );
    const having = out.node.source as FilterNode;
    expect(having.kind).toBe('filter');
    expect(having.onTable).toBe(true);
    expect(having.predicate.eval({ '#A0': 3 })).toBe(true);
    const suppress = having.source as SuppressNode;
    expect(suppress.kind).toBe('suppress');
    const agg = suppress.source;
    expect(agg.spec.window).toEqual({ type: 'HOPPING', size: 60_000, advance: 10_000, grace: 0, retention: undefined });
    expect(out.window).toEqual({ type: 'HOPPING', size: 60_000 });
  });

  it('rejects what ksqlDB rejects', () => {
    expect(() => group(engine, 'CREATE TABLE OUT AS SELECT A, B, COUNT(*) AS N FROM S GROUP BY A;')).toThrow(
      'Non-aggregate SELECT expression(s) not part of GROUP BY: B',
    );
    expect(() => group(engine, 'CREATE TABLE OUT AS SELECT A, COUNT(*) AS N FROM S GROUP BY A, COUNT(*);')).toThrow(
      'GROUP BY does not support aggregate functions',
    );
    expect(() => group(engine, 'CREATE TABLE OUT AS SELECT COUNT(*) AS N FROM S GROUP BY A;')).toThrow(
      'must include the grouping expression A in its projection',
    );
    expect(() => group(engine, 'CREATE TABLE OUT AS SELECT A, EXPLODE(XS) AS X, COUNT(*) AS N FROM S GROUP BY A;')).toThrow(
      'Table functions cannot be used with aggregations.',
    );
  });
});

describe('plan step: windows', () => {
  const engine = catalog();
  const window = (clause: string, emit = 'CHANGES') => planWindow(parseQuery(engine, `SELECT A, COUNT(*) FROM S WINDOW ${clause} GROUP BY A EMIT ${emit};`));

  it('TUMBLING, HOPPING and SESSION with ksqlDB’s default grace (24 h minus the size; none under EMIT FINAL)', () => {
    expect(window('TUMBLING (SIZE 1 HOUR)')).toEqual({
      type: 'TUMBLING',
      size: 3_600_000,
      advance: 3_600_000,
      grace: 86_400_000 - 3_600_000,
      retention: undefined,
    });
    expect(window('TUMBLING (SIZE 1 HOUR)', 'FINAL')!.grace).toBe(0);
    expect(window('HOPPING (SIZE 1 MINUTE, ADVANCE BY 20 SECONDS, RETENTION 2 DAYS, GRACE PERIOD 1 MINUTE)')).toEqual({
      type: 'HOPPING',
      size: 60_000,
      advance: 20_000,
      grace: 60_000,
      retention: 172_800_000,
    });
    expect(window('SESSION (30 SECONDS)')).toMatchObject({ type: 'SESSION', size: 30_000 });
    expect(planWindow(parseQuery(engine, 'SELECT A, COUNT(*) FROM S GROUP BY A EMIT CHANGES;'))).toBeUndefined();
  });

  it('rejects an advance larger than the size and a retention shorter than size plus grace', () => {
    expect(() => window('HOPPING (SIZE 10 SECONDS, ADVANCE BY 20 SECONDS)')).toThrow('Window advance must be positive and not larger than the window size');
    expect(() => window('TUMBLING (SIZE 1 MINUTE, RETENTION 30 SECONDS)')).toThrow(
      'The retention period of the window must be greater than or equal to the window size plus the grace period.',
    );
  });

  it('WINDOW, EMIT FINAL and HAVING need a GROUP BY', () => {
    expect(() => checkGroupingClauses(parseQuery(engine, 'SELECT A FROM S WINDOW TUMBLING (SIZE 1 MINUTE) EMIT CHANGES;'))).toThrow(
      'WINDOW clause requires a GROUP BY clause.',
    );
    expect(() => checkGroupingClauses(parseQuery(engine, 'SELECT A FROM S EMIT FINAL;'))).toThrow('EMIT FINAL is only supported for windowed aggregations.');
  });
});
