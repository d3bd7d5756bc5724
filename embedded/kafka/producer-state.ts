/**
 * Idempotent-producer bookkeeping for one partition replica, as Kafka's ProducerStateManager keeps it:
 * the current epoch and the last few batches of each producer id, so a retried batch is recognised
 * and answered with its original offset instead of being written twice.
 */

export interface BatchIdentity {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  /** Records in the batch (lastOffsetDelta + 1). */
  recordCount: number;
}

interface CachedBatch {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
}

interface ProducerEntry {
  epoch: number;
  batches: CachedBatch[];
}

export type SequenceVerdict = { kind: 'append' } | { kind: 'duplicate'; firstOffset: number } | { kind: 'error'; errorCode: number; message: string };

/** Kafka keeps the metadata of the last five batches per producer (max.in.flight for idempotence). */
const CACHED_BATCHES = 5;
const INT32_MAX = 2 ** 31 - 1;

export const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
export const INVALID_PRODUCER_EPOCH = 47;

function lastSequence(firstSeq: number, count: number): number {
  const last = firstSeq + count - 1;
  return last > INT32_MAX ? last - INT32_MAX - 1 : last;
}

function nextSequence(seq: number): number {
  return seq === INT32_MAX ? 0 : seq + 1;
}

export class ProducerStateTable {
  private readonly producers = new Map<number, ProducerEntry>();

  /** Decides what to do with an incoming batch; does not change state. */
  check(batch: BatchIdentity): SequenceVerdict {
    if (batch.producerId < 0) return { kind: 'append' };
    const entry = this.producers.get(batch.producerId);
    if (!entry) return { kind: 'append' };
    if (batch.producerEpoch < entry.epoch) {
      return {
        kind: 'error',
        errorCode: INVALID_PRODUCER_EPOCH,
        message: `producer ${batch.producerId} epoch ${batch.producerEpoch} is older than the current epoch ${entry.epoch}`,
      };
    }
    if (batch.producerEpoch > entry.epoch) {
      return batch.baseSequence === 0
        ? { kind: 'append' }
        : {
            kind: 'error',
            errorCode: OUT_OF_ORDER_SEQUENCE_NUMBER,
            message: `producer ${batch.producerId} started epoch ${batch.producerEpoch} at sequence ${batch.baseSequence}, expected 0`,
          };
    }
    const last = lastSequence(batch.baseSequence, batch.recordCount);
    const seen = entry.batches.find((b) => b.firstSeq === batch.baseSequence && b.lastSeq === last);
    if (seen) return { kind: 'duplicate', firstOffset: seen.firstOffset };
    const newest = entry.batches[entry.batches.length - 1];
    if (newest && batch.baseSequence !== nextSequence(newest.lastSeq)) {
      return {
        kind: 'error',
        errorCode: OUT_OF_ORDER_SEQUENCE_NUMBER,
        message: `producer ${batch.producerId} sent sequence ${batch.baseSequence}, expected ${nextSequence(newest.lastSeq)}`,
      };
    }
    return { kind: 'append' };
  }

  /** Records a batch that is now in the log (on the leader and on every follower alike). */
  record(batch: BatchIdentity, firstOffset: number): void {
    if (batch.producerId < 0) return;
    let entry = this.producers.get(batch.producerId);
    if (!entry || batch.producerEpoch > entry.epoch) {
      entry = { epoch: batch.producerEpoch, batches: [] };
      this.producers.set(batch.producerId, entry);
    }
    entry.batches.push({ firstSeq: batch.baseSequence, lastSeq: lastSequence(batch.baseSequence, batch.recordCount), firstOffset });
    if (entry.batches.length > CACHED_BATCHES) entry.batches.shift();
  }

  clear(): void {
    this.producers.clear();
  }
}
