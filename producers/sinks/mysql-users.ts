/**
 * The MySQL side of the producers: where `demo.Users` lives, creating it, batched multi-row INSERTs,
 * and reading back which user ids exist (the events may refer to those only).
 * Every statement names the database explicitly, so one pool serves any database.
 */
import mysql, { type Pool, type RowDataPacket, type ResultSetHeader } from 'mysql2/promise';
import type { AppConfig } from '../../config/index.ts';
import { MysqlUnreachableError, NoUsersError, ProducerError, describeCause } from '../errors.ts';
import type { UserRow } from '../generate/users.ts';
import { userIdList, userIdRange, type UserIdSet } from '../generate/user-ids.ts';

export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  table: string;
}

export interface MysqlTargetOverrides {
  /** mysql://user:password@host:port[/database]; wins over the host/port/user/password of the config. */
  url?: string | undefined;
  database?: string | undefined;
  table?: string | undefined;
}

/**
 * Where the users go. MYSQL_URL (config.mysql.url) or `overrides.url` wins over MYSQL_HOST/PORT/USER/PASSWORD;
 * the database is `overrides.database`, else the URL's path if it has one, else config.mysql.database.
 */
export function mysqlTarget(config: AppConfig['mysql'], overrides: MysqlTargetOverrides = {}): MysqlTarget {
  const table = overrides.table ?? config.table;
  const url = overrides.url ?? config.url;
  if (url === undefined) {
    return {
      host: config.host,
      port: config.port,
      user: config.user,
      password: config.password,
      database: overrides.database ?? config.database,
      table,
    };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ProducerError(`MySQL URL must look like mysql://user:password@host:port, got "${url}"`);
  }
  if (parsed.protocol !== 'mysql:' || parsed.hostname === '') {
    throw new ProducerError(`MySQL URL must look like mysql://user:password@host:port, got "${url}"`);
  }
  const pathDatabase = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    user: parsed.username === '' ? 'root' : decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: overrides.database ?? (pathDatabase || config.database),
    table,
  };
}

export function describeTarget(target: MysqlTarget): string {
  return `${target.host}:${target.port}`;
}

/** `demo`.`Users`, quoted. */
export function qualifiedTable(target: MysqlTarget): string {
  return `${quoteId(target.database)}.${quoteId(target.table)}`;
}

export function quoteId(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'PROTOCOL_CONNECTION_LOST',
  'EPIPE',
]);

function errorCode(error: unknown): string | undefined {
  if (error instanceof AggregateError && error.errors.length > 0) return errorCode(error.errors[0]);
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The one-line explanation of a failed connection, naming host:port and how to get a server. */
export function mysqlConnectError(target: MysqlTarget, error: unknown): ProducerError {
  const where = describeTarget(target);
  const code = errorCode(error);
  if (code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR') {
    return new MysqlUnreachableError(`MySQL at ${where} refused user "${target.user}" (${describeCause(error)}); check the user and password in MYSQL_URL`, {
      cause: error,
    });
  }
  const reason = code !== undefined && UNREACHABLE_CODES.has(code) ? code : describeCause(error);
  return new MysqlUnreachableError(
    `cannot reach MySQL at ${where} (${reason}); set MYSQL_URL=mysql://user:password@host:port to use a running server, ` +
      'or start one: `apt-get install mariadb-server`, or run the embedded stack with `npm start`',
    { cause: error },
  );
}

export interface ConnectOptions {
  connectTimeoutMs?: number;
  connectionLimit?: number;
}

/** A pool to the target's server (no default database), checked with one round trip. */
export async function connectMysql(target: MysqlTarget, options: ConnectOptions = {}): Promise<Pool> {
  const pool = mysql.createPool({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    connectionLimit: options.connectionLimit ?? 2,
    connectTimeout: options.connectTimeoutMs ?? 5_000,
  });
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw mysqlConnectError(target, error);
  }
  return pool;
}

/** CREATE DATABASE / TABLE IF NOT EXISTS, with the schema of the brief. */
export async function ensureUsersTable(pool: Pool, target: MysqlTarget): Promise<void> {
  await pool.query(`CREATE DATABASE IF NOT EXISTS ${quoteId(target.database)}`);
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${qualifiedTable(target)} (
      user_id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
      age INT,
      gender VARCHAR(10),
      country VARCHAR(200),
      subscription VARCHAR(20)
    )`,
  );
}

/** One multi-row INSERT; returns the number of rows inserted. */
export async function insertUsers(pool: Pool, target: MysqlTarget, rows: readonly UserRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const values = rows.map((r) => [r.age, r.gender, r.country, r.subscription]);
  const [result] = await pool.query<ResultSetHeader>(`INSERT INTO ${qualifiedTable(target)} (age, gender, country, subscription) VALUES ?`, [values]);
  return result.affectedRows;
}

const MISSING_TABLE_CODES = new Set(['ER_NO_SUCH_TABLE', 'ER_BAD_DB_ERROR']);

function noUsers(target: MysqlTarget): NoUsersError {
  return new NoUsersError(`no users in ${target.database}.${target.table} at ${describeTarget(target)}; run \`npm run produce -- users\` first`);
}

/**
 * The ids that exist in the users table: a range when they are contiguous, else the list.
 * Throws NoUsersError (with the command to run) when the table is missing or empty.
 */
export async function readUserIds(pool: Pool, target: MysqlTarget): Promise<UserIdSet> {
  let stats: RowDataPacket[];
  try {
    [stats] = await pool.query<RowDataPacket[]>(`SELECT MIN(user_id) AS lo, MAX(user_id) AS hi, COUNT(*) AS n FROM ${qualifiedTable(target)}`);
  } catch (error) {
    const code = errorCode(error);
    if (code !== undefined && MISSING_TABLE_CODES.has(code)) throw noUsers(target);
    throw error;
  }
  const row = stats[0];
  const n = Number(row?.n ?? 0);
  if (n === 0) throw noUsers(target);
  const lo = Number(row!.lo);
  const hi = Number(row!.hi);
  if (hi - lo + 1 === n) return userIdRange(lo, hi);
  const [rows] = await pool.query<RowDataPacket[]>({
    sql: `SELECT user_id FROM ${qualifiedTable(target)} ORDER BY user_id`,
    rowsAsArray: true,
  });
  return userIdList(rows.map((r) => Number((r as unknown as unknown[])[0])));
}
