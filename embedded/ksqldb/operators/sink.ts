// Sink: serializes output rows to key/value bytes for the sink topic (windowed keys included).
import { encodeWindowedKey, getFormat, type WindowType } from '../formats/index.ts';
import type { SinkRecord } from '../io.ts';
import type { LogicalSchema } from '../types.ts';
import { timestampReader } from './timestamp-text.ts';
import type { Rec } from './types.ts';

type Row = NonNullable<Rec['row']>;
import { stringifyJson } from '../expr/long.ts';

export interface SinkSpec {
  topic: string;
  schema: LogicalSchema;
  keyFormat: string;
  valueFormat: string;
  windowType?: WindowType;
  timestampColumn?: string;
  /** TIMESTAMP_FORMAT: the timestamp column is text in this Java pattern */
  timestampFormat?: string;
  keyDelimiter?: string;
  valueDelimiter?: string;
  /** JSON single-column values written without the enclosing object */
  unwrapSingleValue?: boolean;
  /**
   * A value of scalars serialized only when first read: with the record cache on, the runtime keeps the
   * last record per table key of a flush and never reads the others' values. Off (the cache off, every
   * value read) it would only cost: `npm run bench -- ksql` measured 171 against 131 µs per page view.
   */
  lazyValue?: boolean;
}

export function sinkEncoder(spec: SinkSpec): (rec: Rec) => SinkRecord | undefined {
  const kf = getFormat(spec.keyFormat, spec.keyDelimiter)!;
  const vf = getFormat(spec.valueFormat, spec.valueDelimiter)!;
  const unwrap = spec.unwrapSingleValue && spec.schema.value.length === 1 && spec.valueFormat === 'JSON';
  const keyCols = spec.schema.key;
  const valueCols = spec.schema.value;
  const valueNames = valueCols.map((c) => c.name);
  const tsKeyIdx = spec.timestampColumn ? keyCols.findIndex((c) => c.name === spec.timestampColumn) : -1;
  const tsText = timestampReader(spec.timestampFormat);
  const serializeRow = (row: Row): Buffer =>
    unwrap
      ? Buffer.from(stringifyJson(row[valueCols[0]!.name] ?? null))
      : vf.serialize(
          valueCols.map((c) => row[c.name] ?? null),
          valueCols,
          false,
        );
  // A single-column key of a string or number is serialized once per value: outputs repeat few keys (a
  // country, a source). The bytes are shared by the records and never changed.
  const keyBytes = new Map<unknown, Buffer>();
  const serializeKey = (keyVals: unknown[]): Buffer => {
    const v = keyVals[0];
    if (keyCols.length !== 1 || keyVals.length !== 1 || (typeof v !== 'string' && typeof v !== 'number')) return kf.serialize(keyVals, keyCols, true);
    let bytes = keyBytes.get(v);
    if (!bytes) {
      if (keyBytes.size >= KEY_BYTES_KEPT) keyBytes.clear();
      keyBytes.set(v, (bytes = kf.serialize(keyVals, keyCols, true)));
    }
    return bytes;
  };
  return (rec) => {
    let ts = rec.ts;
    if (spec.timestampColumn) {
      const raw = tsKeyIdx >= 0 ? rec.key?.[tsKeyIdx] : rec.row?.[spec.timestampColumn];
      // a text timestamp that does not parse drops the record, as ksqlDB's extractor fails it
      const v = typeof raw === 'string' && tsText ? tsText(raw) : raw;
      if (typeof raw === 'string' && tsText && v === undefined) return undefined;
      if (typeof v === 'number') ts = v;
      if (ts < 0) return undefined;
    }
    let key: Buffer | null = null;
    const keyVals = rec.key;
    if (keyCols.length && keyVals && (keyCols.length > 1 || !allNull(keyVals))) key = serializeKey(keyVals);
    let partitionKey: Buffer | undefined;
    if (spec.windowType && rec.window) {
      partitionKey = key ?? Buffer.alloc(0);
      key = encodeWindowedKey(partitionKey, rec.window, spec.windowType);
    }
    const row = rec.row;
    const created = rec.created === true;
    if (!row) return sinkRecord(spec.topic, ts, key, null, partitionKey, created);
    // Lazily (spec.lazyValue) only a value of scalars: one holding an array, map or struct is serialized
    // now, in case an operator changes that object later.
    if (!spec.lazyValue || !allScalar(row, valueNames)) return sinkRecord(spec.topic, ts, key, serializeRow(row), partitionKey, created);
    return lazySinkRecord(spec.topic, ts, key, partitionKey, created, row, serializeRow);
  };
}

/** A record of a fixed shape: `partitionKey` and `created` only when set. */
function sinkRecord(
  topic: string,
  timestamp: number,
  key: Buffer | null,
  value: Buffer | null,
  partitionKey: Buffer | undefined,
  created: boolean,
): SinkRecord {
  const r: SinkRecord = { topic, timestamp, key, value };
  if (partitionKey) r.partitionKey = partitionKey;
  if (created) r.created = true;
  return r;
}

/**
 * A record whose value is serialized when first read, by a getter of the class: an object with a getter
 * of its own is a slow (dictionary) object, which cost about 2 µs per record to make. A copy must read
 * the value itself: `{ ...record }` copies own properties only.
 */
class LazySinkRecord implements SinkRecord {
  partitionKey?: Buffer;
  created?: boolean;
  private serialized: Buffer | undefined = undefined;
  constructor(
    readonly topic: string,
    readonly timestamp: number,
    readonly key: Buffer | null,
    private readonly row: Row,
    private readonly serializeRow: (row: Row) => Buffer,
  ) {}
  get value(): Buffer {
    return (this.serialized ??= this.serializeRow(this.row));
  }
}

function lazySinkRecord(
  topic: string,
  timestamp: number,
  key: Buffer | null,
  partitionKey: Buffer | undefined,
  created: boolean,
  row: Row,
  serializeRow: (row: Row) => Buffer,
): SinkRecord {
  const r = new LazySinkRecord(topic, timestamp, key, row, serializeRow);
  if (partitionKey) r.partitionKey = partitionKey;
  if (created) r.created = true;
  return r;
}

/** Whether a record deletes its key, without serializing a lazy value (a lazy record always has one). */
export function isTombstone(r: SinkRecord): boolean {
  return !(r instanceof LazySinkRecord) && r.value === null;
}

/** How many serialized single-column keys a sink keeps (all are dropped when it is full). */
const KEY_BYTES_KEPT = 10_000;

function allNull(values: unknown[]): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== null && values[i] !== undefined) return false;
  return true;
}

function allScalar(row: Row, names: string[]): boolean {
  for (let i = 0; i < names.length; i++) if (!isScalar(row[names[i]!])) return false;
  return true;
}

/** null, undefined, a string, number, boolean or bigint: nothing an operator could change in place. */
function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}
