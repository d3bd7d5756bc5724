// Step 3, WHERE: a boolean predicate over the source (or joined) rows, planned as a FilterNode.
import { compileExpr, exprToString } from '../expr/compile.ts';
import type { FilterNode, PlanNode } from '../plan/logical.ts';
import { colRefs, err, hasAggregate, type QueryContext } from './context.ts';

/** `onTable`: the rows are a table's changes (a table source, or a table-table join) */
export function planWhere(ctx: QueryContext, input: PlanNode, onTable: boolean): PlanNode {
  const { q, scope, isJoin, sides } = ctx;
  if (!q.where) return input;
  if (hasAggregate(q.where)) err('Aggregate functions are not allowed in WHERE clause.', q.where.pos);
  for (const c of colRefs(q.where)) {
    const f = scope.lookup(c);
    if (f.windowBound && !isJoin && sides[0]!.source.windowType === undefined) err(`Column '${c.name}' cannot be resolved.`, c.pos);
  }
  const predicate = compileExpr(q.where, scope);
  if (predicate.type.base !== 'BOOLEAN') {
    err(`Type error in WHERE expression: Should evaluate to boolean but is ${exprToString(q.where)} (${predicate.type.base}) instead.`, q.where.pos);
  }
  const node: FilterNode = { kind: 'filter', source: input, predicate, text: exprToString(q.where), onTable, schema: input.schema };
  return node;
}
