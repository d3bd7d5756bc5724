import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { MysqlUnreachableError, NoUsersError } from '../../producers/errors.ts';
import { loadUserIds, produceUsers } from '../../producers/index.ts';
import { USER_COLUMNS, UserGenerator } from '../../producers/generate/users.ts';
import { mysqlTarget, readUserIds } from '../../producers/sinks/mysql-users.ts';
import { createTestDatabase, freePort, type TestDatabase } from '../support/mariadb.ts';

const config = loadConfig({});
const serverUrl = inject('mysqlUrl');
let pool: Pool;
const databases: TestDatabase[] = [];

async function freshDatabase(label: string): Promise<TestDatabase> {
  const db = await createTestDatabase(serverUrl, label);
  databases.push(db);
  return db;
}

async function rows(database: string): Promise<RowDataPacket[]> {
  const [result] = await pool.query<RowDataPacket[]>(`SELECT * FROM \`${database}\`.Users ORDER BY user_id`);
  return result;
}

beforeAll(() => {
  pool = mysql.createPool({ uri: serverUrl, connectionLimit: 2 });
});

afterAll(async () => {
  for (const db of databases) await db.drop().catch(() => undefined);
  await pool.end();
});

describe('mysqlTarget', () => {
  it('takes host/port/user from the config, and MYSQL_URL wins', () => {
    const fromParts = mysqlTarget(loadConfig({ MYSQL_HOST: 'db.local', MYSQL_PORT: '3307', MYSQL_USER: 'app', MYSQL_PASSWORD: 'pw' }).mysql);
    expect(fromParts).toEqual({ host: 'db.local', port: 3307, user: 'app', password: 'pw', database: 'demo', table: 'Users' });
    const fromUrl = mysqlTarget(loadConfig({ MYSQL_URL: 'mysql://u%40x:p%3Aw@10.0.0.5:3310', MYSQL_HOST: 'ignored' }).mysql);
    expect(fromUrl).toEqual({ host: '10.0.0.5', port: 3310, user: 'u@x', password: 'p:w', database: 'demo', table: 'Users' });
    expect(mysqlTarget(config.mysql, { url: 'mysql://root@h/shop' }).database).toBe('shop');
    expect(mysqlTarget(config.mysql, { url: 'mysql://root@h/shop', database: 'other', table: 'T' })).toMatchObject({
      host: 'h',
      port: 3306,
      database: 'other',
      table: 'T',
    });
  });
});

