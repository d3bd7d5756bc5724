/**
 * The broker's query engine: SQL text → parse → translate → DuckDB → BrokerResponseNative.
 * Every failure becomes an entry of `exceptions` (the HTTP layer still answers 200, as Pinot does).
 */
import { DuckDBBlobValue, DuckDBDecimalValue, DuckDBListValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { TableEntry, TableManager } from './catalog.ts';
import type { PinotDb } from './db.ts';
import { quoteIdent } from './db.ts';
import { QueryError, errorMessage } from './errors.ts';
import { RawJson } from './json.ts';
import { formatJavaDouble, formatJavaFloat, formatTimestamp } from './schema.ts';
import { SqlSyntaxError } from './sql/lexer.ts';
import { parseQuery, SqlValidationError, type ParsedQuery } from './sql/parser.ts';
import { translate, typeName, type OutType, type TableView, type Translation } from './sql/translate.ts';
import { splitTableName } from './table-config.ts';

export interface QueryRequest {
  sql: string;
  /** `key=value;key2=value2`. */
  queryOptions?: string;
  trace?: boolean;
}

export interface ResultTable {
  dataSchema: { columnNames: string[]; columnDataTypes: string[] };
  rows: unknown[][];
}

/** BrokerResponseNative, in Pinot's key order. */
export interface BrokerResponse {
  resultTable?: ResultTable;
  numRowsResultSet: number;
  partialResult: boolean;
  exceptions: { errorCode: number; message: string }[];
  numGroupsLimitReached: boolean;
  numGroupsWarningLimitReached: boolean;
  timeUsedMs: number;
  requestId: string;
  brokerId: string;
  numDocsScanned: number;
  totalDocs: number;
  numEntriesScannedInFilter: number;
  numEntriesScannedPostFilter: number;
  numServersQueried: number;
  numServersResponded: number;
  numSegmentsQueried: number;
  numSegmentsProcessed: number;
  numSegmentsMatched: number;
  numConsumingSegmentsQueried: number;
  numConsumingSegmentsProcessed: number;
  numConsumingSegmentsMatched: number;
  minConsumingFreshnessTimeMs: number;
  numSegmentsPrunedByBroker: number;
  numSegmentsPrunedByServer: number;
  numSegmentsPrunedInvalid: number;
  numSegmentsPrunedByLimit: number;
  numSegmentsPrunedByValue: number;
  brokerReduceTimeMs: number;
  offlineThreadCpuTimeNs: number;
  realtimeThreadCpuTimeNs: number;
  offlineSystemActivitiesCpuTimeNs: number;
  realtimeSystemActivitiesCpuTimeNs: number;
  offlineResponseSerializationCpuTimeNs: number;
  realtimeResponseSerializationCpuTimeNs: number;
  offlineTotalCpuTimeNs: number;
  realtimeTotalCpuTimeNs: number;
  explainPlanNumEmptyFilterSegments: number;
  explainPlanNumMatchAllFilterSegments: number;
  traceInfo: Record<string, string>;
  tablesQueried: string[];
}

/** Segment-ish facts about a table from the ingestion side (consuming partitions, freshness). */
export interface TableRuntimeInfo {
  consumingSegments: number;
  /** Epoch ms of the last ingested row, 0 if none. */
  freshnessMs: number;
}

export interface QueryEngineOptions {
  brokerId: string;
  runtimeInfo?: (entry: TableEntry) => TableRuntimeInfo;
  /** Default query timeout (Pinot's broker default is 10 s). */
  defaultTimeoutMs?: number;
}

export interface QueryOutcome {
  response: BrokerResponse;
  /** The first exception's errorCode, or -1 (the X-Pinot-Error-Code header). */
  errorCode: number;
}

let requestCounter = 0;
const requestBase = Date.now() * 1000;

/** Parses Pinot's `k=v;k2=v2` query options string. */
export function parseQueryOptions(text: string | undefined): Record<string, string> {
  const options: Record<string, string> = {};
  if (!text) return options;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    options[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return options;
}

export class QueryEngine {
  constructor(private readonly db: PinotDb, private readonly tables: TableManager, private readonly options: QueryEngineOptions) {}

  /** Runs one query; never throws (failures are in `response.exceptions`). */
  async execute(request: QueryRequest): Promise<QueryOutcome> {
    const started = Date.now();
    const response = emptyResponse(this.options.brokerId);
    try {
      await this.run(request, response);
    } catch (error) {
      const qe = error instanceof QueryError ? error : new QueryError('QUERY_EXECUTION', errorMessage(error));
      response.exceptions.push({ errorCode: qe.errorCode, message: qe.pinotMessage });
      delete response.resultTable;
    }
    response.partialResult = response.exceptions.length > 0 || response.numGroupsLimitReached;
    response.timeUsedMs = Date.now() - started;
    return { response, errorCode: response.exceptions[0]?.errorCode ?? -1 };
  }

  private async run(request: QueryRequest, response: BrokerResponse): Promise<void> {
    const sql = request.sql;
    let parsed: ParsedQuery;
    try {
      parsed = parseQuery(sql);
    } catch (error) {
      if (error instanceof SqlValidationError) throw new QueryError('QUERY_VALIDATION', error.message);
      if (error instanceof SqlSyntaxError) throw new QueryError('SQL_PARSING', `Caught exception while parsing query: ${sql}: ${error.message}`);
      throw error;
    }
    const options = { ...parseQueryOptions(request.queryOptions), ...parsed.options };
    if (/^true$/i.test(options.useMultistageEngine ?? '')) {
      // The multi-stage engine is not emulated; the single-stage subset answers the same queries.
    }
    const entries = this.resolveTable(parsed.select.table);
    const rawName = entries[0]!.config.rawName;
    response.tablesQueried = [rawName];
    const view = this.view(entries, rawName);
    const translation = translate(parsed.select, view);

    if (parsed.explain) {
      response.resultTable = explainPlan(translation, parsed);
      response.numRowsResultSet = response.resultTable.rows.length;
      return;
    }

    const timeoutMs = Number(options.timeoutMs ?? this.options.defaultTimeoutMs ?? 10_000);
    const [reader, stats] = await Promise.all([
      this.readWithTimeout(translation.sql, timeoutMs),
      this.readWithTimeout(translation.statsSql, timeoutMs),
    ]);
    const rows = reader.getRows().map((row) => row.map((value, i) => formatValue(value, translation.columnTypes[i]!)));
    response.resultTable = {
      dataSchema: { columnNames: translation.columnNames, columnDataTypes: translation.columnTypes.map(typeName) },
      rows,
    };
    response.numRowsResultSet = rows.length;

    const [total, matched] = stats.getRows()[0]!.map((v) => Number(v)) as [number, number];
    const runtime = entries.map((e) => this.options.runtimeInfo?.(e) ?? { consumingSegments: 1, freshnessMs: 0 });
    const segments = Math.max(1, runtime.reduce((n, r) => n + r.consumingSegments, 0));
    const consuming = entries.some((e) => e.config.type === 'REALTIME') ? segments : 0;
    const selectionOnly = !translation.aggregation && parsed.select.orderBy.length === 0;
    const scanned = selectionOnly ? Math.min(matched, translation.limit + (parsed.select.offset ?? 0)) : matched;
    response.numDocsScanned = scanned;
    response.totalDocs = total;
    response.numEntriesScannedInFilter = parsed.select.where ? total * Math.max(1, translation.filterColumns) : 0;
    response.numEntriesScannedPostFilter = scanned * Math.max(1, translation.columnNames.length);
    response.numServersQueried = 1;
    response.numServersResponded = 1;
    response.numSegmentsQueried = segments;
    response.numSegmentsProcessed = segments;
    response.numSegmentsMatched = matched > 0 ? segments : 0;
    response.numConsumingSegmentsQueried = consuming;
    response.numConsumingSegmentsProcessed = consuming;
    response.numConsumingSegmentsMatched = matched > 0 ? consuming : 0;
    response.minConsumingFreshnessTimeMs = Math.max(0, ...runtime.map((r) => r.freshnessMs));
    if (request.trace) response.traceInfo = { [rawName]: JSON.stringify([{ duckdb: translation.sql }]) };
  }

  /** Finds the table named in FROM: raw or with type suffix, exact then case-insensitive. 190 if none. */
  private resolveTable(name: string): TableEntry[] {
    let entries = this.tables.find(name);
    if (entries.length === 0) {
      const { raw, type } = splitTableName(name);
      const lower = raw.toLowerCase();
      const match = this.tables.all().find((t) => t.config.rawName.toLowerCase() === lower);
      if (match) entries = this.tables.find(match.config.rawName, type);
    }
    if (entries.length === 0) throw new QueryError('TABLE_DOES_NOT_EXIST');
    return entries;
  }

  private view(entries: TableEntry[], rawName: string): TableView {
    const columns = entries[0]!.schema.columns;
    const hidden = entries.map(deletedRowsFilter);
    if (entries.length === 1 && hidden[0] === '') return { name: rawName, columns, from: quoteIdent(entries[0]!.dataTable) };
    const list = columns.map((c) => quoteIdent(c.name)).join(', ');
    return { name: rawName, columns, from: `(${entries.map((e, i) => `SELECT ${list} FROM ${quoteIdent(e.dataTable)}${hidden[i]}`).join(' UNION ALL ')})` };
  }

  private async readWithTimeout(sql: string, timeoutMs: number) {
    let connection: DuckDBConnection | undefined;
    let timedOut = false;
    const timer = Number.isFinite(timeoutMs) && timeoutMs > 0
      ? setTimeout(() => {
        timedOut = true;
        connection?.interrupt();
      }, timeoutMs)
      : undefined;
    try {
      return await this.db.read(sql, undefined, (c) => (connection = c));
    } catch (error) {
      if (timedOut) throw new QueryError('EXECUTION_TIMEOUT', `Query timed out after ${timeoutMs} ms`);
      const message = errorMessage(error);
      if (/must appear in the GROUP BY clause|must be an aggregate/i.test(message)) throw new QueryError('SQL_PARSING', message);
      throw new QueryError('QUERY_EXECUTION', message);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}

export function emptyResponse(brokerId: string): BrokerResponse {
  requestCounter++;
  return {
    resultTable: undefined,
    numRowsResultSet: 0,
    partialResult: false,
    exceptions: [],
    numGroupsLimitReached: false,
    numGroupsWarningLimitReached: false,
    timeUsedMs: 0,
    requestId: String(requestBase + requestCounter),
    brokerId,
    numDocsScanned: 0,
    totalDocs: 0,
    numEntriesScannedInFilter: 0,
    numEntriesScannedPostFilter: 0,
    numServersQueried: 0,
    numServersResponded: 0,
    numSegmentsQueried: 0,
    numSegmentsProcessed: 0,
    numSegmentsMatched: 0,
    numConsumingSegmentsQueried: 0,
    numConsumingSegmentsProcessed: 0,
    numConsumingSegmentsMatched: 0,
    minConsumingFreshnessTimeMs: 0,
    numSegmentsPrunedByBroker: 0,
    numSegmentsPrunedByServer: 0,
    numSegmentsPrunedInvalid: 0,
    numSegmentsPrunedByLimit: 0,
    numSegmentsPrunedByValue: 0,
    brokerReduceTimeMs: 0,
    offlineThreadCpuTimeNs: 0,
    realtimeThreadCpuTimeNs: 0,
    offlineSystemActivitiesCpuTimeNs: 0,
    realtimeSystemActivitiesCpuTimeNs: 0,
    offlineResponseSerializationCpuTimeNs: 0,
    realtimeResponseSerializationCpuTimeNs: 0,
    offlineTotalCpuTimeNs: 0,
    realtimeTotalCpuTimeNs: 0,
    explainPlanNumEmptyFilterSegments: 0,
    explainPlanNumMatchAllFilterSegments: 0,
    traceInfo: {},
    tablesQueried: [],
  };
}

/** A response carrying one exception (for request-level failures such as a missing `sql`). */
export function errorResponse(brokerId: string, error: QueryError): QueryOutcome {
  const response = emptyResponse(brokerId);
  response.exceptions.push({ errorCode: error.errorCode, message: error.pinotMessage });
  response.partialResult = true;
  return { response, errorCode: error.errorCode };
}

function explainPlan(translation: Translation, parsed: ParsedQuery): ResultTable {
  const kind = translation.groupBy ? 'GROUP_BY' : translation.aggregation ? 'AGGREGATE' : 'SELECT';
  const rows: unknown[][] = [
    [`BROKER_REDUCE(limit:${translation.limit})`, 1, 0],
    [`COMBINE_${kind}`, 2, 1],
    ['PLAN_START(numSegmentsForThisPlan:1)', -1, -1],
    [`${kind}(${translation.columnNames.join(', ')})`, 3, 2],
    [`PROJECT(${translation.columnNames.join(', ')})`, 4, 3],
    ['DOC_ID_SET', 5, 4],
    [parsed.select.where ? 'FILTER_FULL_SCAN' : 'FILTER_MATCH_ENTIRE_SEGMENT', 6, 5],
  ];
  return { dataSchema: { columnNames: ['Operator', 'Operator_Id', 'Parent_Id'], columnDataTypes: ['STRING', 'INT', 'INT'] }, rows };
}

function doubleJson(n: number, float: boolean): unknown {
  if (!Number.isFinite(n)) return formatJavaDouble(n);
  return new RawJson(float ? formatJavaFloat(n) : formatJavaDouble(n));
}

/** One DuckDB value → its JSON form for a Pinot column type. */
export function formatValue(value: DuckDBValue, type: OutType): unknown {
  if (value === null || value === undefined) return null;
  if (type.array) {
    const items = value instanceof DuckDBListValue ? value.items : [];
    return items.map((item) => formatValue(item, { base: type.base, array: false }));
  }
  switch (type.base) {
    case 'INT':
      return typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? Math.trunc(value) : Number(String(value));
    case 'LONG': {
      if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value;
      if (typeof value === 'number') return Math.trunc(value);
      return value instanceof DuckDBDecimalValue ? Number(value.toDouble()) : Number(String(value));
    }
    case 'FLOAT':
    case 'DOUBLE': {
      const n = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : value instanceof DuckDBDecimalValue ? value.toDouble() : Number(String(value));
      return doubleJson(n, type.base === 'FLOAT');
    }
    case 'BIG_DECIMAL': {
      if (value instanceof DuckDBDecimalValue) {
        const text = value.toString();
        return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
      }
      return String(value);
    }
    case 'BOOLEAN':
      return typeof value === 'boolean' ? value : Number(value) !== 0;
    case 'TIMESTAMP':
      return typeof value === 'bigint' || typeof value === 'number' ? formatTimestamp(Number(value)) : String(value);
    case 'BYTES':
      return value instanceof DuckDBBlobValue ? Buffer.from(value.bytes).toString('hex') : String(value);
    case 'STRING':
    case 'JSON':
      return typeof value === 'string' ? value : String(value);
    case 'UNKNOWN':
    default:
      if (typeof value === 'number') return doubleJson(value, false);
      if (typeof value === 'bigint' || typeof value === 'string' || typeof value === 'boolean') return value;
      return String(value);
  }
}

/**
 * The WHERE clause that hides the primary keys an upsert table's deleteRecordColumn marks deleted
 * ('' when the table has none). As in Pinot, the column is true when BOOLEAN true, numeric non-zero,
 * or the text `true`/`1`.
 */
function deletedRowsFilter(entry: TableEntry): string {
  const name = entry.config.upsert?.deleteColumn;
  if (name === undefined) return '';
  const column = quoteIdent(name);
  const type = entry.schema.columns.find((c) => c.name === name)?.dataType;
  const deleted = type === 'BOOLEAN' ? `${column} IS TRUE`
    : type === 'STRING' ? `(lower(${column}) = 'true' OR ${column} = '1')`
      : `${column} <> 0`;
  return ` WHERE NOT coalesce(${deleted}, false)`;
}
