// Step 7 (analyzer/sink.ts) and the whole analysis (analyzer/analyzer.ts): the SinkNode on top of the
// plan, with the result type, schema and window the engine creates the sink from.
import { describe, expect, it } from 'vitest';
import { analyzeQuery } from '../../embedded/ksqldb/analyzer/analyzer.ts';
import { planNodes } from '../../embedded/ksqldb/plan/logical.ts';
import { catalog, parseQuery, show } from './plan-support.ts';

describe('plan step: sink', () => {
  const engine = catalog();
  const analyze = (sql: string, sinkName = 'OUT') => analyzeQuery(parseQuery(engine, sql), engine.metastore, { persistent: true, sinkName });

  it('a stream from a stream: Sink -> Project -> Filter -> Source', () => {
    const aq = analyze('CREATE STREAM OUT AS SELECT ID, A FROM S WHERE B > 1;');
    expect(planNodes(aq.plan).map((n) => n.kind)).toEqual(['sink', 'project', 'filter', 'source']);
    expect(aq.plan).toMatchObject({ kind: 'sink', name: 'OUT', resultType: 'STREAM', window: undefined });
    expect(show(aq.plan.schema)).toBe('ID INTEGER KEY, A STRING');
    expect(aq.schema).toBe(aq.plan.schema);
    expect(aq.inheritedKeyFormat).toBe('JSON');
  });

  it('a windowed aggregation is a windowed table', () => {
    const aq = analyze('CREATE TABLE OUT AS SELECT A, COUNT(*) AS N FROM S WINDOW SESSION (10 SECONDS) GROUP BY A;');
    expect(planNodes(aq.plan).map((n) => n.kind)).toEqual(['sink', 'project', 'aggregate', 'source']);
    expect(aq.plan).toMatchObject({ resultType: 'TABLE', window: { type: 'SESSION', size: undefined } });
  });

  it('a projection of a windowed table keeps its window; PARTITION BY NULL drops the key format', () => {
    expect(analyze('CREATE TABLE OUT AS SELECT A, CNT * 2 AS C2 FROM W;').plan.window).toEqual({ type: 'TUMBLING', size: 60_000 });
    const keyless = analyze('CREATE STREAM OUT AS SELECT A, B FROM S PARTITION BY NULL;');
    expect(keyless.partitionedByNull).toBe(true);
    expect(keyless.inheritedKeyFormat).toBe('NONE');
    expect(show(keyless.plan.schema)).toBe('A STRING, B INTEGER');
  });

  it('a transient query has an unnamed sink', () => {
    const aq = analyzeQuery(parseQuery(engine, 'SELECT * FROM T EMIT CHANGES;'), engine.metastore, { persistent: false });
    expect(aq.plan.name).toBeUndefined();
    expect(aq.plan.resultType).toBe('TABLE');
  });
});
