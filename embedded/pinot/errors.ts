/**
 * Errors of the two Pinot services.
 *
 * The controller answers failures as `{"code": <http status>, "error": "<text>"}` with that HTTP
 * status (Pinot's WebApplicationExceptionMapper); the broker answers HTTP 200 with
 * `exceptions: [{errorCode, message}]` where errorCode is a QueryErrorCode.
 */

/** A controller failure: HTTP status + message, rendered as {code, error}. */
export class ControllerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControllerError';
  }
}

/** Pinot's QueryErrorCode numbers used by this stand-in, with their default messages. */
export const QueryErrorCode = {
  JSON_PARSING: { code: 100, message: 'JsonParsingError' },
  SQL_PARSING: { code: 150, message: 'SQLParsingError' },
  SQL_RUNTIME: { code: 160, message: 'SQLRuntimeError' },
  TABLE_DOES_NOT_EXIST: { code: 190, message: 'TableDoesNotExistError' },
  TABLE_IS_DISABLED: { code: 191, message: 'TableIsDisabledError' },
  QUERY_EXECUTION: { code: 200, message: 'QueryExecutionError' },
  QUERY_SCHEDULING_TIMEOUT: { code: 240, message: 'QuerySchedulingTimeoutError' },
  SERVER_RESOURCE_LIMIT_EXCEEDED: { code: 245, message: 'ServerResourceLimitExceededError' },
  EXECUTION_TIMEOUT: { code: 250, message: 'ExecutionTimeoutError' },
  BROKER_RESOURCE_MISSING: { code: 410, message: 'BrokerResourceMissingError' },
  INTERNAL: { code: 450, message: 'InternalError' },
  QUERY_CANCELLATION: { code: 503, message: 'QueryCancellationError' },
  QUERY_VALIDATION: { code: 700, message: 'QueryValidationError' },
  UNKNOWN_COLUMN: { code: 710, message: 'UnknownColumnError' },
  QUERY_PLANNING: { code: 720, message: 'QueryPlanningError' },
  UNKNOWN: { code: 1000, message: 'UnknownError' },
} as const;

export type QueryErrorKind = keyof typeof QueryErrorCode;

/** A query failure, carried to the broker response as one entry of `exceptions`. */
export class QueryError extends Error {
  readonly errorCode: number;
  /** `<DefaultMessage>` or `<DefaultMessage>: <detail>`, as Pinot formats it. */
  readonly pinotMessage: string;

  constructor(kind: QueryErrorKind, detail?: string) {
    const { code, message } = QueryErrorCode[kind];
    const full = detail === undefined || detail === '' ? message : `${message}: ${detail}`;
    super(full);
    this.name = 'QueryError';
    this.errorCode = code;
    this.pinotMessage = full;
  }
}

/**
 * A request the broker refuses before running it, answered as Pinot's REST resource answers an
 * uncaught exception: HTTP `status` (500) with `{code, error}`, no broker response.
 */
export class BrokerRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'BrokerRequestError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
