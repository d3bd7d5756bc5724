/** Health and cluster information (Pinot's PinotControllerHealthCheck, PinotControllerAppConfigs …). */
import express from 'express';
import { sendJson } from '../common.ts';

export interface HealthOptions {
  startedMs: number;
  version: string;
}

export function healthRouter(options: HealthOptions): express.Router {
  const router = express.Router();
  router.get('/health', (_req, res) => {
    res.type('text/plain').send('OK');
  });
  router.get('/pinot-controller/admin', (_req, res) => {
    res.type('text/plain').send('GOOD');
  });
  router.get('/uptime', (_req, res) => {
    res.type('text/plain').send(String(Math.floor((Date.now() - options.startedMs) / 1000)));
  });
  router.get('/start-time', (_req, res) => {
    res.type('text/plain').send(new Date(options.startedMs).toISOString());
  });
  router.get('/version', (_req, res) => sendJson(res, { 'pinot-controller': options.version }));
  router.get('/cluster/info', (_req, res) => sendJson(res, { clusterName: 'PinotCluster' }));
  router.get('/auth/info', (_req, res) => sendJson(res, { workflow: 'NONE' }));
  return router;
}
