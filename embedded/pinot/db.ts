/**
 * The DuckDB file behind the Pinot stand-in: schemas, table configs, table data and consumed offsets
 * all live in `<dataDir>/pinot.duckdb`, so one transaction covers rows and their offsets.
 *
 * Writes go through one connection, serialized by a promise chain (no interleaved transactions);
 * reads take one of a few reader connections, each statement its own transaction, so queries see a
 * committed snapshot.
 *
 * Defence in depth behind the SQL translator (which emits only its own SQL): DuckDB runs with
 * `enable_external_access=false` (no file reads or writes from SQL, no extension loading, no ATTACH)
 * and, once the tables exist, `lock_configuration=true`, so no statement can change a limit.
 */
import fs from 'node:fs';
import path from 'node:path';
import { registerPinotFunctions } from './duckdb-functions.ts';
import {
  DuckDBInstance,
  type DuckDBConnection,
  type DuckDBPreparedStatement,
  type DuckDBResultReader,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';

export type SqlParams = DuckDBValue[];

/** How often an interrupted read is interrupted again until DuckDB gives up the statement. */
const INTERRUPT_REPEAT_MS = 50;

/**
 * Parameterised write statements kept prepared on the write connection (ingestion runs the same few,
 * an insert per table and the checkpoint upsert, for every commit: parsing and planning them each time
 * cost more than running them). Past this many, the kept ones are dropped and prepared again as needed.
 */
const PREPARED_WRITES = 64;

/** Reader connections; a read waits for a free one. */
const READER_CONNECTIONS = 4;

/**
 * What DuckDB computes ahead of a streamed result's reader (its default, about 1 MB, counts only the
 * 16 bytes per string a chunk holds, so with long strings it ran gigabytes ahead). A connection's own
 * setting, so the readers are made before the configuration is locked.
 */
const STREAMING_BUFFER_SIZE = '32KB';

/** A write transaction's handle: run statements inside the transaction. */
export interface WriteTx {
  /** `types`: the parameters' DuckDB types, where inferring them from the values would be wrong (lists). */
  run(sql: string, params?: SqlParams, types?: DuckDBType[]): Promise<void>;
  all(sql: string, params?: SqlParams): Promise<DuckDBResultReader>;
}

/** Double-quotes an identifier for DuckDB. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A DuckDB string literal of `value`. DuckDB reads statement text as a C string, so a NUL would end
 * the statement there; NUL characters become `chr(0)` pieces of a concatenation, so they stay data.
 */
export function quoteString(value: string): string {
  const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
  if (!value.includes('\0')) return quote(value);
  return `(${value.split('\0').map(quote).join(' || chr(0) || ')})`;
}

/** DuckDB's own limits; unset, DuckDB takes 80% of the machine's memory for its buffers and a thread per core. */
export interface PinotDbLimits {
  /** buffer manager limit (DuckDB `memory_limit`), MB; spills to `<dataDir>/pinot.duckdb.tmp` beyond it */
  memoryLimitMb?: number;
  /** DuckDB worker threads per query (`threads`) */
  threads?: number;
}

export class PinotDb {
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly readers: DuckDBConnection[] = [];
  private readonly idle: DuckDBConnection[] = [];
  /** Reads waiting for a reader connection; `undefined` when the database closed meanwhile. */
  private readonly waiting: ((connection: DuckDBConnection | undefined) => void)[] = [];
  private readonly preparedWrites = new Map<string, DuckDBPreparedStatement>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    readonly file: string,
  ) {}

  /** Opens (creating) `<dataDir>/pinot.duckdb`, or an in-memory database when dataDir is undefined. */
  static async open(dataDir: string | undefined, limits: PinotDbLimits = {}): Promise<PinotDb> {
    let file = ':memory:';
    if (dataDir !== undefined) {
      fs.mkdirSync(dataDir, { recursive: true });
      file = path.join(dataDir, 'pinot.duckdb');
    }
    const settings: Record<string, string> = {};
    if (limits.memoryLimitMb !== undefined) settings.memory_limit = `${limits.memoryLimitMb}MB`;
    if (limits.threads !== undefined) settings.threads = String(limits.threads);
    settings.enable_external_access = 'false';
    const instance = await DuckDBInstance.create(file, settings);
    const writer = await instance.connect();
    const db = new PinotDb(instance, writer, file);
    registerPinotFunctions(writer);
    await db.writer.run(`CREATE TABLE IF NOT EXISTS _pinot_schemas (name VARCHAR PRIMARY KEY, body VARCHAR NOT NULL, updated_ms BIGINT NOT NULL)`);
    await db.writer.run(
      `CREATE TABLE IF NOT EXISTS _pinot_tables (name_with_type VARCHAR PRIMARY KEY, raw_name VARCHAR NOT NULL, body VARCHAR NOT NULL,
        data_table VARCHAR NOT NULL, created_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL, paused BOOLEAN NOT NULL DEFAULT FALSE)`,
    );
    await db.writer.run(
      `CREATE TABLE IF NOT EXISTS _pinot_offsets (table_name VARCHAR NOT NULL, topic VARCHAR NOT NULL, kafka_partition INTEGER NOT NULL,
        next_offset BIGINT NOT NULL, rows_ingested BIGINT NOT NULL DEFAULT 0, malformed BIGINT NOT NULL DEFAULT 0,
        failed BIGINT NOT NULL DEFAULT 0, last_ingest_ms BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (table_name, topic, kafka_partition))`,
    );
    await db.writer.run(`CREATE SEQUENCE IF NOT EXISTS _pinot_data_seq START 1`);
    for (let i = 0; i < READER_CONNECTIONS; i++) {
      const reader = await instance.connect();
      await reader.run(`SET streaming_buffer_size = '${STREAMING_BUFFER_SIZE}'`);
      db.readers.push(reader);
      db.idle.push(reader);
    }
    await db.writer.run('SET lock_configuration = true');
    return db;
  }

  /** Runs `fn` inside one transaction on the write connection, after every earlier write finished. */
  write<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.closed) throw new Error('Pinot storage is closed');
      const tx: WriteTx = {
        run: async (sql, params, types) => {
          if (params) await this.runPrepared(sql, params, types);
          else await this.writer.run(sql);
        },
        all: (sql, params) => this.writer.runAndReadAll(sql, params),
      };
      await this.writer.run('BEGIN TRANSACTION');
      try {
        const result = await fn(tx);
        await this.writer.run('COMMIT');
        return result;
      } catch (error) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /**
   * A parameterised statement on the write connection, prepared once (DuckDB binds a kept statement
   * again by itself when the tables it names changed). A statement that fails is prepared afresh next time.
   */
  private async runPrepared(sql: string, params: SqlParams, types: DuckDBType[] | undefined): Promise<void> {
    let statement = this.preparedWrites.get(sql);
    if (!statement) {
      if (this.preparedWrites.size >= PREPARED_WRITES) this.dropPreparedWrites();
      statement = await this.writer.prepare(sql);
      this.preparedWrites.set(sql, statement);
    }
    try {
      statement.bind(params, types);
      await statement.run();
    } catch (error) {
      this.preparedWrites.delete(sql);
      statement.destroySync();
      throw error;
    }
  }

  private dropPreparedWrites(): void {
    for (const statement of this.preparedWrites.values()) statement.destroySync();
    this.preparedWrites.clear();
  }

  /**
   * Runs a read-only statement on a reader connection (a committed snapshot). When `signal` aborts, the
   * statement is interrupted; DuckDB notices between tasks, and an interrupt sent while the statement
   * is still being handed to DuckDB is lost, so it is repeated until the statement ends.
   */
  read(sql: string, params?: SqlParams, signal?: AbortSignal): Promise<DuckDBResultReader> {
    return this.withReader(signal, (connection) => connection.runAndReadAll(sql, params));
  }

  /**
   * Streams a read-only statement's rows to `onRows` a chunk (up to 2048 rows) at a time, as read()
   * otherwise. DuckDB computes a chunk only when asked for it, so `onRows` throwing stops the statement.
   */
  readChunks(sql: string, onRows: (rows: DuckDBValue[][]) => void, signal?: AbortSignal): Promise<void> {
    return this.withReader(signal, async (connection) => {
      try {
        const result = await connection.stream(sql);
        for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
          onRows(chunk.getRows());
        }
      } catch (error) {
        // the next statement on the connection ends a result left half read (and its transaction)
        await connection.run('SELECT 1').catch(() => undefined);
        throw error;
      }
    });
  }

  private async withReader<T>(signal: AbortSignal | undefined, run: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('Pinot storage is closed');
    signal?.throwIfAborted();
    const connection = this.idle.pop() ?? (await new Promise<DuckDBConnection | undefined>((resolve) => this.waiting.push(resolve)));
    if (connection === undefined) throw new Error('Pinot storage is closed');
    let repeat: NodeJS.Timeout | undefined;
    const interrupt = () => {
      connection.interrupt();
      repeat ??= setInterval(() => connection.interrupt(), INTERRUPT_REPEAT_MS);
    };
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      signal?.throwIfAborted();
      return await run(connection);
    } finally {
      signal?.removeEventListener('abort', interrupt);
      clearInterval(repeat);
      if (this.closed) connection.closeSync();
      else this.release(connection);
    }
  }

  /** Gives a reader connection to the first read waiting for one, else back to the idle ones. */
  private release(connection: DuckDBConnection): void {
    const next = this.waiting.shift();
    if (next) next(connection);
    else this.idle.push(connection);
  }

  /** Waits for pending writes, then closes the database file. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.chain.catch(() => undefined);
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter(undefined);
    for (const reader of this.readers) {
      try {
        reader.interrupt();
      } catch {
        // already finished
      }
    }
    for (const reader of this.idle.splice(0)) reader.closeSync();
    this.dropPreparedWrites();
    try {
      await this.writer.run('CHECKPOINT');
    } catch {
      // a checkpoint is an optimisation; the WAL is durable already
    }
    this.writer.closeSync();
    this.instance.closeSync();
  }
}
