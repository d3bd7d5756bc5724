/**
 * Finds the MySQL the stack uses: MYSQL_URL if set; else a server already answering on
 * 127.0.0.1:<MYSQL_PORT> with the configured user; else a private mariadbd kept in the data directory.
 */
import path from 'node:path';
import type { AppConfig } from '../config/index.ts';
import { canConnect, findBinary, MariaDbUnavailableError, startMariaDb, type MariaDbServer } from './mariadb.ts';

export async function resolveMysql(config: AppConfig, dataDir: string, options: { port?: number; log?: (line: string) => void } = {}): Promise<MariaDbServer> {
  const log = options.log ?? (() => {});
  if (config.mysql.url) {
    log(`MySQL: using MYSQL_URL (${redact(config.mysql.url)})`);
    return { url: config.mysql.url, owned: false, stop: async () => undefined };
  }
  const port = options.port ?? config.ports.mysql;
  if (options.port === undefined) {
    const local = `mysql://${encodeURIComponent(config.mysql.user)}:${encodeURIComponent(config.mysql.password)}@127.0.0.1:${port}`;
    if (await canConnect(local)) {
      log(`MySQL: using the server on 127.0.0.1:${port}`);
      return { url: local, owned: false, stop: async () => undefined };
    }
  }
  if (!findBinary(['mariadbd', 'mysqld'])) {
    throw new MariaDbUnavailableError(
      `no MySQL: MYSQL_URL is not set, nothing answers on 127.0.0.1:${port}, and no mariadbd is installed. ` +
        'Set MYSQL_URL=mysql://user:password@host:port, start a MySQL on that port, or install one (Debian: apt-get install mariadb-server).',
    );
  }
  log(`MySQL: starting a private MariaDB on 127.0.0.1:${port || '(free port)'} with data in ${path.join(dataDir, 'mysql')}`);
  return startMariaDb({ ignoreEnv: true, dataDir: path.join(dataDir, 'mysql'), port: port === 0 ? undefined : port });
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
