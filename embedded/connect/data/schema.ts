/**
 * Connect's data model, as much as the JDBC source and its transforms need: a schema (primitive, struct,
 * array, map, with optional logical-type name/version/parameters) and values that follow it. A struct's
 * value is a plain object; the schema's field list gives the order (JSON output follows it).
 */

export type SchemaType = 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'boolean' | 'string' | 'bytes' | 'struct' | 'array' | 'map';

export interface Field {
  name: string;
  schema: Schema;
}

export interface Schema {
  type: SchemaType;
  optional: boolean;
  name?: string | undefined;
  version?: number | undefined;
  doc?: string | undefined;
  parameters?: Record<string, string> | undefined;
  /** The field's default (a string, number or boolean here), written by JsonConverter as `default`. */
  defaultValue?: string | number | boolean | undefined;
  fields?: Field[] | undefined;
  items?: Schema | undefined;
  keys?: Schema | undefined;
  values?: Schema | undefined;
}

/** A value together with its schema; schema null means schemaless (plain JSON-like data). */
export interface SchemaAndValue {
  schema: Schema | null;
  value: unknown;
}

export type StructValue = Record<string, unknown>;

export const LOGICAL = {
  decimal: 'org.apache.kafka.connect.data.Decimal',
  date: 'org.apache.kafka.connect.data.Date',
  time: 'org.apache.kafka.connect.data.Time',
  timestamp: 'org.apache.kafka.connect.data.Timestamp',
} as const;

export function primitive(type: SchemaType, optional: boolean, extra: Partial<Schema> = {}): Schema {
  return { type, optional, ...extra };
}

export function struct(name: string | undefined, fields: Field[], optional = false): Schema {
  return { type: 'struct', optional, name, fields };
}

export function fieldOf(schema: Schema, name: string): Field | undefined {
  return schema.fields?.find((f) => f.name === name);
}

export class DataException extends Error {
  override name = 'DataException';
}

export function isStruct(schema: Schema | null): schema is Schema & { fields: Field[] } {
  return schema !== null && schema.type === 'struct' && Array.isArray(schema.fields);
}

/** Java class names as Connect's exceptions print them in a trace. */
export function javaTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'java.lang.String';
  if (typeof value === 'number') return Number.isInteger(value) ? 'java.lang.Long' : 'java.lang.Double';
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (Buffer.isBuffer(value)) return 'byte[]';
  if (value instanceof Date) return 'java.util.Date';
  if (Array.isArray(value)) return 'java.util.ArrayList';
  return 'java.util.HashMap';
}
