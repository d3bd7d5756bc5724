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
    if (keyCols.length && keyVals && !keyVals.every((v) => v === null || v === undefined)) {
      key = kf.serialize(keyVals, keyCols, true);
    } else if (keyCols.length && keyVals && keyCols.length > 1) {
      key = kf.serialize(keyVals, keyCols, true);
    }
    let partitionKey: Buffer | undefined;
    if (spec.windowType && rec.window) {
      partitionKey = key ?? Buffer.alloc(0);
      key = encodeWindowedKey(partitionKey, rec.window, spec.windowType);
    }
    const row = rec.row;
    if (!row)
      return partitionKey ? { topic: spec.topic, timestamp: ts, key, value: null, partitionKey } : { topic: spec.topic, timestamp: ts, key, value: null };
    // Lazily (spec.lazyValue) only a value of scalars: one holding an array, map or struct is serialized
    // now, in case an operator changes that object later.
    if (!spec.lazyValue || !valueCols.every((c) => isScalar(row[c.name]))) {
      const value = serializeRow(row);
      return partitionKey ? { topic: spec.topic, timestamp: ts, key, value, partitionKey } : { topic: spec.topic, timestamp: ts, key, value };
    }
    // an own getter (not a class's), so a copy of the record ({ ...record }, structuredClone) still has its value
    let value: Buffer | undefined;
    return {
      topic: spec.topic,
      timestamp: ts,
      key,
      ...(partitionKey ? { partitionKey } : {}),
      get value(): Buffer {
        return (value ??= serializeRow(row));
      },
    };
  };
}

/** null, undefined, a string, number, boolean or bigint: nothing an operator could change in place. */
function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}
