// SQL types and logical schemas shared by every stage.

export type SqlBaseType =
  | 'BOOLEAN'
  | 'INTEGER'
  | 'BIGINT'
  | 'DECIMAL'
  | 'DOUBLE'
  | 'STRING'
  | 'BYTES'
  | 'TIMESTAMP'
  | 'DATE'
  | 'TIME'
  | 'ARRAY'
  | 'MAP'
  | 'STRUCT'
  | 'NULL';

export interface StructField {
  name: string;
  type: SqlType;
}

export interface SqlType {
  base: SqlBaseType;
  /** element type for ARRAY */
  item?: SqlType;
  /** key and value types for MAP */
  key?: SqlType;
  value?: SqlType;
  /** fields, in order, for STRUCT */
  fields?: StructField[];
  /** for DECIMAL */
  precision?: number;
  scale?: number;
}

export const T = {
  BOOLEAN: { base: 'BOOLEAN' } as SqlType,
  INTEGER: { base: 'INTEGER' } as SqlType,
  BIGINT: { base: 'BIGINT' } as SqlType,
  DOUBLE: { base: 'DOUBLE' } as SqlType,
  STRING: { base: 'STRING' } as SqlType,
  BYTES: { base: 'BYTES' } as SqlType,
  TIMESTAMP: { base: 'TIMESTAMP' } as SqlType,
  DATE: { base: 'DATE' } as SqlType,
  TIME: { base: 'TIME' } as SqlType,
  NULL: { base: 'NULL' } as SqlType,
  array(item: SqlType): SqlType {
    return { base: 'ARRAY', item };
  },
  map(key: SqlType, value: SqlType): SqlType {
    return { base: 'MAP', key, value };
  },
  struct(fields: StructField[]): SqlType {
    return { base: 'STRUCT', fields };
  },
  decimal(precision: number, scale: number): SqlType {
    return { base: 'DECIMAL', precision, scale };
  },
};

/** ksqlDB's limits and checks on DECIMAL(p,s) (SqlDecimal.validateParameters); returns an error or undefined. */
export function decimalTypeError(precision: number, scale: number): string | undefined {
  if (precision < 1) return `DECIMAL precision must be >= 1: DECIMAL(${precision},${scale})`;
  if (scale < 0) return `DECIMAL scale must be >= 0: DECIMAL(${precision},${scale})`;
  if (precision < scale) return `DECIMAL precision must be >= scale: DECIMAL(${precision},${scale})`;
  return undefined;
}

function fieldName(n: string): string {
  return '`' + n.replace(/`/g, '``') + '`';
}

export function typeToString(t: SqlType): string {
  switch (t.base) {
    case 'ARRAY':
      return `ARRAY<${typeToString(t.item ?? T.STRING)}>`;
    case 'MAP':
      return `MAP<${typeToString(t.key ?? T.STRING)}, ${typeToString(t.value ?? T.STRING)}>`;
    case 'STRUCT':
      if (!t.fields?.length) return 'STRUCT< >';
      return `STRUCT<${(t.fields ?? []).map((f) => `${fieldName(f.name)} ${typeToString(f.type)}`).join(', ')}>`;
    case 'DECIMAL':
      return `DECIMAL(${t.precision}, ${t.scale})`;
    default:
      return t.base;
  }
}

export function typeEquals(a: SqlType, b: SqlType): boolean {
  if (a.base !== b.base) return false;
  switch (a.base) {
    case 'ARRAY':
      return typeEquals(a.item ?? T.NULL, b.item ?? T.NULL);
    case 'MAP':
      return typeEquals(a.key ?? T.NULL, b.key ?? T.NULL) && typeEquals(a.value ?? T.NULL, b.value ?? T.NULL);
    case 'STRUCT': {
      const fa = a.fields ?? [];
      const fb = b.fields ?? [];
      return fa.length === fb.length && fa.every((f, i) => f.name === fb[i]!.name && typeEquals(f.type, fb[i]!.type));
    }
    case 'DECIMAL':
      return a.precision === b.precision && a.scale === b.scale;
    default:
      return true;
  }
}

/** INTEGER, BIGINT, DOUBLE: the numbers held as JS numbers (or bigint for large BIGINT). */
export function isNumeric(t: SqlType): boolean {
  return t.base === 'INTEGER' || t.base === 'BIGINT' || t.base === 'DOUBLE';
}

/** Numeric in SQL's sense: isNumeric or DECIMAL. */
export function isNumber(t: SqlType): boolean {
  return isNumeric(t) || t.base === 'DECIMAL';
}

/** The DECIMAL type an integer type widens to (DecimalUtil.toSqlDecimal). */
export function toDecimalType(t: SqlType): SqlType | undefined {
  if (t.base === 'DECIMAL') return t;
  if (t.base === 'INTEGER') return T.decimal(10, 0);
  if (t.base === 'BIGINT') return T.decimal(19, 0);
  return undefined;
}

const RANK: Record<string, number> = { INTEGER: 1, BIGINT: 2, DOUBLE: 3 };

/** Result type of numeric widening (INT < BIGINT < DECIMAL < DOUBLE), as DecimalUtil.widen for decimals. */
export function widen(a: SqlType, b: SqlType): SqlType {
  if (a.base === 'NULL') return b;
  if (b.base === 'NULL') return a;
  if (a.base === 'DECIMAL' || b.base === 'DECIMAL') {
    if (a.base === 'DOUBLE' || b.base === 'DOUBLE') return T.DOUBLE;
    const l = toDecimalType(a);
    const r = toDecimalType(b);
    if (!l || !r) return a;
    const whole = Math.max(l.precision! - l.scale!, r.precision! - r.scale!);
    const scale = Math.max(l.scale!, r.scale!);
    return T.decimal(whole + scale, scale);
  }
  return (RANK[a.base] ?? 0) >= (RANK[b.base] ?? 0) ? a : b;
}

export type Namespace = 'KEY' | 'VALUE';

export interface Column {
  name: string;
  type: SqlType;
  namespace: Namespace;
  /** a source column read from the record's headers: all of them (HEADERS), or the one with `key` (HEADER('key')) */
  header?: { key?: string };
}

/** The type of a HEADERS column. */
export const HEADERS_TYPE: SqlType = {
  base: 'ARRAY',
  item: {
    base: 'STRUCT',
    fields: [
      { name: 'KEY', type: { base: 'STRING' } },
      { name: 'VALUE', type: { base: 'BYTES' } },
    ],
  },
};

/** The columns a value format carries: the value columns that are not read from headers. */
export function payloadColumns(cols: Column[]): Column[] {
  return cols.some((c) => c.header) ? cols.filter((c) => !c.header) : cols;
}

function headerSuffix(c: Column): string {
  if (!c.header) return '';
  return c.header.key === undefined ? ' HEADERS' : ` HEADER('${c.header.key}')`;
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
    ...s.value.map((c) => `${q(c.name)} ${typeToString(c.type)}${headerSuffix(c)}`),
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
