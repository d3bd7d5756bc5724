/** The records of a stored batch with absolute offsets and timestamps, for the codecs the log can open. */
import zlib from 'node:zlib';
import { Attribute, Compression, Field, type BatchHeader } from './batch-header.ts';
import { readRecords, type RecordView } from './records.ts';

export interface StoredRecord extends RecordView {
  offset: number;
  timestamp: number;
  /** baseTimestamp + timestampDelta, what the producer wrote even when the batch uses LogAppendTime. */
  createTimestamp: number;
}

/** Uncompressed and gzip batches only; null for snappy/lz4/zstd, which are left alone. */
export function decodeBatchRecords(batch: Buffer, header: BatchHeader): StoredRecord[] | null {
  const body = recordsBody(batch, header.compression);
  if (!body) return null;
  const logAppendTime = (header.attributes & Attribute.logAppendTime) !== 0;
  const records: StoredRecord[] = [];
  for (const record of readRecords(body, header.recordsCount)) {
    const createTimestamp = header.baseTimestamp + record.timestampDelta;
    records.push({
      ...record,
      offset: header.baseOffset + record.offsetDelta,
      timestamp: logAppendTime ? header.maxTimestamp : createTimestamp,
      createTimestamp,
    });
  }
  return records;
}

function recordsBody(batch: Buffer, compression: number): Buffer | null {
  const stored = batch.subarray(Field.records);
  if (compression === Compression.none) return stored;
  if (compression === Compression.gzip) return zlib.unzipSync(stored);
  return null;
}
