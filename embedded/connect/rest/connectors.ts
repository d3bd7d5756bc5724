/** The connectors resource (Connect's ConnectorsResource): list, create, read, delete and configure connectors. */
import express from 'express';
import { ConnectRestError } from '../errors.ts';
import type { Herder } from '../runtime/herder.ts';
import { stringMap, wrap } from './common.ts';

export function connectorsRouter(herder: Herder): express.Router {
  const router = express.Router();

  router.get(
    '/connectors',
    wrap((req, res) => {
      const raw = req.query.expand;
      const expand = raw === undefined ? [] : (Array.isArray(raw) ? raw : [raw]).flatMap((e) => String(e).split(','));
      res.json(expand.length === 0 ? herder.connectors() : expandedConnectors(herder, expand));
    }),
  );

  router.post(
    '/connectors',
    wrap(async (req, res) => {
      const body = req.body as { name?: unknown; config?: unknown } | undefined;
      if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new ConnectRestError(400, 'Request body must be a JSON object: {"name": "…", "config": {…}}');
      }
      const name = typeof body.name === 'string' ? body.name.trim() : body.name === undefined || body.name === null ? '' : String(body.name).trim();
      if (body.config === undefined || body.config === null)
        throw new ConnectRestError(400, 'Connector config is missing: the request body needs a "config" object');
      const config = stringMap(body.config, 'config');
      checkConfigName(name, config);
      const { info } = await herder.putConfig(name, config, false);
      res
        .status(201)
        .location(`/connectors/${encodeURIComponent(name)}`)
        .json(info);
    }),
  );

  router.get(
    '/connectors/:name',
    wrap((req, res) => {
      res.json(herder.info(String(req.params.name)));
    }),
  );

  router.delete(
    '/connectors/:name',
    wrap(async (req, res) => {
      await herder.delete(String(req.params.name));
      res.status(204).end();
    }),
  );

  router.get(
    '/connectors/:name/config',
    wrap((req, res) => {
      res.json(herder.config(String(req.params.name)));
    }),
  );

  router.put(
    '/connectors/:name/config',
    wrap(async (req, res) => {
      const name = String(req.params.name);
      const config = stringMap(req.body, 'Connector config');
      checkConfigName(name, config);
      const { created, info } = await herder.putConfig(name, config, true);
      if (created) res.status(201).location(`/connectors/${encodeURIComponent(name)}`);
      res.json(info);
    }),
  );

  return router;
}

/** `GET /connectors?expand=status,info`: each connector with the parts asked for. */
function expandedConnectors(herder: Herder, expand: readonly string[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const name of herder.connectors()) {
    const entry: Record<string, unknown> = {};
    try {
      for (const e of expand) {
        if (e === 'status') entry.status = herder.status(name);
        else if (e === 'info') entry.info = herder.info(name);
      }
    } catch {
      continue; // removed meanwhile
    }
    out[name] = entry;
  }
  return out;
}

/** The config's `name` must match the URL's; a config without one gets it. */
function checkConfigName(name: string, config: Record<string, string>): void {
  const included = config.name;
  if (included !== undefined) {
    if (included !== name) throw new ConnectRestError(400, `Connector name configuration (${included}) doesn't match connector name in the URL (${name})`);
  } else {
    config.name = name;
  }
}
