/**
 * Pinot schemas: the JSON format (dimension / metric / dateTime field specs), validation with Pinot's
 * error texts, and the column model the rest of the engine uses (type, single/multi value, the default
 * null value of §3.4, the date-time format).
 */
import { ControllerError } from './errors.ts';

export const DATA_TYPES = ['INT', 'LONG', 'FLOAT', 'DOUBLE', 'BIG_DECIMAL', 'BOOLEAN', 'TIMESTAMP', 'STRING', 'JSON', 'BYTES'] as const;
export type PinotDataType = (typeof DATA_TYPES)[number];

export type FieldType = 'DIMENSION' | 'METRIC' | 'DATE_TIME' | 'TIME';

export interface FieldSpecJson {
  name: string;
  dataType: PinotDataType;
  singleValueField?: boolean;
  defaultNullValue?: unknown;
  maxLength?: number;
  format?: string;
  granularity?: string;
  transformFunction?: string;
  [key: string]: unknown;
}

export interface SchemaJson {
  schemaName: string;
  dimensionFieldSpecs?: FieldSpecJson[];
  metricFieldSpecs?: FieldSpecJson[];
  dateTimeFieldSpecs?: FieldSpecJson[];
  timeFieldSpec?: { incomingGranularitySpec?: { name?: string; dataType?: string; timeType?: string; timeUnitSize?: number }; [key: string]: unknown };
  primaryKeyColumns?: string[];
  [key: string]: unknown;
}

/** Epoch / timestamp / simple-date-format description of a date-time column. */
export type DateTimeFormat =
  | { kind: 'EPOCH'; unitMs: number; size: number }
  | { kind: 'TIMESTAMP' }
  | { kind: 'SIMPLE_DATE_FORMAT'; pattern: string; timeZone: string };

/** One value a column can hold after conversion (JS side): numbers, bigint for LONG, strings, booleans, arrays for MV. */
export type CellValue = number | bigint | string | boolean | Uint8Array | CellValue[];

export interface Column {
  name: string;
  dataType: PinotDataType;
  fieldType: FieldType;
  singleValue: boolean;
  /** The value stored for a missing / null field (already converted to the column type; MV: a one-element array). */
  defaultNull: CellValue;
  /** STRING / JSON / BYTES max length (Pinot trims STRING beyond it). */
  maxLength: number;
  format?: DateTimeFormat;
  transformFunction?: string;
}

export interface ParsedSchema {
  name: string;
  json: SchemaJson;
  /** Columns in schema order: dimensions, metrics, date-times (then the legacy time column). */
  columns: Column[];
  primaryKeyColumns: string[];
  unrecognizedProperties: Record<string, unknown>;
}

const KNOWN_SCHEMA_KEYS = new Set([
  'schemaName',
  'dimensionFieldSpecs',
  'metricFieldSpecs',
  'dateTimeFieldSpecs',
  'timeFieldSpec',
  'complexFieldSpecs',
  'primaryKeyColumns',
  'enableColumnBasedNullHandling',
  'description',
  'tags',
  'version',
]);
const KNOWN_FIELD_KEYS = new Set([
  'name',
  'dataType',
  'singleValueField',
  'defaultNullValue',
  'notNull',
  'maxLength',
  'maxLengthExceedStrategy',
  'transformFunction',
  'description',
  'tags',
  'format',
  'granularity',
  'fieldType',
  'virtualColumnProvider',
  'defaultNullValueString',
  'allowTrailingZeros',
  'sampleValue',
]);

export const TIME_UNIT_MS: Record<string, number> = {
  NANOSECONDS: 1e-6,
  MICROSECONDS: 1e-3,
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
};

const INT_MIN = -2147483648;
const LONG_MIN = -9223372036854775808n;

function invalid(reason: string): never {
  throw new ControllerError(400, `Invalid schema. Reason: ${reason}`);
}

