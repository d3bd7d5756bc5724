// What every analysis step shares: the query, its options, its sources and their scope, and the
// checks and helpers more than one step uses.
import { KsqlError, type Position } from '../errors.ts';
import { exprToString } from '../expr/compile.ts';
import { isAggregateName } from '../functions/aggregate.ts';
import type { Expr, Query } from '../parser/ast.ts';
import { RESERVED_COLUMNS } from '../types.ts';
import { mapExpr, walkExpr } from './rewrite.ts';
import type { Side, SourceScope } from './scope.ts';

export interface AnalyzeOptions {
  /** persistent queries must put their key columns in the projection */
  persistent: boolean;
  sinkName?: string;
  /** ksql.new.query.planner.enabled: key columns follow the projection and may be omitted */
  newPlanner?: boolean;
  /** the session's properties, for the functions that read settings (ksql.functions.*) */
  config?: Record<string, string>;
}

export interface QueryContext {
  q: Query;
  opts: AnalyzeOptions;
  /** the FROM source, then each JOIN's right side */
  sides: Side[];
  scope: SourceScope;
  isJoin: boolean;
}

/** a SELECT item after `*` expansion, with its output column name */
export interface SelectItemOut {
  expr: Expr;
  name: string;
  pos: Position;
}

export const err = (msg: string, pos?: Position): never => {
  throw new KsqlError(msg, { pos });
};

export function hasAggregate(e: Expr): boolean {
  let found = false;
  walkExpr(e, (x) => {
    if (x.kind === 'call' && isAggregateName(x.name)) found = true;
  });
  return found;
}

export function colRefs(e: Expr): Extract<Expr, { kind: 'col' }>[] {
  const out: Extract<Expr, { kind: 'col' }>[] = [];
  walkExpr(e, (x) => {
    if (x.kind === 'col') out.push(x);
  });
  return out;
}

/**
 * An expression's text with each column replaced by the row field it reads (`#L_ID`): two
 * expressions with the same text compute the same value. A windowed aggregation's WINDOWSTART and
 * WINDOWEND stay by name.
 */
export function normalizer(ctx: QueryContext): (e: Expr) => string {
  const isBound = (x: Expr) => x.kind === 'col' && (x.name === 'WINDOWSTART' || x.name === 'WINDOWEND') && !!ctx.q.window && !ctx.isJoin;
  return (e) =>
    exprToString(
      mapExpr(e, (x) => (x.kind === 'col' ? { kind: 'col', name: '#' + (isBound(x) ? x.name : ctx.scope.resolve(x).field), pos: x.pos } : undefined)),
    );
}

/** output columns may not take a pseudo column's or window bound's name */
export function checkName(name: string, pos: Position): void {
  if (RESERVED_COLUMNS.includes(name.toUpperCase()) && RESERVED_COLUMNS.includes(name)) {
    err(`\`${name}\` is a reserved column name. You cannot use it as an alias for a column.`, pos);
  }
}

/** rejects a second output column of the same name */
export function checkDuplicateNames(cols: { name: string }[], pos: Position): void {
  const dup = cols.find((c, i) => cols.findIndex((d) => d.name === c.name) !== i);
  if (dup) err(`Cannot create column with the same name as existing column: ${dup.name}`, pos);
}
