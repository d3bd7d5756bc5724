/**
 * The DuckDB statements of an analysed SELECT: the query itself (result columns `c0`, `c1`, … over the
 * table view as `pinot_table`) and the stats query the broker's counters read. Pinot's LIMIT applies to
 * selections and group-by results, its OFFSET to selections only; an aggregation without GROUP BY has one row
 * (none with LIMIT 0).
 */
import { quoteIdent } from '../db.ts';
import type { AnalyzedSelect } from './analyze.ts';
import type { TableView } from './typed.ts';

export interface EmittedSelect {
  sql: string;
  /** `SELECT count(*) total, count(*) FILTER (WHERE …) matched FROM …` for the stats counters. */
  statsSql: string;
}

export function emitSelect(query: AnalyzedSelect, view: TableView): EmittedSelect {
  const table = `FROM ${view.from} AS ${quoteIdent('pinot_table')}`;
  const parts = [`SELECT ${query.distinct ? 'DISTINCT ' : ''}${query.items.map((t, i) => `${t.sql} AS ${quoteIdent(`c${i}`)}`).join(', ')}`, table];
  if (query.where) parts.push(`WHERE ${query.where.sql}`);
  if (query.groupBy.length > 0) parts.push(`GROUP BY ${query.groupBy.map((g) => g.sql).join(', ')}`);
  if (query.having) parts.push(`HAVING ${query.having.sql}`);
  const aggregationOnly = query.hasAggregates && query.groupBy.length === 0;
  if (!aggregationOnly) {
    const orderBy = query.orderBy.map((o) => `${o.expr.sql} ${o.desc ? 'DESC' : 'ASC'}${o.nulls ? ` NULLS ${o.nulls}` : ''}`);
    if (orderBy.length > 0) parts.push(`ORDER BY ${orderBy.join(', ')}`);
    parts.push(`LIMIT ${query.limit}`);
    // Pinot applies OFFSET to selections only: its group-by and distinct reducers (1.2 as 0.11) ignore it.
    const selection = query.groupBy.length === 0 && !query.distinct;
    if (query.offset > 0 && selection) parts.push(`OFFSET ${query.offset}`);
  } else if (query.limit === 0) {
    parts.push('LIMIT 0');
  }
  const statsSql = `SELECT count(*) AS total, ${query.where ? `count(*) FILTER (WHERE ${query.where.sql})` : 'count(*)'} AS matched ${table}`;
  return { sql: parts.join(' '), statsSql };
}
