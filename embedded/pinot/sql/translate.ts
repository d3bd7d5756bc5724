/**
 * Pinot SQL → DuckDB: analysis of the parsed SELECT (analyze.ts: names, types, Pinot's rules, each
 * expression through expression.ts and the function registry in functions/), then the DuckDB statements
 * (emit.ts). Only the SELECT subset Pinot accepts gets this far; everything else was refused by the
 * parser or is refused here with Pinot's errors.
 */
import { analyzeSelect } from './analyze.ts';
import { emitSelect } from './emit.ts';
import type { SelectStatement } from './parser.ts';
import type { TranslateLimits } from './string-limits.ts';
import type { OutType } from './types.ts';
import type { TableView } from './typed.ts';

export { DEFAULT_LIMIT } from './analyze.ts';
export { DEFAULT_MAX_STRING_LENGTH, STRING_LIMIT_MARK, type TranslateLimits } from './string-limits.ts';
export { isoDurationMs, jodaToStrftime } from './time-formats.ts';
export { typeName, type BaseType, type OutType } from './types.ts';
export type { TableView } from './typed.ts';

export interface Translation {
  sql: string;
  columnNames: string[];
  columnTypes: OutType[];
  aggregation: boolean;
  groupBy: boolean;
  limit: number;
  /** `SELECT count(*) total, count(*) FILTER (WHERE …) matched FROM …` for the stats counters. */
  statsSql: string;
  filterColumns: number;
}

/** Translates one SELECT against a table view. Throws QueryError (150 / 700 / 710). */
export function translate(select: SelectStatement, view: TableView, nowMs = Date.now(), limits: TranslateLimits = {}): Translation {
  const query = analyzeSelect(select, view, nowMs, limits);
  const { sql, statsSql } = emitSelect(query, view);
  return {
    sql,
    columnNames: query.columnNames,
    columnTypes: query.items.map((t) => t.type),
    aggregation: query.aggregation,
    groupBy: query.groupBy.length > 0,
    limit: query.limit,
    statsSql,
    filterColumns: query.where ? query.where.columnsOutsideAgg : 0,
  };
}
