// Step 5, the projection of a query without GROUP BY: table functions (FlatMapNode), the key
// (RepartitionNode for PARTITION BY or a reordered key), which SELECT items are key columns, and the
// value columns (ProjectNode). Checks the rules ksqlDB applies to a persistent query's projection.
import { compileExpr, type Compiled } from '../expr/compile.ts';
import type { WindowType } from '../formats/index.ts';
import type { Expr } from '../parser/ast.ts';
import type { PlanNode, ProjectNode, RepartitionNode } from '../plan/logical.ts';
import { T, type Column, type SqlType } from '../types.ts';
import { checkDuplicateNames, checkName, colRefs, err, type QueryContext } from './context.ts';
import type { PlannedJoins } from './joins.ts';
import { planKeys } from './keys.ts';
import type { SelectList } from './select-items.ts';
import { extractTableFunctions, planFlatMap } from './table-functions.ts';

/** what a step that ends in the projection hands to the sink */
export interface PlannedProjection {
  node: ProjectNode;
  resultType: 'STREAM' | 'TABLE';
  key: Column[];
  value: Column[];
  values: { name: string; expr: Compiled }[];
  /** every SELECT item in order: a key column (keyIndex) or a value column (by name) */
  projection: { name: string; type: SqlType; keyIndex?: number }[];
  keyless: boolean;
  /** PARTITION BY NULL: the output has no key (and no key format) */
  partitionedByNull: boolean;
  /** the output key's window: an aggregation's WINDOW, else a windowed source's */
  window?: { type: WindowType; size?: number };
}

