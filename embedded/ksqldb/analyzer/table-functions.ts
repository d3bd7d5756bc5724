// Step 5a, table functions (EXPLODE, CUBE_EXPLODE ...): each call in the SELECT list becomes a field
// of the flattened rows (#T0, #T1 ...), read by the item in its place; planned as a FlatMapNode.
import { compileExpr, exprToString } from '../expr/compile.ts';
import { getTableFunction } from '../functions/table.ts';
import type { FlatMapNode, PlanNode, TableFunctionSpec } from '../plan/logical.ts';
import { err, type QueryContext, type SelectItemOut } from './context.ts';
import { mapExpr } from './rewrite.ts';

/** replaces each table function call in `items` by its field; the calls, in order */
export function extractTableFunctions(ctx: QueryContext, items: SelectItemOut[]): TableFunctionSpec[] {
  const { sides, scope, isJoin } = ctx;
  const tableFunctions: TableFunctionSpec[] = [];
  for (const it of items) {
    it.expr = mapExpr(it.expr, (x) => {
      const fn = x.kind === 'call' ? getTableFunction(x.name) : undefined;
      if (!fn || x.kind !== 'call') return undefined;
      if (sides[0]!.source.type === 'TABLE' && !isJoin) err('Table source is not supported with table functions', x.pos);
      const args = x.args.map((a) => compileExpr(a, scope));
      const resolved = fn.resolve(args.map((a) => a.type));
      if (typeof resolved === 'string') return err(resolved, x.pos);
      const field = `#T${tableFunctions.length}`;
      tableFunctions.push({ field, text: exprToString(x), arg: args[0]!, explode: resolved.explode });
      scope.addSynthetic(field, resolved.itemType);
      return { kind: 'col', name: field, pos: x.pos };
    });
  }
  return tableFunctions;
}

export function planFlatMap(input: PlanNode, functions: TableFunctionSpec[], ctx: QueryContext): PlanNode {
  if (!functions.length) return input;
  // ksqlDB names a table function's output column KSQL_SYNTH_n
  const fields = functions.map((f, i) => ({
    name: `KSQL_SYNTH_${i}`,
    type: ctx.scope.resolve({ name: f.field, pos: { line: 0, column: 0 } }).type,
    namespace: 'VALUE' as const,
  }));
  const node: FlatMapNode = { kind: 'flatMap', source: input, functions, schema: { key: input.schema.key, value: [...input.schema.value, ...fields] } };
  return node;
}