/** Validates a schema JSON body and builds its column model; throws ControllerError(400) with Pinot's wording. */
export function parseSchema(body: unknown): ParsedSchema {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) invalid('schema must be a JSON object');
  const json = body as SchemaJson;
  if (typeof json.schemaName !== 'string' || json.schemaName.trim() === '') invalid("'schemaName' should not be null or empty");
  const unrecognizedProperties: Record<string, unknown> = {};
  for (const key of Object.keys(json)) if (!KNOWN_SCHEMA_KEYS.has(key)) unrecognizedProperties[`/${key}`] = json[key];

  const columns: Column[] = [];
  const groups: [keyof SchemaJson, FieldType][] = [
    ['dimensionFieldSpecs', 'DIMENSION'],
    ['metricFieldSpecs', 'METRIC'],
    ['dateTimeFieldSpecs', 'DATE_TIME'],
  ];
  for (const [key, fieldType] of groups) {
    const specs = json[key];
    if (specs === undefined || specs === null) continue;
    if (!Array.isArray(specs)) invalid(`'${String(key)}' must be an array`);
    specs.forEach((spec: unknown, index: number) => {
      const column = parseFieldSpec(spec, fieldType, `/${String(key)}/${index}`, unrecognizedProperties);
      columns.push(column);
    });
  }
  if (json.timeFieldSpec !== undefined && json.timeFieldSpec !== null) {
    const incoming = json.timeFieldSpec.incomingGranularitySpec;
    if (!incoming || typeof incoming.name !== 'string') invalid("timeFieldSpec must have an incomingGranularitySpec with a 'name'");
    const timeType = String(incoming.timeType ?? 'MILLISECONDS').toUpperCase();
    columns.push(
      parseFieldSpec(
        { name: incoming.name, dataType: incoming.dataType ?? 'LONG', format: `${incoming.timeUnitSize ?? 1}:${timeType}:EPOCH`, granularity: `1:${timeType}` },
        'TIME',
        '/timeFieldSpec',
        unrecognizedProperties,
      ),
    );
  }

  const seen = new Map<string, string>();
  for (const column of columns) {
    const folded = column.name.toLowerCase();
    const other = seen.get(folded);
    if (other === column.name) invalid(`Duplicate column name: ${column.name}`);
    if (other !== undefined) invalid(`column names '${other}' and '${column.name}' differ only in case, which this stand-in does not support`);
    seen.set(folded, column.name);
  }

  const primaryKeyColumns = json.primaryKeyColumns ?? [];
  if (!Array.isArray(primaryKeyColumns) || primaryKeyColumns.some((c) => typeof c !== 'string'))
    invalid("'primaryKeyColumns' must be an array of column names");
  for (const pk of primaryKeyColumns) {
    const column = columns.find((c) => c.name === pk);
    if (!column) invalid(`The primary key column: ${pk} is not present in the schema`);
    if (!column.singleValue) invalid(`The primary key column: ${pk} must be a single-value column`);
  }
  return { name: json.schemaName, json, columns, primaryKeyColumns: [...primaryKeyColumns], unrecognizedProperties };
}

function parseFieldSpec(raw: unknown, fieldType: FieldType, path: string, unrecognized: Record<string, unknown>): Column {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) invalid(`field spec at ${path} must be an object`);
  const spec = raw as FieldSpecJson;
  if (typeof spec.name !== 'string' || spec.name === '') invalid(`field spec at ${path} has no 'name'`);
  if (spec.name.startsWith('$')) invalid(`column name '${spec.name}' must not start with '$'`);
  for (const key of Object.keys(spec)) if (!KNOWN_FIELD_KEYS.has(key)) unrecognized[`${path}/${key}`] = spec[key];
  const dataType = String(spec.dataType ?? '').toUpperCase() as PinotDataType;
  if (!DATA_TYPES.includes(dataType)) invalid(`Unsupported data type: ${String(spec.dataType)} for column: ${spec.name}`);
  if (fieldType === 'METRIC' && !['INT', 'LONG', 'FLOAT', 'DOUBLE', 'BIG_DECIMAL', 'BYTES', 'STRING'].includes(dataType)) {
    invalid(`Unsupported data type: ${dataType} in METRIC field: ${spec.name}`);
  }
  const singleValue = spec.singleValueField !== false;
  if (!singleValue && fieldType !== 'DIMENSION') invalid(`Multi-value is only supported for dimension columns: ${spec.name}`);
  let format: DateTimeFormat | undefined;
  if (fieldType === 'DATE_TIME' || fieldType === 'TIME') {
    if (typeof spec.format !== 'string') invalid(`dateTime field spec ${spec.name} must have a 'format'`);
    if (typeof spec.granularity !== 'string' && fieldType === 'DATE_TIME') invalid(`dateTime field spec ${spec.name} must have a 'granularity'`);
    format = parseDateTimeFormat(spec.format, spec.name);
  }
  const maxLength = typeof spec.maxLength === 'number' && spec.maxLength > 0 ? spec.maxLength : 512;
  const column: Column = {
    name: spec.name,
    dataType,
    fieldType,
    singleValue,
    defaultNull: '',
    maxLength,
    format,
    transformFunction: typeof spec.transformFunction === 'string' ? spec.transformFunction : undefined,
  };
  const base = builtinDefault(dataType, fieldType);
  let value: CellValue = base;
  if (spec.defaultNullValue !== undefined && spec.defaultNullValue !== null) {
    const converted = convertScalar(spec.defaultNullValue, dataType);
    if (converted === undefined) invalid(`Invalid default null value: ${String(spec.defaultNullValue)} for column: ${spec.name} of type ${dataType}`);
    value = converted;
  }
  column.defaultNull = singleValue ? value : [value];
  return column;
}

