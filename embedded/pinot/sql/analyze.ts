/**
 * The statement-level analysis of one SELECT: expands `*` (all columns sorted by name, as Pinot's
 * SelectionOperatorUtils), resolves select aliases and ordinals in GROUP BY / HAVING / ORDER BY, names the
 * result columns as Pinot does (`count(*)`, `sum(hits)`, … or the alias), and applies Pinot's
 * aggregation rules: columns and aggregates need GROUP BY, no aggregates in WHERE or GROUP BY, HAVING
 * needs an aggregation. Errors are Pinot's 150 (and 710 for unknown columns).
 */
import type { Expr, SelectStatement } from './parser.ts';
import { QueryError } from '../errors.ts';
import { emit } from './expression.ts';
import { DEFAULT_MAX_STRING_LENGTH, type TranslateLimits } from './string-limits.ts';
import { parsingError, type Scope, type TableView, type Typed } from './typed.ts';

export const DEFAULT_LIMIT = 10;

export interface AnalyzedOrderItem {
  expr: Typed;
  desc: boolean;
  nulls?: 'FIRST' | 'LAST';
}

/** One SELECT with every expression translated and every rule checked. */
export interface AnalyzedSelect {
  distinct: boolean;
  items: Typed[];
  /** The result column names: the alias, else Pinot's expression name. */
  columnNames: string[];
  where?: Typed;
  groupBy: Typed[];
  having?: Typed;
  orderBy: AnalyzedOrderItem[];
  /** The select list has an aggregate. */
  hasAggregates: boolean;
  /** An aggregation query: aggregates or GROUP BY. */
  aggregation: boolean;
  limit: number;
  offset: number;
}

export function analyzeSelect(select: SelectStatement, view: TableView, nowMs: number, limits: TranslateLimits): AnalyzedSelect {
  const scope: Scope = {
    view,
    byName: new Map(view.columns.map((c) => [c.name, c])),
    byLowerName: new Map(view.columns.map((c) => [c.name.toLowerCase(), c])),
    nowMs,
    inAgg: false,
    alias: select.tableAlias,
    maxStringLength: limits.maxStringLength ?? DEFAULT_MAX_STRING_LENGTH,
  };

  const selected = expandStar(select, view);
  const aliases = new Map<string, Expr>();
  for (const item of selected) if (item.alias !== undefined && !aliases.has(item.alias)) aliases.set(item.alias, item.expr);

  const items = selected.map((item) => emit(item.expr, scope));
  const columnNames = selected.map((item, i) => item.alias ?? items[i]!.name);
  const hasAggregates = items.some((t) => t.agg);

  let where: Typed | undefined;
  if (select.where) {
    where = emit(select.where, scope);
    if (where.agg) throw parsingError('Aggregate functions are not supported in WHERE clause');
  }

  // GROUP BY 1 / ORDER BY 2: ordinals name select items.
  const ordinal = (e: Expr): Expr => {
    if (e.kind === 'literal' && e.type === 'number' && /^\d+$/.test(e.value)) {
      const n = Number(e.value);
      if (n < 1 || n > selected.length) throw parsingError(`Ordinal ${n} is out of range of the select list (1..${selected.length})`);
      return selected[n - 1]!.expr;
    }
    return e;
  };
  const groupBy = select.groupBy.map((g) => emit(substituteAliases(ordinal(g), aliases, scope, false), scope));
  if (groupBy.some((g) => g.agg)) throw parsingError('Aggregate functions are not supported in GROUP BY clause');
  const aggregation = hasAggregates || groupBy.length > 0;
  checkGrouping(items, columnNames, groupBy);

  let having: Typed | undefined;
  if (select.having) {
    if (!aggregation) throw parsingError('HAVING clause needs an aggregation or a GROUP BY clause');
    having = emit(substituteAliases(select.having, aliases, scope, true), scope);
  }

  const orderBy = select.orderBy.map((o): AnalyzedOrderItem => {
    const expr = emit(substituteAliases(ordinal(o.expr), aliases, scope, true), scope);
    if (expr.agg && !aggregation) throw parsingError('Aggregate functions in ORDER BY need a GROUP BY clause');
    return { expr, desc: o.desc, nulls: o.nulls };
  });

  checkGroupByWithoutAggregates(items, groupBy, orderBy, having);

  return {
    distinct: select.distinct,
    items,
    columnNames,
    where,
    groupBy,
    having,
    orderBy,
    hasAggregates,
    aggregation,
    limit: select.limit ?? DEFAULT_LIMIT,
    offset: select.offset ?? 0,
  };
}

