/**
 * MySQL/MariaDB result columns -> Connect schemas, as the JDBC source's MySQL dialect (GenericDatabaseDialect's
 * addFieldToSchema) maps the JDBC types Connector/J reports for them, and mysql2 values -> Connect values:
 * - TINYINT(1)/BOOLEAN and BIT(1) are JDBC BIT (Connector/J's tinyInt1isBit) -> int8 holding 0/1;
 * - unsigned TINYINT/SMALLINT/MEDIUMINT/INT widen to the next type (MEDIUMINT is JDBC INTEGER: int32, unsigned int64);
 * - DECIMAL/NUMERIC columns are JDBC DECIMAL on MySQL, so always the Decimal logical type: `numeric.mapping`
 *   acts on JDBC NUMERIC only, which MySQL never reports (kafka-connect-jdbc issue #563);
 * - YEAR is JDBC DATE (Connector/J's yearIsDateType) -> Date; DATE/TIME/DATETIME/TIMESTAMP -> Date/Time/Timestamp
 *   (TIMESTAMP as `timestamp.granularity` says);
 * - DATETIME/TIMESTAMP/TIME wall clocks are read in `db.timezone` (GenericDatabaseDialect's Calendar of that zone);
 *   DATE always in UTC (the source dialect's dateTimeZone).
 */
import type { FieldPacket } from 'mysql2/promise';
import { LOGICAL, type Field, type Schema, type SchemaType } from '../data/schema.ts';
import { wallClockToInstant, zoneOffsetMs } from './time-zone.ts';
import { timestampSchema, timestampValue, type TimestampGranularity } from './timestamp-granularity.ts';

/** How the connector's config reads time values: `db.timezone` and `timestamp.granularity`. */
export interface TimeSettings {
  zone: string;
  granularity: TimestampGranularity;
}

export const DEFAULT_TIME_SETTINGS: TimeSettings = { zone: 'UTC', granularity: 'connect_logical' };

const T = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  NULL: 6,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  NEWDATE: 14,
  VARCHAR: 15,
  BIT: 16,
  TIMESTAMP2: 17,
  DATETIME2: 18,
  TIME2: 19,
  JSON: 245,
  NEWDECIMAL: 246,
  ENUM: 247,
  SET: 248,
  TINY_BLOB: 249,
  MEDIUM_BLOB: 250,
  LONG_BLOB: 251,
  BLOB: 252,
  VAR_STRING: 253,
  STRING: 254,
  GEOMETRY: 255,
} as const;

const NOT_NULL = 1;
const UNSIGNED = 32;
const BINARY_CHARSET = 63;

export type ValueKind = 'bit' | 'year' | 'int' | 'bigint' | 'float' | 'float32' | 'decimal' | 'date' | 'time' | 'timestamp' | 'string' | 'bytes' | 'json';

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

export function columnMapping(f: FieldPacket, time: TimeSettings = DEFAULT_TIME_SETTINGS): ColumnMapping {
  const flags = flagsOf(f);
  const optional = (flags & NOT_NULL) === 0;
  const unsigned = (flags & UNSIGNED) !== 0;
  const type = f.columnType ?? f.type ?? T.VAR_STRING;
  const make = (schemaType: SchemaType, kind: ValueKind, extra: Partial<Schema> = {}): ColumnMapping => ({
    field: { name: f.name, schema: { type: schemaType, optional, ...extra } },
    kind,
  });
  switch (type) {
    case T.TINY:
      return (f.columnLength ?? 4) === 1 ? make('int8', 'bit') : make(unsigned ? 'int16' : 'int8', 'int');
    case T.SHORT:
      return make(unsigned ? 'int32' : 'int16', 'int');
    case T.INT24:
      return make(unsigned ? 'int64' : 'int32', 'int');
    case T.LONG:
      return make(unsigned ? 'int64' : 'int32', 'int');
    case T.LONGLONG:
      return make('int64', 'bigint');
    case T.YEAR:
      return make('int32', 'year', { name: LOGICAL.date, version: 1 });
    case T.FLOAT:
      return make('float32', 'float32');
    case T.DOUBLE:
      return make('float64', 'float');
    case T.DECIMAL:
    case T.NEWDECIMAL: {
      const scale = f.decimals;
      const precision = (f.columnLength ?? 10) - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1);
      return make('bytes', 'decimal', {
        name: LOGICAL.decimal,
        version: 1,
        parameters: { scale: String(scale), 'connect.decimal.precision': String(precision) },
      });
    }
    case T.DATE:
    case T.NEWDATE:
      return make('int32', 'date', { name: LOGICAL.date, version: 1 });
    case T.TIME:
    case T.TIME2:
      return make('int32', 'time', { name: LOGICAL.time, version: 1 });
    case T.DATETIME:
    case T.DATETIME2:
    case T.TIMESTAMP:
    case T.TIMESTAMP2:
      return { field: { name: f.name, schema: timestampSchema(time.granularity, optional) }, kind: 'timestamp' };
    case T.BIT:
      return (f.columnLength ?? 1) === 1 ? make('int8', 'bit') : make('bytes', 'bytes');
    case T.JSON:
      return make('string', 'json');
    case T.TINY_BLOB:
    case T.MEDIUM_BLOB:
    case T.LONG_BLOB:
    case T.BLOB:
    case T.VAR_STRING:
    case T.STRING:
    case T.VARCHAR:
      return f.characterSet === BINARY_CHARSET ? make('bytes', 'bytes') : make('string', 'string');
    case T.GEOMETRY:
      return make('bytes', 'bytes');
    default:
      return make('string', 'string');
  }
}

export { intType };

/**
 * A mysql2 value -> the Connect value for its column. DATETIME/TIMESTAMP arrive as the server's text (the
 * connection's dateStrings), TIME as text, DATE as a Date at UTC midnight.
 */
export function toConnectValue(value: unknown, kind: ValueKind, time: TimeSettings = DEFAULT_TIME_SETTINGS): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'int':
      return typeof value === 'number' ? value : Number(value);
    case 'bit':
      return Buffer.isBuffer(value) ? (value.some((b) => b !== 0) ? 1 : 0) : Number(value);
    case 'year':
      return new Date(Date.UTC(Number(value), 0, 1));
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
      return value instanceof Date ? value : new Date(String(value));
    case 'timestamp':
      return timestampValue(
        time.granularity,
        value instanceof Date
          ? { epochMs: value.getTime(), nanos: (((value.getTime() % 1000) + 1000) % 1000) * 1e6 }
          : wallClockToInstant(time.zone, String(value)),
        time.zone,
      );
    case 'time': {
      const m = /^(-?)(\d+):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(String(value));
      if (!m) return new Date(0);
      const ms = ((Number(m[2]) * 60 + Number(m[3])) * 60 + Number(m[4])) * 1000 + Math.floor(Number(`0.${m[5] ?? '0'}`) * 1000);
      // getTime(col, cal): the time of day on 1970-01-01 in db.timezone
      const local = m[1] === '-' ? -ms : ms;
      return new Date(local - zoneOffsetMs(time.zone, local));
    }
    case 'bytes':
      return Buffer.isBuffer(value) ? value : Buffer.from(String(value));
    case 'json':
    case 'string':
      return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
}
