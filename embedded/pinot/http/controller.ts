/**
 * The controller's REST API: one router per resource as Pinot splits them (health, query console,
 * schemas, tables, segments, realtime consumption, brokers, instances), each a thin layer over a service
 * (SchemaStore, TableManager, IngestionManager, QueryEngine). Errors: `{"code": status, "error": text}`.
 */
import express from 'express';
import type { SchemaStore, TableManager } from '../catalog.ts';
import { ControllerError } from '../errors.ts';
import type { IngestionManager } from '../ingest/manager.ts';
import type { QueryEngine } from '../query.ts';
import type { HttpGuardOptions } from '../../common/http-guard.ts';
import { controllerErrorHandler, cors, pinotGuard } from './common.ts';
import { brokersRouter } from './controller/brokers.ts';
import { healthRouter } from './controller/health.ts';
import { instancesRouter } from './controller/instances.ts';
import { queryRouter } from './controller/query.ts';
import { realtimeRouter } from './controller/realtime.ts';
import { schemasRouter } from './controller/schemas.ts';
import { segmentsRouter } from './controller/segments.ts';
import { tablesRouter } from './controller/tables.ts';

export interface ControllerAppOptions {
  schemas: SchemaStore;
  tables: TableManager;
  ingestion: IngestionManager;
  engine: QueryEngine;
  /** Where the broker listens (for /v2/brokers/tables). */
  brokerHost: string;
  brokerPort: () => number;
  brokerId: () => string;
  /** The controller's instance name, Controller_{host}_{port} (for /instances). */
  controllerId: () => string;
  startedMs: number;
  version: string;
  log: (line: string) => void;
  /** Host names and page origins accepted besides the controller's own (embedded/common/http-guard.ts). */
  guard?: HttpGuardOptions;
}

export function createControllerApp(options: ControllerAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(cors);
  app.use(pinotGuard(options.guard ?? {}, ['application/json', 'multipart/form-data']));
  app.use(healthRouter(options));
  app.use(queryRouter(options));
  app.use(schemasRouter(options.schemas));
  app.use(tablesRouter(options));
  app.use(segmentsRouter(options));
  app.use(realtimeRouter(options));
  app.use(brokersRouter(options));
  app.use(instancesRouter(options));
  app.use((_req, _res, next) => next(new ControllerError(404, 'HTTP 404 Not Found')));
  app.use(controllerErrorHandler(options.log));
  return app;
}
