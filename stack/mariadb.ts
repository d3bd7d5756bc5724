/**
 * A private MariaDB server started from the machine's binaries: MYSQL_URL wins when set; otherwise
 * `mariadb-install-db` initialises a data directory (once) and `mariadbd` serves it on 127.0.0.1
 * (root, empty password). Tests use a throw-away directory; the embedded stack keeps one in DATA_DIR.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';

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

const execFileAsync = promisify(execFile);

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

/**
 * Why `host:port` cannot be listened on right now ('EADDRINUSE', 'EACCES', ...), or undefined when it
 * can: the port is bound and released at once, so nothing is left behind.
 */
export function listenProblem(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

export async function canConnect(url: string): Promise<boolean> {
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
  /**
   * Keep the server's files here (initialised on first use, reused afterwards, never deleted).
   * Default: a throw-away temp directory removed on stop.
   */
  dataDir?: string;
  /** Port to listen on; default a free port. */
  port?: number;
  /** Write a row binlog (default true: the CDC source needs one). */
  binlog?: boolean;
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

  const persistent = options.dataDir !== undefined;
  const dir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'test-mariadb-')));
  await mkdir(dir, { recursive: true });
  const removeDir = async (): Promise<void> => {
    if (!persistent) await rm(dir, { recursive: true, force: true });
  };
  const datadir = join(dir, 'data');
  // A private tmpdir: servers started side by side must not share (or clean up) each other's temp files.
  const tmp = join(dir, 'tmp');
  await mkdir(tmp, { recursive: true });
  const userArgs = isRoot ? ['--user=root', `--tmpdir=${tmp}`] : [`--tmpdir=${tmp}`];
  if (!existsSync(join(datadir, 'mysql')))
    try {
      await execFileAsync(
        installDb,
        ['--no-defaults', '--auth-root-authentication-method=normal', `--datadir=${datadir}`, '--skip-test-db', '--skip-name-resolve', ...userArgs],
        { timeout: 120_000 },
      );
    } catch (error) {
      await removeDir();
      const detail = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' | ') ?? String(error);
      throw new MariaDbUnavailableError(`mariadb-install-db failed: ${detail}`);
    }

  // A port picked as free can be taken before mariadbd binds it; try a few.
  let lastProblem = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = options.port ?? (await freePort());
    const errorLog = join(dir, `error-${attempt}.log`);
    const child = spawn(
      server,
      [
        '--no-defaults',
        `--datadir=${datadir}`,
        `--port=${port}`,
        `--socket=${join(dir, 'mysqld.sock')}`,
        `--pid-file=${join(dir, 'mysqld.pid')}`,
        `--log-error=${errorLog}`,
        '--bind-address=127.0.0.1',
        ...userArgs,
        '--innodb-buffer-pool-size=64M',
        '--innodb-log-file-size=48M',
        '--innodb-flush-log-at-trx-commit=2',
        '--innodb-doublewrite=0',
        '--skip-name-resolve',
        '--max-connections=300',
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_general_ci',
        // A row binlog, as MySQL 8 has by default: what the Debezium-compatible CDC source reads.
        ...(options.binlog === false
          ? []
          : [`--log-bin=${join(datadir, 'mysql-bin')}`, '--binlog-format=ROW', '--binlog-row-image=FULL', '--server-id=1', '--expire-logs-days=1']),
      ],
      { stdio: 'ignore' },
    );
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
          await removeDir();
        },
      };
    }
    await stopChild(child);
    lastProblem = tail(errorLog);
    if (options.port !== undefined || !/address already in use|Can't start server: Bind/i.test(lastProblem)) break;
  }
  await removeDir();
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