/** §3.4: the default null value by type and field type. */
export function builtinDefault(dataType: PinotDataType, fieldType: FieldType): CellValue {
  const metric = fieldType === 'METRIC';
  switch (dataType) {
    case 'INT':
      return metric ? 0 : INT_MIN;
    case 'LONG':
      return metric ? 0n : LONG_MIN;
    case 'FLOAT':
    case 'DOUBLE':
      return metric ? 0 : Number.NEGATIVE_INFINITY;
    case 'BIG_DECIMAL':
      return '0';
    case 'BOOLEAN':
      return false;
    case 'TIMESTAMP':
      return 0n;
    case 'STRING':
    case 'JSON':
      return 'null';
    case 'BYTES':
      return new Uint8Array(0);
  }
}

/** Parses `1:MILLISECONDS:EPOCH`, `1:DAYS:SIMPLE_DATE_FORMAT:yyyy-MM-dd`, `EPOCH|SECONDS|1`, `TIMESTAMP`, … */
export function parseDateTimeFormat(format: string, column = '?'): DateTimeFormat {
  const bad = (): never => invalid(`Invalid dateTime format: ${format} for column: ${column}`);
  const trimmed = format.trim();
  if (trimmed.includes('|') || /^(EPOCH|TIMESTAMP|SIMPLE_DATE_FORMAT)$/i.test(trimmed)) {
    const parts = trimmed.split('|');
    const kind = parts[0]!.toUpperCase();
    if (kind === 'EPOCH') {
      const unit = (parts[1] ?? 'MILLISECONDS').toUpperCase();
      const size = parts[2] === undefined ? 1 : Number(parts[2]);
      if (!(unit in TIME_UNIT_MS) || !Number.isInteger(size) || size <= 0) bad();
      return { kind: 'EPOCH', unitMs: TIME_UNIT_MS[unit]!, size };
    }
    if (kind === 'TIMESTAMP') return { kind: 'TIMESTAMP' };
    if (kind === 'SIMPLE_DATE_FORMAT') {
      if (!parts[1]) bad();
      return { kind: 'SIMPLE_DATE_FORMAT', pattern: parts[1]!, timeZone: parts[2] ?? 'UTC' };
    }
    return bad();
  }
  const parts = trimmed.split(':');
  if (parts.length < 3) bad();
  const size = Number(parts[0]);
  const unit = parts[1]!.toUpperCase();
  const kind = parts[2]!.toUpperCase();
  if (!Number.isInteger(size) || size <= 0 || !(unit in TIME_UNIT_MS)) bad();
  if (kind === 'EPOCH') return { kind: 'EPOCH', unitMs: TIME_UNIT_MS[unit]!, size };
  if (kind === 'TIMESTAMP') return { kind: 'TIMESTAMP' };
  if (kind === 'SIMPLE_DATE_FORMAT' || kind === 'SDF') {
    let pattern = parts.slice(3).join(':');
    let timeZone = 'UTC';
    const tz = /\s+tz\(([^)]+)\)\s*$/.exec(pattern);
    if (tz) {
      timeZone = tz[1]!.trim();
      pattern = pattern.slice(0, tz.index);
    }
    if (pattern === '') bad();
    return { kind: 'SIMPLE_DATE_FORMAT', pattern, timeZone };
  }
  return bad();
}

