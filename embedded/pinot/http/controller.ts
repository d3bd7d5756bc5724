/**
 * The controller's REST resources as thin routes over the services: schemas (SchemaStore), tables
 * (TableManager), realtime pause/resume and consuming info (IngestionManager), queries (QueryEngine),
 * health, and the query console page. Errors: `{"code": status, "error": text}`.
 */
import express, { type Request } from 'express';
import type { SchemaStore, TableEntry, TableManager } from '../catalog.ts';
import { ControllerError } from '../errors.ts';
import type { IngestionManager } from '../ingest/manager.ts';
import type { QueryEngine } from '../query.ts';
import { formatTimestamp, type ParsedSchema } from '../schema.ts';
import { parseTableConfig, parseTypeParam, splitTableName } from '../table-config.ts';
import { readQueryBody, sendOutcome } from './broker.ts';
import { CONSOLE_HTML } from './console.ts';
import type { HttpGuardOptions } from '../../common/http-guard.ts';
import { bodyJson, boolParam, controllerErrorHandler, cors, pinotGuard, rawBody, route, sendJson } from './common.ts';

export interface ControllerAppOptions {
  schemas: SchemaStore;
  tables: TableManager;
  ingestion: IngestionManager;
  engine: QueryEngine;
  /** Where the broker listens (for /v2/brokers/tables). */
  brokerHost: string;
  brokerPort: () => number;
  brokerId: () => string;
  startedMs: number;
  version: string;
  log: (line: string) => void;
  /** Host names and page origins accepted besides the controller's own (embedded/common/http-guard.ts). */
  guard?: HttpGuardOptions;
}

/** The serialized schema as GET returns it. */
function schemaBody(schema: ParsedSchema): unknown {
  return schema.json;
}

