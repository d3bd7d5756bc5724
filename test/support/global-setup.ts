/**
 * Vitest global setup: ONE MariaDB for the whole run (MYSQL_URL if set, else a private mariadbd, see
 * mariadb.ts), handed to tests as `inject('mysqlUrl')`, stopped at teardown. Tests create their own
 * database on it with `createTestDatabase(inject('mysqlUrl'))`.
 */
import type { TestProject } from 'vitest/node';
import { startMariaDb } from './mariadb.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** mysql://user[:password]@host:port of the run's MariaDB, without a database. */
    mysqlUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startMariaDb();
  project.provide('mysqlUrl', server.url);
  return async () => {
    await server.stop();
  };
}
