/**
 * Realtime consumption (Pinot's PinotRealtimeTableResource): pause, resume, pause status, force
 * commit and consuming segments info, over the IngestionManager. Plus `/debug/ingestion`, ours (not a
 * Pinot endpoint): the ingestion status as the manager reports it.
 */
import express from 'express';
import type { TableEntry, TableManager } from '../../catalog.ts';
import { ControllerError } from '../../errors.ts';
import type { IngestionManager } from '../../ingest/manager.ts';
import { formatTimestamp } from '../../schema.ts';
import { route, sendJson } from '../common.ts';
import { SERVER_INSTANCE } from './instances.ts';
import { consumingSegments, realtimeTable, segmentName } from './lookup.ts';

export interface RealtimeOptions {
  tables: TableManager;
  ingestion: IngestionManager;
}

export function realtimeRouter({ tables, ingestion }: RealtimeOptions): express.Router {
  const router = express.Router();
  const pauseStatus = (entry: TableEntry, comment: string | undefined) => ({
    pauseFlag: entry.paused,
    consumingSegments: entry.paused ? [] : consumingSegments(ingestion, entry),
    reasonCode: 'ADMINISTRATIVE',
    comment: comment ?? null,
    timestamp: formatTimestamp(Date.now()),
  });

  router.post(
    '/tables/:name/pauseConsumption',
    route(async (req, res) => {
      const entry = realtimeTable(tables, String(req.params.name));
      const segments = consumingSegments(ingestion, entry);
      await ingestion.pause(entry);
      sendJson(res, {
        ...pauseStatus(entry, undefined),
        consumingSegments: segments,
        comment:
          'Pause flag is set. Consuming segments are being committed. Use /pauseStatus endpoint in a few moments to check if all consuming segments have been committed.',
      });
    }),
  );
  router.post(
    '/tables/:name/resumeConsumption',
    route(async (req, res) => {
      const entry = realtimeTable(tables, String(req.params.name));
      const consumeFrom = req.query.consumeFrom === undefined ? 'lastConsumed' : String(req.query.consumeFrom);
      if (consumeFrom !== 'lastConsumed' && consumeFrom !== 'smallest' && consumeFrom !== 'largest') {
        throw new ControllerError(400, `consumeFrom param '${consumeFrom}' is not valid. Valid values are 'smallest', 'largest' and 'lastConsumed'.`);
      }
      await ingestion.resume(entry, consumeFrom);
      sendJson(res, {
        ...pauseStatus(entry, undefined),
        comment: 'Pause flag is cleared. Consuming segments are being created. Use /pauseStatus endpoint in a few moments to double check.',
      });
    }),
  );
  router.get(
    '/tables/:name/pauseStatus',
    route((req, res) => {
      const entry = realtimeTable(tables, String(req.params.name));
      sendJson(res, pauseStatus(entry, entry.paused ? 'Pause flag is set.' : undefined));
    }),
  );
  router.post(
    '/tables/:name/forceCommit',
    route((req, res) => {
      const entry = realtimeTable(tables, String(req.params.name));
      sendJson(res, {
        forceCommitJobId: `${entry.config.nameWithType}_${Date.now()}`,
        forceCommitStatus: 'SUCCESS',
        consumingSegmentsForceCommitted: consumingSegments(ingestion, entry).join(','),
      });
    }),
  );
  router.get(
    '/tables/:name/consumingSegmentsInfo',
    route((req, res) => {
      const entry = realtimeTable(tables, String(req.params.name));
      sendJson(res, { serversFailingToRespond: 0, serversUnparsableRespond: 0, _segmentToConsumingInfoMap: consumingInfo(ingestion, entry) });
    }),
  );

  router.get('/debug/ingestion', (_req, res) => sendJson(res, { tables: ingestion.allStatus() }));
  router.get(
    '/debug/ingestion/:name',
    route((req, res) => {
      const entry = realtimeTable(tables, String(req.params.name));
      sendJson(res, ingestion.status(entry) ?? null);
    }),
  );
  return router;
}

/** Segment name → the one server's consumer state, offsets and lag for that partition. */
function consumingInfo(ingestion: IngestionManager, entry: TableEntry): Record<string, unknown> {
  const status = ingestion.status(entry);
  const map: Record<string, unknown> = {};
  for (const p of status?.partitions ?? []) {
    const partition = String(p.partition);
    const lag = p.highWatermark === undefined ? 'UNKNOWN' : String(BigInt(p.highWatermark) - BigInt(p.nextOffset));
    map[segmentName(entry, p.partition)] = [
      {
        serverName: SERVER_INSTANCE,
        consumerState: entry.paused ? 'NOT_CONSUMING' : status!.state === 'CONSUMING' ? 'CONSUMING' : 'NOT_CONSUMING',
        lastConsumedTimestamp: p.lastIngestMs,
        partitionToOffsetMap: { [partition]: p.nextOffset },
        partitionOffsetInfo: {
          currentOffsetsMap: { [partition]: p.nextOffset },
          latestUpstreamOffsetMap: { [partition]: p.highWatermark ?? 'UNKNOWN' },
          recordsLagMap: { [partition]: lag },
          availabilityLagMsMap: { [partition]: '0' },
        },
      },
    ];
  }
  return map;
}
