/**
 * A translated expression (its DuckDB SQL, Pinot result type and Pinot name, and what the aggregation
 * checks need to know of it) and the scope expressions are translated in.
 */
import type { Column } from '../schema.ts';
import { QueryError } from '../errors.ts';
import type { Expr } from './parser.ts';
import type { OutType } from './types.ts';

export interface Typed {
  sql: string;
  type: OutType;
  agg: boolean;
  /** Pinot's canonical expression string (result column name when no alias). */
  name: string;
  /** Column refs used outside aggregates. */
  columnsOutsideAgg: number;
}

/** The table a query reads, as the translator sees it. */
export interface TableView {
  /** The raw table name as the query should see it. */
  name: string;
  columns: Column[];
  /** FROM clause body: a quoted data table, or a parenthesised UNION ALL. */
  from: string;
}

/** What translating an expression depends on besides the expression. */
export interface Scope {
  view: TableView;
  byName: Map<string, Column>;
  byLowerName: Map<string, Column>;
  nowMs: number;
  /** Inside an aggregate's arguments (nested aggregates are an error). */
  inAgg: boolean;
  /** The FROM clause's table alias, accepted as a column qualifier. */
  alias?: string;
  maxStringLength: number;
}

/** Pinot's error for SQL it does not accept (150). */
export function parsingError(detail: string): QueryError {
  return new QueryError('SQL_PARSING', detail);
}

/** A constant: no columns, no aggregate. */
export function lit(sql: string, type: OutType, name: string): Typed {
  return { sql, type, agg: false, name, columnsOutsideAgg: 0 };
}

/** Pinot's name of a literal: its text in single quotes. */
export function literalName(e: Expr & { kind: 'literal' }): string {
  if (e.type === 'null') return "'null'";
  return `'${String(e.value)}'`;
}

/** An expression over `parts`: an aggregate when any part is, with all their column references. */
export function combine(parts: Typed[], sql: string, type: OutType, name: string): Typed {
  return {
    sql,
    type,
    name,
    agg: parts.some((p) => p.agg),
    columnsOutsideAgg: parts.reduce((n, p) => n + p.columnsOutsideAgg, 0),
  };
}

/** The text of an argument Pinot needs as a constant (a pattern, a unit, a time zone …). */
export function literalArg(e: Expr | undefined, what: string): string {
  if (!e || e.kind !== 'literal' || e.type === 'null') throw parsingError(`${what} must be a literal`);
  return String(e.value);
}

export function varchar(sql: string): string {
  return `CAST(${sql} AS VARCHAR)`;
}

/** An argument as VARCHAR, as Pinot's string functions read any value. */
export function asVarchar(t: Typed): string {
  return varchar(t.sql);
}

/** An argument as DOUBLE, as Pinot's math functions read any number. */
export function asDouble(t: Typed): string {
  return `CAST(${t.sql} AS DOUBLE)`;
}
