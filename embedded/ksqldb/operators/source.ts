// Source: decodes raw Kafka records of a stream or table into rows with key, value and pseudo columns.
import type { Row } from '../expr/compile.ts';
import { decodeWindowedKey, getFormat } from '../formats/index.ts';
import type { SourceRecord } from '../io.ts';
import type { DataSource } from '../metastore.ts';
import type { Rec } from './types.ts';

export function sourceDecoder(src: DataSource, prefix: string, onError: (msg: string, rec: SourceRecord) => void): (rec: SourceRecord) => Rec | undefined {
  const keyFormat = getFormat(src.keyFormat, src.keyDelimiter)!;
  const valueFormat = getFormat(src.valueFormat, src.valueDelimiter)!;
  const keyCols = src.schema.key;
  const valueCols = src.schema.value;
  const tsCol = src.timestampColumn;
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
      key = keyBytes === null || keyCols.length === 0 ? keyCols.map(() => null) : keyFormat.deserialize(keyBytes, keyCols, true);
    } catch (e) {
      onError(`Failed to deserialize key from topic: ${r.topic}. ${(e as Error).message}`, r);
      return undefined;
    }
    if (r.value !== null) {
      let values: unknown[];
      try {
        values = valueFormat.deserialize(r.value, valueCols, false);
      } catch (e) {
        onError(`Failed to deserialize value from topic: ${r.topic}. ${(e as Error).message}`, r);
        return undefined;
      }
      row = {};
      keyCols.forEach((c, i) => (row![prefix + c.name] = key[i] ?? null));
      valueCols.forEach((c, i) => (row![prefix + c.name] = values[i] ?? null));
    }
    let ts = r.timestamp;
    if (tsCol) {
      const ki = keyCols.findIndex((c) => c.name === tsCol);
      const v = ki >= 0 ? key[ki] : row ? row[prefix + tsCol] : null;
      if (typeof v !== 'number' || v < 0) {
        if (row || ki >= 0) {
          onError(`Invalid timestamp from column ${tsCol}: ${String(v)}`, r);
          return undefined;
        }
      } else ts = v;
    }
    if (row) {
      row[prefix + 'ROWTIME'] = ts;
      row[prefix + 'ROWPARTITION'] = r.partition;
      row[prefix + 'ROWOFFSET'] = r.offset;
      if (window) {
        row[prefix + 'WINDOWSTART'] = window.start;
        row[prefix + 'WINDOWEND'] = window.end;
      }
    }
    const keyRow: Row = {};
    keyCols.forEach((c, i) => (keyRow[prefix + c.name] = key[i] ?? null));
    return { key: r.key === null && keyCols.length ? null : key, row, ts, window, keyRow };
  };
}
