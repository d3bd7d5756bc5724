// Step 2 (analyzer/joins.ts): each JOIN becomes a JoinNode over the previous one, with its kind, the
// key the result is keyed by, and a synthetic ROWKEY when no source column holds that key.
import { describe, expect, it } from 'vitest';
import type { JoinNode } from '../../embedded/ksqldb/plan/logical.ts';
import { catalog, show, stepsFor } from './plan-support.ts';

describe('plan step: joins', () => {
  const engine = catalog();

  it('no JOIN: the FROM source is the input', () => {
    const { joins, nodes } = stepsFor(engine, 'SELECT * FROM S EMIT CHANGES;');
    expect(joins.node).toBe(nodes[0]);
    expect(joins.joins).toEqual([]);
    expect(joins.resultType).toBe('STREAM');
  });

  it('a stream-table join on the keys: a JoinNode keyed by the left key, no repartition', () => {
    const { joins, nodes } = stepsFor(engine, 'CREATE STREAM OUT AS SELECT S.ID, A, NAME FROM S JOIN T ON S.ID = T.ID;');
    const node = joins.node as JoinNode;
    expect(node.kind).toBe('join');
    expect(node.left).toBe(nodes[0]);
    expect(node.right).toBe(nodes[1]);
    expect(node.spec).toMatchObject({ kind: 'stream-table', type: 'INNER', leftIsKey: true });
    expect(node.syntheticKey).toBeUndefined();
    expect(joins.resultType).toBe('STREAM');
    expect(show(node.schema)).toBe(
      'S_ID INTEGER KEY, S_ID INTEGER, S_A STRING, S_B INTEGER, S_XS ARRAY<INTEGER>, S_ROWTIME BIGINT, S_ROWPARTITION INTEGER, S_ROWOFFSET BIGINT, T_ID INTEGER, T_NAME STRING, T_N INTEGER, T_ROWTIME BIGINT, T_ROWPARTITION INTEGER, T_ROWOFFSET BIGINT',
    );
    // the left key's value over a joined row
    expect(node.spec.leftKey.eval({ S_ID: 7 })).toBe(7);
  });

  it('a stream-stream join keeps its WITHIN window', () => {
    const { joins } = stepsFor(
      engine,
      'CREATE STREAM OUT AS SELECT S.ID, A, C FROM S LEFT JOIN S2 WITHIN (1 SECOND, 2 SECONDS) GRACE PERIOD 3 SECONDS ON S.ID = S2.ID;',
    );
    expect((joins.node as JoinNode).spec).toMatchObject({ kind: 'stream-stream', type: 'LEFT', within: { before: 1000, after: 2000, grace: 3000 } });
  });

  it('n-way: each join reads the previous one; a FULL OUTER join gets a ROWKEY key column', () => {
    const { joins } = stepsFor(engine, 'CREATE TABLE OUT AS SELECT * FROM T FULL OUTER JOIN T2 ON T.ID = T2.K;');
    const node = joins.node as JoinNode;
    expect(node.spec.kind).toBe('table-table');
    expect(node.syntheticKey).toBe('ROWKEY');
    expect(node.schema.key.map((c) => c.name)).toEqual(['ROWKEY']);
    const nway = stepsFor(engine, 'CREATE STREAM OUT AS SELECT S.ID, NAME, V FROM S JOIN T ON S.ID = T.ID JOIN T2 ON S.ID = T2.K;').joins.node as JoinNode;
    expect(nway.index).toBe(1);
    expect(nway.left.kind).toBe('join');
    expect((nway.left as JoinNode).index).toBe(0);
    expect(nway.right.side.source.name).toBe('T2');
  });

  it('a table-table join on a non-key column of the left is a foreign-key join, keyed by the left table', () => {
    const { joins } = stepsFor(engine, 'CREATE TABLE OUT AS SELECT T.ID, NAME, V FROM T JOIN T2 ON T.N = T2.K;');
    expect((joins.node as JoinNode).spec.kind).toBe('table-table-fk');
    expect(joins.fkKey?.norms).toEqual([['#T_ID']]);
    expect(joins.resultType).toBe('TABLE');
  });

  it('rejects what ksqlDB rejects', () => {
    expect(() => stepsFor(engine, 'CREATE TABLE OUT AS SELECT * FROM T JOIN S ON T.ID = S.ID;')).toThrow(
      'Invalid join order: table-stream joins are not supported',
    );
    expect(() => stepsFor(engine, 'CREATE STREAM OUT AS SELECT * FROM S JOIN S2 ON S.ID = S2.ID;')).toThrow('Stream-Stream joins must have a WITHIN clause');
    expect(() => stepsFor(engine, 'CREATE STREAM OUT AS SELECT * FROM S JOIN T ON S.A = T.NAME;')).toThrow('Cannot repartition a TABLE source');
    expect(() => stepsFor(engine, 'CREATE STREAM OUT AS SELECT * FROM S JOIN T ON S.A = T.ID;')).toThrow("Invalid join condition: types don't match");
  });
});
