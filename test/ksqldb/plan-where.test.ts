// Step 3 (analyzer/where.ts): WHERE becomes a FilterNode over the source or joined rows.
import { describe, expect, it } from 'vitest';
import type { FilterNode } from '../../embedded/ksqldb/plan/logical.ts';
import { catalog, stepsFor } from './plan-support.ts';

describe('plan step: WHERE', () => {
  const engine = catalog();

  it('no WHERE: no filter', () => {
    const { filtered, nodes } = stepsFor(engine, 'SELECT * FROM S EMIT CHANGES;');
    expect(filtered).toBe(nodes[0]);
  });

  it('a FilterNode with the compiled predicate, over a stream', () => {
    const { filtered, nodes } = stepsFor(engine, "SELECT * FROM S WHERE B > 3 AND A <> 'x' EMIT CHANGES;");
    const f = filtered as FilterNode;
    expect(f.kind).toBe('filter');
    expect(f.source).toBe(nodes[0]);
    expect(f.onTable).toBe(false);
    expect(f.schema).toBe(nodes[0]!.schema);
    expect(f.text).toBe("((B > 3) AND (A <> 'x'))");
    expect(f.predicate.eval({ B: 4, A: 'y' })).toBe(true);
    expect(f.predicate.eval({ B: 4, A: 'x' })).toBe(false);
    expect(f.predicate.eval({ B: 2, A: 'y' })).toBe(false);
  });

  it('over a table or a table-table join, the filter works on changes', () => {
    expect((stepsFor(engine, 'SELECT * FROM T WHERE N = 1 EMIT CHANGES;').filtered as FilterNode).onTable).toBe(true);
    expect((stepsFor(engine, 'SELECT * FROM T JOIN T2 ON T.ID = T2.K WHERE N = 1 EMIT CHANGES;').filtered as FilterNode).onTable).toBe(true);
    expect((stepsFor(engine, 'SELECT * FROM S JOIN T ON S.ID = T.ID WHERE N = 1 EMIT CHANGES;').filtered as FilterNode).onTable).toBe(false);
  });

  it('rejects a non-boolean predicate, aggregates and window bounds of an unwindowed source', () => {
    expect(() => stepsFor(engine, 'SELECT * FROM S WHERE B EMIT CHANGES;')).toThrow(
      'Type error in WHERE expression: Should evaluate to boolean but is B (INTEGER) instead.',
    );
    expect(() => stepsFor(engine, 'SELECT * FROM S WHERE COUNT(*) > 1 EMIT CHANGES;')).toThrow('Aggregate functions are not allowed in WHERE clause.');
    expect(() => stepsFor(engine, 'SELECT * FROM S WHERE WINDOWSTART > 1 EMIT CHANGES;')).toThrow("Column 'WINDOWSTART' cannot be resolved.");
  });
});
