/**
 * MySQL/MariaDB result columns -> Connect schemas, as the JDBC source's MySQL dialect maps them
 * (unsigned widening, DECIMAL by numeric.mapping, DATE/TIME/DATETIME/TIMESTAMP as logical types), and
 * mysql2 values -> Connect values.
 */
import type { FieldPacket } from 'mysql2/promise';
import { LOGICAL, type Field, type Schema, type SchemaType } from '../data/schema.ts';

const T = {
  DECIMAL: 0, TINY: 1, SHORT: 2, LONG: 3, FLOAT: 4, DOUBLE: 5, NULL: 6, TIMESTAMP: 7, LONGLONG: 8, INT24: 9,
  DATE: 10, TIME: 11, DATETIME: 12, YEAR: 13, NEWDATE: 14, VARCHAR: 15, BIT: 16, TIMESTAMP2: 17, DATETIME2: 18,
  TIME2: 19, JSON: 245, NEWDECIMAL: 246, ENUM: 247, SET: 248, TINY_BLOB: 249, MEDIUM_BLOB: 250, LONG_BLOB: 251,
  BLOB: 252, VAR_STRING: 253, STRING: 254, GEOMETRY: 255,
} as const;

const NOT_NULL = 1;
const UNSIGNED = 32;
const BINARY_CHARSET = 63;

export type NumericMapping = 'none' | 'precision_only' | 'best_fit' | 'best_fit_eager_double';

export type ValueKind = 'int' | 'bigint' | 'float' | 'float32' | 'decimal' | 'date' | 'time' | 'timestamp' | 'string' | 'bytes' | 'boolean' | 'json';

export interface ColumnMapping {
  field: Field;
  kind: ValueKind;
}

function flagsOf(f: FieldPacket): number {
  return typeof f.flags === 'number' ? f.flags : 0;
}

function intType(bits: number): SchemaType {
  return bits <= 8 ? 'int8' : bits <= 16 ? 'int16' : bits <= 32 ? 'int32' : 'int64';
}

export function columnMapping(f: FieldPacket, numericMapping: NumericMapping): ColumnMapping {
  const flags = flagsOf(f);
  const optional = (flags & NOT_NULL) === 0;
  const unsigned = (flags & UNSIGNED) !== 0;
  const type = f.columnType ?? f.type ?? T.VAR_STRING;
  const make = (schemaType: SchemaType, kind: ValueKind, extra: Partial<Schema> = {}): ColumnMapping =>
    ({ field: { name: f.name, schema: { type: schemaType, optional, ...extra } }, kind });
  switch (type) {
    case T.TINY: return make(unsigned ? 'int16' : 'int8', 'int');
    case T.SHORT: return make(unsigned ? 'int32' : 'int16', 'int');
    case T.INT24: return make('int32', 'int');
    case T.LONG: return make(unsigned ? 'int64' : 'int32', 'int');
    case T.LONGLONG: return make('int64', 'bigint');
    case T.YEAR: return make('int32', 'int');
    case T.FLOAT: return make('float32', 'float32');
    case T.DOUBLE: return make('float64', 'float');
    case T.DECIMAL:
    case T.NEWDECIMAL: {
      const scale = f.decimals;
      const precision = (f.columnLength ?? 10) - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1);
      if (numericMapping !== 'none' && scale === 0 && precision < 19) {
        return make(precision > 9 ? 'int64' : precision > 4 ? 'int32' : precision > 2 ? 'int16' : 'int8', precision > 9 ? 'bigint' : 'int');
      }
      if ((numericMapping === 'best_fit' && scale > 0 && precision <= 15) || (numericMapping === 'best_fit_eager_double' && scale > 0)) {
        return make('float64', 'float');
      }
      return make('bytes', 'decimal', {
        name: LOGICAL.decimal, version: 1,
        parameters: { scale: String(scale), 'connect.decimal.precision': String(precision) },
      });
    }
    case T.DATE:
    case T.NEWDATE: return make('int32', 'date', { name: LOGICAL.date, version: 1 });
    case T.TIME:
    case T.TIME2: return make('int32', 'time', { name: LOGICAL.time, version: 1 });
    case T.DATETIME:
    case T.DATETIME2:
    case T.TIMESTAMP:
    case T.TIMESTAMP2: return make('int64', 'timestamp', { name: LOGICAL.timestamp, version: 1 });
    case T.BIT: return (f.columnLength ?? 1) === 1 ? make('boolean', 'boolean') : make('bytes', 'bytes');
    case T.JSON: return make('string', 'json');
    case T.TINY_BLOB: case T.MEDIUM_BLOB: case T.LONG_BLOB: case T.BLOB: case T.VAR_STRING: case T.STRING: case T.VARCHAR:
      return f.characterSet === BINARY_CHARSET ? make('bytes', 'bytes') : make('string', 'string');
    case T.GEOMETRY: return make('bytes', 'bytes');
    default: return make('string', 'string');
  }
}

export { intType };

/** A mysql2 value (typeCast as in querier.ts) -> the Connect value for its column. */
export function toConnectValue(value: unknown, kind: ValueKind): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'int':
      return typeof value === 'number' ? value : Number(value);
    case 'bigint': {
      if (typeof value === 'number') return value;
      const big = BigInt(String(value));
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
    case 'float':
      return typeof value === 'number' ? value : Number(value);
    case 'float32':
      return Math.fround(typeof value === 'number' ? value : Number(value));
    case 'decimal':
      return String(value);
    case 'date':
    case 'timestamp':
      return value instanceof Date ? value : new Date(String(value));
    case 'time': {
      const m = /^(-?)(\d+):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(String(value));
      if (!m) return new Date(0);
      const ms = ((Number(m[2]) * 60 + Number(m[3])) * 60 + Number(m[4])) * 1000 + Math.floor(Number(`0.${m[5] ?? '0'}`) * 1000);
      return new Date(m[1] === '-' ? -ms : ms);
    }
    case 'boolean':
      return Buffer.isBuffer(value) ? value.some((b) => b !== 0) : Boolean(value);
    case 'bytes':
      return Buffer.isBuffer(value) ? value : Buffer.from(String(value));
    case 'json':
    case 'string':
      return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
}
