/**
 * What several controller resources look up the same way: a table by name (404 in Pinot's words when
 * it is missing), its realtime half, and the names of its consuming segments.
 */
import type { Request } from 'express';
import type { TableEntry, TableManager } from '../../catalog.ts';
import { ControllerError } from '../../errors.ts';
import type { IngestionManager } from '../../ingest/manager.ts';
import { parseTypeParam, splitTableName } from '../../table-config.ts';

/** The table halves `:name` (and `?type=`) names; 404 `Table … does not exist` when there are none. */
export function requestedTables(tables: TableManager, req: Request): TableEntry[] {
  const entries = tables.find(String(req.params.name), parseTypeParam(req.query.type));
  if (entries.length === 0) throw new ControllerError(404, `Table ${String(req.params.name)} does not exist`);
  return entries;
}

/** The REALTIME half of a table; 404 `Table x_REALTIME does not exist` when there is none. */
export function realtimeTable(tables: TableManager, name: string): TableEntry {
  const entry = tables.find(name, 'REALTIME')[0];
  if (!entry) throw new ControllerError(404, `Table ${splitTableName(name).raw}_REALTIME does not exist`);
  return entry;
}

/** Realtime segment name: `table__partition__seq__yyyyMMddTHHmmZ`. */
export function segmentName(entry: TableEntry, partition: number): string {
  const d = new Date(entry.createdMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}Z`;
  return `${entry.config.rawName}__${partition}__0__${stamp}`;
}

/** One consuming segment per partition the table consumes (partition 0 before it knows its partitions). */
export function consumingSegments(ingestion: IngestionManager, entry: TableEntry): string[] {
  const status = ingestion.status(entry);
  const partitions = status && status.partitions.length > 0 ? status.partitions.map((p) => p.partition) : [0];
  return partitions.map((p) => segmentName(entry, p));
}
