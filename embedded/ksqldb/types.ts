// SQL types and logical schemas shared by every stage.

export type SqlBaseType = 'BOOLEAN' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'STRING' | 'ARRAY' | 'NULL';

export interface SqlType {
  base: SqlBaseType;
  /** element type for ARRAY */
  item?: SqlType;
}

export const T = {
  BOOLEAN: { base: 'BOOLEAN' } as SqlType,
  INTEGER: { base: 'INTEGER' } as SqlType,
  BIGINT: { base: 'BIGINT' } as SqlType,
  DOUBLE: { base: 'DOUBLE' } as SqlType,
  STRING: { base: 'STRING' } as SqlType,
  NULL: { base: 'NULL' } as SqlType,
  array(item: SqlType): SqlType {
    return { base: 'ARRAY', item };
  },
};

export function typeToString(t: SqlType): string {
  if (t.base === 'ARRAY') return `ARRAY<${typeToString(t.item ?? T.STRING)}>`;
  return t.base;
}

export function typeEquals(a: SqlType, b: SqlType): boolean {
  if (a.base !== b.base) return false;
  if (a.base === 'ARRAY') return typeEquals(a.item ?? T.NULL, b.item ?? T.NULL);
  return true;
}

export function isNumeric(t: SqlType): boolean {
  return t.base === 'INTEGER' || t.base === 'BIGINT' || t.base === 'DOUBLE';
}

const RANK: Record<string, number> = { INTEGER: 1, BIGINT: 2, DOUBLE: 3 };

/** Result type of numeric widening (INT < BIGINT < DOUBLE). */
export function widen(a: SqlType, b: SqlType): SqlType {
  if (a.base === 'NULL') return b;
  if (b.base === 'NULL') return a;
  return (RANK[a.base] ?? 0) >= (RANK[b.base] ?? 0) ? a : b;
}

export type Namespace = 'KEY' | 'VALUE';

export interface Column {
  name: string;
  type: SqlType;
  namespace: Namespace;
}

/** A logical schema: key columns then value columns, in declaration order. */
export interface LogicalSchema {
  key: Column[];
  value: Column[];
}

export function allColumns(s: LogicalSchema): Column[] {
  return [...s.key, ...s.value];
}

export function findColumn(s: LogicalSchema, name: string): Column | undefined {
  return s.key.find((c) => c.name === name) ?? s.value.find((c) => c.name === name);
}

function quoteName(n: string): string {
  return /^[A-Z_][A-Z0-9_]*$/.test(n) ? n : '`' + n.replace(/`/g, '``') + '`';
}

/** Schema text in ksqlDB's DESCRIBE / QTT post-condition style: "`ID` BIGINT KEY, `COUNT` BIGINT". */
export function schemaToString(s: LogicalSchema, quoteAll = true): string {
  const q = (n: string) => (quoteAll ? '`' + n + '`' : quoteName(n));
  return [
    ...s.key.map((c) => `${q(c.name)} ${typeToString(c.type)} KEY`),
    ...s.value.map((c) => `${q(c.name)} ${typeToString(c.type)}`),
  ].join(', ');
}

/** Pseudo columns available to every query. */
export const ROWTIME = 'ROWTIME';
export const ROWPARTITION = 'ROWPARTITION';
export const ROWOFFSET = 'ROWOFFSET';
export const WINDOWSTART = 'WINDOWSTART';
export const WINDOWEND = 'WINDOWEND';
export const PSEUDO_COLUMNS = [ROWTIME, ROWPARTITION, ROWOFFSET];
export const WINDOW_BOUNDS = [WINDOWSTART, WINDOWEND];
export const RESERVED_COLUMNS = [ROWTIME, ROWPARTITION, ROWOFFSET, WINDOWSTART, WINDOWEND];
