/** The installed plugins (Connect's ConnectorPluginsResource): listing them and validating a connector config. */
import express from 'express';
import { CONVERTER_CLASSES } from '../converters/index.ts';
import { ConnectRestError } from '../errors.ts';
import type { Herder } from '../runtime/herder.ts';
import { TRANSFORMS } from '../transforms/index.ts';
import { bool, CONNECT_VERSION, stringMap, wrap } from './common.ts';

export function pluginsRouter(herder: Herder): express.Router {
  const router = express.Router();

  router.get(
    '/connector-plugins',
    wrap((req, res) => {
      const connectorsOnly = bool(req.query.connectorsOnly, true);
      const plugins: { class: string; type: string; version?: string }[] = herder.plugins();
      if (!connectorsOnly) {
        for (const t of TRANSFORMS) plugins.push({ class: t.className, type: 'transformation', version: CONNECT_VERSION });
        for (const c of CONVERTER_CLASSES) plugins.push({ class: c, type: 'converter', version: CONNECT_VERSION });
      }
      res.json(plugins);
    }),
  );

  router.put(
    '/connector-plugins/:plugin/config/validate',
    wrap((req, res) => {
      const plugin = String(req.params.plugin);
      const config = stringMap(req.body ?? {}, 'Connector config');
      const included = config['connector.class'];
      const norm = (s: string): string => (s.endsWith('Connector') && s.length > 9 ? s.slice(0, -9) : s);
      if (included !== undefined && !norm(included).endsWith(norm(plugin))) {
        throw new ConnectRestError(400, `Included connector type ${included} does not match request type ${plugin}`);
      }
      res.json(herder.validate(plugin, config));
    }),
  );

  return router;
}
