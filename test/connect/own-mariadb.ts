/**
 * A MariaDB this test owns and can stop and start again on the same port with the same data, to see a
 * connector fail while the database is down and recover after it is back. Skips (returns undefined) when
 * the run uses MYSQL_URL instead of local binaries.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { findBinary, freePort } from '../support/mariadb.ts';

const execFileAsync = promisify(execFile);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export interface OwnMariaDb {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

export async function ownMariaDb(): Promise<OwnMariaDb | undefined> {
  const installDb = findBinary(['mariadb-install-db', 'mysql_install_db']);
  const server = findBinary(['mariadbd', 'mysqld']);
  if (!installDb || !server) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'connect-own-mariadb-'));
  const datadir = join(dir, 'data');
  const userArgs = isRoot ? ['--user=root'] : [];
  await execFileAsync(
    installDb,
    ['--no-defaults', '--auth-root-authentication-method=normal', `--datadir=${datadir}`, '--skip-test-db', '--skip-name-resolve', ...userArgs],
    { timeout: 120_000 },
  );
  const port = await freePort();
  const url = `mysql://root@127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn(
      server,
      [
        '--no-defaults',
        `--datadir=${datadir}`,
        `--port=${port}`,
        `--socket=${join(dir, 'mysqld.sock')}`,
        `--pid-file=${join(dir, 'mysqld.pid')}`,
        `--log-error=${join(dir, 'error.log')}`,
        '--bind-address=127.0.0.1',
        ...userArgs,
        '--innodb-buffer-pool-size=32M',
        '--innodb-flush-log-at-trx-commit=2',
        '--skip-name-resolve',
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      try {
        const c = await mysql.createConnection({ uri: url, connectTimeout: 1_000 });
        await c.end();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error('own mariadbd did not start');
  };
  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  await start();
  return {
    url,
    port,
    start,
    stop,
    destroy: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
