/**
 * The application's HTTP client: one axios instance per service (Kafka Connect, ksqlDB, Pinot's controller
 * and broker, a health target), made once with the service's base URL, timeout and credentials (the external
 * mode's basic auth or bearer token). Every HTTP status is an answer the caller reads (Connect's 409, Pinot's
 * 400 are part of their APIs); only no answer is an error, and it names the service, its address, the cause
 * and what to check.
 */
import axios, { type AxiosError, type AxiosInstance } from 'axios';
import type { HttpAuth } from './endpoints.ts';
import { authHeaders } from './http-auth.ts';

export interface ServiceSettings {
  /** the service as a user knows it: "Kafka Connect", "Pinot broker" */
  service: string;
  baseUrl: string;
  /** its credentials (config/endpoints.ts); none for the embedded stack */
  auth?: HttpAuth;
  /** no answer within this is an error, ms (default 30 s) */
  timeoutMs?: number;
  /** what to check when nothing answers, e.g. "is the stack running? (npm start)" or "check PINOT_BROKER_URL" */
  fix?: string;
}

export interface RequestOptions {
  /** sent as JSON */
  body?: unknown;
  /** this request's own limit, ms (else the service's) */
  timeoutMs?: number;
  /** the caller's cancel: the request rejects with the signal's reason */
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export interface HttpAnswer {
  status: number;
  /** the body parsed as JSON, else its text */
  body: unknown;
  text: string;
}

/** Nothing answered: refused, reset, unknown host, or no answer in time. */
export class ServiceUnreachableError extends Error {
  override name = 'ServiceUnreachableError';
  constructor(
    readonly service: string,
    readonly url: string,
    readonly reason: string,
    readonly fix?: string,
  ) {
    super(`${service} at ${url} is unreachable (${reason})${fix ? `; ${fix}` : ''}`);
  }
}

export interface ServiceClient {
  readonly service: string;
  readonly baseUrl: string;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpAnswer>;
}

const NETWORK_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'connection timed out',
};

/** Why a request got no answer, in words ("connection refused", "no answer within 5 s"). */
export function networkCause(error: unknown, timeoutMs: number): string {
  const e = error as Partial<AxiosError> & Error & { cause?: { code?: string; message?: string; name?: string } };
  const timedOut = e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError' || e.code === 'ECONNABORTED';
  if (timedOut) return `no answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`;
  const code = e.code ?? e.cause?.code;
  return (code && NETWORK_CAUSES[code]) ?? code ?? e.cause?.message ?? e.message ?? String(error);
}

function parsed(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function serviceClient(settings: ServiceSettings): ServiceClient {
  const baseUrl = settings.baseUrl.replace(/\/+$/, '');
  const serviceTimeoutMs = settings.timeoutMs ?? 30_000;
  const instance: AxiosInstance = axios.create({
    baseURL: baseUrl,
    headers: { accept: 'application/json', ...authHeaders(settings.auth) },
    // every status is an answer; the text is parsed here, once
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    // the services are addressed directly, never through a proxy from the environment
    proxy: false,
    maxRedirects: 0,
  });
  return {
    service: settings.service,
    baseUrl,
    async request(method, path, options = {}) {
      const timeoutMs = options.timeoutMs ?? serviceTimeoutMs;
      // a deadline for the whole exchange (axios's own timeout is the socket's idle time)
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
      try {
        const response = await instance.request<string>({
          method,
          url: path,
          data: options.body === undefined ? undefined : JSON.stringify(options.body),
          headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
          signal,
        });
        const text = typeof response.data === 'string' ? response.data : String(response.data ?? '');
        return { status: response.status, body: parsed(text), text };
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        const reason = deadline.aborted ? networkCause(deadline.reason, timeoutMs) : networkCause(error, timeoutMs);
        throw new ServiceUnreachableError(settings.service, baseUrl, reason, settings.fix);
      }
    },
  };
}
