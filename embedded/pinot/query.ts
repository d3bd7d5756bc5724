/**
 * The broker's query engine: SQL text → parse → translate → DuckDB → BrokerResponseNative.
 * Every failure becomes an entry of `exceptions` (the HTTP layer still answers 200, as Pinot does).
 */
import { DuckDBBlobValue, DuckDBDecimalValue, DuckDBListValue, type DuckDBValue } from '@duckdb/node-api';
import type { TableEntry, TableManager } from './catalog.ts';
import type { PinotDb } from './db.ts';
import { quoteIdent } from './db.ts';
import { BrokerRequestError, QueryError, errorMessage } from './errors.ts';
import { RawJson } from './json.ts';
import { formatJavaDouble, formatJavaFloat, formatTimestamp } from './schema.ts';
import { SqlSyntaxError } from './sql/lexer.ts';
import { isConstantSelect, translateConstantSelect } from './sql/constants.ts';
import { foldableParts, literalOf, replaceParts } from './sql/fold.ts';
import { parseQuery, SqlValidationError, type Expr, type ParsedQuery, type SelectStatement } from './sql/parser.ts';
import {
  DEFAULT_MAX_STRING_LENGTH,
  STRING_LIMIT_MARK,
  translate,
  typeName,
  type OutType,
  type TableView,
  type TranslateLimits,
  type Translation,
} from './sql/translate.ts';
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
  /** Every record stored, replaced ones included (Pinot's documents); undefined when not consuming. */
  documents?: number;
}

export interface QueryEngineOptions {
  brokerId: string;
  runtimeInfo?: (entry: TableEntry) => TableRuntimeInfo;
  /**
   * The broker's query timeout, ms (Pinot's `pinot.broker.timeoutMs`, default 10 s), and unlike Pinot
   * also the most a query's `timeoutMs` option may ask for: a larger one is lowered to it.
   */
  timeoutMs?: number;
  /** The longest string a query may build (lpad, rpad, repeat, concat, replace …), in characters. */
  maxStringLength?: number;
  /**
   * Queries running in DuckDB at once (default 2); later ones wait their turn within their timeout.
   * Each holds one of Node's four libuv worker threads until DuckDB stops, and the rest of the process
   * (Kafka's log files, ingestion) needs the others.
   */
  maxRunningQueries?: number;
  /** The most a query's rows may take, bytes (about their size in the response); past it 503. Default 64 MiB. */
  maxResponseBytes?: number;
}

export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RUNNING_QUERIES = 2;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** First come, first served: at most `size` holders at once. */
class Slots {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly size: number) {}

  /** Resolves with the slot's release once one is free; an abort first gives up the place in the queue. */
  acquire(signal: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener('abort', leave);
        this.running++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.running--;
          this.queue.shift()?.();
        });
      };
      const leave = () => {
        const i = this.queue.indexOf(grant);
        if (i >= 0) this.queue.splice(i, 1);
        reject(signal.reason);
      };
      if (signal.aborted) return reject(signal.reason);
      if (this.running < this.size) return grant();
      this.queue.push(grant);
      signal.addEventListener('abort', leave, { once: true });
    });
  }
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

/**
 * A query's timeout: its `timeoutMs` option, capped at the broker's. As in Pinot the option must be a
 * positive whole number; anything else fails the request with Pinot's message (HTTP 500).
 */
export function queryTimeoutMs(options: Record<string, string>, brokerTimeoutMs: number): number {
  const key = Object.keys(options)
    .reverse()
    .find((k) => k.toLowerCase() === 'timeoutms');
  if (key === undefined) return brokerTimeoutMs;
  const text = options[key]!;
  if (!/^[+-]?\d+$/.test(text) || BigInt(text) > 9223372036854775807n || BigInt(text) < -9223372036854775808n) {
    throw new BrokerRequestError(500, `For input string: "${text}"`);
  }
  const ms = BigInt(text);
  if (ms <= 0n) throw new BrokerRequestError(500, `Query timeout must be positive, got: ${ms}`);
  return ms < BigInt(brokerTimeoutMs) ? Number(ms) : brokerTimeoutMs;
}

export class QueryEngine {
  private readonly slots: Slots;

  constructor(
    private readonly db: PinotDb,
    private readonly tables: TableManager,
    private readonly options: QueryEngineOptions,
  ) {
    this.slots = new Slots(options.maxRunningQueries ?? DEFAULT_MAX_RUNNING_QUERIES);
  }

  /**
   * Runs one query. Query failures are in `response.exceptions`; only a request Pinot refuses outright
   * (a `timeoutMs` that is not a positive number) throws, a BrokerRequestError.
   */
  async execute(request: QueryRequest): Promise<QueryOutcome> {
    const started = Date.now();
    const response = emptyResponse(this.options.brokerId);
    try {
      await this.run(request, response, started);
    } catch (error) {
      if (error instanceof BrokerRequestError) throw error;
      const qe = error instanceof QueryError ? error : new QueryError('QUERY_EXECUTION', errorMessage(error));
      response.exceptions.push({ errorCode: qe.errorCode, message: qe.pinotMessage });
      delete response.resultTable;
    }
    response.partialResult = response.exceptions.length > 0 || response.numGroupsLimitReached;
    response.timeUsedMs = Date.now() - started;
    return { response, errorCode: response.exceptions[0]?.errorCode ?? -1 };
  }

