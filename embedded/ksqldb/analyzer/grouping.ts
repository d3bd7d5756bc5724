// Step 6, GROUP BY: the grouping expressions become the key (#G0 ...), each distinct aggregate call a
// field of the aggregated rows (#A0 ...); SELECT and HAVING are rewritten over those fields. Planned
// as an AggregateNode with its window, a SuppressNode for EMIT FINAL, a FilterNode for HAVING and
// the ProjectNode. Checks the rules ksqlDB applies to aggregations.
import { compileExpr, exprToString, type Compiled } from '../expr/compile.ts';
import { getAggregateFunction, isAggregateName } from '../functions/aggregate.ts';
import { isTableFunctionName } from '../functions/table.ts';
import type { Expr } from '../parser/ast.ts';
import type { AggregateNode, AggregateSpec, FilterNode, PlanNode, SuppressNode } from '../plan/logical.ts';
import { T, WINDOW_BOUNDS, type Column, type SqlType } from '../types.ts';
import { checkDuplicateNames, checkName, colRefs, err, hasAggregate, type QueryContext } from './context.ts';
import type { PlannedJoins } from './joins.ts';
import type { PlannedProjection } from './projection.ts';
import { mapExpr, walkExpr } from './rewrite.ts';
import { MapScope } from './scope.ts';
import type { SelectList } from './select-items.ts';
import { planWindow } from './windows.ts';

/** a query aggregates when it has GROUP BY or an aggregate call in SELECT or HAVING */
export function isAggregation(ctx: QueryContext): boolean {
  const { q } = ctx;
  return !!q.groupBy || q.select.some((s) => s.kind === 'expr' && hasAggregate(s.expr)) || (!!q.having && hasAggregate(q.having));
}

export function planGrouping(ctx: QueryContext, joins: PlannedJoins, filtered: PlanNode, select: SelectList, norm: (e: Expr) => string): PlannedProjection {
  const { q, opts, sides, scope, isJoin } = ctx;
  const { items, nextColName } = select;
  checkGroupingRules(ctx, items);
  const groupBy = q.groupBy!;
  const tableInput = isJoin ? joins.resultType === 'TABLE' : sides[0]!.source.type === 'TABLE';
  const groupCompiled = groupBy.map((g) => compileExpr(g, scope));
  const { rewrite, aggs, aggFields } = aggregatedRowRewriter(ctx, groupCompiled, groupBy.map(norm), tableInput, norm);

  const aggScope = new MapScope(aggFields);
  const rewritten = items.map((it) => rewrite(it.expr, 'SELECT'));
  let having: Compiled | undefined;
  if (q.having) {
    having = compileExpr(rewrite(q.having, 'HAVING'), aggScope);
    if (having.type.base !== 'BOOLEAN')
      err(`Type error in HAVING expression: Should evaluate to boolean but is ${exprToString(q.having)} (${having.type.base}) instead.`, q.having.pos);
  }
  const inheritedValueFormat = sides[0]!.source.valueFormat;
  if (aggs.some((a) => a.impl.structState) && ['DELIMITED', 'KAFKA'].includes(inheritedValueFormat)) {
    err(
      'One of the functions used in the statement has an intermediate type that the value format can not handle. Please remove the function or change the format.',
      q.pos,
    );
  }
  if (aggs.length === 0) err('GROUP BY requires aggregate functions in either the SELECT or HAVING clause.', q.pos);
  const compiled = rewritten.map((e) => compileExpr(e, aggScope));
  const keyItem = keyItemIndexes(ctx, items, rewritten);
  const keyCols: Column[] = groupBy.map((_, gi) => ({
    name: keyItem[gi]! >= 0 ? items[keyItem[gi]!]!.name : nextColName(),
    type: groupCompiled[gi]!.type,
    namespace: 'KEY',
  }));
  const values: { name: string; expr: Compiled }[] = [];
  const valueCols: Column[] = [];
  items.forEach((it, i) => {
    if (keyItem.includes(i)) return;
    values.push({ name: it.name, expr: compiled[i]! });
    valueCols.push({ name: it.name, type: compiled[i]!.type.base === 'NULL' ? T.STRING : compiled[i]!.type, namespace: 'VALUE' });
  });
  const all = [...keyCols, ...valueCols];
  for (const c of all) checkName(c.name, q.pos);
  checkDuplicateNames(all, q.pos);
  if (opts.persistent && valueCols.length === 0) err('The projection contains no value columns.', q.pos);

  const { node, window } = planAggregation(ctx, filtered, { groupBy: groupCompiled, aggs, tableInput }, keyCols, having);
  return {
    node: { kind: 'project', source: node, values, schema: { key: keyCols, value: valueCols } },
    resultType: 'TABLE',
    key: keyCols,
    value: valueCols,
    values,
    projection: items.map((it, i) => {
      const k = keyItem.indexOf(i);
      return k >= 0 ? { name: it.name, type: groupCompiled[k]!.type, keyIndex: k } : { name: it.name, type: compiled[i]!.type };
    }),
    keyless: false,
    partitionedByNull: false,
    window: window ? { type: window.type, size: window.type === 'SESSION' ? undefined : window.size } : undefined,
  };
}

