/** Schemas (Pinot's PinotSchemaRestletResource) over the SchemaStore. GET returns the schema as stored. */
import express from 'express';
import type { SchemaStore } from '../../catalog.ts';
import { ControllerError } from '../../errors.ts';
import { bodyJson, boolParam, rawBody, route, sendJson } from '../common.ts';

export function schemasRouter(schemas: SchemaStore): express.Router {
  const router = express.Router();
  router.get('/schemas', (_req, res) => sendJson(res, schemas.list()));
  router.get('/schemas/info', (_req, res) => {
    sendJson(
      res,
      schemas.list().map((name) => {
        const s = schemas.get(name)!;
        const count = (kind: string) => s.columns.filter((c) => c.fieldType === kind).length;
        return {
          schemaName: name,
          numDimensionFields: count('DIMENSION'),
          numDateTimeFields: count('DATE_TIME') + count('TIME'),
          numMetricFields: count('METRIC'),
          numComplexFields: 0,
        };
      }),
    );
  });
  router.post(
    '/schemas/validate',
    rawBody,
    route((req, res) => {
      sendJson(res, schemas.validate(bodyJson(req, 'schema')).json);
    }),
  );
  router.post(
    '/schemas',
    rawBody,
    route(async (req, res) => {
      const result = await schemas.add(bodyJson(req, 'schema'), { override: boolParam(req.query.override, true), force: boolParam(req.query.force, false) });
      sendJson(res, result);
    }),
  );
  router.get(
    '/schemas/:name',
    route((req, res) => {
      const schema = schemas.get(String(req.params.name));
      if (!schema) throw new ControllerError(404, 'Schema not found');
      sendJson(res, schema.json);
    }),
  );
  router.put(
    '/schemas/:name',
    rawBody,
    route(async (req, res) => {
      sendJson(res, await schemas.update(String(req.params.name), bodyJson(req, 'schema'), { force: boolParam(req.query.force, false) }));
    }),
  );
  router.delete(
    '/schemas/:name',
    route(async (req, res) => {
      sendJson(res, await schemas.delete(String(req.params.name)));
    }),
  );
  return router;
}
