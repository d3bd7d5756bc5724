/** A connector's tasks: their configs, one task's status, restarting one task. */
import express from 'express';
import { ConnectRestError } from '../errors.ts';
import type { Herder } from '../runtime/herder.ts';
import { wrap } from './common.ts';

export function tasksRouter(herder: Herder): express.Router {
  const router = express.Router();

  router.get(
    '/connectors/:name/tasks',
    wrap((req, res) => {
      res.json(herder.taskConfigs(String(req.params.name)));
    }),
  );

  router.get(
    '/connectors/:name/tasks/:task/status',
    wrap((req, res) => {
      res.json(herder.taskStatus(String(req.params.name), taskId(req.params.task)));
    }),
  );

  router.post(
    '/connectors/:name/tasks/:task/restart',
    wrap(async (req, res) => {
      await herder.restartTaskById(String(req.params.name), taskId(req.params.task));
      res.status(204).end();
    }),
  );

  return router;
}

/** A task id from the URL; anything but an integer is a resource that does not exist. */
function taskId(text: unknown): number {
  const n = Number(text);
  if (!Number.isInteger(n)) throw new ConnectRestError(404, 'HTTP 404 Not Found');
  return n;
}