  private async run(request: QueryRequest, response: BrokerResponse, started: number): Promise<void> {
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
    const timeoutMs = queryTimeoutMs(options, this.options.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS);
    if (/^true$/i.test(options.useMultistageEngine ?? '')) {
      // The multi-stage engine is not emulated; the single-stage subset answers the same queries.
    }
    const limits = { maxStringLength: this.options.maxStringLength ?? DEFAULT_MAX_STRING_LENGTH };
    if (!parsed.explain && isConstantSelect(parsed.select)) {
      await this.answerConstants(parsed.select, limits, response, started, timeoutMs);
      return;
    }
    if (parsed.select.table === undefined) throw new QueryError('QUERY_VALIDATION', 'Data source (FROM clause) not found');
    const entries = this.resolveTable(parsed.select.table);
    const rawName = entries[0]!.config.rawName;
    response.tablesQueried = [rawName];
    const view = this.view(entries, rawName);
    const select = await this.foldConstants(parsed.select, limits, started, timeoutMs, response.requestId);
    const translation = translate(select, view, Date.now(), limits);

    if (parsed.explain) {
      response.resultTable = explainPlan(translation, parsed);
      response.numRowsResultSet = response.resultTable.rows.length;
      return;
    }

    const [found, stats] = await this.readAll([translation.sql, translation.statsSql], started, timeoutMs, response.requestId);
    const rows = found!.map((row) => row.map((value, i) => formatValue(value, translation.columnTypes[i]!)));
    response.resultTable = {
      dataSchema: { columnNames: translation.columnNames, columnDataTypes: translation.columnTypes.map(typeName) },
      rows,
    };
    response.numRowsResultSet = rows.length;

    const [total, matched] = stats![0]!.map((v) => Number(v)) as [number, number];
    const runtime = entries.map((e) => this.options.runtimeInfo?.(e) ?? { consumingSegments: 1, freshnessMs: 0 });
    const segments = Math.max(
      1,
      runtime.reduce((n, r) => n + r.consumingSegments, 0),
    );
    const consuming = entries.some((e) => e.config.type === 'REALTIME') ? segments : 0;
    const selectionOnly = !translation.aggregation && parsed.select.orderBy.length === 0;
    const scanned = selectionOnly ? Math.min(matched, translation.limit + (parsed.select.offset ?? 0)) : matched;
    response.numDocsScanned = scanned;
    // An upsert table's segments keep every record it indexed, replaced ones too (only marked invalid): Pinot
    // counts them all in totalDocs, and scans only the valid ones.
    const upsertDocs = runtime.reduce((n, r) => n + (r.documents ?? 0), 0);
    response.totalDocs = entries.some((e) => e.config.upsert) ? Math.max(total, upsertDocs) : total;
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

  /** The select list with its functions of literals computed once and put in as literals, as Pinot compiles them (sql/fold.ts). */
  private async foldConstants(
    select: SelectStatement,
    limits: TranslateLimits,
    started: number,
    timeoutMs: number,
    requestId: string,
  ): Promise<SelectStatement> {
    const parts = foldableParts(select.items);
    if (parts.length === 0) return select;
    const values = await this.computeConstants(
      { distinct: false, items: parts.map((expr) => ({ expr })), groupBy: [], orderBy: [] },
      limits,
      started,
      timeoutMs,
      requestId,
    );
    const literals = new Map<Expr, Expr>();
    parts.forEach((part, i) => {
      const literal = literalOf(values.row[i], values.raw[i], values.types[i]!, formatJavaDouble);
      if (literal) literals.set(part, literal);
    });
    return { ...select, items: replaceParts(select.items, literals) };
  }

  /** Computes a SELECT of constants (one row, no table); a failure is Pinot's compile-time error (150). */
  private async computeConstants(select: SelectStatement, limits: TranslateLimits, started: number, timeoutMs: number, requestId: string) {
    const constants = translateConstantSelect(select, Date.now(), limits);
    let found: DuckDBValue[][];
    try {
      [found] = (await this.readAll([constants.translation.sql], started, timeoutMs, requestId)) as [DuckDBValue[][]];
    } catch (error) {
      if (error instanceof QueryError) throw error;
      throw new QueryError('SQL_PARSING', `Caught exception while invoking a function at compile time: ${errorMessage(error)}`);
    }
    const raw = found[0]!;
    return { constants, raw, types: constants.columnTypes, row: raw.map((value, i) => formatValue(value, constants.columnTypes[i]!)) };
  }

  /** A query of constants, answered by the broker alone as Pinot's is: one row, no table read (sql/constants.ts). */
  private async answerConstants(select: SelectStatement, limits: TranslateLimits, response: BrokerResponse, started: number, timeoutMs: number): Promise<void> {
    const { constants, raw, row } = await this.computeConstants(select, limits, started, timeoutMs, response.requestId);
    response.resultTable = {
      dataSchema: { columnNames: row.map((value, i) => constants.columnName(i, value, raw[i])), columnDataTypes: constants.columnTypes.map(typeName) },
      rows: [row],
    };
    response.numRowsResultSet = 1;
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

  /**
   * Runs the statements one after the other, each in a statement slot (one at a time, so a query holds
   * one of Node's worker threads), until `timeoutMs` after `started`. Then DuckDB is interrupted and the
   * query answers at once: 250, or 240 if it never got a slot. A slot is given back only when DuckDB
   * has stopped (it notices an interrupt between tasks, up to a row group of work later). Rows are read
   * a chunk at a time; past the response size DuckDB is stopped and the query answers 503, as Pinot's
   * server answers a response over maxServerResponseSizeBytes.
   */
  private async readAll(statements: string[], started: number, timeoutMs: number, requestId: string): Promise<DuckDBValue[][][]> {
    const abort = new AbortController();
    let scheduled = false;
    const timeoutError = () =>
      scheduled
        ? new QueryError('EXECUTION_TIMEOUT', `Timed out while polling results block (query timeout ${timeoutMs} ms)`)
        : new QueryError(
            'QUERY_SCHEDULING_TIMEOUT',
            `Query scheduling took ${Date.now() - started}ms (longer than query timeout of ${timeoutMs}ms) on server: ${this.options.brokerId}`,
          );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => {
          const error = timeoutError();
          abort.abort();
          reject(error);
        },
        Math.max(0, started + timeoutMs - Date.now()),
      );
    });
    const maxBytes = this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    let bytes = 0;
    const collect = (into: DuckDBValue[][]) => (rows: DuckDBValue[][]) => {
      for (const row of rows) bytes += row.reduce<number>((n, value) => n + responseBytes(value), 2);
      if (bytes > maxBytes) {
        throw new QueryError(
          'QUERY_CANCELLATION',
          `Serialized query response size ${bytes} exceeds threshold ${maxBytes} for requestId ${requestId} from broker ${this.options.brokerId}`,
        );
      }
      into.push(...rows);
    };
    const all = (async () => {
      const results: DuckDBValue[][][] = [];
      for (const sql of statements) {
        const release = await this.slots.acquire(abort.signal);
        scheduled = true;
        const rows: DuckDBValue[][] = [];
        await this.db.readChunks(sql, collect(rows), abort.signal).finally(release);
        results.push(rows);
      }
      return results;
    })();
    try {
      return await Promise.race([all, timedOut]);
    } catch (error) {
      if (error instanceof QueryError) throw error;
      if (abort.signal.aborted) throw timeoutError();
      abort.abort();
      throw duckDbError(error);
    } finally {
      clearTimeout(timer);
      all.catch(() => undefined);
    }
  }
}

