/**
 * io.debezium.connector.mysql.MySqlConnector: one task that snapshots the captured tables (snapshot.mode
 * initial…) and then streams their row changes from the binlog (read with @vlasky/zongji), as Debezium
 * change events. Offsets are Debezium-like: partition { server: <topic.prefix> }, offset { file, pos,
 * event, row } where pos is the start of the event group (table maps + rows events) the row belongs to,
 * so a restart re-reads that group and skips the rows already delivered: no gap, no duplicate. With
 * include.schema.changes, the snapshot's schema read and the binlog's DDL go to the topic named topic.prefix as
 * Debezium's schema change events (schema-change.ts).
 */
import ZongJi from '@vlasky/zongji';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import {
  ConnectException,
  type OffsetReader,
  type SourceConnector,
  type SourceOffset,
  type SourcePartition,
  type SourceRecord,
  type SourceTask,
} from '../runtime/source-task.ts';
import { capturesTable, cdcSettings, databasePasses, includeRank, type CdcSettings } from './cdc-config.ts';
import type { ColumnInfo } from './columns.ts';
import { CapturedTable, snapshotMarker, type Op, type SourceInfo } from './envelope.ts';
import {
  declaredColumns,
  describeTables,
  parseStreamingDdl,
  schemaChangeRecord,
  snapshotSchemaEvents,
  withDeclaredTypes,
  type DeclaredColumn,
  type SchemaChangeEvent,
  type TableDescription,
} from './schema-change.ts';

export class MySqlCdcConnector implements SourceConnector {
  private config: Record<string, string> = {};

  async start(config: Record<string, string>): Promise<void> {
    this.config = config;
    const connection = await connect(cdcSettings(config));
    await connection.end().catch(() => undefined);
  }

  taskConfigs(): Record<string, string>[] {
    return [{ ...this.config }];
  }

  createTask(taskConfig: Record<string, string>): SourceTask {
    return new MySqlCdcTask(cdcSettings(taskConfig));
  }

  async stop(): Promise<void> {}
}

