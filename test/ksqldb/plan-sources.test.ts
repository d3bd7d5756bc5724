// Step 1 (analyzer/sources.ts): the FROM and JOIN sources become DataSourceNodes with their aliases.
import { describe, expect, it } from 'vitest';
import { planSources } from '../../embedded/ksqldb/analyzer/sources.ts';
import { catalog, parseQuery, show } from './plan-support.ts';

describe('plan step: sources', () => {
  const engine = catalog();

  it('a single source keeps its column names; its rows add the pseudo columns', () => {
    const { sides, nodes } = planSources(parseQuery(engine, 'SELECT * FROM S EMIT CHANGES;'), engine.metastore);
    expect(sides.map((s) => [s.source.name, s.alias, s.prefix])).toEqual([['S', 'S', '']]);
    expect(nodes).toHaveLength(1);
    expect(nodes[0]!.kind).toBe('source');
    expect(show(nodes[0]!.schema)).toBe('ID INTEGER KEY, A STRING, B INTEGER, XS ARRAY<INTEGER>, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT');
  });

  it('a windowed source also outputs its window bounds', () => {
    const { nodes } = planSources(parseQuery(engine, 'SELECT * FROM W EMIT CHANGES;'), engine.metastore);
    expect(show(nodes[0]!.schema)).toBe(
      'A STRING KEY, CNT BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, WINDOWSTART BIGINT, WINDOWEND BIGINT',
    );
  });

  it('joined sources are prefixed by their alias, the FROM source first', () => {
    const { sides } = planSources(parseQuery(engine, 'SELECT * FROM S x JOIN T ON x.ID = T.ID JOIN T2 y ON x.B = y.K EMIT CHANGES;'), engine.metastore);
    expect(sides.map((s) => [s.source.name, s.alias, s.prefix])).toEqual([
      ['S', 'X', 'X_'],
      ['T', 'T', 'T_'],
      ['T2', 'Y', 'Y_'],
    ]);
  });

  it('rejects an unknown source, a self join and an alias used twice', () => {
    expect(() => planSources(parseQuery(engine, 'SELECT * FROM NOPE EMIT CHANGES;'), engine.metastore)).toThrow('NOPE does not exist.');
    expect(() => planSources(parseQuery(engine, 'SELECT * FROM S JOIN S x WITHIN 1 SECOND ON S.ID = x.ID EMIT CHANGES;'), engine.metastore)).toThrow(
      "Can not join 'S' to 'S': self joins are not yet supported.",
    );
    expect(() => planSources(parseQuery(engine, 'SELECT * FROM S x JOIN T x ON x.ID = x.ID EMIT CHANGES;'), engine.metastore)).toThrow(
      "the alias 'X' is used twice",
    );
  });
});