/** About the bytes a value takes in the JSON response. */
function responseBytes(value: DuckDBValue): number {
  if (typeof value === 'string') return value.length + 3;
  if (value instanceof DuckDBListValue) return value.items.reduce<number>((n, v) => n + responseBytes(v), 2);
  if (value instanceof DuckDBBlobValue) return 2 * value.bytes.length + 3;
  return 8;
}

/** How DuckDB reports the error() a refused string raises. */
const STRING_LIMIT_ERROR = `Invalid Input Error: ${STRING_LIMIT_MARK}`;

/** A DuckDB failure as Pinot would report the same problem. */
function duckDbError(error: unknown): QueryError {
  const message = errorMessage(error);
  if (message.startsWith(STRING_LIMIT_ERROR)) return new QueryError('SERVER_RESOURCE_LIMIT_EXCEEDED', message.slice(STRING_LIMIT_ERROR.length));
  // past DuckDB's memory_limit: Pinot's accountant ends a query that takes too much memory with 245
  if (message.startsWith('Out of Memory Error:')) return new QueryError('SERVER_RESOURCE_LIMIT_EXCEEDED', message.split('\n')[0]);
  if (/must appear in the GROUP BY clause|must be an aggregate/i.test(message)) return new QueryError('SQL_PARSING', message);
  return new QueryError('QUERY_EXECUTION', message);
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
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'bigint'
            ? Number(value)
            : value instanceof DuckDBDecimalValue
              ? value.toDouble()
              : Number(String(value));
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
  const deleted = type === 'BOOLEAN' ? `${column} IS TRUE` : type === 'STRING' ? `(lower(${column}) = 'true' OR ${column} = '1')` : `${column} <> 0`;
  return ` WHERE NOT coalesce(${deleted}, false)`;
}
