/**
 * What `npm run verify` prints for one table, computed from ksqlDB's answers alone (pure functions):
 * the rows of a table-scan pull query, sorted by key, cut to a few rows (or, for a windowed table,
 * to the newest few windows of each key), with counts and a title naming the ksqlDB table and its
 * Kafka topic, rendered as an aligned text table.
 */
import type { CreatedSource } from '../ksql/statements.ts';
import type { PulledTable, TableDescription } from './verify-ksqldb.ts';

export interface VerifiedSource {
  name: string;
  topic: string;
  /** The CREATE TABLE AS SELECT that writes the topic (to see which columns copy which). */
  statement: CreatedSource;
}

export interface ViewOptions {
  /** Rows shown of an unwindowed table (the first ones by key). */
  rows: number;
  /** Newest windows shown per key of a windowed table. */
  windowsPerKey: number;
}

export interface TableView {
  name: string;
  topic: string;
  windowType: string | null;
  /** Rows the table holds: one per key, or per key and window. */
  rowCount: number;
  /** Distinct keys among them. */
  keyCount: number;
  /** Title line and the line saying what is shown. */
  title: string;
  subtitle: string;
  columns: string[];
  rightAligned: boolean[];
  cells: string[][];
}

const compact = (expression: string) => expression.replace(/\s+/g, '').toUpperCase();
const NUMERIC = new Set(['INTEGER', 'INT', 'BIGINT', 'DOUBLE', 'DECIMAL']);

/**
 * Columns that only repeat another column, mapped to the column that holds the copy: a GROUP BY key
 * copied into the value with AS_VALUE (`source_key` -> `source`), and real ksqlDB's WINDOWSTART /
 * WINDOWEND pseudo columns when the statement copies them into aliases (`window_start`).
 */
export function copiedColumns(columns: string[], statement: CreatedSource): Map<string, string> {
  const byExpression = new Map(Object.entries(statement.expressions).map(([name, e]) => [compact(e), name]));
  const copies = new Map<string, string>();
  for (const column of columns) {
    const expression = statement.expressions[column];
    const pseudo = column === 'WINDOWSTART' || column === 'WINDOWEND';
    const copy = pseudo ? byExpression.get(column) : expression !== undefined ? byExpression.get(`AS_VALUE(${compact(expression)})`) : undefined;
    if (copy !== undefined && copy !== column && columns.includes(copy)) copies.set(column, copy);
  }
  return copies;
}

/** Numbers by value, everything else by its text; null first. Deterministic (no locale). */
function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareKeys(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return 0;
}

/** Epoch-millis columns: window bounds (pseudo columns or their aliases) and BIGINT `*_ts` / `*timestamp`. */
function isTimeColumn(name: string, type: string | undefined, statement: CreatedSource): boolean {
  if (name === 'WINDOWSTART' || name === 'WINDOWEND') return true;
  const expression = compact(statement.expressions[name] ?? '');
  if (expression === 'WINDOWSTART' || expression === 'WINDOWEND') return true;
  return type === 'BIGINT' && /(_ts|timestamp)$/i.test(name);
}

function formatCell(value: unknown, time: boolean): string {
  if (value === null || value === undefined) return 'null';
  if (time && typeof value === 'number') return new Date(value).toISOString();
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Index of the column holding the window start: WINDOWSTART itself, or the alias it was copied to. */
function windowStartIndex(columns: string[], statement: CreatedSource): number {
  const pseudo = columns.indexOf('WINDOWSTART');
  if (pseudo >= 0) return pseudo;
  return columns.findIndex((c) => compact(statement.expressions[c] ?? '') === 'WINDOWSTART');
}

/** Groups rows by key; each group's rows sorted newest window first and cut to `perKey`. Groups in key order. */
function newestWindows(rows: unknown[][], keyOf: (row: unknown[]) => unknown[], startIndex: number, perKey: number): { shown: unknown[][]; keys: number } {
  const groups = new Map<string, { key: unknown[]; rows: unknown[][] }>();
  for (const row of rows) {
    const key = keyOf(row);
    const id = JSON.stringify(key);
    const group = groups.get(id) ?? { key, rows: [] };
    group.rows.push(row);
    groups.set(id, group);
  }
  const ordered = [...groups.values()].sort((a, b) => compareKeys(a.key, b.key));
  const shown = ordered.flatMap((g) => g.rows.sort((a, b) => compareValues(b[startIndex], a[startIndex])).slice(0, perKey));
  return { shown, keys: groups.size };
}

export function tableView(source: VerifiedSource, description: TableDescription, pulled: PulledTable, options: ViewOptions): TableView {
  const { columns, columnTypes } = pulled;
  const copies = copiedColumns(columns, source.statement);
  const keyIndexes = description.keyColumns.map((k) => columns.indexOf(k)).filter((i) => i >= 0);
  const keyOf = (row: unknown[]) => keyIndexes.map((i) => row[i]);
  // A key column hidden as a copy is named by the column that shows it.
  const keyLabel = description.keyColumns.map((k) => copies.get(k) ?? k).join(', ') || 'key';
  const startIndex = windowStartIndex(columns, source.statement);
  const windowed = description.windowType !== null && startIndex >= 0;

  let shown: unknown[][];
  let keyCount: number;
  let subtitle: string;
  if (windowed) {
    const picked = newestWindows(pulled.rows, keyOf, startIndex, options.windowsPerKey);
    shown = picked.shown;
    keyCount = picked.keys;
    const which = options.windowsPerKey > 0 ? `showing the newest ${options.windowsPerKey} per ${keyLabel}, newest first; times in UTC` : 'counts only';
    subtitle = `${pulled.rows.length} window(s) over ${keyCount} key(s) (${keyLabel}); ${which}`;
  } else {
    shown = [...pulled.rows].sort((a, b) => compareKeys(keyOf(a), keyOf(b))).slice(0, options.rows);
    keyCount = pulled.rows.length;
    const which = options.rows === 0 ? 'counts only' : shown.length < pulled.rows.length ? `showing the first ${shown.length} by ${keyLabel}` : 'showing all';
    subtitle = `${pulled.rows.length} row(s), one per ${keyLabel}; ${which}`;
  }

  const visible = columns.map((c, i) => i).filter((i) => !copies.has(columns[i]));
  const time = columns.map((c, i) => isTimeColumn(c, columnTypes[i], source.statement));
  const windowNote = description.windowType ? `, ${description.windowType} windows` : '';
  return {
    name: source.name,
    topic: source.topic,
    windowType: description.windowType,
    rowCount: pulled.rows.length,
    keyCount,
    title: `== ${source.name}  (ksqlDB table${windowNote}; Kafka topic ${source.topic})`,
    subtitle,
    columns: visible.map((i) => columns[i]),
    rightAligned: visible.map((i) => NUMERIC.has(columnTypes[i] ?? '') && !time[i]),
    cells: shown.map((row) => visible.map((i) => formatCell(row[i], time[i]))),
  };
}

/** An aligned text table: numbers right-aligned, everything else left-aligned. */
export function formatTable(columns: string[], cells: string[][], rightAligned: boolean[] = []): string {
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const pad = (text: string, i: number) => (rightAligned[i] ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const line = (r: string[]) => `| ${r.map((c, i) => pad(c ?? '', i)).join(' | ')} |`;
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  return [rule, `| ${columns.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`, rule, ...cells.map(line), rule].join('\n');
}

export function renderView(view: TableView): string {
  const lines = [view.title, `   ${view.subtitle}`];
  if (view.cells.length > 0) lines.push(formatTable(view.columns, view.cells, view.rightAligned));
  return lines.join('\n');
}
