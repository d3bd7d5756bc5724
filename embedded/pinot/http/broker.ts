/**
 * The broker's REST resource (Pinot's PinotClientRequest): POST/GET /query/sql, health. HTTP 200 with
 * `exceptions` on query failures; `X-Pinot-Error-Code` carries the first error code (or -1).
 */
import express, { type Request, type Response } from 'express';
import { QueryError } from '../errors.ts';
import { errorResponse, type QueryEngine, type QueryOutcome } from '../query.ts';
import type { HttpGuardOptions } from '../../common/http-guard.ts';
import { cors, pinotGuard, rawBody, route, sendJson } from './common.ts';

const HTTP_FOR_CODE: Record<number, number> = {
  100: 400,
  150: 400,
  155: 400,
  160: 500,
  180: 403,
  190: 404,
  191: 404,
  200: 500,
  210: 503,
  211: 503,
  230: 404,
  235: 404,
  240: 408,
  245: 503,
  246: 400,
  250: 408,
  305: 503,
  400: 408,
  410: 503,
  420: 503,
  425: 503,
  427: 503,
  429: 429,
  450: 500,
  500: 500,
  503: 503,
  510: 503,
  700: 400,
  710: 400,
  720: 400,
  1000: 500,
};

export interface BrokerAppOptions {
  engine: QueryEngine;
  brokerId: () => string;
  startedMs: number;
  log: (line: string) => void;
  isReady: () => boolean;
  /** Host names and page origins accepted besides the broker's own (embedded/common/http-guard.ts). */
  guard?: HttpGuardOptions;
}

/** Sends a query outcome as Pinot does (status 200 unless the client asked for HTTP error statuses). */
export function sendOutcome(req: Request, res: Response, outcome: QueryOutcome): void {
  res.setHeader('X-Pinot-Error-Code', String(outcome.errorCode));
  const useStatus = String(req.headers['pinot-use-http-status-for-errors'] ?? '').toLowerCase() === 'true';
  const status = useStatus && outcome.errorCode !== -1 ? (HTTP_FOR_CODE[outcome.errorCode] ?? 500) : 200;
  sendJson(res, outcome.response, status);
}

/** Reads `{sql, queryOptions, trace}` from a POST body; a 400-style outcome when it is not usable. */
export function readQueryBody(
  req: Request,
  brokerId: string,
): { sql: string; queryOptions?: string; trace?: boolean } | { http400: string } | { outcome: QueryOutcome } {
  const text = typeof req.body === 'string' ? req.body : '';
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { http400: `Invalid JSON: ${(error as Error).message}` };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { http400: 'Invalid JSON: expected an object' };
  const { sql, queryOptions, trace } = body as Record<string, unknown>;
  if (sql === undefined || sql === null) return { http400: "Payload is missing the query string field 'sql'" };
  if (typeof sql !== 'string') return { outcome: errorResponse(brokerId, new QueryError('JSON_PARSING', "field 'sql' must be a string")) };
  return {
    sql,
    queryOptions: typeof queryOptions === 'string' ? queryOptions : undefined,
    trace: trace === true || String(trace).toLowerCase() === 'true',
  };
}

export function createBrokerApp(options: BrokerAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(cors);
  app.use(pinotGuard(options.guard ?? {}, ['application/json']));

  app.get('/health', (_req, res) => {
    if (options.isReady()) res.type('text/plain').send('OK');
    else res.status(503).type('text/plain').send('Pinot broker status is STARTING');
  });
  app.get('/uptime', (_req, res) => {
    res.type('text/plain').send(String(Math.floor((Date.now() - options.startedMs) / 1000)));
  });
  app.get('/start-time', (_req, res) => {
    res.type('text/plain').send(new Date(options.startedMs).toISOString());
  });

  const post = route(async (req, res) => {
    const parsed = readQueryBody(req, options.brokerId());
    if ('http400' in parsed) {
      sendJson(res, { code: 400, error: parsed.http400 }, 400);
      return;
    }
    if ('outcome' in parsed) {
      sendOutcome(req, res, parsed.outcome);
      return;
    }
    sendOutcome(req, res, await options.engine.execute(parsed));
  });
  app.post('/query/sql', rawBody, post);
  app.post('/query', rawBody, post);

  app.get(
    '/query/sql',
    route(async (req, res) => {
      const sql = req.query.sql;
      if (typeof sql !== 'string') {
        sendJson(res, { code: 400, error: "Query parameter 'sql' is missing" }, 400);
        return;
      }
      const queryOptions = typeof req.query.queryOptions === 'string' ? req.query.queryOptions : undefined;
      sendOutcome(req, res, await options.engine.execute({ sql, queryOptions, trace: String(req.query.trace) === 'true' }));
    }),
  );

  app.use((_req, res) => sendJson(res, { code: 404, error: 'HTTP 404 Not Found' }, 404));
  app.use((error: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
    const status = typeof (error as { status?: unknown })?.status === 'number' ? (error as { status: number }).status : 500;
    const message = (error as Error)?.message ?? String(error);
    if (status >= 500) options.log(`broker error: ${message}`);
    sendJson(res, { code: status, error: message }, status);
  });
  return app;
}
