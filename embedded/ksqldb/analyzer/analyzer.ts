// Analysis: resolves a SELECT against the metastore into its logical plan (plan/logical.ts) and the
// facts the engine needs about its output. The steps run in ksqlDB's order, each building its part
// of the plan: sources, joins, WHERE, the SELECT list, then either the projection (table functions,
// key, PARTITION BY) or the grouping (aggregates, window, HAVING), and the sink. Pure: no state, no I/O.
import type { Compiled } from '../expr/compile.ts';
import type { Metastore } from '../metastore.ts';
import type { Query } from '../parser/ast.ts';
import type { SinkNode } from '../plan/logical.ts';
import type { LogicalSchema, SqlType } from '../types.ts';
import { normalizer, type AnalyzeOptions, type QueryContext } from './context.ts';
import { checkGroupingClauses } from './windows.ts';
import { isAggregation, planGrouping } from './grouping.ts';
import { planJoins } from './joins.ts';
import { planProjection } from './projection.ts';
import { SourceScope, type FieldInfo, type Side } from './scope.ts';
import { planSelectItems } from './select-items.ts';
import { planSink } from './sink.ts';
import { planSources } from './sources.ts';
import { planWhere } from './where.ts';

export type { AnalyzeOptions, FieldInfo, Side };

export interface AnalyzedQuery {
  /** the logical plan, from its sink down */
  plan: SinkNode;
  resultType: 'STREAM' | 'TABLE';
  /** the FROM source, then each JOIN's right side */
  sides: Side[];
  where?: Compiled;
  /** value column expressions evaluated over the (joined / aggregated) row */
  values: { name: string; expr: Compiled }[];
  /** every SELECT item in order: a key column (keyIndex) or a value column (by name) — for transient queries */
  projection: { name: string; type: SqlType; keyIndex?: number }[];
  schema: LogicalSchema;
  /** output key window (from WINDOW clause or a windowed source) */
  window?: SinkNode['window'];
  /** the key format to default to when the statement gives none */
  inheritedKeyFormat: string;
  inheritedValueFormat: string;
  /** the output has no key columns */
  keyless: boolean;
  /** PARTITION BY NULL (or a new-planner projection without the key): no key, so no key format */
  partitionedByNull: boolean;
}

export function analyzeQuery(q: Query, meta: Metastore, opts: AnalyzeOptions): AnalyzedQuery {
  const { sides, nodes } = planSources(q, meta);
  const ctx: QueryContext = { q, opts, sides, scope: new SourceScope(sides), isJoin: q.joins.length > 0 };
  const joins = planJoins(ctx, nodes);
  const last = joins.joins[joins.joins.length - 1];
  const onTable = last ? last.kind === 'table-table' || last.kind === 'table-table-fk' : sides[0]!.source.type === 'TABLE';
  const filtered = planWhere(ctx, joins.node, onTable);
  const select = planSelectItems(ctx, joins.syntheticKey);
  const aggregates = isAggregation(ctx);
  checkGroupingClauses(q);
  const norm = normalizer(ctx);
  const out = aggregates ? planGrouping(ctx, joins, filtered, select, norm) : planProjection(ctx, joins, filtered, select, norm);
  const plan = planSink(ctx, out);
  const inheritedKeyFormat = sides[0]!.source.keyFormat;
  return {
    plan,
    resultType: out.resultType,
    sides,
    where: filtered.kind === 'filter' ? filtered.predicate : undefined,
    values: out.values,
    projection: out.projection,
    schema: plan.schema,
    window: plan.window,
    inheritedKeyFormat: out.keyless && out.partitionedByNull ? 'NONE' : inheritedKeyFormat,
    inheritedValueFormat: sides[0]!.source.valueFormat,
    keyless: out.keyless,
    partitionedByNull: out.partitionedByNull,
  };
}
