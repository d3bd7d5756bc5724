/**
 * A private MariaDB for tests. `startMariaDb()` uses MYSQL_URL when set; otherwise it initialises a
 * throw-away data directory with `mariadb-install-db` and runs `mariadbd` on a free 127.0.0.1 port
 * (root, empty password), waiting until it accepts connections. `createTestDatabase(url)` gives each
 * test its own database so tests never see each other's rows.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';

const execFileAsync = promisify(execFile);

export interface MariaDbServer {
  /** mysql://root@127.0.0.1:<port> (or MYSQL_URL). */
  url: string;
  /** True when this process started the server (false for MYSQL_URL). */
  owned: boolean;
  stop(): Promise<void>;
}

export class MariaDbUnavailableError extends Error {
  override name = 'MariaDbUnavailableError';
}

const EXTRA_DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/usr/local/mysql/bin'];

/** The first executable of `names` in PATH or the usual system directories. */
export function findBinary(names: readonly string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function canConnect(url: string): Promise<boolean> {
  try {
    const connection = await mysql.createConnection({ uri: url, connectTimeout: 1_000 });
    await connection.end();
    return true;
  } catch {
    return false;
  }
}

function tail(file: string, lines = 8): string {
  if (!existsSync(file)) return '(no error log)';
  return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export interface StartOptions {
  /** Ignore MYSQL_URL and always start a private server. */
  ignoreEnv?: boolean;
  /** How long to wait for the server to accept connections. */
  readyTimeoutMs?: number;
}

export async function startMariaDb(options: StartOptions = {}): Promise<MariaDbServer> {
  const envUrl = process.env.MYSQL_URL?.trim();
  if (envUrl && !options.ignoreEnv) return { url: envUrl, owned: false, stop: async () => undefined };

  const installDb = findBinary(['mariadb-install-db', 'mysql_install_db']);
  const server = findBinary(['mariadbd', 'mysqld']);
  if (installDb === undefined || server === undefined) {
    throw new MariaDbUnavailableError(
      'tests need MySQL: no mariadbd/mariadb-install-db found in PATH, /usr/sbin or /usr/bin; ' +
        'install one with `apt-get install mariadb-server`, or set MYSQL_URL=mysql://user:password@host:port',
    );
  }

  const dir = await mkdtemp(join(tmpdir(), 'test-mariadb-'));
  const datadir = join(dir, 'data');
  const userArgs = isRoot ? ['--user=root'] : [];
  try {
    await execFileAsync(installDb, [
      '--no-defaults', '--auth-root-authentication-method=normal', `--datadir=${datadir}`,
      '--skip-test-db', '--skip-name-resolve', ...userArgs,
    ], { timeout: 120_000 });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    const detail = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' | ') ?? String(error);
    throw new MariaDbUnavailableError(`mariadb-install-db failed: ${detail}`);
  }

  // A port picked as free can be taken before mariadbd binds it; try a few.
  let lastProblem = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const errorLog = join(dir, `error-${attempt}.log`);
    const child = spawn(server, [
      '--no-defaults', `--datadir=${datadir}`, `--port=${port}`, `--socket=${join(dir, 'mysqld.sock')}`,
      `--pid-file=${join(dir, 'mysqld.pid')}`, `--log-error=${errorLog}`, '--bind-address=127.0.0.1',
      ...userArgs, '--innodb-buffer-pool-size=64M', '--innodb-log-file-size=48M',
      '--innodb-flush-log-at-trx-commit=2', '--innodb-doublewrite=0', '--skip-name-resolve',
      '--max-connections=300', '--character-set-server=utf8mb4', '--collation-server=utf8mb4_general_ci',
    ], { stdio: 'ignore' });
    const url = `mysql://root@127.0.0.1:${port}`;
    const ready = await waitReady(child, url, options.readyTimeoutMs ?? 60_000);
    if (ready) {
      const killOnExit = (): void => {
        child.kill('SIGKILL');
      };
      process.once('exit', killOnExit);
      return {
        url,
        owned: true,
        stop: async () => {
          process.off('exit', killOnExit);
          await stopChild(child);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    await stopChild(child);
    lastProblem = tail(errorLog);
    if (!/address already in use|Can't start server: Bind/i.test(lastProblem)) break;
  }
  await rm(dir, { recursive: true, force: true });
  throw new MariaDbUnavailableError(`mariadbd did not start:\n${lastProblem}`);
}

async function waitReady(child: ChildProcess, url: string, timeoutMs: number): Promise<boolean> {
  let exited = child.exitCode !== null;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited) {
    if (await canConnect(url)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

export interface TestDatabase {
  /** The database name. */
  name: string;
  /** The server URL with the database as its path. */
  url: string;
  drop(): Promise<void>;
}

let counter = 0;

/** A fresh, uniquely named database on the server at `url`. */
export async function createTestDatabase(url: string, label = 'test'): Promise<TestDatabase> {
  counter++;
  const safeLabel = label.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 24);
  const name = `t_${safeLabel}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
  const base = new URL(url);
  base.pathname = '';
  const connection = await mysql.createConnection({ uri: base.toString(), connectTimeout: 5_000 });
  try {
    await connection.query(`CREATE DATABASE \`${name}\``);
  } finally {
    await connection.end();
  }
  const withDb = new URL(base.toString());
  withDb.pathname = `/${name}`;
  return {
    name,
    url: withDb.toString(),
    drop: async () => {
      const c = await mysql.createConnection({ uri: base.toString(), connectTimeout: 5_000 });
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await c.end();
      }
    },
  };
}