/** Pinot's DuckDB storage type for a column. */
export function duckType(column: Pick<Column, 'dataType' | 'singleValue'>): string {
  const base = (
    {
      INT: 'INTEGER',
      LONG: 'BIGINT',
      FLOAT: 'FLOAT',
      DOUBLE: 'DOUBLE',
      BIG_DECIMAL: 'DECIMAL(38,10)',
      BOOLEAN: 'BOOLEAN',
      TIMESTAMP: 'BIGINT',
      STRING: 'VARCHAR',
      JSON: 'VARCHAR',
      BYTES: 'BLOB',
    } as const
  )[column.dataType];
  return column.singleValue ? base : `${base}[]`;
}

const INT_RE = /^[+-]?\d+$/;
const NUM_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function toBigIntTruncated(n: number): bigint | undefined {
  if (!Number.isFinite(n)) return undefined;
  return BigInt(Math.trunc(n));
}

/**
 * Converts one JSON scalar to a column type the way Pinot's DataTypeTransformer does (numbers from
 * strings, strings from numbers, booleans as true/false). Returns undefined when it cannot convert.
 */
export function convertScalar(value: unknown, type: PinotDataType): CellValue | undefined {
  if (value === null || value === undefined) return undefined;
  switch (type) {
    case 'INT': {
      const n = toNumber(value);
      if (n === undefined || !Number.isFinite(n)) return undefined;
      const t = Math.trunc(n);
      if (t < INT_MIN || t > 2147483647) return undefined;
      return t;
    }
    case 'LONG': {
      if (typeof value === 'bigint') return value;
      if (typeof value === 'string' && INT_RE.test(value.trim())) {
        const b = BigInt(value.trim());
        return b >= LONG_MIN && b <= 9223372036854775807n ? b : undefined;
      }
      const n = toNumber(value);
      if (n === undefined) return undefined;
      const b = toBigIntTruncated(n);
      return b !== undefined && b >= LONG_MIN && b <= 9223372036854775807n ? b : undefined;
    }
    case 'FLOAT':
    case 'DOUBLE': {
      if (typeof value === 'string') {
        const s = value.trim();
        if (s === 'Infinity' || s === '+Infinity') return Number.POSITIVE_INFINITY;
        if (s === '-Infinity') return Number.NEGATIVE_INFINITY;
        if (s === 'NaN') return Number.NaN;
      }
      const n = toNumber(value);
      if (n === undefined) return undefined;
      return type === 'FLOAT' ? Math.fround(n) : n;
    }
    case 'BIG_DECIMAL': {
      // Stored as DECIMAL(38,10): magnitudes up to 1e28.
      let text: string | undefined;
      if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
      else if (typeof value === 'bigint') text = value.toString();
      else if (typeof value === 'string' && NUM_RE.test(value.trim())) text = value.trim();
      if (text === undefined || Math.abs(Number(text)) >= 1e28) return undefined;
      return text;
    }
    case 'BOOLEAN': {
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      if (typeof value === 'bigint') return value !== 0n;
      if (typeof value === 'string') {
        const s = value.trim().toLowerCase();
        if (s === 'true' || s === '1') return true;
        if (s === 'false' || s === '0' || s === '') return false;
        // Pinot's BooleanUtils: any other numeric string is true when non-zero.
        if (NUM_RE.test(s)) return Number(s) !== 0;
        return false;
      }
      return undefined;
    }
    case 'TIMESTAMP': {
      if (typeof value === 'bigint') return value;
      if (typeof value === 'number') return toBigIntTruncated(value);
      if (typeof value === 'string') {
        const s = value.trim();
        if (INT_RE.test(s)) return BigInt(s);
        const ms = parseTimestampString(s);
        return ms === undefined ? undefined : BigInt(ms);
      }
      return undefined;
    }
    case 'STRING': {
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return javaString(value);
      return JSON.stringify(value);
    }
    case 'JSON': {
      if (typeof value === 'string') return value;
      return stringifyJson(value);
    }
    case 'BYTES': {
      if (value instanceof Uint8Array) return value;
      if (typeof value === 'string') {
        const s = value.trim();
        if (s.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(s)) return Uint8Array.from(Buffer.from(s, 'hex'));
        return undefined;
      }
      return undefined;
    }
  }
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const s = value.trim();
    if (!NUM_RE.test(s)) return undefined;
    return Number(s);
  }
  return undefined;
}