/** The select list with `SELECT *` (or a `*` among other items) replaced by every column, sorted by name. */
function expandStar(select: SelectStatement, view: TableView): { expr: Expr; alias?: string }[] {
  const items: { expr: Expr; alias?: string }[] = [];
  for (const item of select.items) {
    if (item.expr.kind === 'star') {
      const names = view.columns.map((c) => c.name).sort();
      for (const name of names) items.push({ expr: { kind: 'column', name, quoted: true } });
    } else items.push(item);
  }
  return items;
}

/** Columns outside aggregates need a GROUP BY, and with one each must be a GROUP BY expression. */
function checkGrouping(items: Typed[], columnNames: string[], groupBy: Typed[]): void {
  if (groupBy.length === 0) {
    if (!items.some((t) => t.agg)) return;
    for (const t of items) {
      if (!t.agg && t.columnsOutsideAgg > 0) throw parsingError("Columns and Aggregate functions can't co-exist without GROUP BY clause");
    }
    return;
  }
  const groupSql = new Set(groupBy.map((g) => g.sql));
  for (const [i, t] of items.entries()) {
    if (t.agg || t.columnsOutsideAgg === 0 || groupSql.has(t.sql)) continue;
    throw parsingError(`Expression '${columnNames[i]}' is neither an aggregation nor a GROUP BY expression`);
  }
}

/**
 * A GROUP BY whose SELECT and ORDER BY hold no aggregate is a DISTINCT of the select list in Pinot (1.2 as 0.11:
 * NonAggregationGroupByToDistinctQueryRewriter, which does not look at HAVING): the select and group-by
 * expressions must be the same set, and a HAVING is left to a DISTINCT query, which the server cannot run.
 */
function checkGroupByWithoutAggregates(items: Typed[], groupBy: Typed[], orderBy: AnalyzedOrderItem[], having: Typed | undefined): void {
  if (groupBy.length === 0 || items.some((t) => t.agg) || orderBy.some((o) => o.expr.agg)) return;
  const selected = new Set(items.map((t) => t.sql));
  const grouped = new Set(groupBy.map((g) => g.sql));
  if (selected.size !== grouped.size || [...selected].some((sql) => !grouped.has(sql))) {
    throw parsingError('For non-aggregation group-by query, select expression set and group-by expression set should be the same');
  }
  if (having)
    throw new QueryError(
      'QUERY_EXECUTION',
      'UnsupportedOperationException: HAVING on a group-by query without aggregation in SELECT or ORDER BY, which runs as a DISTINCT',
    );
}

/** Replaces bare identifiers naming a select alias (preferred over columns when `preferAlias`). */
function substituteAliases(expr: Expr, aliases: Map<string, Expr>, scope: Scope, preferAlias: boolean): Expr {
  if (aliases.size === 0) return expr;
  const visit = (e: Expr): Expr => {
    switch (e.kind) {
      case 'column': {
        if (e.qualifier !== undefined) return e;
        const target = aliases.get(e.name);
        if (target === undefined) return e;
        if (!preferAlias && (scope.byName.has(e.name) || scope.byLowerName.has(e.name.toLowerCase()))) return e;
        if (target.kind === 'column' && target.name === e.name) return e;
        return target;
      }
      case 'call':
        return { ...e, args: e.args.map(visit), filter: e.filter ? visit(e.filter) : undefined };
      case 'binary':
        return { ...e, left: visit(e.left), right: visit(e.right) };
      case 'unary':
        return { ...e, arg: visit(e.arg) };
      case 'isNull':
        return { ...e, arg: visit(e.arg) };
      case 'between':
        return { ...e, arg: visit(e.arg), low: visit(e.low), high: visit(e.high) };
      case 'in':
        return { ...e, arg: visit(e.arg), list: e.list.map(visit) };
      case 'like':
        return { ...e, arg: visit(e.arg), pattern: visit(e.pattern) };
      case 'case':
        return {
          kind: 'case',
          operand: e.operand ? visit(e.operand) : undefined,
          whens: e.whens.map((w) => ({ when: visit(w.when), then: visit(w.then) })),
          else: e.else ? visit(e.else) : undefined,
        };
      case 'cast':
        return { ...e, arg: visit(e.arg) };
      default:
        return e;
    }
  };
  return visit(expr);
}
