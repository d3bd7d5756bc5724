/**
 * Typed failures of the partition log. `errorCode` is the Kafka protocol error code a broker should answer
 * with (kafka-protocol.md §3.18).
 */
import type { BatchProblem } from '../protocol/record-batch/index.ts';

export abstract class LogError extends Error {
  abstract readonly errorCode: number;
}

export type CorruptRecordReason = BatchProblem | 'offsets-out-of-order';

/** CORRUPT_MESSAGE (2). `position` is the byte position of the bad batch inside the appended buffer. */
export class CorruptRecordError extends LogError {
  readonly errorCode = 2;
  constructor(
    readonly reason: CorruptRecordReason,
    readonly position: number,
    detail: string,
  ) {
    super(`corrupt record batch at byte ${position} (${reason}): ${detail}`);
    this.name = 'CorruptRecordError';
  }
}

/** MESSAGE_TOO_LARGE (10). */
export class RecordTooLargeError extends LogError {
  readonly errorCode = 10;
  readonly reason = 'batch-exceeds-max-message-bytes';
  constructor(
    readonly batchSize: number,
    readonly maxMessageBytes: number,
    readonly position: number,
  ) {
    super(`record batch of ${batchSize} bytes at byte ${position} exceeds maxMessageBytes ${maxMessageBytes}`);
    this.name = 'RecordTooLargeError';
  }
}

/** OFFSET_OUT_OF_RANGE (1). */
export class OffsetOutOfRangeError extends LogError {
  readonly errorCode = 1;
  constructor(
    readonly offset: number,
    readonly logStartOffset: number,
    readonly logEndOffset: number,
  ) {
    super(`offset ${offset} is outside the log range [${logStartOffset}, ${logEndOffset}]`);
    this.name = 'OffsetOutOfRangeError';
  }
}

/** A follower append that does not continue at logEndOffset. A broker bug, hence UNKNOWN_SERVER_ERROR (-1). */
export class UnexpectedAppendOffsetError extends LogError {
  readonly errorCode = -1;
  constructor(
    readonly expectedOffset: number,
    readonly actualOffset: number,
  ) {
    super(`follower append must start at log end offset ${expectedOffset}, got ${actualOffset}`);
    this.name = 'UnexpectedAppendOffsetError';
  }
}

export class LogClosedError extends Error {
  constructor(dir: string) {
    super(`partition log ${dir} is closed`);
    this.name = 'LogClosedError';
  }
}
