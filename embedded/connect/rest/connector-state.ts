/** A connector's running state: status, active topics, pause, resume and restart. */
import express from 'express';
import type { Herder } from '../runtime/herder.ts';
import { bool, wrap } from './common.ts';

export function connectorStateRouter(herder: Herder): express.Router {
  const router = express.Router();

  router.get(
    '/connectors/:name/status',
    wrap((req, res) => {
      res.json(herder.status(String(req.params.name)));
    }),
  );

  // KIP-558: no check that the connector exists, as Connect's herder makes none (an unknown one has no topics)
  router.get(
    '/connectors/:name/topics',
    wrap((req, res) => {
      const name = String(req.params.name);
      res.json({ [name]: { topics: herder.activeTopics(name) } });
    }),
  );

  router.put(
    '/connectors/:name/topics/reset',
    wrap(async (req, res) => {
      await herder.resetActiveTopics(String(req.params.name));
      res.status(202).end();
    }),
  );

  router.put(
    '/connectors/:name/pause',
    wrap(async (req, res) => {
      await herder.pause(String(req.params.name));
      res.status(202).end();
    }),
  );

  router.put(
    '/connectors/:name/resume',
    wrap(async (req, res) => {
      await herder.resume(String(req.params.name));
      res.status(202).end();
    }),
  );

  router.post(
    '/connectors/:name/restart',
    wrap(async (req, res) => {
      const includeTasks = bool(req.query.includeTasks, false);
      const onlyFailed = bool(req.query.onlyFailed, false);
      const state = await herder.restart(String(req.params.name), includeTasks, onlyFailed);
      if (!includeTasks && !onlyFailed) {
        res.status(204).end();
        return;
      }
      res.status(202).json(state);
    }),
  );

  return router;
}
