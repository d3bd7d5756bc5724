/**
 * The DuckDB file behind the Pinot stand-in: schemas, table configs, table data and consumed offsets
 * all live in `<dataDir>/pinot.duckdb`, so one transaction covers rows and their offsets.
 *
 * Writes go through one connection, serialized by a promise chain (no interleaved transactions);
 * reads open a short-lived connection each, so queries see a committed snapshot.
 *
 * Defence in depth behind the SQL translator (which emits only its own SQL): DuckDB runs with
 * `enable_external_access=false` (no file reads or writes from SQL, no extension loading, no ATTACH)
 * and, once the tables exist, `lock_configuration=true`, so no statement can change a limit.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBResultReader, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';

export type SqlParams = DuckDBValue[];

/** How often an interrupted read is interrupted again until DuckDB gives up the statement. */
const INTERRUPT_REPEAT_MS = 50;

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
  private readonly readers = new Set<DuckDBConnection>();

  private constructor(private readonly instance: DuckDBInstance, private readonly writer: DuckDBConnection, readonly file: string) {}

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
    await db.writer.run('SET lock_configuration = true');
    return db;
  }

  /** Runs `fn` inside one transaction on the write connection, after every earlier write finished. */
  write<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.closed) throw new Error('Pinot storage is closed');
      const tx: WriteTx = {
        run: async (sql, params, types) => {
          await this.writer.run(sql, params, types);
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
   * Runs a read-only statement on a fresh connection (a committed snapshot). When `signal` aborts, the
   * statement is interrupted; DuckDB notices between chunks of rows, and an interrupt sent while the
   * statement is still being handed to DuckDB is lost, so it is repeated until the statement ends.
   */
  async read(sql: string, params?: SqlParams, signal?: AbortSignal): Promise<DuckDBResultReader> {
    if (this.closed) throw new Error('Pinot storage is closed');
    signal?.throwIfAborted();
    const connection = await this.instance.connect();
    this.readers.add(connection);
    let repeat: NodeJS.Timeout | undefined;
    const interrupt = () => {
      connection.interrupt();
      repeat ??= setInterval(() => connection.interrupt(), INTERRUPT_REPEAT_MS);
    };
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      signal?.throwIfAborted();
      return await connection.runAndReadAll(sql, params);
    } finally {
      signal?.removeEventListener('abort', interrupt);
      clearInterval(repeat);
      this.readers.delete(connection);
      connection.closeSync();
    }
  }

  /** Waits for pending writes, then closes the database file. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.chain.catch(() => undefined);
    this.closed = true;
    for (const reader of this.readers) {
      try {
        reader.interrupt();
      } catch {
        // already finished
      }
    }
    try {
      await this.writer.run('CHECKPOINT');
    } catch {
      // a checkpoint is an optimisation; the WAL is durable already
    }
    this.writer.closeSync();
    this.instance.closeSync();
  }
}
