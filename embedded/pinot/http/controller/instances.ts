/**
 * Pinot's instance listing (PinotInstanceRestletResource, `GET /instances`): the cluster's Helix instance
 * names. The embedded cluster has one of each: the controller, the broker and the server that hosts every
 * segment (named `Server_embedded` in the segment and consuming-segment listings).
 */
import express from 'express';
import { sendJson } from '../common.ts';

/** The one server's instance name, as the segment listings report it. */
export const SERVER_INSTANCE = 'Server_embedded';

export interface InstancesOptions {
  controllerId: () => string;
  brokerId: () => string;
}

export function instancesRouter(options: InstancesOptions): express.Router {
  const router = express.Router();
  router.get('/instances', (_req, res) => {
    sendJson(res, { instances: [options.controllerId(), options.brokerId(), SERVER_INSTANCE] });
  });
  return router;
}
