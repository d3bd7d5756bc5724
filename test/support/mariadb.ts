/**
 * MariaDB for tests: the private server of `stack/mariadb.ts` (or MYSQL_URL), and
 * `createTestDatabase(url)`, which gives each test its own database so tests never see each other's rows.
 */
import mysql from 'mysql2/promise';

export { findBinary, freePort, MariaDbUnavailableError, startMariaDb, type MariaDbServer } from '../../stack/mariadb.ts';

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
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 24);
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
