/**
 * Single Message Transforms: ValueToKey, ExtractField$Key/$Value, Cast$Key/$Value, ReplaceField$Key/$Value,
 * with Connect's semantics for records with a schema (Struct) and without (Map). Each transform declares its
 * config keys so validation can check `transforms.<alias>.<key>`.
 */
import { ExtractNewRecordState, EXTRACT_NEW_RECORD_STATE_KEYS } from './extract-new-record-state.ts';
import { DataException, fieldOf, isStruct, LOGICAL, type Field, type Schema, type SchemaAndValue, type SchemaType } from '../data/schema.ts';

export interface ConnectRecord {
  topic: string;
  key: SchemaAndValue;
  value: SchemaAndValue;
}

export interface Transformation {
  apply(record: ConnectRecord): ConnectRecord | null;
}

export type KeyType = 'LIST' | 'STRING' | 'BOOLEAN';

export interface TransformKey {
  type: KeyType;
  required: boolean;
  default: string | null;
  doc: string;
  validate?: (value: string) => string | undefined;
}

export interface TransformPlugin {
  className: string;
  keys: Record<string, TransformKey>;
  create(props: Record<string, string>): Transformation;
}

const T = 'org.apache.kafka.connect.transforms.';

export function splitList(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const REPLACE_NULL: TransformKey = {
  type: 'BOOLEAN',
  required: false,
  default: 'true',
  doc: 'Whether to replace fields that have a default value and that are null to the default value.',
};

const CAST_TYPES = ['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean', 'string'] as const;
type CastType = (typeof CAST_TYPES)[number] | 'bytes';

function parseCastSpec(spec: string): { whole?: CastType; fields: Map<string, CastType> } {
  const items = splitList(spec);
  if (items.length === 0) throw new DataException('Must specify at least one field to cast.');
  const fields = new Map<string, CastType>();
  let whole: CastType | undefined;
  for (const item of items) {
    const parts = item.split(':');
    if (parts.length === 1) {
      if (items.length > 1)
        throw new DataException('Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec');
      whole = checkCastType(parts[0].trim(), true);
    } else if (parts.length === 2) {
      fields.set(parts[0].trim(), checkCastType(parts[1].trim(), false));
    } else {
      throw new DataException(`Invalid cast mapping: ${item}`);
    }
  }
  return whole === undefined ? { fields } : { whole, fields };
}

function checkCastType(name: string, wholeAllowed: boolean): CastType {
  const lower = name.toLowerCase();
  if ((CAST_TYPES as readonly string[]).includes(lower) || (wholeAllowed && lower === 'bytes')) return lower as CastType;
  throw new DataException(`Invalid type found in casting spec: ${name}`);
}

function validateCastSpec(value: string): string | undefined {
  try {
    parseCastSpec(value);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function validateRenames(value: string): string | undefined {
  for (const item of splitList(value)) {
    if (item.split(':').length !== 2) return `Invalid rename mapping: ${item}`;
  }
  return undefined;
}

function nonEmptyList(value: string): string | undefined {
  return splitList(value).length === 0 ? 'Empty list' : undefined;
}

type Side = 'key' | 'value';

function operating(record: ConnectRecord, side: Side): SchemaAndValue {
  return side === 'key' ? record.key : record.value;
}

function withSide(record: ConnectRecord, side: Side, data: SchemaAndValue): ConnectRecord {
  return side === 'key' ? { ...record, key: data } : { ...record, value: data };
}

function requireMap(value: unknown, purpose: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value) || value instanceof Date) {
    throw new DataException(`Only Map objects supported in absence of schema for [${purpose}], found: ${value === null ? 'null' : typeof value}`);
  }
  return value as Record<string, unknown>;
}

function requireStruct(schema: Schema, purpose: string): Schema & { fields: Field[] } {
  if (!isStruct(schema)) throw new DataException(`Only Struct objects supported for [${purpose}], found: ${schema.type}`);
  return schema;
}

class ValueToKey implements Transformation {
  /** The key schema made for each value schema (Connect's schemaUpdateCache): one object per value schema, not per record. */
  private readonly keySchemas = new WeakMap<Schema, Schema>();

  constructor(private readonly fields: string[]) {}

  apply(record: ConnectRecord): ConnectRecord {
    const { schema, value } = record.value;
    if (schema === null) {
      const map = requireMap(value, 'copying fields from value to key');
      const key: Record<string, unknown> = {};
      for (const f of this.fields) key[f] = map[f] ?? null;
      return { ...record, key: { schema: null, value: key } };
    }
    const keySchema = this.keySchemaFor(schema);
    const key: Record<string, unknown> = {};
    for (const name of this.fields) key[name] = (value as Record<string, unknown> | null)?.[name] ?? null;
    return { ...record, key: { schema: keySchema, value: key } };
  }

  private keySchemaFor(schema: Schema): Schema {
    let keySchema = this.keySchemas.get(schema);
    if (keySchema !== undefined) return keySchema;
    const s = requireStruct(schema, 'copying fields from value to key');
    const keyFields: Field[] = [];
    for (const name of this.fields) {
      const field = fieldOf(s, name);
      if (!field) throw new DataException(`Field does not exist: ${name}`);
      keyFields.push(field);
    }
    keySchema = { type: 'struct', optional: false, fields: keyFields };
    this.keySchemas.set(schema, keySchema);
    return keySchema;
  }
}

class ExtractField implements Transformation {
  constructor(
    private readonly side: Side,
    private readonly field: string,
  ) {}

  apply(record: ConnectRecord): ConnectRecord {
    const { schema, value } = operating(record, this.side);
    if (schema === null) {
      if (value === null || value === undefined) return withSide(record, this.side, { schema: null, value: null });
      const map = requireMap(value, 'field extraction');
      return withSide(record, this.side, { schema: null, value: map[this.field] ?? null });
    }
    const s = requireStruct(schema, 'field extraction');
    const field = fieldOf(s, this.field);
    if (!field) throw new DataException(`Unknown field: ${this.field}`);
    const v = value === null || value === undefined ? null : ((value as Record<string, unknown>)[this.field] ?? null);
    return withSide(record, this.side, { schema: field.schema, value: v });
  }
}

class ReplaceField implements Transformation {
  private readonly renames: Map<string, string>;

  constructor(
    private readonly side: Side,
    private readonly exclude: string[],
    private readonly include: string[],
    renames: string[],
  ) {
    this.renames = new Map(
      renames.map((r) => {
        const [from, to] = r.split(':');
        return [from.trim(), to.trim()] as const;
      }),
    );
  }

  private keep(name: string): boolean {
    return !this.exclude.includes(name) && (this.include.length === 0 || this.include.includes(name));
  }

  private renamed(name: string): string {
    return this.renames.get(name) ?? name;
  }

  apply(record: ConnectRecord): ConnectRecord {
    const { schema, value } = operating(record, this.side);
    if (value === null || value === undefined) return record;
    if (schema === null) {
      const map = requireMap(value, 'field replacement');
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(map)) if (this.keep(k)) out[this.renamed(k)] = v;
      return withSide(record, this.side, { schema: null, value: out });
    }
    const s = requireStruct(schema, 'field replacement');
    const fields: Field[] = [];
    const out: Record<string, unknown> = {};
    const obj = value as Record<string, unknown>;
    for (const f of s.fields) {
      if (!this.keep(f.name)) continue;
      const name = this.renamed(f.name);
      fields.push({ name, schema: f.schema });
      out[name] = obj[f.name] ?? null;
    }
    return withSide(record, this.side, { schema: { ...s, fields }, value: out });
  }
}

