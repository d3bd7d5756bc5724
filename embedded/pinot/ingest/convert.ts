/**
 * One Kafka message → one table row, as Pinot's realtime ingestion does it: JSON decoding (top-level
 * keys → columns by exact name), ingestion transforms, type conversion (DataTypeTransformer), string
 * sanitising (maxLength), and default null values with the time-column "now" substitution
 * (NullValueTransformer). Pure functions; no I/O.
 */
import { convertScalar, isValidTimeValue, nowInFormat, type CellValue, type Column, type ParsedSchema } from '../schema.ts';
import type { ParsedTableConfig } from '../table-config.ts';
import { compileTransform, type TransformFn } from './transforms.ts';

export type DecodeResult = { ok: true; record: Record<string, unknown> } | { ok: false; reason: string };

/**
 * Decodes a JSON message value. Integers beyond 2^53 keep full precision (as bigint) so LONG columns
 * store them exactly. Anything but a JSON object is malformed.
 */
export function decodeJsonMessage(value: Buffer | Uint8Array | string | null | undefined): DecodeResult {
  if (value === null || value === undefined) return { ok: false, reason: 'empty message (null value)' };
  const text = typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  if (text.trim() === '') return { ok: false, reason: 'empty message' };
  let parsed: unknown;
  try {
    parsed = /\d{16,}/.test(text) ? parseJsonExact(text) : JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, reason: `expected a JSON object, got ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed}` };
  }
  return { ok: true, record: parsed as Record<string, unknown> };
}

/** JSON.parse that returns integers outside the safe range as bigint. */
export function parseJsonExact(text: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${i}`);
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const value = (): unknown => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      const out: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a string key');
        const key = string();
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        out[key] = value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return out;
        }
        fail("expected ',' or '}'");
      }
    }
    if (ch === '[') {
      i++;
      const out: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return out;
        }
        fail("expected ',' or ']'");
      }
    }
    if (ch === '"') return string();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail('unexpected token');
    i += m[0].length;
    if (m[2] === undefined && m[3] === undefined) {
      const n = Number(m[0]);
      return Number.isSafeInteger(n) ? n : BigInt(m[0]);
    }
    return Number(m[0]);
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const result = value();
  ws();
  if (i !== text.length) fail('unexpected trailing characters');
  return result;
}

export type ConvertResult = { ok: true; row: CellValue[]; incomplete: boolean } | { ok: false; reason: string };

export interface RowConverter {
  readonly columns: Column[];
  convert(record: Record<string, unknown>, nowMs?: number): ConvertResult;
  /** Transforms that could not be compiled (their columns get default values), for logging. */
  readonly unsupportedTransforms: string[];
}

/** Builds the converter of one table (schema + table config). */
export function makeRowConverter(schema: ParsedSchema, config: ParsedTableConfig): RowConverter {
  const columns = schema.columns;
  const transforms: { column: string; fn: TransformFn }[] = [];
  const unsupportedTransforms: string[] = [];
  const specs = [
    ...columns.filter((c) => c.transformFunction).map((c) => ({ columnName: c.name, transformFunction: c.transformFunction! })),
    ...config.transforms,
  ];
  for (const spec of specs) {
    const fn = compileTransform(spec.transformFunction);
    if (typeof fn === 'string') unsupportedTransforms.push(`${spec.columnName}: ${fn}`);
    else transforms.push({ column: spec.columnName, fn });
  }
  const timeColumn = config.timeColumn;
  return {
    columns,
    unsupportedTransforms,
    convert(record, nowMs = Date.now()) {
      let source = record;
      if (transforms.length > 0) {
        source = { ...record };
        for (const t of transforms) {
          // Pinot skips a transform when the destination already has a value.
          if (source[t.column] !== undefined && source[t.column] !== null) continue;
          try {
            source[t.column] = t.fn(record);
          } catch (error) {
            if (!config.continueOnError) return { ok: false, reason: `transform of ${t.column} failed: ${(error as Error).message}` };
            source[t.column] = null;
          }
        }
      }
      const row: CellValue[] = new Array(columns.length);
      let incomplete = false;
      for (let index = 0; index < columns.length; index++) {
        const column = columns[index]!;
        const raw = source[column.name];
        let value: CellValue | undefined;
        if (raw !== undefined && raw !== null) {
          value = convertValue(raw, column);
          if (value === undefined) {
            if (!config.continueOnError) {
              return {
                ok: false,
                reason: `cannot convert value ${preview(raw)} of column '${column.name}' to ${column.dataType}${column.singleValue ? '' : '[]'}`,
              };
            }
            incomplete = true;
          }
        }
        if (value === undefined) {
          value = column.defaultNull;
          if (column.name === timeColumn && !isValidTimeValue(column.singleValue ? value : (value as CellValue[])[0]!, column.format)) {
            value = nowInFormat(column.format, column.dataType, nowMs);
          }
        }
        row[index] = value;
      }
      return { ok: true, row, incomplete };
    },
  };
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'bigint' ? value.toString() : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Converts one field value to the column; undefined = null (missing, empty MV) or not convertible. */
function convertValue(raw: unknown, column: Column): CellValue | undefined {
  if (column.singleValue) {
    let value = raw;
    if (Array.isArray(value)) {
      if (column.dataType === 'JSON') return convertScalar(value, 'JSON');
      if (value.length === 0) return undefined;
      if (value.length > 1) return undefined;
      value = value[0];
      if (value === null || value === undefined) return undefined;
    }
    if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && column.dataType !== 'JSON' && column.dataType !== 'STRING')
      return undefined;
    const converted = convertScalar(value, column.dataType);
    return converted === undefined ? undefined : sanitize(converted, column);
  }
  const items = Array.isArray(raw) ? raw : [raw];
  const out: CellValue[] = [];
  for (const item of items) {
    if (item === null || item === undefined) continue;
    if (typeof item === 'object') return undefined;
    const converted = convertScalar(item, column.dataType);
    if (converted === undefined) return undefined;
    out.push(sanitize(converted, column));
  }
  return out.length === 0 ? undefined : out;
}

/** Pinot's SanitizationTransformer: STRING values end at the first NUL and are trimmed to maxLength. */
function sanitize(value: CellValue, column: Column): CellValue {
  if (column.dataType !== 'STRING' || typeof value !== 'string') return value;
  let s = value;
  const nul = s.indexOf('\u0000');
  if (nul >= 0) s = s.slice(0, nul);
  if (s.length > column.maxLength) s = s.slice(0, column.maxLength);
  return s;
}