const isWindowBound = (name: string) => name === 'WINDOWSTART' || name === 'WINDOWEND';

/** The rules ksqlDB checks of a GROUP BY before planning it. */
function checkGroupingRules(ctx: QueryContext, items: SelectList['items']): void {
  const { q, sides, scope } = ctx;
  if (!q.groupBy) err('Aggregate functions require a GROUP BY clause.', q.pos);
  if (q.partitionBy) err('PARTITION BY and GROUP BY in the same query is not supported.', q.pos);
  const groupBy = q.groupBy!;
  if (groupBy.length === 0) err('GROUP BY requires at least one expression', q.pos);
  for (const g of groupBy) {
    if (hasAggregate(g)) err(`GROUP BY does not support aggregate functions: ${exprToString(g)} is an aggregate function.`, g.pos);
    for (const c of colRefs(g)) {
      const f = scope.lookup(c);
      if (f.windowBound || isWindowBound(c.name)) err(`GROUP BY does not support the window bounds columns WINDOWSTART and WINDOWEND.`, c.pos);
    }
  }
  for (const it of items) {
    walkExpr(it.expr, (x) => {
      if (x.kind === 'call' && isTableFunctionName(x.name)) err('Table functions cannot be used with aggregations.', x.pos);
    });
  }
  const kafkaSources = sides.filter((s) => s.source.valueFormat === 'KAFKA').map((s) => s.source.name);
  if (kafkaSources.length) err(`Source(s) ${kafkaSources.join(', ')} are using the 'KAFKA' value format. This format does not yet support GROUP BY.`, q.pos);
}

type AggregateCall = Extract<Expr, { kind: 'call' }>;

/**
 * Rewrites SELECT and HAVING expressions over the aggregated rows: a grouping expression becomes its
 * key field (#G0 ...), each distinct aggregate call a field of its result (#A0 ...), registered in
 * `aggs` as it is met; any other column is an error.
 */
function aggregatedRowRewriter(ctx: QueryContext, groupCompiled: Compiled[], groupNorms: string[], tableInput: boolean, norm: (e: Expr) => string) {
  const { q, scope, isJoin } = ctx;
  const windowed = !!q.window;
  const aggMap = new Map<string, number>();
  const aggs: AggregateSpec['aggs'] = [];
  const aggFields = new Map<string, { field: string; type: SqlType }>();
  groupCompiled.forEach((g, i) => aggFields.set(`#G${i}`, { field: `#G${i}`, type: g.type }));
  if (windowed) for (const w of WINDOW_BOUNDS) aggFields.set(w, { field: w, type: T.BIGINT });

  const aggregateField = (x: AggregateCall): Expr => {
    checkAggregateArgs(ctx, x);
    const key = norm(x);
    let idx = aggMap.get(key);
    if (idx === undefined) {
      const agg = compileAggregateCall(ctx, x, tableInput);
      idx = aggs.length;
      aggs.push(agg);
      aggMap.set(key, idx);
      aggFields.set(`#A${idx}`, { field: `#A${idx}`, type: agg.impl.returnType });
    }
    return { kind: 'col', name: `#A${idx}`, pos: x.pos };
  };

  const rewrite = (e: Expr, where: 'SELECT' | 'HAVING'): Expr =>
    mapExpr(e, (x) => {
      if (x.kind === 'col' && isWindowBound(x.name) && windowed) {
        if (isJoin) err(`SELECT column '${x.name}' cannot be resolved.`, x.pos);
        if (where === 'HAVING') err(`Window bounds column ${x.name} can only be used in the SELECT clause of windowed aggregations.`, x.pos);
        return { kind: 'col', name: x.name, pos: x.pos };
      }
      const n = x.kind === 'lit' ? undefined : norm(x);
      const gi = n === undefined ? -1 : groupNorms.indexOf(n);
      if (gi >= 0) return { kind: 'col', name: `#G${gi}`, pos: x.pos };
      if (x.kind === 'lit' && x.value !== null) {
        const li = groupNorms.indexOf(exprToString(x));
        if (li >= 0 && where === 'SELECT') return { kind: 'col', name: `#G${li}`, pos: x.pos };
      }
      if (x.kind === 'call' && isAggregateName(x.name)) return aggregateField(x);
      if (x.kind === 'col') {
        if (isWindowBound(x.name) && windowed && !x.source) {
          if (where === 'HAVING') err(`Window bounds column ${x.name} can only be used in the SELECT clause of windowed aggregations.`, x.pos);
          return x;
        }
        scope.lookup(x); // unknown columns first
        err(
          where === 'SELECT'
            ? `Non-aggregate SELECT expression(s) not part of GROUP BY: ${exprToString(x)}`
            : `Non-aggregate HAVING expression not part of GROUP BY: ${exprToString(x)}`,
          x.pos,
        );
      }
      return undefined;
    });
  return { rewrite, aggs, aggFields };
}

