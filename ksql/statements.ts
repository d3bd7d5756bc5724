/**
 * The ksql statement files, rendered from config/ and split into single statements.
 *
 * The files in this folder are applied in order. Their `${NAME}` placeholders (ksqlDB's own variable
 * syntax, so an unrendered file still runs in the ksqlDB CLI after DEFINEs) are filled from config:
 * topic names, partitions/replicas and window lengths. The same rendered statements go to real ksqlDB
 * and to the embedded engine.
 */
import { readFileSync } from 'node:fs';
import type { AppConfig } from '../config/index.ts';

/** The statement files, in the order they must be applied. */
export const STATEMENT_FILES = ['01-sources.sql', '02-cleaned-users.sql', '03-pageview-country.sql', '04-windows.sql'] as const;

export type StatementFile = (typeof STATEMENT_FILES)[number];

export interface RenderedFile {
  /** File name inside ksql/, e.g. `01-sources.sql`. */
  file: StatementFile;
  /** The whole file with every placeholder replaced (comments kept). */
  sql: string;
}

/** The value of every placeholder the statement files may use, from config. */
export function statementVariables(config: AppConfig): Record<string, string> {
  const { topics, kafka, windows } = config;
  return {
    TOPIC_PAGEVIEW: topics.pageview,
    TOPIC_USER_SESSION: topics.userSession,
    TOPIC_USERS: topics.users,
    TOPIC_CLEANED_USERS: topics.cleanedUsers,
    TOPIC_PAGEVIEW_COUNTRY: topics.pageviewCountry,
    TOPIC_PAGEVIEW_TUMBLING: topics.pageviewTumbling,
    TOPIC_PAGEVIEW_HOPPING: topics.pageviewHopping,
    TOPIC_PAGEVIEW_SESSION: topics.pageviewSession,
    PARTITIONS: String(kafka.partitions),
    REPLICAS: String(kafka.replicationFactor),
    TUMBLING_SECONDS: String(windows.tumblingSeconds),
    HOPPING_SECONDS: String(windows.hoppingSeconds),
    HOPPING_ADVANCE_SECONDS: String(windows.hoppingAdvanceSeconds),
    SESSION_GAP_SECONDS: String(windows.sessionGapSeconds),
  };
}

/**
 * Replace `${NAME}` with `variables[NAME]` (names are case-insensitive, as in ksqlDB); `$${NAME}` is
 * an escape that leaves `${NAME}` in the text. An unknown name is an error naming the source.
 */
export function renderTemplate(template: string, variables: Record<string, string>, source = 'template'): string {
  const byUpperName = new Map(Object.entries(variables).map(([name, value]) => [name.toUpperCase(), value]));
  return template.replace(/(\$?)\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (match, escape: string, name: string) => {
    if (escape) return match.slice(1);
    const value = byUpperName.get(name.toUpperCase());
    if (value === undefined) {
      const line = template.slice(0, template.indexOf(match)).split('\n').length;
      throw new Error(`${source}:${line}: unknown placeholder \${${name}} (known: ${[...byUpperName.keys()].join(', ')})`);
    }
    return value;
  });
}

/** Read one statement file from this folder, unrendered. */
export function readStatementFile(file: StatementFile): string {
  return readFileSync(new URL(file, import.meta.url), 'utf8');
}

/** Every statement file, in order, rendered from config. */
export function renderStatements(config: AppConfig): RenderedFile[] {
  const variables = statementVariables(config);
  return STATEMENT_FILES.map((file) => ({ file, sql: renderTemplate(readStatementFile(file), variables, `ksql/${file}`) }));
}

/**
 * A scenario's statement files (`<folder>/<file>` for each file, in order), rendered with `variables`
 * and split into single statements: the same mechanism as the PageView files above.
 */
export function renderStatementFiles(folder: URL, files: readonly string[], variables: Record<string, string>): string[] {
  return files.flatMap((file) => {
    const url = new URL(file, folder);
    return splitStatements(renderTemplate(readFileSync(url, 'utf8'), variables, url.pathname));
  });
}

/** Every single statement of every file, in the order to send them, each ending with `;`. */
export function renderedStatements(config: AppConfig): string[] {
  return renderStatements(config).flatMap(({ sql }) => splitStatements(sql));
}

