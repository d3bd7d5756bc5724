/**
 * Kafka Connect's REST API: one router per resource as Connect splits them (the root, connectors, a
 * connector's state, its tasks, the plugins), each a thin layer over the Herder. Every error is answered as
 * Connect does: {"error_code": <status>, "message": "…"}.
 */
import express, { type RequestHandler } from 'express';
import type { HttpGuardOptions } from '../../common/http-guard.ts';
import type { Herder } from '../runtime/herder.ts';
import { requestGate } from './body.ts';
import { CONNECT_COMMIT, CONNECT_VERSION, wrap } from './common.ts';
import { connectorStateRouter } from './connector-state.ts';
import { connectorsRouter } from './connectors.ts';
import { connectErrorHandler, unmatchedRoute } from './errors.ts';
import { pluginsRouter } from './plugins.ts';
import { tasksRouter } from './tasks.ts';

/** `guard`: the names and origins the server accepts besides its own (see embedded/common/http-guard.ts). */
export function connectApp(herder: Herder, log: (line: string) => void, guard: HttpGuardOptions = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'extended');
  app.use(requestGate(guard));
  app.get(
    '/',
    wrap((_req, res) => {
      res.json({ version: CONNECT_VERSION, commit: CONNECT_COMMIT, kafka_cluster_id: herder.clusterId });
    }),
  );
  for (const router of [connectorsRouter(herder), connectorStateRouter(herder), tasksRouter(herder), pluginsRouter(herder)]) {
    app.use(exceptOptions(router));
  }
  app.use(unmatchedRoute);
  app.use(connectErrorHandler(log));
  return app;
}

/**
 * An express router answers OPTIONS on its own paths itself (200 with an Allow list); Connect has no
 * OPTIONS resources and answers it 405 like any other method a path lacks, so OPTIONS passes the routers by.
 */
function exceptOptions(router: express.Router): RequestHandler {
  return (req, res, next) => (req.method === 'OPTIONS' ? next() : router(req, res, next));
}
