/**
 * Segments as users read them (Pinot's PinotSegmentRestletResource, the ideal state and external view):
 * a realtime table has one consuming segment per partition, an offline table none.
 */
import express from 'express';
import type { TableManager } from '../../catalog.ts';
import type { IngestionManager } from '../../ingest/manager.ts';
import { route, sendJson } from '../common.ts';
import { SERVER_INSTANCE } from './instances.ts';
import { consumingSegments, requestedTables } from './lookup.ts';

export interface SegmentsOptions {
  tables: TableManager;
  ingestion: IngestionManager;
}

export function segmentsRouter({ tables, ingestion }: SegmentsOptions): express.Router {
  const router = express.Router();
  /** `{OFFLINE, REALTIME}`: each segment's state on the one server (ONLINE while paused). */
  const segmentStates = (req: express.Request) => {
    const body: Record<string, unknown> = { OFFLINE: null, REALTIME: null };
    for (const e of requestedTables(tables, req)) {
      const segments: Record<string, Record<string, string>> = {};
      if (e.config.type === 'REALTIME') for (const s of consumingSegments(ingestion, e)) segments[s] = { [SERVER_INSTANCE]: e.paused ? 'ONLINE' : 'CONSUMING' };
      body[e.config.type] = segments;
    }
    return body;
  };
  router.get(
    '/tables/:name/externalview',
    route((req, res) => sendJson(res, segmentStates(req))),
  );
  router.get(
    '/tables/:name/idealstate',
    route((req, res) => sendJson(res, segmentStates(req))),
  );
  router.get(
    '/segments/:name',
    route((req, res) => {
      const entries = requestedTables(tables, req);
      sendJson(
        res,
        entries.map((e) => ({ [e.config.type]: e.config.type === 'REALTIME' ? consumingSegments(ingestion, e) : [] })),
      );
    }),
  );
  return router;
}
