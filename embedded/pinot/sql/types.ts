/**
 * Result types as Pinot's single-stage engine reports them (`INT`, `STRING_ARRAY`, …), the rules that
 * combine them, and the CAST targets with their DuckDB counterparts.
 */
import type { PinotDataType } from '../schema.ts';

export type BaseType = PinotDataType | 'UNKNOWN';

export interface OutType {
  base: BaseType;
  array: boolean;
}

/** `INT`, `STRING_ARRAY`, … as Pinot's DataSchema names them. */
export function typeName(type: OutType): string {
  return type.array ? `${type.base}_ARRAY` : type.base;
}

export const T = (base: BaseType, array = false): OutType => ({ base, array });
export const INT = T('INT');
export const LONG = T('LONG');
export const DOUBLE = T('DOUBLE');
export const STRING = T('STRING');
export const BOOLEAN = T('BOOLEAN');
export const TIMESTAMP = T('TIMESTAMP');
export const UNKNOWN = T('UNKNOWN');

export const NUMERIC = new Set<BaseType>(['INT', 'LONG', 'FLOAT', 'DOUBLE', 'BIG_DECIMAL']);
export const INTEGRAL = new Set<BaseType>(['INT', 'LONG']);

/** The one type of several branches (CASE, COALESCE): the same type, else LONG / DOUBLE for numbers, else STRING. */
export function unify(types: OutType[]): OutType {
  const known = types.filter((t) => t.base !== 'UNKNOWN');
  if (known.length === 0) return UNKNOWN;
  const first = known[0]!;
  if (known.every((t) => t.base === first.base && t.array === first.array)) return first;
  if (known.every((t) => NUMERIC.has(t.base) && !t.array)) {
    if (known.every((t) => INTEGRAL.has(t.base))) return LONG;
    return DOUBLE;
  }
  return STRING;
}

/** Type names a query may CAST to (also the result types of jsonExtractScalar, lastWithTime …): DuckDB type, Pinot type. */
export const CAST_TYPES: Record<string, [duckdb: string, pinot: BaseType]> = {
  INT: ['INTEGER', 'INT'],
  INTEGER: ['INTEGER', 'INT'],
  LONG: ['BIGINT', 'LONG'],
  BIGINT: ['BIGINT', 'LONG'],
  FLOAT: ['FLOAT', 'FLOAT'],
  REAL: ['FLOAT', 'FLOAT'],
  DOUBLE: ['DOUBLE', 'DOUBLE'],
  DECIMAL: ['DECIMAL(38,10)', 'BIG_DECIMAL'],
  BIG_DECIMAL: ['DECIMAL(38,10)', 'BIG_DECIMAL'],
  BIGDECIMAL: ['DECIMAL(38,10)', 'BIG_DECIMAL'],
  STRING: ['VARCHAR', 'STRING'],
  VARCHAR: ['VARCHAR', 'STRING'],
  CHAR: ['VARCHAR', 'STRING'],
  BOOLEAN: ['BOOLEAN', 'BOOLEAN'],
  BOOL: ['BOOLEAN', 'BOOLEAN'],
  TIMESTAMP: ['BIGINT', 'TIMESTAMP'],
  JSON: ['VARCHAR', 'JSON'],
  BYTES: ['BLOB', 'BYTES'],
  VARBINARY: ['BLOB', 'BYTES'],
};