/** Number → string as Java would print a parsed JSON number (integers plain, doubles with `.0` / `E`). */
function javaString(value: number | bigint | boolean): string {
  if (typeof value !== 'number') return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 2 ** 63) return String(value);
  return formatJavaDouble(value);
}

/** JSON text of a value, with bigints as plain integers. */
export function stringifyJson(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(stringifyJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${JSON.stringify(k)}:${stringifyJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Java's Double.toString: `2019.0`, `1.5E7`, `1.0E-4`, `Infinity`, `NaN`. */
export function formatJavaDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(value);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exponent.startsWith('+') ? exponent.slice(1) : exponent}`;
}

/** Java's Float.toString for a float32 value: the shortest decimal that maps back to the same float. */
export function formatJavaFloat(value: number): string {
  if (!Number.isFinite(value) || value === 0) return formatJavaDouble(value);
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(value.toPrecision(p));
    if (Math.fround(candidate) === value) return formatJavaDouble(candidate);
  }
  return formatJavaDouble(value);
}

/** `2024-05-01 12:34:56[.789]`, ISO-8601 with or without zone; UTC when no zone. Epoch ms or undefined. */
export function parseTimestampString(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), Number((frac + '000').slice(0, 3)));
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return Number.isNaN(ms) ? undefined : ms;
}

/** java.sql.Timestamp.toString() of epoch ms in UTC: `2024-05-01 12:34:56.789`, `… 12:34:56.0`. */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const frac = pad(d.getUTCMilliseconds(), 3).replace(/0+$/, '') || '0';
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${frac}`;
}

/** Formats epoch ms with a Joda/SimpleDateFormat pattern (common tokens) in UTC. */
export function formatJodaUtc(ms: number, pattern: string): string {
  const d = new Date(ms);
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  let out = '';
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        out += "'";
        i += 2;
        continue;
      }
      out += pattern.slice(i + 1, end === -1 ? undefined : end);
      i = end === -1 ? pattern.length : end + 1;
      continue;
    }
    let j = i;
    while (j < pattern.length && pattern[j] === ch) j++;
    const n = j - i;
    switch (ch) {
      case 'y':
      case 'Y':
        out += n === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), n);
        break;
      case 'M':
        out += pad(d.getUTCMonth() + 1, n);
        break;
      case 'd':
        out += pad(d.getUTCDate(), n);
        break;
      case 'H':
        out += pad(d.getUTCHours(), n);
        break;
      case 'h':
        out += pad(d.getUTCHours() % 12 || 12, n);
        break;
      case 'm':
        out += pad(d.getUTCMinutes(), n);
        break;
      case 's':
        out += pad(d.getUTCSeconds(), n);
        break;
      case 'S':
        out += pad(d.getUTCMilliseconds(), 3).slice(0, n).padEnd(n, '0');
        break;
      case 'a':
        out += d.getUTCHours() < 12 ? 'AM' : 'PM';
        break;
      case 'Z':
        out += n >= 2 ? '+00:00' : '+0000';
        break;
      default:
        out += pattern.slice(i, j);
    }
    i = j;
  }
  return out;
}

/** The current time as a value of a date-time column's format (Pinot's time-column null substitution). */
export function nowInFormat(format: DateTimeFormat | undefined, dataType: PinotDataType, nowMs = Date.now()): CellValue {
  if (!format || format.kind === 'TIMESTAMP') return dataType === 'STRING' ? formatTimestamp(nowMs) : (convertScalar(nowMs, dataType) ?? nowMs);
  if (format.kind === 'EPOCH') {
    const v = Math.floor(nowMs / (format.unitMs * format.size));
    return convertScalar(v, dataType) ?? v;
  }
  return convertScalar(formatJodaUtc(nowMs, format.pattern), dataType) ?? formatJodaUtc(nowMs, format.pattern);
}

/** Whether a time column value is inside Pinot's valid range (1971–2071), by the column's format. */
export function isValidTimeValue(value: CellValue, format: DateTimeFormat | undefined): boolean {
  const MIN = Date.UTC(1971, 0, 1);
  const MAX = Date.UTC(2071, 0, 1);
  let ms: number | undefined;
  if (!format || format.kind === 'TIMESTAMP') ms = Number(value);
  else if (format.kind === 'EPOCH') ms = Number(value) * format.unitMs * format.size;
  else return typeof value === 'string' && value !== 'null' && value !== '';
  return Number.isFinite(ms) && ms >= MIN && ms <= MAX;
}