async function connect(settings: CdcSettings): Promise<Connection> {
  try {
    return await mysql.createConnection({
      host: settings.hostname,
      port: settings.port,
      user: settings.user,
      password: settings.password,
      connectTimeout: settings.connectTimeoutMs,
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      // JSON columns as the server's text, as Debezium sends them (parsed, they would lose their spelling).
      jsonStrings: true,
    });
  } catch (error) {
    throw new ConnectException(`Unable to connect to MySQL at ${settings.hostname}:${settings.port} as ${settings.user}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

interface StreamPosition {
  file: string;
  /** Start of the event group: where a restart re-reads from. */
  pos: number;
  /** Rows event index within the group, and row index within that event, of the last delivered row. */
  event: number;
  row: number;
}

type RawChange =
  | {
      kind: 'rows';
      op: Exclude<Op, 'r'>;
      database: string;
      table: string;
      rows: unknown[];
      file: string;
      groupPos: number;
      eventPos: number;
      event: number;
      tsMs: number;
    }
  | { kind: 'query'; sql: string; database: string; file: string; eventPos: number; tsMs: number }
  | { kind: 'error'; error: Error };

/** DDL that changes a table's columns: the captured tables are read again before the rows after it. */
const TABLE_DDL = /^\s*(?:\/\*.*?\*\/\s*)*(?:ALTER|CREATE|DROP|RENAME|TRUNCATE)\s+(?:TEMPORARY\s+)?TABLE\b/is;

const BINLOG_EVENT_HEADER_BYTES = 19;

const ROWS_EVENTS: Record<string, Exclude<Op, 'r'>> = { writerows: 'c', updaterows: 'u', deleterows: 'd' };

export class MySqlCdcTask implements SourceTask {
  private readonly partition: SourcePartition;
  private readonly tables = new Map<string, CapturedTable>();
  private zongji: ZongJi | undefined;
  private readonly queue: RawChange[] = [];
  private wake: (() => void) | undefined;
  private snapshotRecords: SourceRecord[] | undefined;
  private resumeAfter: StreamPosition | undefined;
  private serverId = 0;
  private stopped = false;
  /** `db.table` -> the columns streamed DDL declared (their types as its text spells them), for schema change events. */
  private readonly declared = new Map<string, Map<string, DeclaredColumn>>();

  constructor(private readonly settings: CdcSettings) {
    this.partition = { server: settings.topicPrefix };
  }

  topics(): string[] {
    const topics = [...this.tables.values()].map((t) => t.topic);
    return this.settings.includeSchemaChanges ? [this.settings.topicPrefix, ...topics] : topics;
  }

  async start(offsets: OffsetReader): Promise<void> {
    const connection = await connect(this.settings);
    try {
      await this.checkBinlog(connection);
      await this.loadTables(connection);
      const committed = offsets.offset(this.partition);
      const streamed = committed && committed.snapshot !== true && typeof committed.file === 'string';
      const mode = this.settings.snapshotMode;
      let start: StreamPosition;
      if (streamed) {
        start = { file: String(committed.file), pos: Number(committed.pos), event: Number(committed.event ?? -1), row: Number(committed.row ?? -1) };
        this.resumeAfter = start;
      } else if (mode === 'never') {
        start = { ...(await masterStatus(connection)), event: -1, row: -1 };
      } else if (mode === 'no_data') {
        // Debezium's no_data still reads the schema (and emits its events); only the rows are left out.
        const position = await masterStatus(connection);
        this.snapshotRecords = await this.schemaSnapshot(connection, position);
        start = { ...position, event: -1, row: -1 };
      } else {
        const snapshot = await this.snapshot(connection);
        this.snapshotRecords = snapshot.records;
        start = { ...snapshot.position, event: -1, row: -1 };
      }
      if (mode !== 'initial_only') this.startStreaming(start);
    } finally {
      await connection.end().catch(() => undefined);
    }
  }

  private async checkBinlog(connection: Connection): Promise<void> {
    const [vars] = await connection.query<RowDataPacket[]>(
      'SELECT @@GLOBAL.log_bin AS log_bin, @@GLOBAL.binlog_format AS format, @@GLOBAL.binlog_row_image AS image, @@GLOBAL.server_id AS server_id',
    );
    const v = vars[0]!;
    if (Number(v.log_bin) !== 1) {
      throw new ConnectException(
        `The MySQL server at ${this.settings.hostname}:${this.settings.port} is not configured to use a row-level binlog: log_bin is OFF. Start it with --log-bin --binlog-format=ROW --binlog-row-image=FULL --server-id=<n>.`,
      );
    }
    if (String(v.format).toUpperCase() !== 'ROW') {
      throw new ConnectException(
        `The MySQL server is not configured to use a ROW binlog_format, which is required for this connector to work properly. Change the MySQL configuration to use binlog_format=ROW (it is ${v.format}) and restart the connector.`,
      );
    }
    if (String(v.image).toUpperCase() !== 'FULL') {
      throw new ConnectException(
        `The MySQL server is not configured to use a FULL binlog_row_image (it is ${v.image}), which is required for this connector to work properly. Set binlog_row_image=FULL and restart the connector.`,
      );
    }
    this.serverId = Number(v.server_id);
  }

  private async loadTables(connection: Connection): Promise<void> {
    const [rows] = await connection.query<RowDataPacket[]>(
      `SELECT c.TABLE_SCHEMA AS db, c.TABLE_NAME AS tbl, c.COLUMN_NAME AS name, c.DATA_TYPE AS dataType, c.COLUMN_TYPE AS columnType,
              c.IS_NULLABLE AS nullable, c.COLUMN_KEY AS columnKey, c.NUMERIC_SCALE AS scale, c.NUMERIC_PRECISION AS numericPrecision,
              c.DATETIME_PRECISION AS datetimePrecision, c.COLUMN_DEFAULT AS columnDefault
         FROM information_schema.COLUMNS c JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
        WHERE t.TABLE_TYPE = 'BASE TABLE' AND c.TABLE_SCHEMA NOT IN ('mysql', 'performance_schema', 'sys', 'information_schema')
        ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION`,
    );
    const byTable = new Map<string, { db: string; tbl: string; columns: ColumnInfo[] }>();
    for (const r of rows) {
      const db = String(r.db);
      const tbl = String(r.tbl);
      if (!capturesTable(this.settings, db, tbl)) continue;
      const id = `${db}.${tbl}`;
      if (!byTable.has(id)) byTable.set(id, { db, tbl, columns: [] });
      byTable.get(id)!.columns.push({
        name: String(r.name),
        dataType: String(r.dataType).toLowerCase(),
        columnType: String(r.columnType),
        nullable: r.nullable === 'YES',
        primaryKey: r.columnKey === 'PRI',
        scale: r.scale === null ? null : Number(r.scale),
        precision: r.numericPrecision === null ? null : Number(r.numericPrecision),
        datetimePrecision: r.datetimePrecision === null ? null : Number(r.datetimePrecision),
        columnDefault: r.columnDefault === null ? null : String(r.columnDefault),
      });
    }
    // The snapshot reads tables in table.include.list's order (by the first pattern each matches), as Debezium does.
    const ordered = [...byTable.entries()].sort(([, a], [, b]) => includeRank(this.settings, a.db, a.tbl) - includeRank(this.settings, b.db, b.tbl));
    for (const [id, t] of ordered) this.tables.set(id, new CapturedTable(this.settings.topicPrefix, t.db, t.tbl, t.columns, this.settings.decimalMode));
  }

  /** A consistent read of every captured table at one binlog position (the global read lock is held only while both are taken). */
  private async snapshot(connection: Connection): Promise<{ position: { file: string; pos: number }; records: SourceRecord[] }> {
    await connection.query('FLUSH TABLES WITH READ LOCK');
    let position: { file: string; pos: number };
    try {
      await connection.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await connection.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
      position = await masterStatus(connection);
    } finally {
      await connection.query('UNLOCK TABLES');
    }
    const records: SourceRecord[] = await this.schemaSnapshot(connection, position);
    const tsMs = Date.now();
    let index = 0;
    const tables = [...this.tables.values()];
    for (const [t, table] of tables.entries()) {
      const order = table.keyColumns.map((c) => `\`${c.info.name.replace(/`/g, '``')}\``).join(', ');
      const [rows] = await connection.query<RowDataPacket[]>(`SELECT * FROM \`${table.database}\`.\`${table.table}\`${order ? ` ORDER BY ${order}` : ''}`);
      for (const [r, row] of rows.entries()) {
        const source: SourceInfo = {
          tsMs,
          snapshot: snapshotMarker(t, tables.length, r, rows.length),
          serverId: 0,
          file: position.file,
          pos: position.pos,
          row: 0,
        };
        records.push(this.record(table, 'r', null, row, source, { file: position.file, pos: position.pos, snapshot: true, snapshot_row: index++ }));
      }
    }
    await connection.query('COMMIT');
    return { position, records };
  }

  /**
   * The snapshot's schema change events (none without include.schema.changes), at the snapshot's binlog
   * position; their offsets rank before the snapshot's rows (negative snapshot_row), so a snapshot redone after a
   * stop skips those already in the topic.
   */
  private async schemaSnapshot(connection: Connection, position: { file: string; pos: number }): Promise<SourceRecord[]> {
    if (!this.settings.includeSchemaChanges) return [];
    const events = await snapshotSchemaEvents(connection, (db) => databasePasses(this.settings, db));
    const tsMs = Date.now();
    return events.map((event, i) =>
      this.schemaRecord(
        event,
        { tsMs, snapshot: 'true', serverId: 0, file: position.file, pos: position.pos, row: 0 },
        { file: position.file, pos: position.pos, snapshot: true, snapshot_row: i - events.length },
      ),
    );
  }

  private schemaRecord(event: SchemaChangeEvent, source: SourceInfo, offset: SourceOffset): SourceRecord {
    const { key, value } = schemaChangeRecord(this.settings.topicPrefix, event, source);
    return { sourcePartition: this.partition, sourceOffset: offset, topic: this.settings.topicPrefix, kafkaPartition: 0, key, value };
  }

  /**
   * A binlog statement: the captured tables are read again after a table DDL (for the rows that follow it), and
   * with include.schema.changes its schema change events whose database passes the filters ("" passes).
   */
  private async queryRecords(change: Extract<RawChange, { kind: 'query' }>): Promise<SourceRecord[]> {
    const parsed = this.settings.includeSchemaChanges
      ? parseStreamingDdl(change.sql, change.database).filter((e) => e.databaseName === '' || databasePasses(this.settings, e.databaseName))
      : [];
    const reload = TABLE_DDL.test(change.sql);
    const described = parsed.flatMap((e) => e.changes.filter((c) => c.type !== 'DROP').map((c) => ({ database: c.database, table: c.table })));
    if (!reload && parsed.length === 0) return [];
    // The database is asked only when a table's columns or description are needed.
    const connection = reload || described.length > 0 ? await connect(this.settings) : undefined;
    const records: SourceRecord[] = [];
    try {
      if (reload && connection) {
        this.tables.clear();
        await this.loadTables(connection);
      }
      const descriptions = connection ? await describeTables(connection, described) : new Map<string, TableDescription>();
      parsed.forEach((e, i) => {
        for (const c of e.changes) this.noteDeclared(`${c.database}.${c.table}`, c.type, e.ddl);
        if (this.alreadyDelivered(change.file, change.eventPos, 0, i)) return;
        const describe = (id: string): SchemaChangeEvent['changes'][number]['description'] => {
          const description = descriptions.get(id);
          return description ? withDeclaredTypes(description, this.declared.get(id)) : null;
        };
        const event: SchemaChangeEvent = {
          databaseName: e.databaseName,
          ddl: e.ddl,
          table: e.table,
          changes: e.changes.map((c) => ({ ...c, description: c.type === 'DROP' ? null : describe(`${c.database}.${c.table}`) })),
        };
        const source: SourceInfo = { tsMs: change.tsMs, snapshot: 'false', serverId: this.serverId, file: change.file, pos: change.eventPos, row: 0 };
        records.push(this.schemaRecord(event, source, { file: change.file, pos: change.eventPos, event: 0, row: i }));
      });
    } finally {
      await connection?.end().catch(() => undefined);
    }
    return records;
  }

  /**
   * Keeps the column types a streamed CREATE/ALTER declares, as Debezium's model of the table has them (its text's
   * spelling). Held in memory: after a restart, columns declared before it are described as information_schema has them.
   */
  private noteDeclared(id: string, type: string, ddl: string): void {
    if (type === 'DROP') {
      this.declared.delete(id);
      return;
    }
    const { columns, renamed, replaces } = declaredColumns(ddl);
    const current = replaces ? new Map<string, DeclaredColumn>() : (this.declared.get(id) ?? new Map<string, DeclaredColumn>());
    for (const name of renamed) current.delete(name);
    for (const [name, column] of columns) current.set(name, column);
    this.declared.set(id, current);
  }

  private startStreaming(start: StreamPosition): void {
    const zongji = new ZongJi({
      host: this.settings.hostname,
      port: this.settings.port,
      user: this.settings.user,
      password: this.settings.password,
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
    } as ConstructorParameters<typeof ZongJi>[0]);
    this.zongji = zongji;
    let file = start.file;
    let groupPos = start.pos;
    let event = -1;
    let inGroup = false;
    zongji.on(
      'binlog',
      (e: {
        getEventName(): string;
        nextPosition: number;
        size: number;
        timestamp: number;
        binlogName?: string;
        tableId?: number;
        tableMap?: Record<number, { parentSchema: string; tableName: string }>;
        rows?: unknown[];
        query?: string;
        schema?: string;
      }) => {
        const name = e.getEventName();
        if (name === 'rotate') {
          file = e.binlogName!;
          return;
        }
        // zongji's size excludes the 19-byte event header and the 4-byte checksum; the event starts one full length back.
        const eventPos = e.nextPosition - e.size - BINLOG_EVENT_HEADER_BYTES - (zongji.useChecksum ? 4 : 0);
        if (name === 'query' && !/^\s*(BEGIN|COMMIT)\s*$/i.test(e.query ?? '')) {
          this.push({ kind: 'query', sql: e.query ?? '', database: e.schema ?? '', file, eventPos, tsMs: e.timestamp });
        }
        if (name === 'tablemap') {
          if (!inGroup) {
            groupPos = eventPos;
            event = -1;
            inGroup = true;
          }
          return;
        }
        const op = ROWS_EVENTS[name];
        if (op === undefined) {
          inGroup = false;
          return;
        }
        inGroup = false;
        event++;
        const meta = e.tableMap![e.tableId!]!;
        this.push({
          kind: 'rows',
          op,
          database: meta.parentSchema,
          table: meta.tableName,
          rows: e.rows ?? [],
          file,
          groupPos,
          eventPos,
          event,
          tsMs: e.timestamp,
        });
        // The next rows event of the same group keeps the group's start as its restart point.
        inGroup = true;
      },
    );
    zongji.on('error', (error: Error) => this.push({ kind: 'error', error }));
    zongji.start({
      serverId: this.settings.serverId,
      filename: start.file,
      position: start.pos,
      includeEvents: ['rotate', 'tablemap', 'writerows', 'updaterows', 'deleterows', 'xid', 'query'],
    });
  }

  private push(change: RawChange): void {
    this.queue.push(change);
    this.wake?.();
  }

  async poll(signal: AbortSignal): Promise<SourceRecord[]> {
    if (this.snapshotRecords) {
      const batch = this.snapshotRecords.splice(0, this.settings.maxBatchSize);
      if (this.snapshotRecords.length === 0) this.snapshotRecords = undefined;
      if (batch.length > 0) return batch;
    }
    if (this.queue.length === 0 && !signal.aborted && !this.stopped) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.settings.pollIntervalMs);
        signal.addEventListener('abort', done, { once: true });
        this.wake = done;
        function done(): void {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        }
      });
      this.wake = undefined;
    }
    const records: SourceRecord[] = [];
    while (this.queue.length > 0 && records.length < this.settings.maxBatchSize) {
      const change = this.queue.shift()!;
      if (change.kind === 'error') throw new ConnectException(`Error while reading the MySQL binlog: ${change.error.message}`, { cause: change.error });
      if (change.kind === 'query') {
        records.push(...(await this.queryRecords(change)));
        continue;
      }
      const table = this.tables.get(`${change.database}.${change.table}`);
      if (!table) continue;
      change.rows.forEach((row, rowIndex) => {
        if (this.alreadyDelivered(change.file, change.groupPos, change.event, rowIndex)) return;
        const source: SourceInfo = { tsMs: change.tsMs, snapshot: 'false', serverId: this.serverId, file: change.file, pos: change.eventPos, row: rowIndex };
        const offset = { file: change.file, pos: change.groupPos, event: change.event, row: rowIndex };
        if (change.op === 'u') {
          const { before, after } = row as { before: Record<string, unknown>; after: Record<string, unknown> };
          records.push(this.record(table, 'u', before, after, source, offset));
        } else if (change.op === 'c') {
          records.push(this.record(table, 'c', null, row as Record<string, unknown>, source, offset));
        } else {
          const before = row as Record<string, unknown>;
          records.push(this.record(table, 'd', before, null, source, offset));
          if (this.settings.tombstonesOnDelete) {
            records.push({
              sourcePartition: this.partition,
              sourceOffset: { ...offset, tombstone: true },
              topic: table.topic,
              key: table.key(before),
              value: { schema: null, value: null },
            });
          }
        }
      });
    }
    return records;
  }

  private alreadyDelivered(file: string, groupPos: number, event: number, row: number): boolean {
    const done = this.resumeAfter;
    if (!done) return false;
    if (file !== done.file || groupPos !== done.pos) {
      this.resumeAfter = undefined;
      return false;
    }
    return event < done.event || (event === done.event && row <= done.row);
  }

  private record(
    table: CapturedTable,
    op: Op,
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
    source: SourceInfo,
    offset: SourceOffset,
  ): SourceRecord {
    return {
      sourcePartition: this.partition,
      sourceOffset: offset,
      topic: table.topic,
      key: table.key((after ?? before)!),
      value: table.envelope(op, before, after, source),
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const zongji = this.zongji;
    this.zongji = undefined;
    if (zongji)
      await new Promise<void>((resolve) => {
        zongji.once('stopped', () => resolve());
        zongji.stop();
        setTimeout(resolve, 2000).unref();
      });
  }

  /** Snapshot rows come before the binlog; in the binlog, by file, group start, event, row, tombstone last. */
  compareOffsets(a: SourceOffset, b: SourceOffset): number | undefined {
    const rank = (o: SourceOffset): number[] =>
      o.snapshot === true
        ? [0, Number(o.snapshot_row)]
        : [1, binlogIndex(String(o.file)), Number(o.pos), Number(o.event), Number(o.row), o.tombstone === true ? 1 : 0];
    const x = rank(a);
    const y = rank(b);
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const d = (x[i] ?? 0) - (y[i] ?? 0);
      if (Number.isNaN(d)) return undefined;
      if (d !== 0) return Math.sign(d);
    }
    return 0;
  }
}

function binlogIndex(file: string): number {
  const match = /\.(\d+)$/.exec(file);
  return match ? Number(match[1]) : NaN;
}

async function masterStatus(connection: Connection): Promise<{ file: string; pos: number }> {
  let rows: RowDataPacket[];
  try {
    [rows] = await connection.query<RowDataPacket[]>('SHOW MASTER STATUS');
  } catch {
    [rows] = await connection.query<RowDataPacket[]>('SHOW BINARY LOG STATUS');
  }
  const status = rows[0];
  if (!status)
    throw new ConnectException(
      'SHOW MASTER STATUS returned nothing: the binlog is off, or the user lacks the REPLICATION CLIENT privilege (GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO <user>).',
    );
  return { file: String(status.File), pos: Number(status.Position) };
}
