/**
 * The ksqlDB REST calls `npm run verify` makes, all of which real ksqlDB 0.29 serves the same way:
 * GET /info (is anyone there), DESCRIBE (key columns and window type) and a table-scan pull query
 * `SELECT * FROM T;` on /query-stream (the table's current rows: one per key, or per key and window).
 */

import type { HttpAuth } from '../config/endpoints.ts';
import { withAuth } from '../config/http-auth.ts';

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

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EHOSTUNREACH: 'host unreachable',
};

export interface KsqlDbRequestOptions {
  auth?: HttpAuth;
  /** Gives up (KsqlDbUnreachableError "no answer within …") after this long; none: waits. */
  timeoutMs?: number;
  /** The caller's own cancel (e.g. the shell's Ctrl-C): the request rejects with its AbortError. */
  signal?: AbortSignal;
}

/** fetch, with every network-level failure turned into KsqlDbUnreachableError, and 401/403 into KsqlDbUnauthorisedError. */
export async function ksqlDbRequest(url: string, path: string, init: RequestInit, options: KsqlDbRequestOptions): Promise<Response> {
  const { auth, timeoutMs, signal } = options;
  const signals = [signal, timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs)].filter((s): s is AbortSignal => s !== undefined);
  let response: Response;
  try {
    response = await fetch(`${url}${path}`, withAuth({ ...init, signal: signals.length > 0 ? AbortSignal.any(signals) : undefined }, auth));
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    if (signal?.aborted) throw error;
    if (e.name === 'TimeoutError') throw new KsqlDbUnreachableError(url, `no answer within ${Math.round((timeoutMs ?? 0) / 1000)} s`);
    const code = e.cause?.code;
    throw new KsqlDbUnreachableError(url, (code && NETWORK_REASONS[code]) ?? code ?? e.cause?.message ?? e.message);
  }
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel();
    throw new KsqlDbUnauthorisedError(url, response.status, auth !== undefined && auth.kind !== 'none');
  }
  return response;
}

function request(url: string, path: string, init: RequestInit, timeoutMs: number, auth?: HttpAuth): Promise<Response> {
  return ksqlDbRequest(url, path, init, { auth, timeoutMs });
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
  const response = await request(url, '/info', {}, timeoutMs, auth);
  const text = await response.text();
  if (!response.ok || !text.includes('KsqlServerInfo')) {
    throw new KsqlDbUnreachableError(url, `HTTP ${response.status} from /info, which is not a ksqlDB server's answer`);
  }
}

export async function describeTable(url: string, name: string, timeoutMs: number, auth?: HttpAuth): Promise<TableDescription> {
  const response = await request(
    url,
    '/ksql',
    {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.ksql.v1+json', accept: 'application/vnd.ksql.v1+json' },
      body: JSON.stringify({ ksql: `DESCRIBE ${name};`, streamsProperties: {} }),
    },
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
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/vnd.ksqlapi.delimited.v1' },
      body: JSON.stringify({ sql: `SELECT * FROM ${name};`, properties: PULL_PROPERTIES }),
    },
    timeoutMs,
    auth,
  );
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new KsqlDbUnreachableError(url, `the answer to the pull query on ${name} broke off: ${(error as Error).message}`);
  }
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