/**
 * Split SQL text into single statements at top-level semicolons. Semicolons inside '…' strings
 * ('' escapes a quote), `…` and "…" identifiers, `--` line comments and block comments do not
 * split. Comments are removed; each statement is trimmed and ends with `;`. Text after the last
 * semicolon that is not blank becomes a final statement. An unterminated string, identifier or
 * block comment is an error.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  const flush = (): void => {
    const text = current.trim();
    if (text !== '') statements.push(`${text};`);
    current = '';
  };
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end; // keep the newline itself
      continue;
    }
    if (ch === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) throw new SyntaxError(`unterminated block comment starting at ${position(sql, i)}`);
      current += ' ';
      i = end + 2;
      continue;
    }
    if (ch === "'" || ch === '`' || ch === '"') {
      const end = closingQuote(sql, i);
      current += sql.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    if (ch === ';') {
      flush();
      i += 1;
      continue;
    }
    current += ch;
    i += 1;
  }
  flush();
  return statements;
}

/** Index of the quote closing the one at `start`; a doubled quote is an escaped one. */
function closingQuote(sql: string, start: number): number {
  const quote = sql[start]!;
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i;
    }
    i += 1;
  }
  const what = quote === "'" ? 'string' : 'quoted identifier';
  throw new SyntaxError(`unterminated ${what} starting at ${position(sql, start)}`);
}

function position(sql: string, index: number): string {
  const before = sql.slice(0, index).split('\n');
  return `line ${before.length}:${before[before.length - 1]!.length + 1}`;
}

/** What a CREATE statement makes, as far as the rest of the stack needs to know. */
export interface CreatedSource {
  kind: 'STREAM' | 'TABLE';
  /** Source name as ksqlDB stores it (unquoted names upper-cased). */
  name: string;
  /** KAFKA_TOPIC of the WITH clause. */
  topic: string;
  /** True for CREATE … AS SELECT (a persistent query writes the topic). */
  query: boolean;
  /** For AS SELECT: every output column of the projection, named as ksqlDB stores it. */
  columns: string[];
  /** For AS SELECT … GROUP BY: the output columns that hold a grouping expression (the Kafka key). */
  keyColumns: string[];
  /** For AS SELECT … GROUP BY: the output columns written to the Kafka value (what Pinot reads). */
  valueColumns: string[];
  /** For AS SELECT: the expression behind each output column, keyed by column name. */
  expressions: Record<string, string>;
}

/**
 * Describe a single CREATE STREAM/TABLE statement (as produced by splitStatements), or return
 * undefined for any other statement. Handles the shapes used in this folder, not all of ksql.
 */
export function describeStatement(statement: string): CreatedSource | undefined {
  const head = /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:SOURCE\s+)?(STREAM|TABLE)\s+(?:IF\s+NOT\s+EXISTS\s+)?(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)/i.exec(statement);
  if (!head) return undefined;
  const topic = /\bKAFKA_TOPIC\s*=\s*'([^']*)'/i.exec(statement)?.[1];
  if (topic === undefined) throw new Error(`CREATE statement without KAFKA_TOPIC: ${statement.slice(0, 80)}…`);
  const select = /\)\s*AS\s+SELECT\s+([\s\S]*?)\s+FROM\s/i.exec(statement);
  const items = select ? splitTopLevel(select[1]!).map(projectionItem) : [];
  const groupByText = /\bGROUP\s+BY\s+([\s\S]*?)(?=\s+(?:PARTITION\s+BY|HAVING|EMIT|LIMIT)\b|\s*;?\s*$)/i.exec(statement)?.[1];
  const groupBy = groupByText ? splitTopLevel(groupByText).map(normalizeExpression) : [];
  const keyColumns = items.filter((item) => groupBy.includes(normalizeExpression(item.expression))).map((item) => item.name);
  return {
    kind: head[1]!.toUpperCase() as 'STREAM' | 'TABLE',
    name: identifierName(head[2]!),
    topic,
    query: select !== null,
    columns: items.map((item) => item.name),
    keyColumns,
    valueColumns: groupBy.length > 0 ? items.map((item) => item.name).filter((name) => !keyColumns.includes(name)) : [],
    expressions: Object.fromEntries(items.map((item) => [item.name, item.expression])),
  };
}

/** Split a list at commas that are not inside parentheses. */
function splitTopLevel(list: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i += 1) {
    const ch = list[i];
    if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
    else if (ch === ',' && depth === 0) {
      items.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  items.push(list.slice(start).trim());
  return items.filter(Boolean);
}

/** A projection item's expression and the name ksqlDB gives it: its alias, else a plain column's name. */
function projectionItem(item: string): { expression: string; name: string } {
  const alias = /^([\s\S]*?)\s+AS\s+(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)\s*$/i.exec(item);
  if (alias) return { expression: alias[1]!.trim(), name: identifierName(alias[2]!) };
  const column = /^(?:[A-Za-z_][A-Za-z0-9_]*\.)?(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)$/.exec(item.trim());
  if (column) return { expression: item.trim(), name: identifierName(column[1]!) };
  throw new Error(`projection item needs an alias: ${item}`);
}

function normalizeExpression(expression: string): string {
  return expression.replace(/\s+/g, ' ').trim().toUpperCase();
}

function identifierName(identifier: string): string {
  return identifier.startsWith('`') ? identifier.slice(1, -1) : identifier.toUpperCase();
}
