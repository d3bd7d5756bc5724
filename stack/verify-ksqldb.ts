/**
 * The ksqlDB REST calls `npm run verify` makes, all of which real ksqlDB 0.29 serves the same way:
 * GET /info (is anyone there), DESCRIBE (key columns and window type) and a table-scan pull query
 * `SELECT * FROM T;` on /query-stream (the table's current rows: one per key, or per key and window).
 */

import type { HttpAuth } from '../config/endpoints.ts';
import { type StreamedAnswer, serviceClient, ServiceUnreachableError } from '../config/http-client.ts';

/** ksqlDB answered 401 or 403: the credentials (KSQLDB_BASIC_AUTH_USER / _PASSWORD) are missing or wrong. */
export class KsqlDbUnauthorisedError extends Error {
  override name = 'KsqlDbUnauthorisedError';
  constructor(
    readonly url: string,
    readonly status: number,
    readonly sentCredentials: boolean,
  ) {
    super(`ksqlDB at ${url} refused the request (HTTP ${status})`);
  }
}

/** Nothing answered at the URL (refused, reset, unknown host, or no answer in time). */
export class KsqlDbUnreachableError extends Error {
  override name = 'KsqlDbUnreachableError';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`ksqlDB at ${url} is unreachable (${reason})`);
  }
}

/** ksqlDB answered but refused the statement (its statement_error / generic error message). */
export class KsqlDbQueryError extends Error {
  override name = 'KsqlDbQueryError';
}

export interface TableDescription {
  name: string;
  /** Key columns as DESCRIBE lists them (`type: 'KEY'`), in order. */
  keyColumns: string[];
  /** TUMBLING | HOPPING | SESSION for a windowed table, else null. */
  windowType: string | null;
}

export interface PulledTable {
  columns: string[];
  columnTypes: string[];
  rows: unknown[][];
}

/**
 * Table scans (a pull query without a key in WHERE) are a per-query property in ksqlDB; asking for
 * them explicitly keeps verify working on a server that has them off by default.
 */
const PULL_PROPERTIES = { 'ksql.query.pull.table.scan.enabled': true };

/** The media types of ksqlDB's REST API: statements (/ksql, /query) and /query-stream's delimited rows. */
export const KSQL_MEDIA_TYPE = 'application/vnd.ksql.v1+json';
export const DELIMITED_MEDIA_TYPE = 'application/vnd.ksqlapi.delimited.v1';

export interface KsqlDbRequestOptions {
  auth?: HttpAuth;
  /** Gives up (KsqlDbUnreachableError "no answer within …") after this long, body included; none: waits. */
  timeoutMs?: number;
  /** The caller's own cancel (e.g. the shell's Ctrl-C): the request rejects with its AbortError. */
  signal?: AbortSignal;
}

/** What ksqlDB is sent: a JSON body in one of its media types. */
export interface KsqlDbCall {
  method: 'GET' | 'POST';
  body?: unknown;
  /** the body's media type (application/vnd.ksql.v1+json for /ksql and /query, JSON or delimited for /query-stream) */
  contentType?: string;
  accept?: string;
}

/** ksqlDB's answer, its body read whole or line by line as it arrives. */
export interface KsqlDbAnswer {
  status: number;
  ok: boolean;
  text(): Promise<string>;
  eachLine(line: (text: string) => void): Promise<void>;
}

/** A failure to reach ksqlDB or to read its answer, as KsqlDbUnreachableError; any other error as it is. */
function asKsqlDbError(url: string, error: unknown): unknown {
  return error instanceof ServiceUnreachableError ? new KsqlDbUnreachableError(url, error.reason) : error;
}

