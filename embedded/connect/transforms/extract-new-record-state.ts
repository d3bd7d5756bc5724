/**
 * io.debezium.transforms.ExtractNewRecordState ("unwrap"): turns a Debezium change event into the row
 * it describes — the `after` struct — so consumers that want plain rows (ksqlDB tables, sinks) can use
 * the topic. Deletes and tombstones follow delete.handling.mode / drop.tombstones (or Debezium 2.5+'s
 * delete.tombstone.handling.mode); add.fields copies envelope fields (op, ts_ms, source.*) into the row
 * as __<field> (source fields as __<field> too, e.g. source.ts_ms -> __source_ts_ms).
 */
import { DataException, isStruct, primitive, struct, type Field, type Schema, type SchemaAndValue } from '../data/schema.ts';
import type { ConnectRecord, Transformation, TransformKey } from './index.ts';

type DeleteMode = 'drop' | 'rewrite' | 'none';
type TombstoneMode = 'drop' | 'tombstone' | 'rewrite' | 'rewrite-with-tombstone';

const DELETE_MODES = ['drop', 'rewrite', 'none'];
const TOMBSTONE_MODES = ['drop', 'tombstone', 'rewrite', 'rewrite-with-tombstone'];

export const EXTRACT_NEW_RECORD_STATE_KEYS: Record<string, TransformKey> = {
  'drop.tombstones': {
    type: 'BOOLEAN',
    required: false,
    default: 'true',
    doc: 'Debezium by default generates a tombstone record to enable Kafka compaction after a delete record was generated. This record is usually filtered out to avoid duplicates as a delete record is converted to a tombstone record, too.',
  },
  'delete.handling.mode': {
    type: 'STRING',
    required: false,
    default: 'drop',
    doc: 'How to handle delete records: drop, rewrite (add a __deleted field) or none (pass them on as tombstones).',
    validate: (v) => (DELETE_MODES.includes(v.trim().toLowerCase()) ? undefined : `Value must be one of ${DELETE_MODES.join(', ')}`),
  },
  'delete.tombstone.handling.mode': {
    type: 'STRING',
    required: false,
    default: '',
    doc: 'How to handle delete and tombstone records (replaces delete.handling.mode and drop.tombstones): drop, tombstone, rewrite, rewrite-with-tombstone.',
    validate: (v) => (v.trim() === '' || TOMBSTONE_MODES.includes(v.trim().toLowerCase()) ? undefined : `Value must be one of ${TOMBSTONE_MODES.join(', ')}`),
  },
  'add.fields': { type: 'LIST', required: false, default: '', doc: 'Fields from the change event to add to the row, e.g. op,table,source.ts_ms.' },
  'add.fields.prefix': { type: 'STRING', required: false, default: '__', doc: 'Prefix of the added fields.' },
  'add.headers': {
    type: 'LIST',
    required: false,
    default: '',
    doc: 'Fields from the change event to add as headers (not supported: must stay empty).',
    validate: (v) => (v.trim() === '' ? undefined : 'add.headers is not supported by this worker'),
  },
  'route.by.field': {
    type: 'STRING',
    required: false,
    default: '',
    doc: 'Not supported: must stay empty.',
    validate: (v) => (v.trim() === '' ? undefined : 'route.by.field is not supported by this worker'),
  },
};

const TOP_LEVEL = new Set(['op', 'ts_ms', 'before', 'after', 'source', 'transaction']);

interface AddedField {
  /** Where in the envelope: a top-level field or source.<name>. */
  path: string[];
  name: string;
}

export class ExtractNewRecordState implements Transformation {
  private readonly added: AddedField[];
  private readonly dropTombstones: boolean;
  private readonly deleteMode: DeleteMode;

  constructor(props: Record<string, string>) {
    const tombstoneMode = (props['delete.tombstone.handling.mode'] ?? '').trim().toLowerCase() as TombstoneMode | '';
    if (tombstoneMode !== '') {
      this.dropTombstones = tombstoneMode !== 'tombstone' && tombstoneMode !== 'rewrite-with-tombstone';
      this.deleteMode = tombstoneMode.startsWith('rewrite') ? 'rewrite' : tombstoneMode === 'tombstone' ? 'none' : 'drop';
    } else {
      this.dropTombstones = (props['drop.tombstones'] ?? 'true').trim().toLowerCase() === 'true';
      this.deleteMode = (props['delete.handling.mode'] ?? 'drop').trim().toLowerCase() as DeleteMode;
    }
    const prefix = props['add.fields.prefix'] ?? '__';
    this.added = (props['add.fields'] ?? '')
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean)
      .map((field) => {
        const path = field.split('.');
        // Top-level envelope fields by name (op, ts_ms); any other bare name is a field of `source` (table, db, file…).
        const where = path.length === 1 && !TOP_LEVEL.has(field) ? ['source', field] : path;
        return { path: where, name: `${prefix}${path.join('_')}` };
      });
  }

  apply(record: ConnectRecord): ConnectRecord | null {
    const envelope = record.value;
    if (envelope.value === null || envelope.value === undefined) return this.dropTombstones ? null : record;
    const value = envelope.value as Record<string, unknown>;
    if (typeof value !== 'object' || !('op' in value)) return record; // not a change event (e.g. a heartbeat): passed on
    const op = value.op as string;
    let row: Record<string, unknown> | null = (value.after as Record<string, unknown> | null) ?? null;
    let deleted = false;
    if (op === 'd') {
      if (this.deleteMode === 'drop') return null;
      if (this.deleteMode === 'none') return { ...record, value: { schema: null, value: null } };
      row = value.before as Record<string, unknown> | null;
      deleted = true;
    }
    if (row === null) return null;
    const schema = envelope.schema && isStruct(envelope.schema) ? this.rowSchema(envelope.schema) : null;
    const out: Record<string, unknown> = { ...row };
    for (const field of this.added) out[field.name] = pick(value, field.path);
    if (this.deleteMode === 'rewrite') out.__deleted = deleted ? 'true' : 'false';
    return { ...record, value: { schema, value: out } as SchemaAndValue };
  }

  private rowSchema(envelopeSchema: Schema & { fields: Field[] }): Schema {
    const after = envelopeSchema.fields.find((f) => f.name === 'after')?.schema;
    if (!after || !isStruct(after)) throw new DataException(`ExtractNewRecordState: ${envelopeSchema.name ?? 'the record'} has no 'after' struct`);
    const fields: Field[] = [...after.fields];
    for (const field of this.added)
      fields.push({ name: field.name, schema: { ...(fieldSchema(envelopeSchema, field.path) ?? primitive('string', true)), optional: true } });
    if (this.deleteMode === 'rewrite') fields.push({ name: '__deleted', schema: primitive('string', true) });
    return struct(after.name, fields, after.optional);
  }
}

function pick(value: Record<string, unknown>, path: string[]): unknown {
  let current: unknown = value;
  for (const part of path) current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[part] : undefined;
  return current ?? null;
}

function fieldSchema(schema: Schema, path: string[]): Schema | undefined {
  let current: Schema | undefined = schema;
  for (const part of path) current = current?.fields?.find((f) => f.name === part)?.schema;
  return current;
}