describe('produceUsers against MariaDB', () => {
  it('creates the table and writes the count, with the NULL share per column', async () => {
    const db = await freshDatabase('count');
    const result = await produceUsers({ url: serverUrl, database: db.name, count: 5_000, nullRate: 0.2, seed: 1, config });
    expect(result).toMatchObject({ kind: 'users', count: 5_000, seed: 1, interrupted: false });
    expect(result.destination).toBe(`${db.name}.Users at ${new URL(serverUrl).host}`);
    const all = await rows(db.name);
    expect(all.length).toBe(5_000);
    expect(all.map((r) => r.user_id)).toEqual(Array.from({ length: 5_000 }, (_, i) => i + 1));
    for (const column of USER_COLUMNS) {
      const nulls = all.filter((r) => r[column] === null).length / all.length;
      expect(Math.abs(nulls - 0.2), column).toBeLessThan(0.03);
    }
    const [columns] = await pool.query<RowDataPacket[]>(
      'SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [db.name, 'Users'],
    );
    expect(columns.map((c) => `${c.COLUMN_NAME} ${c.COLUMN_TYPE}`)).toEqual([
      'user_id int(10) unsigned',
      'age int(11)',
      'gender varchar(10)',
      'country varchar(200)',
      'subscription varchar(20)',
    ]);
  });

  it('writes identical rows for the same seed, matching the pure generator', async () => {
    const a = await freshDatabase('seed_a');
    const b = await freshDatabase('seed_b');
    await produceUsers({ url: serverUrl, database: a.name, count: 2_000, nullRate: 0.1, seed: 42, config });
    await produceUsers({ url: serverUrl, database: b.name, count: 2_000, nullRate: 0.1, seed: 42, config, batchSize: 333 });
    const rowsA = await rows(a.name);
    expect(await rows(b.name)).toEqual(rowsA);
    const expected = new UserGenerator({ seed: 42, nullRate: 0.1 }).take(2_000);
    expect(rowsA.map(({ age, gender, country, subscription }) => ({ age, gender, country, subscription }))).toEqual(expected);
  });

  it('appends to an existing table and uses a given pool without closing it', async () => {
    const db = await freshDatabase('append');
    await produceUsers({ pool, database: db.name, count: 100, seed: 1, config });
    const second = await produceUsers({ pool, database: db.name, count: 50, seed: 2, config });
    expect(second.count).toBe(50);
    expect((await rows(db.name)).length).toBe(150);
    await pool.query('SELECT 1'); // still open
  });

  it('inserts 100k users in batched multi-row INSERTs within seconds', async () => {
    const db = await freshDatabase('bulk');
    const started = performance.now();
    const result = await produceUsers({ url: serverUrl, database: db.name, count: 100_000, seed: 5, config });
    const seconds = (performance.now() - started) / 1000;
    console.log(`100k users inserted in ${seconds.toFixed(2)} s`);
    expect(result.count).toBe(100_000);
    const [counted] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${db.name}\`.Users`);
    expect(Number(counted[0]!.n)).toBe(100_000);
    expect(seconds).toBeLessThan(30);
  });

  it('stops on abort, writing what was pending', async () => {
    const db = await freshDatabase('abort');
    const controller = new AbortController();
    const result = await produceUsers({
      url: serverUrl,
      database: db.name,
      count: 1_000_000,
      seed: 3,
      config,
      batchSize: 500,
      signal: controller.signal,
      onProgress: (u) => {
        if (u.done >= 2_000) controller.abort();
      },
    });
    expect(result.interrupted).toBe(true);
    expect(result.count).toBeGreaterThanOrEqual(2_000);
    expect(result.count).toBeLessThan(1_000_000);
    expect((await rows(db.name)).length).toBe(result.count);
  });

  it('reads the existing ids as a range, or as a list when there are gaps', async () => {
    const db = await freshDatabase('ids');
    await produceUsers({ pool, database: db.name, count: 20, seed: 1, config });
    const target = mysqlTarget(config.mysql, { database: db.name });
    expect(await readUserIds(pool, target)).toEqual({ kind: 'range', min: 1, max: 20 });
    await pool.query(`DELETE FROM \`${db.name}\`.Users WHERE user_id IN (3, 4, 10)`);
    const ids = await loadUserIds({ url: serverUrl, database: db.name, config });
    expect(ids.kind).toBe('list');
    expect(ids.kind === 'list' && ids.ids).toEqual([1, 2, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  });

  it('says to run the users producer when there are no users', async () => {
    const db = await freshDatabase('empty');
    const missing = loadUserIds({ url: serverUrl, database: db.name, config });
    await expect(missing).rejects.toBeInstanceOf(NoUsersError);
    await expect(missing).rejects.toThrow('run `npm run produce -- users` first');
    await pool.query(`CREATE TABLE IF NOT EXISTS \`${db.name}\`.Users (user_id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY)`);
    await expect(loadUserIds({ pool, database: db.name, config })).rejects.toThrow(`no users in ${db.name}.Users`);
  });

  it('names host:port and how to get a server when MySQL is unreachable', async () => {
    const port = await freePort();
    const attempt = produceUsers({ url: `mysql://root@127.0.0.1:${port}`, count: 10, config });
    await expect(attempt).rejects.toBeInstanceOf(MysqlUnreachableError);
    await expect(attempt).rejects.toThrow(`cannot reach MySQL at 127.0.0.1:${port} (ECONNREFUSED)`);
    await expect(attempt).rejects.toThrow(/MYSQL_URL.*mariadb-server/);
  });

  it('rejects a null rate outside 0..1', async () => {
    await expect(produceUsers({ url: serverUrl, count: 1, nullRate: 2, config })).rejects.toThrow(/nullRate must be a number from 0 to 1/);
  });
});
