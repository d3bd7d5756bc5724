/**
 * The query console page (`/`, `/index.html`, `/query`) and the queries it sends through the
 * controller (`POST /sql`, `GET /sql`), answered by the same QueryEngine as the broker.
 */
import express from 'express';
import { ControllerError } from '../../errors.ts';
import type { QueryEngine } from '../../query.ts';
import { readQueryBody, sendOutcome } from '../broker.ts';
import { rawBody, route } from '../common.ts';
import { CONSOLE_HTML } from '../console.ts';

const CONSOLE_CSP = "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'";

export interface QueryOptions {
  engine: QueryEngine;
  brokerId: () => string;
}

export function queryRouter({ engine, brokerId }: QueryOptions): express.Router {
  const router = express.Router();
  router.get(['/', '/index.html', '/query'], (_req, res) => {
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.type('text/html').send(CONSOLE_HTML);
  });
  router.post(
    '/sql',
    rawBody,
    route(async (req, res) => {
      const parsed = readQueryBody(req, brokerId());
      if ('http400' in parsed) throw new ControllerError(400, parsed.http400);
      if ('outcome' in parsed) return sendOutcome(req, res, parsed.outcome);
      sendOutcome(req, res, await engine.execute(parsed));
    }),
  );
  router.get(
    '/sql',
    route(async (req, res) => {
      if (typeof req.query.sql !== 'string') throw new ControllerError(400, "Query parameter 'sql' is missing");
      sendOutcome(
        req,
        res,
        await engine.execute({
          sql: req.query.sql,
          queryOptions: typeof req.query.queryOptions === 'string' ? req.query.queryOptions : undefined,
          trace: String(req.query.trace) === 'true',
        }),
      );
    }),
  );
  return router;
}
