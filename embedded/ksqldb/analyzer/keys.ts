// Step 5b, the key of a query without GROUP BY: its PARTITION BY expressions (none for PARTITION BY
// NULL), else the join's key (a foreign-key join's: the left table's key), else the source's key.
// For each key column, the normalized expressions that equal it, and its type.
import { compileExpr, type Compiled } from '../expr/compile.ts';
import type { Expr } from '../parser/ast.ts';
import type { SqlType } from '../types.ts';
import { colRefs, err, hasAggregate, type QueryContext } from './context.ts';
import type { PlannedJoins } from './joins.ts';

export interface PlannedKeys {
  /** per key column: the normalized expressions equal to it, the preferred first */
  norms: string[][];
  types: SqlType[];
  /** PARTITION BY's expressions; [] = PARTITION BY NULL */
  partitionBy?: (Compiled & { keyOnly?: boolean })[];
  /** the rows have no key */
  keyless: boolean;
}

export function planKeys(ctx: QueryContext, joins: PlannedJoins, norm: (e: Expr) => string): PlannedKeys {
  const { q, scope, isJoin, sides } = ctx;
  if (q.partitionBy) {
    if (q.partitionBy.length === 0) err('PARTITION BY requires at least one expression', q.pos);
    const isNullLit = (e: Expr) => e.kind === 'lit' && e.value === null;
    if (q.partitionBy.some(isNullLit)) {
      if (q.partitionBy.length > 1) err('Cannot PARTITION BY multiple columns including NULL', q.partitionBy[0]!.pos);
      return { norms: [], types: [], partitionBy: [], keyless: true };
    }
    for (const e of q.partitionBy) {
      if (hasAggregate(e)) err('PARTITION BY does not support aggregate functions.', e.pos);
      for (const c of colRefs(e)) {
        try {
          scope.lookup(c);
        } catch {
          err(`PARTITION BY column '${c.name}' cannot be resolved.`, c.pos);
        }
      }
    }
    const partitionBy = q.partitionBy.map((e) => {
      const c = compileExpr(e, scope);
      const keyOnly = colRefs(e).every((r) => scope.lookup(r).key);
      return { ...c, keyOnly };
    });
    return { norms: q.partitionBy.map((e) => [norm(e)]), types: partitionBy.map((c) => c.type), partitionBy, keyless: false };
  }
  if (isJoin && joins.fkKey) return { norms: joins.fkKey.norms, types: joins.fkKey.types, keyless: false };
  if (isJoin) return { norms: [joins.keyClass], types: [joins.keyType], keyless: false };
  const src = sides[0]!.source;
  return {
    norms: src.schema.key.map((c) => [norm({ kind: 'col', name: c.name, pos: q.pos })]),
    types: src.schema.key.map((c) => c.type),
    keyless: src.schema.key.length === 0,
  };
}
