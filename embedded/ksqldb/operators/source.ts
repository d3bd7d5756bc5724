// Source: decodes raw Kafka records of a stream or table into rows with key, value and pseudo columns.
import type { Row } from '../expr/compile.ts';
import { decodeWindowedKey, getFormat } from '../formats/index.ts';
import type { RecordHeader, SourceRecord } from '../io.ts';
import { Bytes } from '../expr/bytes.ts';
import { payloadColumns } from '../types.ts';
import type { DataSource } from '../metastore.ts';
import { timestampReader } from './timestamp-text.ts';
import type { Rec } from './types.ts';

/**
 * Decoded values per record value and decoder signature: every query reading a topic gets the same
 * value Buffer, so a record read by four queries over one stream is parsed once, not four times.
 * The arrays are shared and must be read only (the decoder copies them into fresh rows).
 */
const decodedValues = new WeakMap<Buffer, Map<string, unknown[]>>();
/** Decoded keys, as decodedValues: a record's key is parsed once for every query reading it (the arrays are shared, read only). */
const decodedKeys = new WeakMap<Buffer, Map<string, unknown[]>>();

/** `decode` made to run once per Buffer and signature: later calls return the same (shared, read-only) array. */
function decodedOnce(cache: WeakMap<Buffer, Map<string, unknown[]>>, signature: string, decode: (bytes: Buffer) => unknown[]): (bytes: Buffer) => unknown[] {
  return (bytes) => {
    let bySignature = cache.get(bytes);
    const known = bySignature?.get(signature);
    if (known) return known;
    const values = decode(bytes);
    if (!bySignature) cache.set(bytes, (bySignature = new Map()));
    bySignature.set(signature, values);
    return values;
  };
}

/** The decoder of a source's (unwindowed) record keys, each key Buffer decoded once, as values are. */
function keyDecoder(src: DataSource): (key: Buffer) => unknown[] {
  const keyFormat = getFormat(src.keyFormat, src.keyDelimiter)!;
  const keyCols = src.schema.key;
  const signature = JSON.stringify([src.keyFormat, src.keyDelimiter ?? null, keyCols.map((c) => [c.name, c.type])]);
  return decodedOnce(decodedKeys, signature, (key) => keyFormat.deserialize(key, keyCols, true));
}

/** The decoder of a source's record values (the payload columns in order), each value Buffer decoded once. */
function valueDecoder(src: DataSource): (value: Buffer) => unknown[] {
  const valueFormat = getFormat(src.valueFormat, src.valueDelimiter)!;
  const valueCols = payloadColumns(src.schema.value);
  // an unwrapped single value (WRAP_SINGLE_VALUE=false) is read as a single key column is: the bare value
  const unwrapped = src.wrapSingleValue === false && valueCols.length === 1;
  const signature = JSON.stringify([src.valueFormat, src.valueDelimiter ?? null, unwrapped, valueCols.map((c) => [c.name, c.type])]);
  return decodedOnce(decodedValues, signature, (value) => valueFormat.deserialize(value, valueCols, unwrapped));
}

/**
 * The time a source's TIMESTAMP column gives a record, as the decoder reads it, without building its row:
 * undefined when the decoder would skip the record. A timestamp in the key is left to the full decoder.
 */
export function sourceTimestamp(src: DataSource): (rec: SourceRecord) => number | undefined {
  const tsCol = src.timestampColumn;
  const at = payloadColumns(src.schema.value).findIndex((c) => c.name === tsCol);
  if (!tsCol || at < 0 || src.schema.key.some((c) => c.name === tsCol)) {
    const decode = sourceDecoder(src, '', () => undefined);
    return (r) => decode(r)?.ts;
  }
  const decodeValue = valueDecoder(src);
  const tsText = timestampReader(src.timestampFormat);
  return (r) => {
    if (r.value === null) return r.timestamp;
    let raw: unknown;
    try {
      raw = decodeValue(r.value)[at] ?? null;
    } catch {
      return undefined;
    }
    const v = typeof raw === 'string' && tsText ? tsText(raw) : raw;
    return typeof v === 'number' && v >= 0 ? v : undefined;
  };
}

