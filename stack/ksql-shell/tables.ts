/**
 * The two table layouts of ksqlDB's CLI. Statement answers (SHOW, LIST, DESCRIBE, a command's message)
 * are a table sized to its contents, columns split by ` | ` between dashed rules. Query rows arrive
 * one at a time, so they are cells of one fixed width (the terminal's width shared by the columns),
 * between `|`, a long value wrapped onto further lines of its cell.
 */

export interface TextTable {
  headers: string[];
  rows: string[][];
  /** Lines printed before the table and after it. */
  before?: string[];
  after?: string[];
}

/** The lines of a statement answer's table, its rules no wider than `width`. */
export function renderTable(table: TextTable, width: number): string[] {
  const lines = [...(table.before ?? [])];
  if (table.headers.length > 0) {
    const widths = table.headers.map((h, i) => Math.max(h.length, ...table.rows.map((r) => longestLine(r[i] ?? ''))));
    const ruleLength = widths.reduce((sum, w) => sum + w + 3, -1);
    const rule = '-'.repeat(Math.min(width, ruleLength));
    const line = (cells: string[]) => ` ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} `;
    lines.push(line(table.headers), rule, ...table.rows.map(line), rule);
  }
  lines.push(...(table.after ?? []));
  return lines;
}

function longestLine(text: string): number {
  return Math.max(0, ...text.split('\n').map((l) => l.length));
}

const MIN_CELL_WIDTH = 5;

/** The width of each cell of a query's rows: the terminal's width shared by `columns`, at least 5. */
export function cellWidth(width: number, columns: number): number {
  return columns === 0 ? MIN_CELL_WIDTH : Math.max(Math.floor(width / columns) - 2, MIN_CELL_WIDTH);
}

/** A query's header: the column names between two `+---+` rules. */
export function renderQueryHeader(columns: string[], width: number): string[] {
  const cell = cellWidth(width, columns.length);
  const rule = `+${columns.map(() => '-'.repeat(cell)).join('+')}+`;
  return [rule, ...renderQueryRow(columns, cell), rule];
}

/** One row of a query's answer, `|a    |b    |`, a value longer than `cell` wrapped onto more lines. */
export function renderQueryRow(values: string[], cell: number): string[] {
  if (values.length === 0) return [];
  const pieces = values.map((v) => {
    const parts: string[] = [];
    for (let i = 0; i < v.length; i += cell) parts.push(v.slice(i, i + cell));
    return parts.length > 0 ? parts : [''];
  });
  const height = Math.max(...pieces.map((p) => p.length));
  const lines: string[] = [];
  for (let row = 0; row < height; row++) lines.push(`|${pieces.map((p) => (p[row] ?? '').padEnd(cell)).join('|')}|`);
  return lines;
}
