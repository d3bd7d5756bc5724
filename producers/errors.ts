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
