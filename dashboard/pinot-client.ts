/**
 * A small client for the Pinot broker's `POST /query/sql` (see shared/ref/pinot-api.md): HTTP 200 with
 * `exceptions[]` for query errors, `resultTable.dataSchema.columnNames` + `rows` on success.
 */

import type { HttpAuth } from '../config/endpoints.ts';
import { serviceClient, ServiceUnreachableError, type HttpAnswer, type ServiceClient } from '../config/http-client.ts';

export interface PinotException {
  errorCode: number;
  message: string;
}

/** The broker answered, but with exceptions (e.g. 190 TableDoesNotExistError). */
export class PinotQueryError extends Error {
  override name = 'PinotQueryError';
  constructor(
    readonly exceptions: PinotException[],
    readonly sql: string,
  ) {
    super(`Pinot: ${exceptions.map((e) => `${e.errorCode} ${firstLine(e.message)}`).join('; ')}`);
  }

  /** True when every exception says the table does not exist (yet): an empty panel, not an outage. */
  get tableMissing(): boolean {
    return this.exceptions.length > 0 && this.exceptions.every((e) => e.errorCode === 190 || e.errorCode === 410);
  }
}

/** The broker could not be reached or answered something that is not a Pinot response. */
export class PinotUnavailableError extends Error {
  override name = 'PinotUnavailableError';
}

export type Row = Record<string, unknown>;

function firstLine(text: string): string {
  return String(text).split('\n')[0]!.slice(0, 300);
}

export interface QueryOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The broker's credentials (PINOT_AUTH_TOKEN or PINOT_BASIC_AUTH_*); none by default. */
  auth?: HttpAuth;
}

/** One client per broker and credentials, made at its first query. */
const brokers = new Map<string, ServiceClient>();

function brokerClient(brokerUrl: string, auth: HttpAuth | undefined): ServiceClient {
  const key = `${brokerUrl} ${JSON.stringify(auth ?? null)}`;
  let client = brokers.get(key);
  if (!client) {
    client = serviceClient({ service: 'Pinot broker', baseUrl: brokerUrl, auth });
    brokers.set(key, client);
  }
  return client;
}

/** Runs one SQL statement and returns its rows as objects keyed by column name. */
export async function pinotQuery(brokerUrl: string, sql: string, options: QueryOptions = {}): Promise<Row[]> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  let answer: HttpAnswer;
  try {
    answer = await brokerClient(brokerUrl, options.auth).request('POST', '/query/sql', {
      body: { sql, queryOptions: `timeoutMs=${timeoutMs}` },
      timeoutMs,
      signal: options.signal,
    });
  } catch (error) {
    const reason = error instanceof ServiceUnreachableError ? error.reason : (error as Error).message;
    throw new PinotUnavailableError(`Pinot broker ${brokerUrl} unreachable: ${reason}`);
  }
  const { status, text, body } = answer;
  if (status !== 200) {
    throw new PinotUnavailableError(`Pinot broker ${brokerUrl} answered HTTP ${status}${text ? `: ${firstLine(text).slice(0, 200)}` : ''}`);
  }
  if (typeof body !== 'object') throw new PinotUnavailableError(`Pinot broker ${brokerUrl} answered something that is not JSON`);
  return rowsOf(body, sql);
}

/** Turns a broker response body into row objects; throws PinotQueryError for `exceptions`. */
export function rowsOf(body: unknown, sql = ''): Row[] {
  if (typeof body !== 'object' || body === null) throw new PinotUnavailableError('Pinot response is not an object');
  const b = body as { exceptions?: unknown; resultTable?: unknown };
  const exceptions = Array.isArray(b.exceptions) ? (b.exceptions as PinotException[]) : [];
  if (exceptions.length > 0) throw new PinotQueryError(exceptions, sql);
  const table = b.resultTable as { dataSchema?: { columnNames?: unknown }; rows?: unknown } | undefined;
  if (!table) return [];
  const names = table.dataSchema?.columnNames;
  if (!Array.isArray(names) || !Array.isArray(table.rows)) throw new PinotUnavailableError('Pinot response has a malformed resultTable');
  return (table.rows as unknown[]).map((row) => {
    const values = Array.isArray(row) ? row : [];
    const out: Row = {};
    names.forEach((name, i) => {
      out[String(name)] = values[i];
    });
    return out;
  });
}

/** A finite number from a Pinot value (numbers, numeric strings; "NaN"/"Infinity" and junk give the fallback). */
export function num(value: unknown, fallback = 0): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : fallback;
}