/** Realtime segment name: `table__partition__seq__yyyyMMddTHHmmZ`. */
function segmentName(entry: TableEntry, partition: number): string {
  const d = new Date(entry.createdMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}Z`;
  return `${entry.config.rawName}__${partition}__0__${stamp}`;
}

export function createControllerApp(options: ControllerAppOptions): express.Express {
  const { schemas, tables, ingestion, engine } = options;
  const app = express();
  app.disable('x-powered-by');
  app.use(cors);
  app.use(pinotGuard(options.guard ?? {}, ['application/json', 'multipart/form-data']));

  const realtimeEntry = (name: string): TableEntry => {
    const entry = tables.find(name, 'REALTIME')[0];
    if (!entry) throw new ControllerError(404, `Table ${splitTableName(name).raw}_REALTIME does not exist`);
    return entry;
  };
  const segmentsOf = (entry: TableEntry): string[] => {
    const status = ingestion.status(entry);
    const partitions = status && status.partitions.length > 0 ? status.partitions.map((p) => p.partition) : [0];
    return partitions.map((p) => segmentName(entry, p));
  };
  const pauseStatus = (entry: TableEntry, comment: string | undefined) => ({
    pauseFlag: entry.paused,
    consumingSegments: entry.paused ? [] : segmentsOf(entry),
    reasonCode: 'ADMINISTRATIVE',
    comment: comment ?? null,
    timestamp: formatTimestamp(Date.now()),
  });

  // --- health and cluster info ---
  app.get('/health', (_req, res) => {
    res.type('text/plain').send('OK');
  });
  app.get('/pinot-controller/admin', (_req, res) => {
    res.type('text/plain').send('GOOD');
  });
  app.get('/uptime', (_req, res) => {
    res.type('text/plain').send(String(Math.floor((Date.now() - options.startedMs) / 1000)));
  });
  app.get('/start-time', (_req, res) => {
    res.type('text/plain').send(new Date(options.startedMs).toISOString());
  });
  app.get('/version', (_req, res) => sendJson(res, { 'pinot-controller': options.version }));
  app.get('/cluster/info', (_req, res) => sendJson(res, { clusterName: 'PinotCluster' }));
  app.get('/auth/info', (_req, res) => sendJson(res, { workflow: 'NONE' }));

  // --- query console ---
  app.get(['/', '/index.html', '/query'], (_req, res) => {
    res.setHeader('Content-Security-Policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'");
    res.type('text/html').send(CONSOLE_HTML);
  });

  // --- schemas ---
  app.get('/schemas', (_req, res) => sendJson(res, schemas.list()));
  app.get('/schemas/info', (_req, res) => {
    sendJson(res, schemas.list().map((name) => {
      const s = schemas.get(name)!;
      const count = (kind: string) => s.columns.filter((c) => c.fieldType === kind).length;
      return { schemaName: name, numDimensionFields: count('DIMENSION'), numDateTimeFields: count('DATE_TIME') + count('TIME'), numMetricFields: count('METRIC'), numComplexFields: 0 };
    }));
  });
  app.post('/schemas/validate', rawBody, route((req, res) => {
    const schema = schemas.validate(bodyJson(req, 'schema'));
    sendJson(res, schemaBody(schema));
  }));
  app.post('/schemas', rawBody, route(async (req, res) => {
    const result = await schemas.add(bodyJson(req, 'schema'), { override: boolParam(req.query.override, true), force: boolParam(req.query.force, false) });
    sendJson(res, result);
  }));
  app.get('/schemas/:name', route((req, res) => {
    const schema = schemas.get(String(req.params.name));
    if (!schema) throw new ControllerError(404, 'Schema not found');
    sendJson(res, schemaBody(schema));
  }));
  app.put('/schemas/:name', rawBody, route(async (req, res) => {
    sendJson(res, await schemas.update(String(req.params.name), bodyJson(req, 'schema'), { force: boolParam(req.query.force, false) }));
  }));
  app.delete('/schemas/:name', route(async (req, res) => {
    sendJson(res, await schemas.delete(String(req.params.name)));
  }));

  // --- tables ---
  app.get('/tables', route((req, res) => {
    const type = parseTypeParam(req.query.type);
    const sortType = String(req.query.sortType ?? 'name').toLowerCase();
    const asc = boolParam(req.query.sortAsc, true);
    let names: string[];
    if (sortType === 'creationtime' || sortType === 'lastmodifiedtime') {
      const entries = tables.all().filter((t) => type === undefined || t.config.type === type);
      entries.sort((a, b) => (sortType === 'creationtime' ? a.createdMs - b.createdMs : a.updatedMs - b.updatedMs));
      names = entries.map((e) => e.config.nameWithType);
    } else names = tables.list(type);
    if (!asc) names.reverse();
    sendJson(res, { tables: names });
  }));
  app.post('/tables/validate', rawBody, route((req, res) => {
    const body = bodyJson(req, 'table config');
    const { config } = parseTableConfig(body, (raw) => schemas.get(raw));
    sendJson(res, config.json);
  }));
  app.post('/tables', rawBody, route(async (req, res) => {
    sendJson(res, await tables.add(bodyJson(req, 'table config')));
  }));
  app.get('/tables/:name', route((req, res) => {
    const name = String(req.params.name);
    const type = parseTypeParam(req.query.type);
    const entries = tables.find(name, type);
    if (entries.length === 0) {
      const split = splitTableName(name);
      const wanted = type ?? split.type;
      throw new ControllerError(404, `Table ${wanted ? `${split.raw}_${wanted}` : split.raw} does not exist`);
    }
    const body: Record<string, unknown> = {};
    for (const entry of entries.sort((a) => (a.config.type === 'OFFLINE' ? -1 : 1))) body[entry.config.type] = entry.config.json;
    sendJson(res, body);
  }));
  app.put('/tables/:name', rawBody, route(async (req, res) => {
    sendJson(res, await tables.update(String(req.params.name), bodyJson(req, 'table config')));
  }));
  app.delete('/tables/:name', route(async (req, res) => {
    sendJson(res, await tables.delete(String(req.params.name), parseTypeParam(req.query.type)));
  }));
  app.get('/tables/:name/schema', route((req, res) => {
    const name = String(req.params.name);
    const entry = tables.find(name)[0];
    if (!entry) throw new ControllerError(404, `Table ${name} does not exist`);
    const schema = schemas.get(entry.config.rawName);
    if (!schema) throw new ControllerError(404, `Schema not found for table: ${name}`);
    sendJson(res, schemaBody(schema));
  }));
  const viewOf = (req: Request, state: 'ONLINE' | 'CONSUMING') => {
    const entries = tables.find(String(req.params.name), parseTypeParam(req.query.type));
    if (entries.length === 0) throw new ControllerError(404, `Table ${String(req.params.name)} does not exist`);
    const body: Record<string, unknown> = { OFFLINE: null, REALTIME: null };
    for (const e of entries) {
      const segments: Record<string, Record<string, string>> = {};
      if (e.config.type === 'REALTIME') for (const s of segmentsOf(e)) segments[s] = { Server_embedded: e.paused ? 'ONLINE' : state };
      body[e.config.type] = segments;
    }
    return body;
  };
  app.get('/tables/:name/externalview', route((req, res) => sendJson(res, viewOf(req, 'CONSUMING'))));
  app.get('/tables/:name/idealstate', route((req, res) => sendJson(res, viewOf(req, 'CONSUMING'))));
  app.get('/tables/:name/size', route(async (req, res) => {
    const name = String(req.params.name);
    const entries = tables.find(name);
    if (entries.length === 0) throw new ControllerError(404, `Table ${name} does not exist`);
    const sizes = await Promise.all(entries.map(async (entry) => {
      const reader = await tables_size(options, entry);
      return { entry, bytes: reader };
    }));
    const section = (type: string) => {
      const list = sizes.filter((s) => s.entry.config.type === type);
      if (list.length === 0) return null;
      const bytes = list.reduce((n, s) => n + s.bytes, 0);
      const segments: Record<string, unknown> = {};
      for (const s of list) {
        for (const segment of segmentsOf(s.entry)) {
          segments[segment] = { reportedSizeInBytes: Math.round(bytes / Math.max(1, segmentsOf(s.entry).length)), estimatedSizeInBytes: Math.round(bytes / Math.max(1, segmentsOf(s.entry).length)), serverInfo: {} };
        }
      }
      return { reportedSizeInBytes: bytes, estimatedSizeInBytes: bytes, missingSegments: 0, reportedSizePerReplicaInBytes: bytes, segments };
    };
    const total = sizes.reduce((n, s) => n + s.bytes, 0);
    sendJson(res, {
      tableName: splitTableName(name).raw,
      reportedSizeInBytes: total,
      estimatedSizeInBytes: total,
      reportedSizePerReplicaInBytes: total,
      offlineSegments: section('OFFLINE'),
      realtimeSegments: section('REALTIME'),
    });
  }));
  app.get('/tables/:name/state', route((req, res) => {
    const entries = tables.find(String(req.params.name), parseTypeParam(req.query.type));
    if (entries.length === 0) throw new ControllerError(404, `Table ${String(req.params.name)} does not exist`);
    sendJson(res, { state: 'enabled' });
  }));
  app.get('/segments/:name', route((req, res) => {
    const entries = tables.find(String(req.params.name), parseTypeParam(req.query.type));
    if (entries.length === 0) throw new ControllerError(404, `Table ${String(req.params.name)} does not exist`);
    sendJson(res, entries.map((e) => ({ [e.config.type]: e.config.type === 'REALTIME' ? segmentsOf(e) : [] })));
  }));

  // --- realtime consumption ---
  app.post('/tables/:name/pauseConsumption', route(async (req, res) => {
    const entry = realtimeEntry(String(req.params.name));
    const segments = segmentsOf(entry);
    await ingestion.pause(entry);
    sendJson(res, {
      ...pauseStatus(entry, undefined),
      consumingSegments: segments,
      comment: 'Pause flag is set. Consuming segments are being committed. Use /pauseStatus endpoint in a few moments to check if all consuming segments have been committed.',
    });
  }));
  app.post('/tables/:name/resumeConsumption', route(async (req, res) => {
    const entry = realtimeEntry(String(req.params.name));
    const consumeFrom = req.query.consumeFrom === undefined ? 'lastConsumed' : String(req.query.consumeFrom);
    if (consumeFrom !== 'lastConsumed' && consumeFrom !== 'smallest' && consumeFrom !== 'largest') {
      throw new ControllerError(400, `consumeFrom param '${consumeFrom}' is not valid. Valid values are 'smallest', 'largest' and 'lastConsumed'.`);
    }
    await ingestion.resume(entry, consumeFrom);
    sendJson(res, {
      ...pauseStatus(entry, undefined),
      comment: 'Pause flag is cleared. Consuming segments are being created. Use /pauseStatus endpoint in a few moments to double check.',
    });
  }));
  app.get('/tables/:name/pauseStatus', route((req, res) => {
    const entry = realtimeEntry(String(req.params.name));
    sendJson(res, pauseStatus(entry, entry.paused ? 'Pause flag is set.' : undefined));
  }));
  app.post('/tables/:name/forceCommit', route((req, res) => {
    const entry = realtimeEntry(String(req.params.name));
    sendJson(res, { forceCommitJobId: `${entry.config.nameWithType}_${Date.now()}`, forceCommitStatus: 'SUCCESS', consumingSegmentsForceCommitted: segmentsOf(entry).join(',') });
  }));
  app.get('/tables/:name/consumingSegmentsInfo', route((req, res) => {
    const entry = realtimeEntry(String(req.params.name));
    const status = ingestion.status(entry);
    const map: Record<string, unknown> = {};
    for (const p of status?.partitions ?? []) {
      const lag = p.highWatermark === undefined ? 'UNKNOWN' : String(BigInt(p.highWatermark) - BigInt(p.nextOffset));
      map[segmentName(entry, p.partition)] = [{
        serverName: 'Server_embedded',
        consumerState: entry.paused ? 'NOT_CONSUMING' : status!.state === 'CONSUMING' ? 'CONSUMING' : 'NOT_CONSUMING',
        lastConsumedTimestamp: p.lastIngestMs,
        partitionToOffsetMap: { [String(p.partition)]: p.nextOffset },
        partitionOffsetInfo: {
          currentOffsetsMap: { [String(p.partition)]: p.nextOffset },
          latestUpstreamOffsetMap: { [String(p.partition)]: p.highWatermark ?? 'UNKNOWN' },
          recordsLagMap: { [String(p.partition)]: lag },
          availabilityLagMsMap: { [String(p.partition)]: '0' },
        },
      }];
    }
    sendJson(res, { serversFailingToRespond: 0, serversUnparsableRespond: 0, _segmentToConsumingInfoMap: map });
  }));

  // --- ingestion debug (not a Pinot endpoint) ---
  app.get('/debug/ingestion', (_req, res) => sendJson(res, { tables: ingestion.allStatus() }));
  app.get('/debug/ingestion/:name', route((req, res) => {
    const entry = realtimeEntry(String(req.params.name));
    sendJson(res, ingestion.status(entry) ?? null);
  }));

  // --- brokers (pinot-client's controller-based discovery) ---
  const brokerList = () => {
    const host = options.brokerHost;
    const port = options.brokerPort();
    return { host, port, instanceName: options.brokerId() };
  };
  app.get('/v2/brokers/tables', (_req, res) => {
    const body: Record<string, unknown> = {};
    for (const name of tables.list()) body[name] = [{ ...brokerList(), grpcPort: -1 }];
    sendJson(res, body);
  });
  app.get('/brokers/tables', (_req, res) => {
    const body: Record<string, unknown> = {};
    for (const name of tables.list()) body[name] = [options.brokerId()];
    sendJson(res, body);
  });
  app.get('/v2/brokers/tables/:name', route((req, res) => {
    if (tables.find(String(req.params.name)).length === 0) throw new ControllerError(404, `Table ${String(req.params.name)} does not exist`);
    sendJson(res, [brokerList()]);
  }));

  // --- queries through the controller (the console's POST /sql) ---
  app.post('/sql', rawBody, route(async (req, res) => {
    const parsed = readQueryBody(req as Request, options.brokerId());
    if ('http400' in parsed) throw new ControllerError(400, parsed.http400);
    if ('outcome' in parsed) return sendOutcome(req, res, parsed.outcome);
    sendOutcome(req, res, await engine.execute(parsed));
  }));
  app.get('/sql', route(async (req, res) => {
    if (typeof req.query.sql !== 'string') throw new ControllerError(400, "Query parameter 'sql' is missing");
    sendOutcome(req, res, await engine.execute({
      sql: req.query.sql,
      queryOptions: typeof req.query.queryOptions === 'string' ? req.query.queryOptions : undefined,
      trace: String(req.query.trace) === 'true',
    }));
  }));

  app.use((_req, _res, next) => next(new ControllerError(404, 'HTTP 404 Not Found')));
  app.use(controllerErrorHandler(options.log));
  return app;
}

/** Size estimate: rows × columns × 8 bytes (DuckDB does not report per-table bytes cheaply). */
async function tables_size(options: ControllerAppOptions, entry: TableEntry): Promise<number> {
  const rows = await options.tables.countRows(entry);
  return rows * Math.max(1, entry.schema.columns.length) * 8;
}