export function sourceDecoder(src: DataSource, prefix: string, onError: (msg: string, rec: SourceRecord) => void): (rec: SourceRecord) => Rec | undefined {
  const keyFormat = getFormat(src.keyFormat, src.keyDelimiter)!;
  const keyCols = src.schema.key;
  // the value format carries the payload columns; HEADERS / HEADER('k') columns come from the headers
  const valueCols = payloadColumns(src.schema.value);
  const headerCols = src.schema.value.filter((c) => c.header).map((c) => ({ field: prefix + c.name, key: c.header!.key }));
  const tsCol = src.timestampColumn;
  const tsText = timestampReader(src.timestampFormat);
  // field names computed once (not concatenated per record)
  const keyFields = keyCols.map((c) => prefix + c.name);
  const valueFields = valueCols.map((c) => prefix + c.name);
  const nKey = keyFields.length;
  const nValue = valueFields.length;
  const tsKeyIdx = tsCol ? keyCols.findIndex((c) => c.name === tsCol) : -1;
  const tsField = tsCol ? prefix + tsCol : '';
  const fRowtime = prefix + 'ROWTIME';
  const fRowpartition = prefix + 'ROWPARTITION';
  const fRowoffset = prefix + 'ROWOFFSET';
  const fWindowstart = prefix + 'WINDOWSTART';
  const fWindowend = prefix + 'WINDOWEND';
  const decodeValue = valueDecoder(src);
  const decodeKey = keyDecoder(src);
  return (r) => {
    let key: unknown[];
    let window: { start: number; end: number } | undefined;
    let row: Row | null = null;
    try {
      let keyBytes = r.key;
      if (src.windowType && keyBytes) {
        const d = decodeWindowedKey(keyBytes, src.windowType, src.windowSize);
        keyBytes = d.inner;
        window = d.window;
      }
      key = keyBytes === null || keyCols.length === 0 ? keyCols.map(() => null) : window ? keyFormat.deserialize(keyBytes, keyCols, true) : decodeKey(keyBytes);
    } catch (e) {
      onError(`Failed to deserialize key from topic: ${r.topic}. ${(e as Error).message}`, r);
      return undefined;
    }
    if (r.value !== null) {
      let values: unknown[];
      try {
        values = decodeValue(r.value);
      } catch (e) {
        onError(`Failed to deserialize value from topic: ${r.topic}. ${(e as Error).message}`, r);
        return undefined;
      }
      row = {};
      for (let i = 0; i < nKey; i++) row[keyFields[i]!] = key[i] ?? null;
      for (let i = 0; i < nValue; i++) row[valueFields[i]!] = values[i] ?? null;
      for (const h of headerCols) row[h.field] = headerValue(r.headers ?? [], h.key);
    }
    let ts = r.timestamp;
    if (tsCol) {
      const ki = tsKeyIdx;
      const raw = ki >= 0 ? key[ki] : row ? row[tsField] : null;
      const v = typeof raw === 'string' && tsText ? tsText(raw) : raw;
      if (typeof v !== 'number' || v < 0) {
        if (row || ki >= 0) {
          onError(`Invalid timestamp from column ${tsCol}: ${String(v)}`, r);
          return undefined;
        }
      } else ts = v;
    }
    if (row) {
      row[fRowtime] = ts;
      row[fRowpartition] = r.partition;
      row[fRowoffset] = r.offset;
      if (window) {
        row[fWindowstart] = window.start;
        row[fWindowend] = window.end;
      }
    }
    const recKey = r.key === null && keyCols.length ? null : key;
    if (row) return { key: recKey, row, ts, window };
    // a record without a value: its key columns, for expressions that read only them (PARTITION BY)
    const keyRow: Row = {};
    for (let i = 0; i < nKey; i++) keyRow[keyFields[i]!] = key[i] ?? null;
    return { key: recKey, row, ts, window, keyRow };
  };
}

/** HEADERS: every header as STRUCT<KEY, VALUE>; HEADER('k'): the value of the last header named k, or null. */
function headerValue(headers: RecordHeader[], key: string | undefined): unknown {
  const bytes = (v: Buffer | null) => (v === null ? null : new Bytes(v));
  if (key === undefined) return headers.map((h) => ({ KEY: h.key, VALUE: bytes(h.value) }));
  for (let i = headers.length - 1; i >= 0; i--) if (headers[i]!.key === key) return bytes(headers[i]!.value);
  return null;
}
