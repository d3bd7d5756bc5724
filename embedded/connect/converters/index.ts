/**
 * Converters: Connect data -> bytes on the topic. JsonConverter (schemas.enable true: the
 * {"schema":…,"payload":…} envelope; false: the plain value) and StringConverter. Only the
 * serialising direction is needed by a source worker.
 */
import { LOGICAL, DataException, type Schema } from '../data/schema.ts';
import { decimalBytes, decimalText } from '../data/decimal.ts';

export interface Converter {
  fromConnectData(topic: string, schema: Schema | null, value: unknown): Buffer | null;
}

export const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';
export const STRING_CONVERTER = 'org.apache.kafka.connect.storage.StringConverter';
export const CONVERTER_CLASSES = [JSON_CONVERTER, STRING_CONVERTER] as const;

/** The sub-keys each converter understands (after `key.converter.` / `value.converter.`). */
export const CONVERTER_SUBKEYS: Record<string, Record<string, { type: 'BOOLEAN' | 'STRING' | 'INT'; default: string; choices?: string[] }>> = {
  [JSON_CONVERTER]: {
    'schemas.enable': { type: 'BOOLEAN', default: 'true' },
    'schemas.cache.size': { type: 'INT', default: '1000' },
    'decimal.format': { type: 'STRING', default: 'BASE64', choices: ['BASE64', 'NUMERIC'] },
    'replace.null.with.default': { type: 'BOOLEAN', default: 'true' },
  },
  [STRING_CONVERTER]: {
    'converter.encoding': { type: 'STRING', default: 'UTF8' },
    'converter.type': { type: 'STRING', default: 'value' },
  },
};

export function createConverter(className: string, props: Record<string, string>): Converter {
  if (className === JSON_CONVERTER) {
    return new JsonConverter({
      schemasEnable: (props['schemas.enable'] ?? 'true').trim().toLowerCase() === 'true',
      decimalFormat: (props['decimal.format'] ?? 'BASE64').trim().toUpperCase() === 'NUMERIC' ? 'NUMERIC' : 'BASE64',
    });
  }
  if (className === STRING_CONVERTER) return new StringConverter();
  throw new DataException(`Class ${className} could not be found.`);
}

export class StringConverter implements Converter {
  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    return Buffer.from(javaToString(schema, value), 'utf8');
  }
}

