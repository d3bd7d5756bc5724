/**
 * A small client for the Pinot broker's `POST /query/sql` (see shared/ref/pinot-api.md): HTTP 200 with
 * `exceptions[]` for query errors, `resultTable.dataSchema.columnNames` + `rows` on success.
 */

import type { HttpAuth } from '../config/endpoints.ts';
import { withAuth } from '../config/http-auth.ts';

export interface PinotException {
  errorCode: number;
  message: string;
}

/** The broker answered, but with exceptions (e.g. 190 TableDoesNotExistError). */
export class PinotQueryError extends Error {
  override name = 'PinotQueryError';
  constructor(readonly exceptions: PinotException[], readonly sql: string) {
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

/** Runs one SQL statement and returns its rows as objects keyed by column name. */
export async function pinotQuery(brokerUrl: string, sql: string, options: QueryOptions = {}): Promise<Row[]> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const signals = [AbortSignal.timeout(timeoutMs)];
  if (options.signal) signals.push(options.signal);
  let response: Response;
  try {
    response = await fetch(`${brokerUrl.replace(/\/+$/, '')}/query/sql`, withAuth({
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ sql, queryOptions: `timeoutMs=${timeoutMs}` }),
      signal: AbortSignal.any(signals),
    }, options.auth));
  } catch (error) {
    throw new PinotUnavailableError(`Pinot broker ${brokerUrl} unreachable: ${describeFetchError(error, timeoutMs)}`);
  }
  const text = await response.text().catch(() => '');
  if (response.status !== 200) {
    throw new PinotUnavailableError(`Pinot broker ${brokerUrl} answered HTTP ${response.status}${text ? `: ${firstLine(text).slice(0, 200)}` : ''}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new PinotUnavailableError(`Pinot broker ${brokerUrl} answered something that is not JSON`);
  }
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

export function describeFetchError(error: unknown, timeoutMs: number): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = e?.cause;
  if (cause?.code) return cause.code;
  return cause?.message ?? e?.message ?? String(error);
}

/** A finite number from a Pinot value (numbers, numeric strings; "NaN"/"Infinity" and junk give the fallback). */
export function num(value: unknown, fallback = 0): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : fallback;
}
