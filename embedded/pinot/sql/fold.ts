/**
 * Functions of literals inside a query that reads columns. Pinot computes them once while compiling the query
 * (CompileTimeFunctionsInvoker) and the server then sees a literal, named by its value: `SELECT view_count + (1 + 2)`
 * is `plus(view_count,'3.0')`, `SELECT country, fromEpochSeconds(1700000000)` names its second column
 * `'1700000000000'`. Here: the parts of the select list to compute, and the list with their values put in.
 */
import { isConstantExpr } from './constants.ts';
import type { Expr, SelectItem } from './parser.ts';
import type { OutType } from './types.ts';

/** The largest functions of literals in the select list (bare literals excluded), in order. */
export function foldableParts(items: SelectItem[]): Expr[] {
  const parts: Expr[] = [];
  const visit = (e: Expr): void => {
    if (e.kind !== 'literal' && isConstantExpr(e)) parts.push(e);
    else mapChildren(e, (child) => (visit(child), child));
  };
  for (const item of items) visit(item.expr);
  return parts;
}

/** The select list with each computed part replaced by its literal. */
export function replaceParts(items: SelectItem[], literals: Map<Expr, Expr>): SelectItem[] {
  const replace = (e: Expr): Expr => literals.get(e) ?? mapChildren(e, replace);
  return items.map((item) => ({ ...item, expr: replace(item.expr) }));
}

/**
 * A computed value as the literal the parser would make of it, when that literal has the value's type (a LONG
 * that fits an INT, an infinite double or another type stays a function call, computed per row).
 */
export function literalOf(value: unknown, raw: unknown, type: OutType, javaDouble: (n: number) => string): Expr | undefined {
  if (type.array || value === null || value === undefined) return undefined;
  switch (type.base) {
    case 'STRING':
      return { kind: 'literal', type: 'string', value: String(value) };
    case 'BOOLEAN':
      return { kind: 'literal', type: 'boolean', value: value === true };
    case 'INT':
      return { kind: 'literal', type: 'number', value: String(value) };
    case 'LONG': {
      const n = BigInt(String(value));
      return n >= -2147483648n && n <= 2147483647n ? undefined : { kind: 'literal', type: 'number', value: n.toString() };
    }
    case 'DOUBLE': {
      const n = Number(raw);
      return Number.isFinite(n) ? { kind: 'literal', type: 'number', value: javaDouble(n) } : undefined;
    }
    default:
      return undefined;
  }
}

/** `e` with `fn` applied to each direct sub-expression. */
function mapChildren(e: Expr, fn: (child: Expr) => Expr): Expr {
  switch (e.kind) {
    case 'call':
      return { ...e, args: e.args.map(fn), filter: e.filter ? fn(e.filter) : undefined };
    case 'binary':
      return { ...e, left: fn(e.left), right: fn(e.right) };
    case 'unary':
      return { ...e, arg: fn(e.arg) };
    case 'isNull':
      return { ...e, arg: fn(e.arg) };
    case 'between':
      return { ...e, arg: fn(e.arg), low: fn(e.low), high: fn(e.high) };
    case 'in':
      return { ...e, arg: fn(e.arg), list: e.list.map(fn) };
    case 'like':
      return { ...e, arg: fn(e.arg), pattern: fn(e.pattern) };
    case 'case':
      return {
        kind: 'case',
        operand: e.operand ? fn(e.operand) : undefined,
        whens: e.whens.map((w) => ({ when: fn(w.when), then: fn(w.then) })),
        else: e.else ? fn(e.else) : undefined,
      };
    case 'cast':
      return { ...e, arg: fn(e.arg) };
    default:
      return e;
  }
}