/** What Java's toString() gives for a Connect value (Struct{a=1,b=x}, numbers, strings). */
function javaToString(schema: Schema | null, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (schema?.type === 'struct' && schema.fields) {
    const obj = value as Record<string, unknown>;
    const parts = schema.fields.filter((f) => obj[f.name] !== null && obj[f.name] !== undefined).map((f) => `${f.name}=${javaToString(f.schema, obj[f.name])}`);
    return `Struct{${parts.join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => javaToString(null, v)).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${v === null ? 'null' : javaToString(null, v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

export interface JsonConverterOptions {
  schemasEnable: boolean;
  decimalFormat: 'BASE64' | 'NUMERIC';
}

export class JsonConverter implements Converter {
  /** A writer per struct schema: its fields' `"name":` prefixes and writers found once, not per record. */
  private readonly structWriters = new WeakMap<Schema, (value: unknown) => string>();
  private readonly schemaTexts = new WeakMap<Schema, string>();

  constructor(private readonly options: JsonConverterOptions) {}

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Buffer | null {
    if (schema === null && (value === null || value === undefined)) return null;
    const payload = schema !== null && schema.type === 'struct' ? this.structWriter(schema)(value) : this.payload(schema, value);
    const text = this.options.schemasEnable ? `{"schema":${schema === null ? 'null' : this.schemaText(schema)},"payload":${payload}}` : payload;
    return Buffer.from(text, 'utf8');
  }

  /** jsonSchema(schema), written once per schema. */
  private schemaText(schema: Schema): string {
    let text = this.schemaTexts.get(schema);
    if (text === undefined) {
      text = jsonSchema(schema);
      this.schemaTexts.set(schema, text);
    }
    return text;
  }

  /** What payload() writes for a value of this struct schema. */
  private structWriter(schema: Schema): (value: unknown) => string {
    let writer = this.structWriters.get(schema);
    if (writer !== undefined) return writer;
    const fields = (schema.fields ?? []).map((f) => ({
      name: f.name,
      prefix: `${JSON.stringify(f.name)}:`,
      write: f.schema.type === 'struct' ? this.structWriter(f.schema) : (v: unknown) => this.payload(f.schema, v),
    }));
    writer = (value: unknown): string => {
      if (value === null || value === undefined || value instanceof Date) return this.payload(schema, value);
      const obj = value as Record<string, unknown>;
      let out = '{';
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i]!;
        out += `${i === 0 ? '' : ','}${f.prefix}${f.write(obj[f.name] ?? null)}`;
      }
      return `${out}}`;
    };
    this.structWriters.set(schema, writer);
    return writer;
  }

  private payload(schema: Schema | null, value: unknown): string {
    if (value === null || value === undefined) {
      if (schema !== null && !schema.optional) throw new DataException('Conversion error: null value for field that is required and has no default value');
      return 'null';
    }
    if (schema === null) return schemalessJson(value);
    if (schema.name === LOGICAL.decimal) {
      const scale = Number(schema.parameters?.scale ?? 0);
      const text = String(value);
      return this.options.decimalFormat === 'NUMERIC' ? decimalText(text, scale) : JSON.stringify(decimalBytes(text, scale).toString('base64'));
    }
    if (value instanceof Date) {
      if (schema.name === LOGICAL.date) return String(Math.floor(value.getTime() / 86_400_000));
      if (schema.name === LOGICAL.time) return String(((value.getTime() % 86_400_000) + 86_400_000) % 86_400_000);
      return String(value.getTime());
    }
    switch (schema.type) {
      case 'int8':
      case 'int16':
      case 'int32':
      case 'int64':
        if (typeof value === 'bigint') return value.toString();
        if (typeof value === 'number' && Number.isInteger(value)) return String(value);
        if (typeof value === 'string' && /^-?\d+$/.test(value)) return value;
        throw new DataException(`Invalid Java object for schema with type ${schema.type.toUpperCase()}: ${typeof value}`);
      case 'float32':
      case 'float64':
        if (typeof value !== 'number') throw new DataException(`Invalid Java object for schema with type ${schema.type.toUpperCase()}: ${typeof value}`);
        return Number.isFinite(value) ? jsonNumber(value) : JSON.stringify(String(value));
      case 'boolean':
        return value ? 'true' : 'false';
      case 'string':
        return JSON.stringify(String(value));
      case 'bytes':
        return JSON.stringify(Buffer.isBuffer(value) ? value.toString('base64') : Buffer.from(String(value)).toString('base64'));
      case 'array':
        return `[${(value as unknown[]).map((v) => this.payload(schema.items ?? null, v)).join(',')}]`;
      case 'map': {
        const entries = Object.entries(value as Record<string, unknown>);
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${this.payload(schema.values ?? null, v)}`).join(',')}}`;
      }
      case 'struct':
        return this.structWriter(schema)(value);
    }
  }
}

function jsonNumber(n: number): string {
  // Jackson writes doubles with a fractional part (1.0), ints without; keep what JSON.stringify gives, but
  // mark whole doubles so consumers see a float as Connect would print it.
  return Number.isInteger(n) ? `${n}.0` : JSON.stringify(n);
}

function schemalessJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(String(value));
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('base64'));
  if (value instanceof Date) return String(value.getTime());
  if (Array.isArray(value)) return `[${value.map(schemalessJson).join(',')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${JSON.stringify(k)}:${schemalessJson(v)}`)
    .join(',')}}`;
}

/** The schema as JsonConverter writes it: type, (fields|items|keys+values), optional, name, version, doc, parameters, default. */
export function jsonSchema(schema: Schema): string {
  const parts: string[] = [`"type":${JSON.stringify(schema.type)}`];
  if (schema.type === 'struct') {
    parts.push(
      `"fields":[${(schema.fields ?? [])
        .map((f) => {
          const inner = jsonSchema(f.schema);
          return `${inner.slice(0, -1)},"field":${JSON.stringify(f.name)}}`;
        })
        .join(',')}]`,
    );
  } else if (schema.type === 'array' && schema.items) {
    parts.push(`"items":${jsonSchema(schema.items)}`);
  } else if (schema.type === 'map' && schema.keys && schema.values) {
    parts.push(`"keys":${jsonSchema(schema.keys)}`, `"values":${jsonSchema(schema.values)}`);
  }
  parts.push(`"optional":${schema.optional}`);
  if (schema.name !== undefined) parts.push(`"name":${JSON.stringify(schema.name)}`);
  if (schema.version !== undefined) parts.push(`"version":${schema.version}`);
  if (schema.doc !== undefined) parts.push(`"doc":${JSON.stringify(schema.doc)}`);
  if (schema.parameters !== undefined) parts.push(`"parameters":${JSON.stringify(schema.parameters)}`);
  if (schema.defaultValue !== undefined) parts.push(`"default":${JSON.stringify(schema.defaultValue)}`);
  return `{${parts.join(',')}}`;
}