/** An aggregate's arguments hold no aggregate and no window bound. */
function checkAggregateArgs(ctx: QueryContext, x: AggregateCall): void {
  for (const a of x.args) {
    if (hasAggregate(a)) err(`Aggregate functions can not be nested: ${exprToString(x)}`, x.pos);
    for (const c of colRefs(a)) {
      const f = ctx.scope.lookup(c);
      if (f.windowBound || isWindowBound(c.name))
        err(
          `Window bounds column ${c.name} can only be used in the SELECT clause of windowed aggregations and can not be passed to aggregate functions.`,
          c.pos,
        );
    }
  }
}

/** An aggregate call resolved to its implementation by its argument types, with its compiled arguments. */
function compileAggregateCall(ctx: QueryContext, x: AggregateCall, tableInput: boolean): AggregateSpec['aggs'][number] {
  const fn = getAggregateFunction(x.name)!;
  const countStar = x.name === 'COUNT' && (x.star || x.args.length === 0);
  const argExprs = countStar ? [] : x.args;
  argExprs.forEach((a, i) => {
    if (fn.literalsFrom && i >= fn.literalsFrom(argExprs.length) && a.kind !== 'lit')
      err(`Parameter ${i + 1} passed to function ${x.name} must be a literal constant, but was expression: '${exprToString(a)}'`, a.pos);
  });
  const args = argExprs.map((a) => compileExpr(a, ctx.scope));
  const lits = argExprs.map((a) => (a.kind === 'lit' ? a.value : undefined));
  // COUNT(<literal>) counts rows
  const impl = fn.resolve(
    x.name === 'COUNT' && argExprs.length === 1 && argExprs[0]!.kind === 'lit' && argExprs[0]!.value !== null ? [] : args.map((a) => a.type),
    lits,
    ctx.opts.config ?? {},
  );
  if (typeof impl === 'string') err(impl, x.pos);
  const im = impl as Exclude<typeof impl, string>;
  if (tableInput && !im.undo) err(`The aggregation function(s) (${x.name}) cannot be applied to a table source, only to a stream source.`, x.pos);
  return { impl: im, args: x.name === 'COUNT' && argExprs.length === 1 && argExprs[0]!.kind === 'lit' ? [] : args, text: exprToString(x) };
}

/**
 * For each grouping expression, the index of the SELECT item that is its key column (-1: none). A
 * persistent query must select each grouping expression exactly once.
 */
function keyItemIndexes(ctx: QueryContext, items: SelectList['items'], rewritten: Expr[]): number[] {
  const { q, opts } = ctx;
  return q.groupBy!.map((g, gi) => {
    const matches = rewritten.map((e, i) => (e.kind === 'col' && e.name === `#G${gi}` ? i : -1)).filter((i) => i >= 0);
    if (matches.length === 0 && opts.persistent) {
      err(
        `Key missing from projection (ie, SELECT). The query used to build ${opts.sinkName ? '`' + opts.sinkName + '`' : 'the sink'} must include the grouping expression ${exprToString(g)} in its projection (eg, SELECT ${exprToString(g)}...).`,
        q.pos,
      );
    }
    if (matches.length > 1 && opts.persistent) {
      err(
        `The projection contains a key column more than once: ${matches.map((i) => '`' + items[i]!.name + '`').join(' and ')}. Each key column must only be in the projection once. If you intended to copy the key into the value, then consider using the AS_VALUE function to indicate which key reference should be copied.`,
        q.pos,
      );
    }
    return matches.length ? matches[0]! : -1;
  });
}

/** The AggregateNode with its window, a SuppressNode for EMIT FINAL and a FilterNode for HAVING. */
function planAggregation(
  ctx: QueryContext,
  filtered: PlanNode,
  spec: Omit<AggregateSpec, 'window'>,
  keyCols: Column[],
  having: Compiled | undefined,
): { node: PlanNode; window: AggregateSpec['window'] } {
  const { q } = ctx;
  const window = planWindow(q);
  const emitFinal = q.emit === 'FINAL';
  // the aggregated rows: the grouping values and aggregate results, named as ksqlDB names them
  const aggregated = {
    key: keyCols,
    value: [
      ...spec.groupBy.map((g, i) => ({ name: `KSQL_INTERNAL_COL_${i}`, type: g.type, namespace: 'VALUE' as const })),
      ...spec.aggs.map((a, i) => ({ name: `KSQL_AGG_VARIABLE_${i}`, type: a.impl.returnType, namespace: 'VALUE' as const })),
      ...(window ? WINDOW_BOUNDS.map((name) => ({ name, type: T.BIGINT, namespace: 'VALUE' as const })) : []),
    ],
  };
  const aggregate: AggregateNode = {
    kind: 'aggregate',
    source: filtered,
    spec: { groupBy: spec.groupBy, aggs: spec.aggs, window, tableInput: spec.tableInput },
    schema: aggregated,
  };
  let node: PlanNode = aggregate;
  if (emitFinal && window) {
    const suppress: SuppressNode = { kind: 'suppress', source: aggregate, window, schema: aggregated };
    node = suppress;
  }
  if (having) {
    const filter: FilterNode = { kind: 'filter', source: node, predicate: having, text: exprToString(q.having!), onTable: true, schema: aggregated };
    node = filter;
  }
  return { node, window };
}