class Cast implements Transformation {
  private readonly spec: { whole?: CastType; fields: Map<string, CastType> };

  constructor(
    private readonly side: Side,
    spec: string,
  ) {
    this.spec = parseCastSpec(spec);
  }

  apply(record: ConnectRecord): ConnectRecord {
    const { schema, value } = operating(record, this.side);
    const whole = this.spec.whole;
    if (whole !== undefined) {
      const newSchema = schema === null ? null : { type: whole as SchemaType, optional: schema.optional };
      return withSide(record, this.side, { schema: newSchema, value: castValue(value, whole) });
    }
    if (schema === null) {
      if (value === null || value === undefined) return record;
      const map = requireMap(value, 'cast types');
      const out: Record<string, unknown> = { ...map };
      for (const [name, type] of this.spec.fields) if (name in out) out[name] = castValue(out[name], type);
      return withSide(record, this.side, { schema: null, value: out });
    }
    const s = requireStruct(schema, 'cast types');
    const fields = s.fields.map((f) => {
      const type = this.spec.fields.get(f.name);
      return type === undefined ? f : { name: f.name, schema: { type: type as SchemaType, optional: f.schema.optional } };
    });
    if (value === null || value === undefined) return withSide(record, this.side, { schema: { ...s, fields }, value: null });
    const obj = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const f of s.fields) {
      const type = this.spec.fields.get(f.name);
      out[f.name] = type === undefined ? (obj[f.name] ?? null) : castValue(obj[f.name] ?? null, type, f.schema);
    }
    return withSide(record, this.side, { schema: { ...s, fields }, value: out });
  }
}

