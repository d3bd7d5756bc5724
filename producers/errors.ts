/**
 * Errors the producers expect and explain in one line (the CLI prints `produce: <message>` and exits 2).
 * Anything else is a bug and is reported as such.
 */

export class ProducerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProducerError';
  }
}

/** Bad command line. */
export class UsageError extends ProducerError {
  override name = 'UsageError';
}

export class MysqlUnreachableError extends ProducerError {
  override name = 'MysqlUnreachableError';
}

export class KafkaUnreachableError extends ProducerError {
  override name = 'KafkaUnreachableError';
}

/** The broker answered KAFKA_STORAGE_ERROR: it cannot write its log (its disk is full or failing). */
export class KafkaStorageError extends ProducerError {
  override name = 'KafkaStorageError';
}

/** The Kafka protocol error type (kafkajs' `type`, e.g. KAFKA_STORAGE_ERROR) behind an error, if any. */
export function kafkaErrorType(error: unknown): string | undefined {
  let e = error as { type?: unknown; cause?: unknown; originalError?: unknown } | null | undefined;
  for (let depth = 0; e && depth < 6; depth++) {
    if (typeof e.type === 'string') return e.type;
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return undefined;
}

/** Events were asked for, but there are no users to refer to. */
export class NoUsersError extends ProducerError {
  override name = 'NoUsersError';
}

/** A short description of an underlying error: its code if it has one, then its message. */
export function describeCause(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describeCause(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const message = error.message.split('\n')[0]!.trim();
    if (typeof code === 'string' && code !== '' && !message.includes(code)) return message ? `${code}: ${message}` : code;
    return message || error.name;
  }
  return String(error);
}
