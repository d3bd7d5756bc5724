/** The per-batch facts the broker checks before an append: producer identity and the batch's bytes. */
import { readBatchHeader, splitRecordBatches } from './protocol/record-batch/index.ts';
import type { BatchIdentity } from './producer-state.ts';

export interface BatchInfo extends BatchIdentity {
  bytes: Buffer;
}

/** Splits by length fields only (CRCs are checked by the log on append). Throws ProtocolError on a malformed blob. */
export function parseBatchHeaders(records: Buffer): BatchInfo[] {
  return splitRecordBatches(records).map((bytes) => {
    const h = readBatchHeader(bytes);
    return {
      producerId: h.producerId,
      producerEpoch: h.producerEpoch,
      baseSequence: h.baseSequence,
      recordCount: h.lastOffsetDelta + 1,
      bytes,
    };
  });
}