function castValue(value: unknown, type: CastType, from?: Schema): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    if (type === 'string') return value.toISOString();
    value = from?.name === LOGICAL.date ? Math.floor(value.getTime() / 86_400_000) : value.getTime();
  }
  if (from?.name === LOGICAL.decimal && type !== 'string') value = Number(value);
  switch (type) {
    case 'string':
      if (Buffer.isBuffer(value)) return value.toString('base64');
      return String(value);
    case 'boolean':
      if (typeof value === 'string') return value.trim().toLowerCase() === 'true';
      return Number(value) !== 0;
    case 'float32':
    case 'float64': {
      const n = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
      if (Number.isNaN(n)) throw new DataException(`Unexpected type in Cast transformation: cannot cast "${String(value)}" to ${type}`);
      return type === 'float32' ? Math.fround(n) : n;
    }
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64': {
      if (typeof value === 'bigint') return type === 'int64' ? value : wrap(Number(value), type);
      const n = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
      if (!Number.isFinite(n)) throw new DataException(`Unexpected type in Cast transformation: cannot cast "${String(value)}" to ${type}`);
      return wrap(Math.trunc(n), type);
    }
    case 'bytes':
      return Buffer.isBuffer(value) ? value : Buffer.from(String(value));
  }
}

function wrap(n: number, type: 'int8' | 'int16' | 'int32' | 'int64'): number {
  if (type === 'int8') return (n << 24) >> 24;
  if (type === 'int16') return (n << 16) >> 16;
  if (type === 'int32') return n | 0;
  return n;
}

const replaceFieldKeys: Record<string, TransformKey> = {
  exclude: { type: 'LIST', required: false, default: '', doc: 'Fields to exclude. This takes precedence over the fields to include.' },
  include: { type: 'LIST', required: false, default: '', doc: 'Fields to include. If specified, only these fields will be used.' },
  renames: { type: 'LIST', required: false, default: '', doc: 'Field rename mappings.', validate: validateRenames },
  blacklist: { type: 'LIST', required: false, default: null, doc: 'Deprecated. Use exclude instead.' },
  whitelist: { type: 'LIST', required: false, default: null, doc: 'Deprecated. Use include instead.' },
  'replace.null.with.default': REPLACE_NULL,
};

function replaceField(side: Side) {
  return (p: Record<string, string>): Transformation =>
    new ReplaceField(side, splitList(p.exclude ?? p.blacklist), splitList(p.include ?? p.whitelist), splitList(p.renames));
}

const extractKeys: Record<string, TransformKey> = {
  field: { type: 'STRING', required: true, default: null, doc: 'Field name to extract.' },
  'field.syntax.version': {
    type: 'STRING',
    required: false,
    default: 'V1',
    doc: 'Defines the version of the syntax to access fields.',
    validate: (v) => (['V1', 'V2'].includes(v.toUpperCase()) ? undefined : 'String must be one of (case insensitive): V1, V2'),
  },
  'replace.null.with.default': REPLACE_NULL,
};

const castKeys: Record<string, TransformKey> = {
  spec: {
    type: 'LIST',
    required: true,
    default: null,
    doc: 'List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value.',
    validate: validateCastSpec,
  },
  'replace.null.with.default': REPLACE_NULL,
};

export const TRANSFORMS: TransformPlugin[] = [
  {
    className: `${T}ValueToKey`,
    keys: {
      fields: { type: 'LIST', required: true, default: null, doc: 'Field names on the record value to extract as the record key.', validate: nonEmptyList },
      'replace.null.with.default': REPLACE_NULL,
    },
    create: (p) => new ValueToKey(splitList(p.fields)),
  },
  { className: `${T}ExtractField$Key`, keys: extractKeys, create: (p) => new ExtractField('key', (p.field ?? '').trim()) },
  { className: `${T}ExtractField$Value`, keys: extractKeys, create: (p) => new ExtractField('value', (p.field ?? '').trim()) },
  { className: `${T}Cast$Key`, keys: castKeys, create: (p) => new Cast('key', p.spec ?? '') },
  { className: `${T}Cast$Value`, keys: castKeys, create: (p) => new Cast('value', p.spec ?? '') },
  { className: `${T}ReplaceField$Key`, keys: replaceFieldKeys, create: replaceField('key') },
  { className: `${T}ReplaceField$Value`, keys: replaceFieldKeys, create: replaceField('value') },
  { className: 'io.debezium.transforms.ExtractNewRecordState', keys: EXTRACT_NEW_RECORD_STATE_KEYS, create: (p) => new ExtractNewRecordState(p) },
];

export function transformPlugin(className: string): TransformPlugin | undefined {
  return TRANSFORMS.find((t) => t.className === className);
}

/** The chain configured by `transforms` in a connector config. Assumes the config was validated. */
export function buildTransformChain(config: Record<string, string>): Transformation[] {
  return splitList(config.transforms).map((alias) => {
    const prefix = `transforms.${alias}.`;
    const plugin = transformPlugin((config[`${prefix}type`] ?? '').trim());
    if (!plugin) throw new DataException(`Class ${config[`${prefix}type`]} could not be found.`);
    const props: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) if (k.startsWith(prefix) && k !== `${prefix}type`) props[k.slice(prefix.length)] = v;
    return plugin.create(props);
  });
}

export function applyChain(chain: Transformation[], record: ConnectRecord): ConnectRecord | null {
  let current: ConnectRecord | null = record;
  for (const t of chain) {
    if (current === null) return null;
    current = t.apply(current);
  }
  return current;
}
