/**
 * io.confluent.connect.jdbc.JdbcSourceConnector over mysql2, after Confluent's 10.7 source: the connector lists the
 * database's tables (those the whitelist names, or all but the blacklisted ones), again every
 * table.poll.interval.ms, and splits them over tasks.max tasks; each task polls its tables (or the one `query`) in
 * the configured mode. See README.md for offsets; test/conformance/jdbc-source.test.ts checks it mode by mode.
 *
 * An unreachable database fails what needs it, as Confluent's connector does: the connector opens a first
 * connection at start, each task at start too, and a task checks its cached connection before each new
 * poll of a table (a ping answered within 5 s; not while it reads a backlog page after page) and
 * reconnects when it is gone; every connection is tried
 * `connection.attempts` times, `connection.backoff.ms` apart, then the connector or task is FAILED with
 * the cause as its trace. A restart brings it back once the database answers.
 */
import mysql, { type Connection, type FieldPacket, type RowDataPacket } from 'mysql2/promise';
import { splitList } from '../transforms/index.ts';
import type { Field, Schema } from '../data/schema.ts';
import { parseJdbcUrl, type JdbcTarget } from './connection-url.ts';
import { columnMapping, toConnectValue, type ColumnMapping, type TimeSettings } from './column-schema.ts';
import { instantToWallClock, wallClockToInstant } from './time-zone.ts';
import { timestampGranularity } from './timestamp-granularity.ts';
import type { Mode } from './jdbc-config.ts';
import {
  ConnectException,
  type ConnectorContext,
  type OffsetReader,
  type SourceConnector,
  type SourceOffset,
  type SourcePartition,
  type SourceRecord,
  type SourceTask,
} from '../runtime/source-task.ts';

