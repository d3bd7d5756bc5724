/**
 * What a Pinot user observes, reduced to comparable JSON: HTTP calls to a controller or broker, and a broker
 * answer turned into column names, column types, rows (ordered, as a multiset, or only counted) and errors
 * (code and the message's first word: texts differ between versions, the kind of error must not).
 */
import type { RowCheck } from './pinot-queries.ts';

export interface HttpAnswer {
  status: number;
  /** Parsed JSON body, or the text when it is not JSON. */
  body: unknown;
}

export async function call(method: string, url: string, body?: unknown): Promise<HttpAnswer> {
  const init: RequestInit = { method, signal: AbortSignal.timeout(30_000) };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const response = await fetch(url, init);
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

/** The shape of an error body: its status and which keys it has (`{code, error}` in Pinot). */
export function errorShape(answer: HttpAnswer): { status: number; keys: string[] | 'text' } {
  const body = answer.body;
  return { status: answer.status, keys: body !== null && typeof body === 'object' ? Object.keys(body).sort() : 'text' };
}

/** Numbers compared to 10 significant digits: engines may sum doubles in different orders. */
function normaliseValue(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isInteger(value)) return Number(value.toPrecision(10));
  if (Array.isArray(value)) return value.map(normaliseValue);
  return value;
}

export interface QueryObservation {
  httpStatus: number;
  columnNames?: string[];
  columnDataTypes?: string[];
  rows?: unknown[];
  rowCount?: number;
  exceptions: { errorCode: number; kind: string }[];
}

/** The first word of an error message (e.g. "QueryExecutionError", "SQLParsingError", "TableDoesNotExistError"). */
export function errorKind(message: string): string {
  return /^[A-Za-z_]+/.exec(message.trim())?.[0] ?? '';
}

export function observeQuery(answer: HttpAnswer, check: RowCheck): QueryObservation {
  const body = answer.body as
    | {
        resultTable?: { dataSchema: { columnNames: string[]; columnDataTypes: string[] }; rows: unknown[][] };
        exceptions?: { errorCode: number; message: string }[];
      }
    | string;
  if (typeof body !== 'object' || body === null) return { httpStatus: answer.status, exceptions: [{ errorCode: -1, kind: errorKind(String(body)) }] };
  const exceptions = (body.exceptions ?? []).map((e) => ({ errorCode: e.errorCode, kind: errorKind(e.message) }));
  const table = body.resultTable;
  if (!table) return { httpStatus: answer.status, exceptions };
  const observation: QueryObservation = {
    httpStatus: answer.status,
    columnNames: table.dataSchema.columnNames,
    columnDataTypes: table.dataSchema.columnDataTypes,
    exceptions,
  };
  const rows = table.rows.map((row) => row.map(normaliseValue));
  if (check === 'shape') observation.rowCount = rows.length;
  else if (check === 'ordered') observation.rows = rows;
  else
    observation.rows = rows
      .map((row) => JSON.stringify(row))
      .sort()
      .map((row) => JSON.parse(row));
  return observation;
}

/**
 * The broker stats users read (the query console shows them). Not compared: numEntriesScannedInFilter,
 * numEntriesScannedPostFilter and the CPU times (engine internals: they depend on Pinot's dictionaries,
 * indexes and pruning, e.g. 0 entries scanned for a value the dictionary lacks), partialResult (a 1.x field
 * 0.11 does not send), timeUsedMs, requestId.
 */
export const USER_READ_STATS = [
  'numDocsScanned',
  'totalDocs',
  'numServersQueried',
  'numServersResponded',
  'numSegmentsQueried',
  'numSegmentsMatched',
  'numConsumingSegmentsQueried',
  'numGroupsLimitReached',
  'numRowsResultSet',
] as const;

export function observeStats(answer: HttpAnswer): Record<string, unknown> {
  const body = answer.body as Record<string, unknown>;
  return Object.fromEntries(USER_READ_STATS.map((key) => [key, body?.[key]]));
}