/** One call to ksqlDB through the application's HTTP client; no answer is KsqlDbUnreachableError, 401/403 KsqlDbUnauthorisedError. */
export async function ksqlDbRequest(url: string, path: string, call: KsqlDbCall, options: KsqlDbRequestOptions): Promise<KsqlDbAnswer> {
  const { auth, timeoutMs, signal } = options;
  const client = serviceClient({ service: 'ksqlDB', baseUrl: url, auth });
  const headers: Record<string, string> = { accept: call.accept ?? 'application/json' };
  if (call.contentType) headers['content-type'] = call.contentType;
  let answer: StreamedAnswer;
  try {
    answer = await client.stream(call.method, path, { body: call.body, headers, timeoutMs, signal });
  } catch (error) {
    throw asKsqlDbError(url, error);
  }
  if (answer.status === 401 || answer.status === 403) {
    answer.discard();
    throw new KsqlDbUnauthorisedError(url, answer.status, auth !== undefined && auth.kind !== 'none');
  }
  return {
    status: answer.status,
    ok: answer.status >= 200 && answer.status < 300,
    text: () => answer.text().catch((error: unknown) => Promise.reject(asKsqlDbError(url, error))),
    eachLine: (line) => answer.eachLine(line).catch((error: unknown) => Promise.reject(asKsqlDbError(url, error))),
  };
}

function request(url: string, path: string, call: KsqlDbCall, timeoutMs: number, auth?: HttpAuth): Promise<KsqlDbAnswer> {
  return ksqlDbRequest(url, path, call, { auth, timeoutMs });
}

/** The message of a ksqlDB error body (statement_error, generic error), else the raw text. */
export function errorMessage(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { message?: string };
    if (body.message) return body.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return `HTTP ${status}: ${text.slice(0, 200)}`;
}

/** Throws KsqlDbUnreachableError unless GET /info answers with a server info document. */
export async function checkReachable(url: string, timeoutMs: number, auth?: HttpAuth): Promise<void> {
  const response = await request(url, '/info', { method: 'GET' }, timeoutMs, auth);
  const text = await response.text();
  if (!response.ok || !text.includes('KsqlServerInfo')) {
    throw new KsqlDbUnreachableError(url, `HTTP ${response.status} from /info, which is not a ksqlDB server's answer`);
  }
}

export async function describeTable(url: string, name: string, timeoutMs: number, auth?: HttpAuth): Promise<TableDescription> {
  const response = await request(
    url,
    '/ksql',
    { method: 'POST', contentType: KSQL_MEDIA_TYPE, accept: KSQL_MEDIA_TYPE, body: { ksql: `DESCRIBE ${name};`, streamsProperties: {} } },
    timeoutMs,
    auth,
  );
  const text = await response.text();
  if (!response.ok) throw new KsqlDbQueryError(errorMessage(response.status, text));
  const [entity] = JSON.parse(text) as { sourceDescription?: { fields: { name: string; type?: string }[]; windowType?: string | null } }[];
  const description = entity?.sourceDescription;
  if (!description) throw new KsqlDbQueryError(`DESCRIBE ${name} returned no source description`);
  return {
    name,
    keyColumns: description.fields.filter((f) => f.type === 'KEY').map((f) => f.name),
    windowType: description.windowType ?? null,
  };
}

/** Every current row of a materialized table, by a table-scan pull query (it ends by itself). */
export async function pullTable(url: string, name: string, timeoutMs: number, auth?: HttpAuth): Promise<PulledTable> {
  const response = await request(
    url,
    '/query-stream',
    { method: 'POST', contentType: 'application/json', accept: DELIMITED_MEDIA_TYPE, body: { sql: `SELECT * FROM ${name};`, properties: PULL_PROPERTIES } },
    timeoutMs,
    auth,
  );
  const text = await response.text();
  if (!response.ok) throw new KsqlDbQueryError(errorMessage(response.status, text));
  return parseDelimited(text);
}

/** The delimited /query-stream body: a header object, then one JSON array per row; an object after the header is an error. */
export function parseDelimited(text: string): PulledTable {
  const table: PulledTable = { columns: [], columnTypes: [], rows: [] };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const parsed = JSON.parse(line) as unknown;
    if (Array.isArray(parsed)) {
      table.rows.push(parsed);
      continue;
    }
    const object = parsed as { columnNames?: string[]; columnTypes?: string[]; message?: string };
    if (object.columnNames) {
      table.columns = object.columnNames;
      table.columnTypes = object.columnTypes ?? [];
    } else {
      throw new KsqlDbQueryError(object.message ?? `unexpected line in the query answer: ${line.slice(0, 200)}`);
    }
  }
  return table;
}
