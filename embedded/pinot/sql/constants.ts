/**
 * Queries of constants. Pinot's broker evaluates every function whose arguments are all literals when it
 * compiles a query (CompileTimeFunctionsInvoker); when then every SELECT item is a literal (aliased or not), it
 * answers the query itself, without a table (BaseSingleStageBrokerRequestHandler.processLiteralOnlyQuery,
 * Pinot 1.2): one row, whatever FROM, WHERE or LIMIT say, each column named by its value
 * (`RequestUtils.prettyPrint`: `3.0`, `1700006400000`, `'text'`, `true`, `null`) unless aliased.
 */
import { formatJavaDouble, formatJavaFloat } from '../schema.ts';
import { aggregateFunction, canonicalName, scalarFunction } from './functions/registry.ts';
import type { Expr, SelectStatement } from './parser.ts';
import type { TranslateLimits } from './string-limits.ts';
import { translate, type Translation } from './translate.ts';
import { LONG, type OutType } from './types.ts';

/** Operators Pinot compiles to scalar functions it can invoke at compile time (plus, equals, …). */
const FOLDABLE_OPERATORS = new Set(['+', '-', '*', '/', '%', '=', '<>', '!=', '<', '<=', '>', '>=']);

/** True when Pinot computes `e` while compiling the query: a literal, or a scalar function of such. */
export function isConstantExpr(e: Expr): boolean {
  switch (e.kind) {
    case 'literal':
      return true;
    case 'call': {
      const name = canonicalName(e.name);
      const fn = scalarFunction(name);
      if (aggregateFunction(name) || !fn || e.distinct || e.filter) return false;
      return e.args.length >= fn.arity[0] && e.args.length <= fn.arity[1] && e.args.every(isConstantExpr);
    }
    case 'binary':
      return FOLDABLE_OPERATORS.has(e.op) && isConstantExpr(e.left) && isConstantExpr(e.right);
    case 'unary':
      return e.op === '-' && isConstantExpr(e.arg);
    case 'cast':
      return isConstantExpr(e.arg);
    default:
      return false;
  }
}

/** A SELECT whose every item Pinot's broker turns into a literal: it answers the query alone. */
export function isConstantSelect(select: SelectStatement): boolean {
  return !select.distinct && select.items.every((item) => isConstantExpr(item.expr));
}

export interface ConstantSelect {
  /** Computes the one row (over no table). */
  translation: Translation;
  /** The type Pinot gives each column: a function's TIMESTAMP result becomes a LONG literal. */
  columnTypes: OutType[];
  /** Pinot's name of column `i` holding `value` (formatted as the response shows it; `raw`: as DuckDB gave it). */
  columnName(i: number, value: unknown, raw: unknown): string;
}

/** The DuckDB statement computing a constant SELECT's row, and the names its values give the columns. */
export function translateConstantSelect(select: SelectStatement, nowMs: number, limits: TranslateLimits): ConstantSelect {
  const statement: SelectStatement = { distinct: false, items: select.items, groupBy: [], orderBy: [] };
  const translation = translate(statement, { name: '', columns: [], from: '(SELECT 1)' }, nowMs, limits);
  const columnTypes = translation.columnTypes.map((t) => (t.base === 'TIMESTAMP' && !t.array ? LONG : t));
  return {
    translation,
    columnTypes,
    columnName: (i, value, raw) => select.items[i]!.alias ?? literalText(value, raw, columnTypes[i]!),
  };
}

/** `RequestUtils.prettyPrint` of a literal of this type and value. */
function literalText(value: unknown, raw: unknown, type: OutType): string {
  if (value === null || value === undefined) return 'null';
  if (type.array) return `[${(value as unknown[]).join(', ')}]`;
  switch (type.base) {
    case 'DOUBLE':
      return formatJavaDouble(Number(raw));
    case 'FLOAT':
      return formatJavaFloat(Number(raw));
    case 'STRING':
    case 'JSON':
      return `'${String(value)}'`;
    case 'BYTES':
      return `X'${String(value)}'`;
    default:
      return String(value);
  }
}
