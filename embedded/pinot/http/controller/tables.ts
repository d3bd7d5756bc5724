/**
 * Tables (Pinot's PinotTableRestletResource) over the TableManager: list, validate, create, read,
 * update, delete, a table's schema, state and size.
 */
import express from 'express';
import type { SchemaStore, TableEntry, TableManager } from '../../catalog.ts';
import { ControllerError } from '../../errors.ts';
import type { IngestionManager } from '../../ingest/manager.ts';
import { parseTableConfig, parseTypeParam, splitTableName } from '../../table-config.ts';
import { bodyJson, boolParam, rawBody, route, sendJson } from '../common.ts';
import { consumingSegments, requestedTables } from './lookup.ts';

export interface TablesOptions {
  schemas: SchemaStore;
  tables: TableManager;
  ingestion: IngestionManager;
}

export function tablesRouter(options: TablesOptions): express.Router {
  const { schemas, tables } = options;
  const router = express.Router();
  router.get(
    '/tables',
    route((req, res) => {
      sendJson(res, { tables: listedTables(tables, req.query) });
    }),
  );
  router.post(
    '/tables/validate',
    rawBody,
    route((req, res) => {
      const { config } = parseTableConfig(bodyJson(req, 'table config'), (raw) => schemas.get(raw));
      sendJson(res, config.json);
    }),
  );
  router.post(
    '/tables',
    rawBody,
    route(async (req, res) => {
      sendJson(res, await tables.add(bodyJson(req, 'table config')));
    }),
  );
  router.get(
    '/tables/:name',
    route((req, res) => {
      const name = String(req.params.name);
      const type = parseTypeParam(req.query.type);
      // Pinot's listTableConfigs: the configs of the types that exist, `{}` (200) when none does.
      const entries = tables.find(name, type);
      const body: Record<string, unknown> = {};
      for (const entry of entries.sort((a) => (a.config.type === 'OFFLINE' ? -1 : 1))) body[entry.config.type] = entry.config.json;
      sendJson(res, body);
    }),
  );
  router.put(
    '/tables/:name',
    rawBody,
    route(async (req, res) => {
      sendJson(res, await tables.update(String(req.params.name), bodyJson(req, 'table config')));
    }),
  );
  router.delete(
    '/tables/:name',
    route(async (req, res) => {
      sendJson(res, await tables.delete(String(req.params.name), parseTypeParam(req.query.type)));
    }),
  );
  router.get(
    '/tables/:name/schema',
    route((req, res) => {
      const name = String(req.params.name);
      const entry = tables.find(name)[0];
      if (!entry) throw new ControllerError(404, `Table ${name} does not exist`);
      const schema = schemas.get(entry.config.rawName);
      if (!schema) throw new ControllerError(404, `Schema not found for table: ${name}`);
      sendJson(res, schema.json);
    }),
  );
  router.get(
    '/tables/:name/size',
    route(async (req, res) => {
      sendJson(res, await tableSize(options, String(req.params.name)));
    }),
  );
  router.get(
    '/tables/:name/state',
    route((req, res) => {
      requestedTables(tables, req);
      sendJson(res, { state: 'enabled' });
    }),
  );
  return router;
}

/** `GET /tables`: names of one type or all, sorted by name, creation or modification time. */
function listedTables(tables: TableManager, query: express.Request['query']): string[] {
  const type = parseTypeParam(query.type);
  const sortType = String(query.sortType ?? 'name').toLowerCase();
  const asc = boolParam(query.sortAsc, true);
  let names: string[];
  if (sortType === 'creationtime' || sortType === 'lastmodifiedtime') {
    const entries = tables.all().filter((t) => type === undefined || t.config.type === type);
    entries.sort((a, b) => (sortType === 'creationtime' ? a.createdMs - b.createdMs : a.updatedMs - b.updatedMs));
    names = entries.map((e) => e.config.nameWithType);
  } else names = tables.list(type);
  if (!asc) names.reverse();
  return names;
}

/** `GET /tables/{t}/size`: the estimate split per table type and per consuming segment. */
async function tableSize(options: TablesOptions, name: string): Promise<unknown> {
  const entries = options.tables.find(name);
  if (entries.length === 0) throw new ControllerError(404, `Table ${name} does not exist`);
  const sizes = await Promise.all(entries.map(async (entry) => ({ entry, bytes: await estimatedBytes(options.tables, entry) })));
  const section = (type: string) => {
    const list = sizes.filter((s) => s.entry.config.type === type);
    if (list.length === 0) return null;
    const bytes = list.reduce((n, s) => n + s.bytes, 0);
    const segments: Record<string, unknown> = {};
    for (const s of list) {
      const names = consumingSegments(options.ingestion, s.entry);
      for (const segment of names) {
        const share = Math.round(bytes / Math.max(1, names.length));
        segments[segment] = { reportedSizeInBytes: share, estimatedSizeInBytes: share, serverInfo: {} };
      }
    }
    return { reportedSizeInBytes: bytes, estimatedSizeInBytes: bytes, missingSegments: 0, reportedSizePerReplicaInBytes: bytes, segments };
  };
  const total = sizes.reduce((n, s) => n + s.bytes, 0);
  return {
    tableName: splitTableName(name).raw,
    reportedSizeInBytes: total,
    estimatedSizeInBytes: total,
    reportedSizePerReplicaInBytes: total,
    offlineSegments: section('OFFLINE'),
    realtimeSegments: section('REALTIME'),
  };
}

/** Size estimate: rows × columns × 8 bytes (DuckDB does not report per-table bytes cheaply). */
async function estimatedBytes(tables: TableManager, entry: TableEntry): Promise<number> {
  const rows = await tables.countRows(entry);
  return rows * Math.max(1, entry.schema.columns.length) * 8;
}