export function quoteId(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

interface TableId {
  database: string;
  table: string;
}

function tableText(t: TableId): string {
  return `${t.database}.${t.table}`;
}

function parseTableId(text: string, defaultDb: string | undefined): TableId {
  const clean = text.replace(/`/g, '').replace(/"/g, '');
  const dot = clean.indexOf('.');
  if (dot >= 0) return { database: clean.slice(0, dot), table: clean.slice(dot + 1) };
  if (defaultDb === undefined)
    throw new ConnectException(`Table ${text} has no database: put one in connection.url (jdbc:mysql://host:port/database) or write it as database.table`);
  return { database: defaultDb, table: clean };
}

interface ConnParams {
  target: JdbcTarget;
  user: string | undefined;
  password: string | undefined;
  attempts: number;
  backoffMs: number;
  /** Connector/J's `socketTimeout` URL parameter: how long a statement may wait for the database's next bytes. */
  socketTimeoutMs: number;
}

function connParams(config: Record<string, string>): ConnParams {
  const target = parseJdbcUrl(config['connection.url'] ?? '');
  return {
    target,
    user: config['connection.user'] ?? target.user,
    password: config['connection.password'] ?? target.password,
    attempts: Math.max(1, Number(config['connection.attempts'] ?? 3)),
    backoffMs: Math.max(0, Number(config['connection.backoff.ms'] ?? 10_000)),
    socketTimeoutMs: Math.max(0, Number(target.params.socketTimeout ?? 0) || 0),
  };
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'PROTOCOL_CONNECTION_LOST',
  'EPIPE',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
]);

function errorCode(error: unknown): string | undefined {
  if (error instanceof AggregateError && error.errors.length > 0) return errorCode(error.errors[0]);
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isConnectionError(error: unknown): boolean {
  const code = errorCode(error);
  return (code !== undefined && UNREACHABLE.has(code)) || (error as { fatal?: boolean } | null)?.fatal === true;
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  const e = error as { message?: string; code?: string };
  return e.message && e.message !== '' ? e.message : (e.code ?? String(error));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** How long a cached connection may take to answer a ping before it counts as gone (JDBC's isValid(5)). */
const VALIDITY_TIMEOUT_MS = 5_000;

/** True when the connection answers a ping within VALIDITY_TIMEOUT_MS. */
async function isValid(connection: Connection): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), VALIDITY_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      connection.ping().then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one statement with Connector/J's `socketTimeout`: when the database sends nothing for that many ms while
 * the statement is outstanding, the socket is cut and the statement fails as a lost connection (which the
 * caller turns into a reconnection, then FAILED). 0 waits forever, as Connector/J does.
 */
async function withSocketTimeout<T>(connection: Connection, timeoutMs: number, signal: AbortSignal, statement: () => Promise<T>): Promise<T> {
  const socket = (connection as unknown as { connection?: { stream?: import('node:net').Socket } }).connection?.stream;
  if (!socket) return statement();
  const cut = (): void => {
    socket.destroy(Object.assign(new Error(`no answer from the database for ${timeoutMs} ms (socketTimeout)`), { code: 'ETIMEDOUT' }));
  };
  // a task being stopped does not wait for a statement the database may never answer
  const stopped = (): void => {
    socket.destroy();
  };
  if (timeoutMs > 0) socket.setTimeout(timeoutMs, cut);
  signal.addEventListener('abort', stopped, { once: true });
  try {
    return await statement();
  } finally {
    signal.removeEventListener('abort', stopped);
    if (timeoutMs > 0) {
      socket.setTimeout(0);
      socket.off('timeout', cut);
    }
  }
}

/**
 * One connection (with `connection.attempts` tries). The session time zone is UTC: TIMESTAMP columns come as their
 * UTC wall clock, DATETIME as stored; both, as text, are then read in db.timezone (the JDBC Calendar's zone).
 */
async function openConnection(p: ConnParams, signal?: AbortSignal): Promise<Connection> {
  let last: unknown;
  for (let attempt = 1; attempt <= p.attempts; attempt++) {
    try {
      const connection = await mysql.createConnection({
        host: p.target.host,
        port: p.target.port,
        user: p.user ?? 'root',
        password: p.password ?? '',
        ...(p.target.database !== undefined ? { database: p.target.database } : {}),
        connectTimeout: Number(p.target.params.connectTimeout ?? 5_000) || 5_000,
        timezone: 'Z',
        supportBigNumbers: true,
        bigNumberStrings: false,
        // DATETIME/TIMESTAMP as the server's text, JSON as its text: options rather than a typeCast function,
        // which mysql2 would call through a wrapper and a closure for every value of every row
        dateStrings: ['DATETIME', 'TIMESTAMP'],
        jsonStrings: true,
      });
      connection.on('error', () => undefined);
      await connection.query("SET time_zone = '+00:00'");
      return connection;
    } catch (error) {
      last = error;
      if (attempt < p.attempts) await sleep(p.backoffMs, signal);
    }
  }
  throw new ConnectException(
    `Couldn't open connection to ${p.target.protocol}://${p.target.host}:${p.target.port}: ${describe(last)} (after ${p.attempts} attempt(s))`,
    { cause: last },
  );
}

/** Java's org.apache.kafka.common.config.ConfigException, as a task's or connector's trace names it. */
export class ConfigException extends Error {
  override name = 'org.apache.kafka.common.config.ConfigException';
}

/** `db`.`table` as the MySQL dialect writes a table id with quote.sql.identifiers=ALWAYS (the default), else db.table. */
function tableExpression(t: TableId, quote: boolean): string {
  return quote ? `${quoteId(t.database)}.${quoteId(t.table)}` : tableText(t);
}

/** Whether a whitelist/blacklist names `t`: as db.table, as `db`.`table`, or by its bare name (TableMonitorThread). */
function listed(t: TableId, names: Set<string>): boolean {
  return names.has(tableText(t)) || names.has(tableExpression(t, true)) || names.has(t.table);
}

/** Kafka's ConnectorUtils.groupPartitions: `n` contiguous groups, the first (size mod n) one longer. */
function groupContiguous<T>(items: T[], n: number): T[][] {
  const per = Math.floor(items.length / n);
  const leftover = items.length % n;
  const groups: T[][] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const size = per + (i < leftover ? 1 : 0);
    groups.push(items.slice(at, at + size));
    at += size;
  }
  return groups;
}

export class JdbcSourceConnector implements SourceConnector {
  private config: Record<string, string> = {};
  private tables: TableId[] = [];
  private monitor: NodeJS.Timeout | undefined;

  async start(config: Record<string, string>, context?: ConnectorContext): Promise<void> {
    this.config = config;
    const p = connParams(config);
    // the first connection attempt: an unreachable database fails the connector
    const connection = await openConnection(p);
    try {
      const include = [...splitList(config['table.whitelist']), ...splitList(config['table.include.list'])];
      const exclude = [...splitList(config['table.blacklist']), ...splitList(config['table.exclude.list'])];
      // JdbcSourceConnector.start's checks (not validation errors: the connector fails)
      if (include.length > 0 && exclude.length > 0) throw new ConnectException('table.whitelist and table.blacklist are exclusive.');
      if ((config.query ?? '').trim() !== '') {
        if (include.length > 0 || exclude.length > 0) throw new ConnectException('query may not be combined with whole-table copying settings.');
        return;
      }
      this.tables = await this.listTables(connection);
    } finally {
      await connection.end().catch(() => undefined);
    }
    // TableMonitorThread: the table list is read again every table.poll.interval.ms; a change reconfigures the
    // tasks, a failed read is skipped until the next one.
    const every = Math.max(1, Number(config['table.poll.interval.ms'] ?? 60_000));
    let reading = false;
    this.monitor = setInterval(() => {
      if (reading) return;
      reading = true;
      void (async () => {
        const c = await openConnection({ ...p, attempts: 1 });
        try {
          const tables = await this.listTables(c);
          if (JSON.stringify(tables) === JSON.stringify(this.tables)) return;
          this.tables = tables;
          context?.requestTaskReconfiguration();
        } finally {
          await c.end().catch(() => undefined);
        }
      })()
        .catch(() => undefined)
        .finally(() => {
          reading = false;
        });
    }, every);
    this.monitor.unref();
  }

  /**
   * The tables the database lists (in its order: database, then name), filtered by the lists as TableMonitorThread
   * does; a listed table that does not exist is left out. Ours lists the URL's database and the databases named in
   * the whitelist.
   */
  private async listTables(connection: Connection): Promise<TableId[]> {
    const config = this.config;
    const p = connParams(config);
    const include = [...splitList(config['table.whitelist']), ...splitList(config['table.include.list'])];
    const exclude = [...splitList(config['table.blacklist']), ...splitList(config['table.exclude.list'])];
    const databases = new Set<string>([p.target.database ?? '']);
    for (const name of include) if (name.replace(/`/g, '').includes('.')) databases.add(parseTableId(name, undefined).database);
    const types = splitList(config['table.types'] ?? 'TABLE').map((t) => (t.toUpperCase() === 'TABLE' ? 'BASE TABLE' : t.toUpperCase()));
    const [rows] = await connection.query<RowDataPacket[]>(
      'SELECT TABLE_SCHEMA AS db, TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) AND TABLE_TYPE IN (?) ORDER BY TABLE_SCHEMA, TABLE_NAME',
      [[...databases], types],
    );
    const all = rows.map((r) => ({ database: String(r.db), table: String(r.name) })).filter((t) => t.database === p.target.database || include.length > 0);
    const includeSet = new Set(include);
    const excludeSet = new Set(exclude);
    return include.length > 0 ? all.filter((t) => listed(t, includeSet)) : exclude.length > 0 ? all.filter((t) => !listed(t, excludeSet)) : all;
  }

  /**
   * JdbcSourceConnector.taskConfigs: the query, or the tables in contiguous groups (at most tasks.max), each
   * task's `tables` written as the dialect's expressions, with `tables.fetched`; no table gives one task with
   * none, which fails at start.
   */
  taskConfigs(maxTasks: number): Record<string, string>[] {
    const none = [{ ...this.config, tables: '', 'tables.fetched': 'true' }];
    if ((this.config.query ?? '').trim() !== '' || this.tables.length === 0) return none;
    const quote = (this.config['quote.sql.identifiers'] ?? 'ALWAYS').toUpperCase() !== 'NEVER';
    return groupContiguous(this.tables, Math.max(1, Math.min(maxTasks, this.tables.length))).map((mine) => ({
      ...this.config,
      tables: mine.map((t) => tableExpression(t, quote)).join(','),
      'tables.fetched': 'true',
    }));
  }

  createTask(taskConfig: Record<string, string>): SourceTask {
    return new JdbcSourceTask(taskConfig);
  }

  async stop(): Promise<void> {
    clearInterval(this.monitor);
  }
}

/** One table (or the query) polled by a task. */
interface Querier {
  partition: SourcePartition;
  topic: string;
  from: string;
  schemaName: string | undefined;
  table: TableId | undefined;
  offset: SourceOffset | undefined;
  nextDue: number;
  /** Rows fetched but not handed out yet (bulk and timestamp modes fetch everything at once). */
  buffer: SourceRecord[];
  /** The last page was full, so more rows are waiting now. */
  more: boolean;
  incrementingColumn: string | undefined;
}

/**
 * A source offset as TimestampIncrementingOffset.toMap() builds it, its keys in the order Java's HashMap (4
 * buckets) iterates them, which is the order the offsets topic's JSON has: timestamp_nanos, incrementing, timestamp.
 */
function offsetOf(ts: { timestamp: number; timestamp_nanos: number } | undefined, incrementing: number | string | undefined): SourceOffset {
  const offset: SourceOffset = {};
  if (ts !== undefined) offset.timestamp_nanos = ts.timestamp_nanos;
  if (incrementing !== undefined) offset.incrementing = incrementing;
  if (ts !== undefined) offset.timestamp = ts.timestamp;
  return offset;
}

const TS_ALIAS = '__connect_ts';
const INC_ALIAS = '__connect_inc';

/**
 * A database wall clock "2024-01-02 03:04:05.123456" read in `zone` (db.timezone) <-> the offset's
 * {timestamp: epoch millis, timestamp_nanos} (TimestampIncrementingOffset: the instant, as getTime() and getNanos()).
 */
export function tsOffset(text: string, zone = 'UTC'): { timestamp: number; timestamp_nanos: number } {
  let instant;
  try {
    instant = wallClockToInstant(zone, text);
  } catch {
    throw new ConnectException(`Unexpected timestamp value "${text}"`);
  }
  return { timestamp: instant.epochMs, timestamp_nanos: instant.nanos };
}

/** The offset's instant as `zone`'s wall clock (setTimestamp(i, ts, cal)), to compare with the columns. */
export function tsText(offset: SourceOffset | undefined, zone = 'UTC'): string {
  const millis = Number(offset?.timestamp ?? 0);
  const nanos = offset?.timestamp_nanos === undefined ? (((millis % 1000) + 1000) % 1000) * 1e6 : Number(offset.timestamp_nanos);
  return instantToWallClock(zone, { epochMs: millis, nanos });
}

function bigOf(v: unknown): bigint {
  return BigInt(typeof v === 'bigint' ? v : Math.trunc(Number(v)));
}

function incrementingValue(v: unknown): number | string {
  if (typeof v === 'number') return v;
  const big = BigInt(String(v));
  return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big.toString();
}

export class JdbcSourceTask implements SourceTask {
  private readonly mode: Mode;
  private readonly conn: ConnParams;
  private readonly queriers: Querier[];
  private readonly batchMaxRows: number;
  private readonly pollIntervalMs: number;
  private readonly tsColumns: string[];
  private readonly incColumnConfig: string;
  private readonly delayMs: number;
  private readonly suffix: string;
  private readonly validateNonNull: boolean;
  private readonly timestampInitial: number | undefined;
  /** db.timezone and timestamp.granularity. */
  private readonly time: TimeSettings;
  private readonly tables: TableId[];
  private connection: Connection | undefined;

  constructor(private readonly config: Record<string, string>) {
    this.mode = (config.mode ?? '').trim() as Mode;
    if (!['bulk', 'timestamp', 'incrementing', 'timestamp+incrementing'].includes(this.mode)) {
      throw new ConnectException('Query mode must be specified');
    }
    this.conn = connParams(config);
    this.batchMaxRows = Math.max(1, Number(config['batch.max.rows'] ?? 100));
    this.pollIntervalMs = Math.max(0, Number(config['poll.interval.ms'] ?? 5_000));
    this.tsColumns = splitList(config['timestamp.column.name']);
    this.incColumnConfig = (config['incrementing.column.name'] ?? '').trim();
    this.delayMs = Number(config['timestamp.delay.interval.ms'] ?? 0);
    this.suffix = (config['query.suffix'] ?? '').trim();
    this.validateNonNull = (config['validate.non.null'] ?? 'true').trim().toLowerCase() === 'true';
    this.timestampInitial = config['timestamp.initial'] === undefined ? undefined : Number(config['timestamp.initial']);
    this.time = { zone: (config['db.timezone'] ?? 'UTC').trim() || 'UTC', granularity: timestampGranularity(config['timestamp.granularity']) };
    const prefix = (config['topic.prefix'] ?? '').trim();
    const query = (config.query ?? '').trim();
    this.tables = splitList(config.tables).map((text) => parseTableId(text, this.conn.target.database));
    if (query !== '') {
      this.queriers = [this.querier({ query: 'query' }, prefix, `(${query})`, undefined, undefined)];
    } else {
      // bulk keeps the unqualified name as its partition (no offsets are kept); the others offset protocol 1
      this.queriers = this.tables.map((t) =>
        this.querier(
          this.mode === 'bulk' ? { table: t.table } : { protocol: '1', table: tableText(t) },
          `${prefix}${t.table}`,
          `${quoteId(t.database)}.${quoteId(t.table)}`,
          t.table,
          t,
        ),
      );
    }
  }

  private querier(partition: SourcePartition, topic: string, from: string, schemaName: string | undefined, table: TableId | undefined): Querier {
    return {
      partition,
      topic,
      from,
      schemaName,
      table,
      offset: undefined,
      nextDue: 0,
      buffer: [],
      more: false,
      incrementingColumn: this.incColumnConfig === '' ? undefined : this.incColumnConfig,
    };
  }

  topics(): string[] {
    return [...new Set(this.queriers.map((q) => q.topic))];
  }

  async start(offsets: OffsetReader, signal: AbortSignal = new AbortController().signal): Promise<void> {
    if (this.queriers.length === 0) {
      throw new ConfigException(
        'Task is being killed because it was not assigned a table nor a query to execute. If run in table mode please make sure that the tables exist on the database. If the table does exist on the database, we recommend using the fully qualified table name.',
      );
    }
    // as Confluent's task validating its columns at start: an unreachable database fails the task here
    await this.connection_(signal);
    if (this.tables.length > 0 && this.mode !== 'bulk') {
      await this.validateColumnsExist(this.tables[0], signal);
      if (this.validateNonNull) for (const t of this.tables) await this.validateNonNullable(t, signal);
    }
    for (const q of this.queriers) {
      q.offset = this.mode === 'bulk' ? undefined : offsets.offset(q.partition);
      if (q.offset === undefined && this.timestampInitial !== undefined && this.mode !== 'bulk') {
        const initial = this.timestampInitial === -1 ? await this.databaseNow(signal) : this.timestampInitial;
        q.offset = offsetOf({ timestamp: initial, timestamp_nanos: (((initial % 1000) + 1000) % 1000) * 1e6 }, undefined);
      }
    }
  }

  /** The task's columns of `t` (information_schema, as the dialect's describeColumns): name -> nullable. */
  private async columnsOf(t: TableId, signal: AbortSignal): Promise<Map<string, boolean>> {
    const [rows] = await this.run(
      'SELECT COLUMN_NAME, IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [t.database, t.table],
      signal,
    );
    return new Map(rows.map((r) => [String(r[0]), String(r[1]) === 'YES']));
  }

  /** JdbcSourceTask.validateColumnsExist (on the task's first table): the offset columns are in the table. */
  private async validateColumnsExist(t: TableId, signal: AbortSignal): Promise<void> {
    const names = new Set([...(await this.columnsOf(t, signal)).keys()].map((n) => n.toLowerCase()));
    if (this.mode !== 'timestamp' && this.incColumnConfig !== '' && !names.has(this.incColumnConfig.toLowerCase())) {
      throw new ConfigException(`Incrementing column: ${this.incColumnConfig} does not exist.`);
    }
    if (this.mode !== 'incrementing') {
      const missing = this.tsColumns.filter((c) => !names.has(c.toLowerCase()));
      if (missing.length > 0) throw new ConfigException(`Timestamp columns: ${missing.join(', ')} do not exist.`);
    }
  }

  /** JdbcSourceTask.validateNonNullable (validate.non.null, table mode only): the offset columns are NOT NULL. */
  private async validateNonNullable(t: TableId, signal: AbortSignal): Promise<void> {
    const columns = await this.columnsOf(t, signal);
    const tsLower = new Set(this.tsColumns.map((c) => c.toLowerCase()));
    let incrementingOptional = false;
    let timestampNotNull = false;
    for (const [name, nullable] of columns) {
      if (name.toLowerCase() === this.incColumnConfig.toLowerCase()) incrementingOptional = nullable;
      else if (tsLower.has(name.toLowerCase()) && !nullable) timestampNotNull = true;
    }
    const what = tableExpression(t, true);
    if (this.mode !== 'timestamp' && incrementingOptional) {
      throw new ConnectException(
        `Cannot make incremental queries using incrementing column ${this.incColumnConfig} on ${what} because this column is nullable.`,
      );
    }
    if (this.mode !== 'incrementing' && !timestampNotNull) {
      throw new ConnectException(
        `Cannot make incremental queries using timestamp columns ${this.tsColumns.join(',')} on ${what} because all of these columns are nullable.`,
      );
    }
  }

  /** The database's CURRENT_TIMESTAMP in ms (the dialect's currentTimeOnDB: whole seconds on MySQL). */
  private async databaseNow(signal: AbortSignal): Promise<number> {
    const [[row]] = await this.run("SELECT DATE_FORMAT(CURRENT_TIMESTAMP, '%Y-%m-%d %H:%i:%s.%f')", [], signal);
    return tsOffset(String(row![0]), this.time.zone).timestamp;
  }

  /**
   * Orders two offsets of one source partition for the worker's resume check. Timestamp mode's offsets are not
   * unique per row (rows share a timestamp, and a row's offset stays at the previous timestamp until its
   * timestamp is complete), so they are not compared: after a crash that mode re-sends what follows the
   * committed offset, as Confluent's connector does (at-least-once).
   */
  compareOffsets(a: SourceOffset, b: SourceOffset): number | undefined {
    if (this.mode === 'timestamp') return undefined;
    const ta = a.timestamp === undefined ? undefined : [Number(a.timestamp), Number(a.timestamp_nanos ?? 0)];
    const tb = b.timestamp === undefined ? undefined : [Number(b.timestamp), Number(b.timestamp_nanos ?? 0)];
    if ((ta === undefined) !== (tb === undefined)) return undefined;
    if (ta && tb) {
      const secA = Math.floor(ta[0] / 1000);
      const secB = Math.floor(tb[0] / 1000);
      if (secA !== secB) return secA < secB ? -1 : 1;
      if (ta[1] !== tb[1]) return ta[1] < tb[1] ? -1 : 1;
    }
    const hasIncA = a.incrementing !== undefined;
    if (hasIncA !== (b.incrementing !== undefined)) return undefined;
    if (!hasIncA) return 0;
    const ia = bigOf(a.incrementing);
    const ib = bigOf(b.incrementing);
    return ia === ib ? 0 : ia < ib ? -1 : 1;
  }

  async poll(signal: AbortSignal): Promise<SourceRecord[]> {
    while (!signal.aborted) {
      const buffered = this.queriers.find((q) => q.buffer.length > 0);
      if (buffered) return buffered.buffer.splice(0, this.batchMaxRows);
      const now = Date.now();
      const due = this.queriers.find((q) => q.more || q.nextDue <= now);
      if (!due) {
        const wait = Math.min(...this.queriers.map((q) => q.nextDue)) - now;
        await sleep(Math.max(1, wait), signal);
        continue;
      }
      if (!due.more) {
        due.nextDue = now + this.pollIntervalMs;
        await this.checkConnection();
      }
      const records = await this.fetch(due, signal);
      if (records.length > 0) {
        due.buffer = records;
        return due.buffer.splice(0, this.batchMaxRows);
      }
    }
    return [];
  }

  /** The cached connection, or a new one (connection.attempts tries). */
  private async connection_(signal: AbortSignal): Promise<Connection> {
    this.connection ??= await openConnection(this.conn, signal);
    return this.connection;
  }

  /** Drops the cached connection when it no longer answers (CachedConnectionProvider's validity check). */
  private async checkConnection(): Promise<void> {
    if (this.connection && !(await isValid(this.connection))) await this.dropConnection();
  }

  private async dropConnection(): Promise<void> {
    const c = this.connection;
    this.connection = undefined;
    // a server that stopped answering would never answer the goodbye either
    if (c) c.destroy();
  }

  /** Runs the query once more after reconnecting when the connection was lost; other SQL errors fail the task. */
  private async run(sql: string, params: unknown[], signal: AbortSignal, what = 'the database'): Promise<[unknown[][], FieldPacket[]]> {
    for (let attempt = 0; ; attempt++) {
      const connection = await this.connection_(signal);
      try {
        const [rows, fields] = await withSocketTimeout(connection, this.conn.socketTimeoutMs, signal, () =>
          connection.query({ sql, rowsAsArray: true }, params),
        );
        return [rows as unknown as unknown[][], fields as FieldPacket[]];
      } catch (error) {
        await (isConnectionError(error) ? this.dropConnection() : Promise.resolve());
        if (isConnectionError(error) && attempt === 0) continue;
        throw new ConnectException(`Failed to run query for ${what}: ${describe(error)} (SQL: ${this.describe(sql)})`, { cause: error });
      }
    }
  }

  private describe(sql: string): string {
    return sql.length > 200 ? `${sql.slice(0, 200)}…` : sql;
  }

  private async detectIncrementing(q: Querier, signal: AbortSignal): Promise<string> {
    if (q.table === undefined) throw new ConnectException('incrementing.column.name must be set when using query mode with incrementing');
    const [rows] = await this.run(
      "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND EXTRA LIKE '%auto_increment%'",
      [q.table.database, q.table.table],
      signal,
    );
    if (rows.length === 0) throw new ConnectException(`No auto-incrementing column found in ${tableText(q.table)}; set incrementing.column.name`);
    return String(rows[0][0]);
  }

  private async fetch(q: Querier, signal: AbortSignal): Promise<SourceRecord[]> {
    const mode = this.mode;
    const useInc = mode === 'incrementing' || mode === 'timestamp+incrementing';
    const useTs = mode === 'timestamp' || mode === 'timestamp+incrementing';
    if (useInc && q.incrementingColumn === undefined) q.incrementingColumn = await this.detectIncrementing(q, signal);
    // Confluent appends its criteria to the statement: `SELECT * FROM <table> WHERE …` in table mode, and the query's
    // own text + ` WHERE …` in query mode (so a query with a WHERE of its own fails, as documented). Ours selects
    // the table (or that query as a derived table) as connect_t, plus the offset columns as text.
    const queryMode = q.table === undefined;
    const column = (name: string, qualified: boolean): string => (qualified ? `${quoteId('connect_t')}.${quoteId(name)}` : quoteId(name));
    const incOf = (qualified: boolean): string => (q.incrementingColumn === undefined ? '' : column(q.incrementingColumn, qualified));
    const tsOf = (qualified: boolean): string =>
      this.tsColumns.length === 1 ? column(this.tsColumns[0]!, qualified) : `COALESCE(${this.tsColumns.map((c) => column(c, qualified)).join(', ')})`;
    const inc = incOf(!queryMode);
    const ts = tsOf(!queryMode);
    const select: string[] = [`${quoteId('connect_t')}.*`];
    const where: string[] = [];
    const params: unknown[] = [];
    let order = '';
    let limit = '';
    if (useTs) {
      select.push(`DATE_FORMAT(${tsOf(true)}, '%Y-%m-%d %H:%i:%s.%f') AS ${quoteId(TS_ALIAS)}`);
      // the upper bound: the database's CURRENT_TIMESTAMP (whole seconds on MySQL) minus timestamp.delay.interval.ms
      const [[end]] = await this.run(`SELECT DATE_FORMAT(CURRENT_TIMESTAMP - INTERVAL ? MICROSECOND, '%Y-%m-%d %H:%i:%s.%f')`, [this.delayMs * 1000], signal);
      where.push(`${ts} < ?`);
      params.push(String(end));
    }
    if (useInc) select.push(`${incOf(true)} AS ${quoteId(INC_ALIAS)}`);
    // Rows are read in pages of batch.max.rows (ordered, so paging is exact) unless a query.suffix is given:
    // it comes last, as in Confluent's statement, and may hold a LIMIT of its own.
    const page = this.suffix === '' ? ` LIMIT ${this.batchMaxRows}` : '';
    const orderOf = (qualified: boolean): string =>
      mode === 'incrementing'
        ? ` ORDER BY ${incOf(qualified)} ASC`
        : mode === 'timestamp'
          ? ` ORDER BY ${tsOf(qualified)} ASC`
          : mode === 'timestamp+incrementing'
            ? ` ORDER BY ${tsOf(qualified)}, ${incOf(qualified)} ASC`
            : '';
    if (mode === 'incrementing') {
      where.push(`${inc} > ?`);
      params.push(incrementingValue(q.offset?.incrementing ?? -1));
      limit = page;
    } else if (mode === 'timestamp') {
      where.push(`${ts} > ?`);
      params.push(tsText(q.offset, this.time.zone));
    } else if (mode === 'timestamp+incrementing') {
      const at = tsText(q.offset, this.time.zone);
      where.push(`((${ts} = ? AND ${inc} > ?) OR ${ts} > ?)`);
      params.push(at, incrementingValue(q.offset?.incrementing ?? -1), at);
      limit = page;
    }
    order = orderOf(true);
    const criteria = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
    const suffix = this.suffix === '' ? '' : ` ${this.suffix}`;
    const sql = queryMode
      ? `SELECT ${select.join(', ')} FROM (${(this.config.query ?? '').trim()}${criteria}${orderOf(false)}${suffix}) AS ${quoteId('connect_t')}${order}${limit}`
      : `SELECT ${select.join(', ')} FROM ${q.from} AS ${quoteId('connect_t')}${criteria}${order}${suffix}${limit}`;
    const [rows, fields] = await this.run(sql, params, signal, q.table ? `table ${quoteId(q.table.database)}.${quoteId(q.table.table)}` : 'the query');
    q.more = limit !== '' && rows.length >= this.batchMaxRows;
    const extra = (useTs ? 1 : 0) + (useInc ? 1 : 0);
    const dataFields = fields.slice(0, fields.length - extra);
    const mappings = dataFields.map((f) => columnMapping(f, this.time));
    const schema: Schema = { type: 'struct', optional: false, name: q.schemaName, fields: mappings.map((m: ColumnMapping): Field => m.field) };
    if (q.schemaName === undefined) delete schema.name;
    const records: SourceRecord[] = [];
    const tsIndex = dataFields.length;
    const incIndex = dataFields.length + (useTs ? 1 : 0);
    const rowTs = (row: unknown[]): { timestamp: number; timestamp_nanos: number } | undefined =>
      row[tsIndex] === null || row[tsIndex] === undefined ? undefined : tsOffset(String(row[tsIndex]), this.time.zone);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const value: Record<string, unknown> = {};
      for (let i = 0; i < mappings.length; i++) value[mappings[i].field.name] = toConnectValue(row[i], mappings[i].kind, this.time);
      let offset: SourceOffset | null = null;
      if (mode === 'timestamp') {
        // TimestampTableQuerier: the offset moves to a row's timestamp only once every row of that timestamp
        // was read (the next row is later, or this is the result's last row); until then rows carry the previous one
        const own = rowTs(row);
        const next = r + 1 < rows.length ? rowTs(rows[r + 1]!) : undefined;
        if (
          own === undefined ||
          next === undefined ||
          r + 1 >= rows.length ||
          own.timestamp < next.timestamp ||
          (own.timestamp === next.timestamp && own.timestamp_nanos < next.timestamp_nanos)
        ) {
          q.offset = offsetOf(own, undefined);
        }
        offset = q.offset ?? {};
      } else if (mode !== 'bulk') {
        offset = offsetOf(useTs ? rowTs(row) : undefined, useInc ? incrementingValue(row[incIndex]) : undefined);
        q.offset = offset;
      }
      records.push({ sourcePartition: q.partition, sourceOffset: offset, topic: q.topic, key: { schema: null, value: null }, value: { schema, value } });
    }
    return records;
  }

  async stop(): Promise<void> {
    await this.dropConnection();
  }
}
