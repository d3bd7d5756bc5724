/**
 * The log's rules for the batches it stores, on top of the codec's structural checks: the ones every
 * stored batch must pass (appends and recovery), plus the stricter ones a leader applies to what producers
 * send, turned into the log's typed errors.
 */
import { inspectBatch, type BatchHeader } from '../protocol/record-batch/index.ts';
import { CorruptRecordError, RecordTooLargeError } from './errors.ts';

export interface ValidatedBatch {
  /** Byte position of the batch inside the validated buffer. */
  position: number;
  header: BatchHeader;
}

export interface ValidationRules {
  /** Leader appends: a size limit, and the producer-input checks (record count, codec). */
  maxMessageBytes?: number;
  /**
   * Follower copies come from this cluster's own leader log, whose append already checked every CRC;
   * checking again would triple the CRC work of every produce with RF 3.
   */
  trustedCrc?: boolean;
}

/** Every batch in `records`, or a typed error for the first bad one. The buffer must hold whole batches only. */
export function validateBatches(records: Buffer, rules: ValidationRules): ValidatedBatch[] {
  const batches: ValidatedBatch[] = [];
  const leader = rules.maxMessageBytes !== undefined;
  for (let pos = 0; pos < records.length; ) {
    const inspection = inspectBatch(records, pos, records.length, { checkCrc: !rules.trustedCrc, producerInput: leader });
    if (!inspection.ok) throw new CorruptRecordError(inspection.problem, pos, inspection.detail);
    const { header } = inspection;
    if (leader && header.sizeInBytes > rules.maxMessageBytes!) throw new RecordTooLargeError(header.sizeInBytes, rules.maxMessageBytes!, pos);
    batches.push({ position: pos, header });
    pos += header.sizeInBytes;
  }
  return batches;
}
