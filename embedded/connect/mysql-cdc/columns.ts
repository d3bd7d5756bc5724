/**
 * MySQL columns as Debezium's MySQL connector maps them to Connect schemas and values (its default
 * modes: decimal.handling.mode=precise, time.precision.mode=adaptive_time_microseconds,
 * bigint.unsigned.handling.mode=long). Values come either from a snapshot SELECT (mysql2 with
 * dateStrings off, timezone Z, big numbers as strings) or from a binlog row (zongji); both are turned
 * into the same Connect value here.
 */
import { primitive, type Schema } from '../data/schema.ts';

export interface ColumnInfo {
  name: string;
  /** information_schema.COLUMNS.DATA_TYPE, lower case: int, varchar, datetime… */
  dataType: string;
  /** COLUMN_TYPE, e.g. `int(10) unsigned`, `tinyint(1)`, `enum('a','b')`. */
  columnType: string;
  nullable: boolean;
  primaryKey: boolean;
  scale: number | null;
  precision: number | null;
  datetimePrecision: number | null;
  /** information_schema.COLUMNS.COLUMN_DEFAULT: MariaDB writes a literal (`'none'`, `5`), `NULL` or an expression. */
  columnDefault?: string | null;
}

export type DecimalMode = 'precise' | 'double' | 'string';

export interface MappedColumn {
  info: ColumnInfo;
  schema: Schema;
  toConnect(raw: unknown): unknown;
}

const DAY_MS = 86_400_000;

function asNumber(raw: unknown): number {
  return typeof raw === 'number' ? raw : Number(raw);
}

/** Exact int64: a number when it is safe, a BigInt otherwise (the JSON converter writes both exactly). */
function asInt64(raw: unknown): number | bigint {
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'number') return raw;
  const text = String(raw);
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

/** A DATETIME/TIMESTAMP/DATE value as epoch ms (read as UTC, as Debezium does for DATETIME). */
function epochMs(raw: unknown): number {
  if (raw instanceof Date) return raw.getTime();
  const text = String(raw);
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : `${text.replace(' ', 'T')}Z`;
  return Date.parse(iso);
}

function microsOfTime(raw: unknown): number {
  const text = String(raw);
  const match = /^(-)?(\d+):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(text);
  if (!match) return asNumber(raw) * 1000;
  const micros = ((Number(match[2]) * 60 + Number(match[3])) * 60 + Number(match[4])) * 1_000_000 + Number((match[5] ?? '').padEnd(6, '0').slice(0, 6));
  return match[1] ? -micros : micros;
}

export function mapColumn(info: ColumnInfo, decimalMode: DecimalMode = 'precise'): MappedColumn {
  const optional = info.nullable;
  const unsigned = /unsigned/i.test(info.columnType);
  const plain = (type: Schema['type'], convert: (raw: unknown) => unknown, extra: Partial<Schema> = {}): MappedColumn => {
    const defaultValue = literalDefault(info.columnDefault, type, extra.name);
    return {
      info,
      schema: primitive(type, optional, defaultValue === undefined ? extra : { ...extra, defaultValue }),
      toConnect: (raw) => (raw === null || raw === undefined ? null : convert(raw)),
    };
  };
  switch (info.dataType) {
    case 'bit':
      return /^bit\(1\)$/i.test(info.columnType)
        ? plain('boolean', (raw) => (Buffer.isBuffer(raw) ? raw[0] !== 0 : Boolean(asNumber(raw))))
        : plain('bytes', (raw) => (Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw))), { name: 'io.debezium.data.Bits' });
    case 'tinyint':
      return plain('int16', asNumber);
    case 'smallint':
      return plain(unsigned ? 'int32' : 'int16', asNumber);
    case 'mediumint':
      return plain('int32', asNumber);
    case 'int':
    case 'integer':
      return plain(unsigned ? 'int64' : 'int32', asNumber);
    case 'bigint':
      return plain('int64', asInt64);
    case 'float':
    case 'double':
    case 'real':
      return plain('float64', asNumber);
    case 'decimal':
    case 'numeric': {
      const scale = info.scale ?? 0;
      if (decimalMode === 'double') return plain('float64', asNumber);
      if (decimalMode === 'string') return plain('string', (raw) => String(raw));
      // The Connect value of a Decimal is its text; the converter writes the unscaled bytes.
      return plain('bytes', (raw) => String(raw), {
        name: 'org.apache.kafka.connect.data.Decimal',
        version: 1,
        parameters: { scale: String(scale), 'connect.decimal.precision': String(info.precision ?? 10) },
      });
    }
    case 'date':
      return plain('int32', (raw) => Math.floor(epochMs(raw) / DAY_MS), { name: 'io.debezium.time.Date', version: 1 });
    case 'datetime':
      return (info.datetimePrecision ?? 0) <= 3
        ? plain('int64', epochMs, { name: 'io.debezium.time.Timestamp', version: 1 })
        : plain('int64', (raw) => epochMs(raw) * 1000, { name: 'io.debezium.time.MicroTimestamp', version: 1 });
    case 'timestamp':
      return plain('string', (raw) => new Date(epochMs(raw)).toISOString().replace('.000Z', 'Z'), { name: 'io.debezium.time.ZonedTimestamp', version: 1 });
    case 'time':
      return plain('int64', microsOfTime, { name: 'io.debezium.time.MicroTime', version: 1 });
    case 'year':
      return plain('int32', asNumber, { name: 'io.debezium.time.Year', version: 1 });
    case 'json':
      return plain('string', (raw) => (typeof raw === 'string' ? raw : JSON.stringify(raw)), { name: 'io.debezium.data.Json', version: 1 });
    case 'enum':
      return plain('string', String, { name: 'io.debezium.data.Enum', version: 1, parameters: { allowed: enumValues(info.columnType) } });
    case 'binary':
    case 'varbinary':
    case 'blob':
    case 'tinyblob':
    case 'mediumblob':
    case 'longblob':
      return plain('bytes', (raw) => (Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw))));
    default:
      return plain('string', (raw) => (Buffer.isBuffer(raw) ? raw.toString('utf8') : raw instanceof Date ? raw.toISOString() : String(raw)));
  }
}

/**
 * A column's DEFAULT as Debezium puts it in the field's schema, for the literals whose Connect value is plain:
 * quoted text of an unnamed (or Enum) string field, a number of an integer or float field. Other defaults
 * (expressions such as current_timestamp(), dates, decimals, bits) are left out.
 */
function literalDefault(columnDefault: string | null | undefined, type: Schema['type'], name: string | undefined): string | number | undefined {
  if (columnDefault === null || columnDefault === undefined || columnDefault === 'NULL') return undefined;
  const quoted = /^'((?:[^']|'')*)'$/s.exec(columnDefault);
  if (type === 'string' && (name === undefined || name === 'io.debezium.data.Enum') && quoted) return quoted[1]!.replace(/''/g, "'");
  if (['int16', 'int32', 'int64', 'float64'].includes(type) && /^-?\d+(?:\.\d+)?$/.test(quoted ? quoted[1]! : columnDefault)) {
    return Number(quoted ? quoted[1] : columnDefault);
  }
  return undefined;
}

function enumValues(columnType: string): string {
  return [...columnType.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'")).join(',');
}