export function planProjection(ctx: QueryContext, joins: PlannedJoins, filtered: PlanNode, select: SelectList, norm: (e: Expr) => string): PlannedProjection {
  const { q, opts, sides, scope, isJoin } = ctx;
  const { items, nextColName, fieldAlias } = select;
  const srcWindowed = !isJoin && sides[0]!.source.windowType;
  if (q.partitionBy && sides[0]!.source.type === 'TABLE' && !isJoin)
    err("Cannot repartition a TABLE source. If this is a join, make sure that the criteria uses the TABLE's key column instead.", q.pos);
  const tableFunctions = extractTableFunctions(ctx, items);
  if (tableFunctions.length && q.partitionBy) err('Table functions cannot be used with PARTITION BY.', q.pos);
  // compile items on the source scope
  const compiled = items.map((it) => {
    for (const c of colRefs(it.expr)) {
      const f = scope.lookup(c);
      if (f.windowBound && !srcWindowed && !isJoin) err(`Column '${c.name}' cannot be resolved.`, c.pos);
    }
    return compileExpr(it.expr, scope);
  });
  const keys = planKeys(ctx, joins, norm);
  const keyNorms = keys.norms;
  const keyTypes = keys.types;
  let partitionBy = keys.partitionBy;
  let keyless = keys.keyless;
  const itemNorms = items.map((it) => norm(it.expr));
  const keyItem: number[] = [];
  keyNorms.forEach((alts, k) => {
    let matches = itemNorms.map((n, i) => (alts.includes(n) ? i : -1)).filter((i) => i >= 0);
    // a join key prefers the left-most source's join expression
    const preferred = matches.filter((i) => itemNorms[i] === alts[0]);
    if (preferred.length && matches[0] !== preferred[0]) matches = [preferred[0]!, ...matches.filter((i) => i !== preferred[0])];
    const starPartition = q.partitionBy && q.select.some((x) => x.kind === 'star');
    if ((starPartition || (opts.newPlanner && !q.partitionBy && !isJoin)) && matches.length === 0) {
      keyItem.push(-1);
      return;
    }
    if (opts.persistent && matches.length === 0) {
      const what = q.partitionBy ? 'PARTITION BY expression' : isJoin ? 'join expression' : 'key column';
      err(
        `Key missing from projection (ie, SELECT). The query used to build ${opts.sinkName ? '`' + opts.sinkName + '`' : 'the sink'} must include the ${what} ${alts.map((a) => a.replace(/#/g, '')).join(' or ')} in its projection (eg, SELECT ${alts[0]!.replace(/#/g, '')}...).`,
        q.pos,
      );
    }
    const dupExpr = matches.some((m, i) => matches.findIndex((x) => itemNorms[x] === itemNorms[m]) !== i);
    if (opts.persistent && matches.length > 1 && (!isJoin || dupExpr)) {
      err(
        `The projection contains a key column more than once: ${matches.map((i) => '`' + items[i]!.name + '`').join(' and ')}. Each key column must only be in the projection once. If you intended to copy the key into the value, then consider using the AS_VALUE function to indicate which key reference should be copied.`,
        q.pos,
      );
    }
    keyItem.push(matches.length ? matches[0]! : -1);
  });
  const partitionKeyName = (p: Expr | undefined): string => (p?.kind === 'col' ? p.name : p?.kind === 'deref' ? fieldAlias(p.field) : nextColName());
  let keyCols: Column[] = keyNorms.map((_, k) => ({
    name: keyItem[k]! >= 0 ? items[keyItem[k]!]!.name : partitionKeyName(q.partitionBy?.[k]),
    type: keyTypes[k]!,
    namespace: 'KEY',
  }));
  // without PARTITION BY, multiple key columns follow the projection order
  let rekey: number[] | undefined;
  if (opts.newPlanner && !q.partitionBy && !isJoin && keyItem.some((i) => i < 0)) {
    // new planner: a key column left out of the projection makes the result keyless
    keyCols = [];
    partitionBy = [];
    keyless = true;
  } else if (opts.newPlanner && !q.partitionBy && !isJoin && keyCols.length > 1 && keyItem.every((i) => i >= 0)) {
    const order = keyCols.map((_, k) => k).sort((a, b) => keyItem[a]! - keyItem[b]!);
    if (order.some((o, i) => o !== i)) {
      rekey = order;
      keyCols = order.map((o) => keyCols[o]!);
    }
  }
  const values: { name: string; expr: Compiled }[] = [];
  const valueCols: Column[] = [];
  items.forEach((it, i) => {
    if (keyItem.includes(i)) return;
    if (compiled[i]!.type.base === 'NULL') err("Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).", it.pos);
    values.push({ name: it.name, expr: compiled[i]! });
    valueCols.push({ name: it.name, type: compiled[i]!.type.base === 'NULL' ? T.STRING : compiled[i]!.type, namespace: 'VALUE' });
  });
  for (const c of [...keyCols.filter((_, k) => keyItem[k]! >= 0), ...valueCols]) checkName(c.name, q.pos);
  checkDuplicateNames([...keyCols, ...valueCols], q.pos);
  if (opts.persistent && valueCols.length === 0) err('The projection contains no value columns.', q.pos);

  let node: PlanNode = filtered;
  if (partitionBy || rekey) {
    // the rows' key: a join's (any of the expressions equal to it), else the source's key columns
    const sourceKey = () => sides[0]!.source.schema.key.map((c) => norm({ kind: 'col', name: c.name, pos: q.pos }));
    const keyUnchanged =
      !!partitionBy?.length &&
      (isJoin
        ? keyNorms.length === 1 && !joins.fkKey && joins.keyClass.includes(keyNorms[0]![0]!)
        : keyNorms.length === sides[0]!.source.schema.key.length && sourceKey().every((n, k) => keyNorms[k]![0] === n));
    const repartition: RepartitionNode = {
      kind: 'repartition',
      source: node,
      keys: partitionBy,
      order: partitionBy ? undefined : rekey,
      keyUnchanged,
      schema: { key: keyCols, value: node.schema.value },
    };
    node = repartition;
  }
  node = planFlatMap(node, tableFunctions, ctx);
  return {
    node: { kind: 'project', source: node, values, schema: { key: keyCols, value: valueCols } },
    resultType: isJoin ? joins.resultType : sides[0]!.source.type,
    key: keyCols,
    value: valueCols,
    values,
    projection: items.map((it, i) => {
      const k = keyItem.indexOf(i);
      return k >= 0 && keyCols.length
        ? { name: it.name, type: keyTypes[k]!, keyIndex: rekey ? rekey.indexOf(k) : k }
        : { name: it.name, type: compiled[i]!.type };
    }),
    keyless,
    partitionedByNull: partitionBy?.length === 0,
    window: sides[0]!.source.windowType ? { type: sides[0]!.source.windowType, size: sides[0]!.source.windowSize } : undefined,
  };
}
