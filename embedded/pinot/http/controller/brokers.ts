/**
 * Broker instances per table (Pinot's PinotBrokerRestletResource), which pinot-client's
 * controller-based discovery reads: the one embedded broker serves every table.
 */
import express from 'express';
import type { TableManager } from '../../catalog.ts';
import { ControllerError } from '../../errors.ts';
import { route, sendJson } from '../common.ts';

export interface BrokersOptions {
  tables: TableManager;
  brokerHost: string;
  brokerPort: () => number;
  brokerId: () => string;
}

export function brokersRouter(options: BrokersOptions): express.Router {
  const { tables } = options;
  const router = express.Router();
  const broker = () => ({ host: options.brokerHost, port: options.brokerPort(), instanceName: options.brokerId() });
  router.get('/v2/brokers/tables', (_req, res) => {
    const body: Record<string, unknown> = {};
    for (const name of tables.list()) body[name] = [{ ...broker(), grpcPort: -1 }];
    sendJson(res, body);
  });
  router.get('/brokers/tables', (_req, res) => {
    const body: Record<string, unknown> = {};
    for (const name of tables.list()) body[name] = [options.brokerId()];
    sendJson(res, body);
  });
  router.get(
    '/v2/brokers/tables/:name',
    route((req, res) => {
      if (tables.find(String(req.params.name)).length === 0) throw new ControllerError(404, `Table ${String(req.params.name)} does not exist`);
      sendJson(res, [broker()]);
    }),
  );
  return router;
}
