/** The per-batch facts the broker needs from a records blob: producer identity, offsets and the bytes. */
import { readBatchHeader, splitRecordBatches } from './protocol/record-batch.ts';
import type { BatchIdentity } from './producer-state.ts';

export interface BatchInfo extends BatchIdentity {
  baseOffset: number;
  bytes: Buffer;
}

/** Splits by length fields only (CRCs are checked by the log on append). Throws ProtocolError on a malformed blob. */
export function parseBatchHeaders(records: Buffer): BatchInfo[] {
  return splitRecordBatches(records).map((bytes) => {
    const h = readBatchHeader(bytes);
    return {
      producerId: Number(h.producerId),
      producerEpoch: h.producerEpoch,
      baseSequence: h.baseSequence,
      recordCount: h.lastOffsetDelta + 1,
      baseOffset: h.baseOffset,
      bytes,
    };
  });
}
