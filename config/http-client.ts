/**
 * The application's HTTP client: one axios instance per service (Kafka Connect, ksqlDB, Pinot's controller
 * and broker, a health target), made once with the service's base URL, timeout and credentials (the external
 * mode's basic auth or bearer token). Every HTTP status is an answer the caller reads (Connect's 409, Pinot's
 * 400 are part of their APIs); only no answer is an error, and it names the service, its address, the cause
 * and what to check. A streamed answer (ksqlDB's push queries) is read line by line as it arrives.
 */
import type { Readable } from 'node:stream';
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

/** An answer whose body is read as it arrives. */
export interface StreamedAnswer {
  status: number;
  /** the whole body as text */
  text(): Promise<string>;
  /** calls `line` with each non-blank line as it arrives; resolves when the body ends */
  eachLine(line: (text: string) => void): Promise<void>;
  /** drops the body unread */
  discard(): void;
}

export interface ServiceClient {
  readonly service: string;
  readonly baseUrl: string;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpAnswer>;
  /**
   * The same request with its body streamed. `timeoutMs` bounds the whole exchange, body included; without it
   * the body may stream for as long as the server sends it (a push query), until the caller's signal aborts.
   * A body that breaks off is a ServiceUnreachableError ("the answer broke off: ...").
   */
  stream(method: string, path: string, options?: RequestOptions): Promise<StreamedAnswer>;
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
    transformResponse: [(data: unknown) => data],
    // the services are addressed directly, never through a proxy from the environment
    proxy: false,
    maxRedirects: 0,
  });

  /** Sends one request; a deadline of `timeoutMs` (if any) covers the whole exchange, body included. */
  async function send<T>(method: string, path: string, options: RequestOptions, responseType: 'text' | 'stream', timeoutMs: number | undefined) {
    // axios's own timeout is the socket's idle time, so the deadline is a signal
    const deadline = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
    const signals = [deadline, options.signal].filter((signal): signal is AbortSignal => signal !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    /** What a failure of this exchange is thrown as: the caller's cancel reason, else unreachable in words. */
    const failure = (error: unknown, brokeOff: boolean): unknown => {
      if (options.signal?.aborted) return options.signal.reason;
      const cause = deadline?.aborted ? networkCause(deadline.reason, timeoutMs ?? 0) : networkCause(error, timeoutMs ?? 0);
      return new ServiceUnreachableError(settings.service, baseUrl, brokeOff && !deadline?.aborted ? `the answer broke off: ${cause}` : cause, settings.fix);
    };
    try {
      const response = await instance.request<T>({
        method,
        url: path,
        responseType,
        data: options.body === undefined ? undefined : JSON.stringify(options.body),
        headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
        signal,
      });
      return { response, failure };
    } catch (error) {
      throw failure(error, false);
    }
  }

  return {
    service: settings.service,
    baseUrl,
    async request(method, path, options = {}) {
      const { response } = await send<string>(method, path, options, 'text', options.timeoutMs ?? serviceTimeoutMs);
      const text = typeof response.data === 'string' ? response.data : String(response.data ?? '');
      return { status: response.status, body: parsed(text), text };
    },
    async stream(method, path, options = {}) {
      const { response, failure } = await send<Readable>(method, path, options, 'stream', options.timeoutMs);
      const body = response.data;
      /** Reads the body chunk by chunk: a read that fails is the exchange's failure; what `chunk` throws ends the read. */
      async function eachChunk(chunk: (text: string) => void): Promise<void> {
        body.setEncoding('utf8');
        const chunks = body[Symbol.asyncIterator]() as AsyncIterator<string>;
        for (;;) {
          let next: IteratorResult<string>;
          try {
            next = await chunks.next();
          } catch (error) {
            throw failure(error, true);
          }
          if (next.done) return;
          try {
            chunk(next.value);
          } catch (error) {
            body.destroy();
            throw error;
          }
        }
      }
      return {
        status: response.status,
        async text() {
          let text = '';
          await eachChunk((chunk) => {
            text += chunk;
          });
          return text;
        },
        async eachLine(line) {
          let buffered = '';
          const complete = (text: string) => {
            if (text.trim()) line(text);
          };
          await eachChunk((chunk) => {
            buffered += chunk;
            let end: number;
            while ((end = buffered.indexOf('\n')) >= 0) {
              const text = buffered.slice(0, end);
              buffered = buffered.slice(end + 1);
              complete(text);
            }
          });
          complete(buffered);
        },
        discard() {
          body.destroy();
        },
      };
    },
  };
}
