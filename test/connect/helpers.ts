/** Shared pieces of the Connect tests: a broker + database + worker, the project's connector config, kcat reads. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import mysql, { type Pool } from 'mysql2/promise';
import { startTestCluster, run, waitFor } from '../support/kafka.ts';
import { createTestDatabase, type TestDatabase } from '../support/mariadb.ts';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { startConnect, type ConnectHandle, type ConnectOptions } from '../../embedded/connect/index.ts';

export const PROJECT_CONNECTOR = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../config/connector-config.json'), 'utf8')) as {
  name: string;
  config: Record<string, string>;
};

/** The project's connector config pointed at `db` (as the embedded bootstrap rewrites it). */
export function connectorConfig(db: TestDatabase, overrides: Record<string, string> = {}): Record<string, string> {
  const u = new URL(db.url);
  return {
    ...PROJECT_CONNECTOR.config,
    'connection.url': `jdbc:mysql://${u.hostname}:${u.port || 3306}/${db.name}?useSSL=false`,
    'connection.user': decodeURIComponent(u.username) || 'root',
    'connection.password': decodeURIComponent(u.password),
    'poll.interval.ms': '200',
    ...overrides,
  };
}

export async function usersTable(db: TestDatabase): Promise<Pool> {
  const pool = mysql.createPool({ uri: db.url, connectionLimit: 2 });
  await pool.query(`CREATE TABLE Users (
      user_id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, age INT, gender VARCHAR(10), country VARCHAR(200), subscription VARCHAR(20))`);
  return pool;
}

export async function insertUsers(pool: Pool, n: number, start = 0): Promise<void> {
  for (let done = 0; done < n; done += 1000) {
    const rows = Array.from({ length: Math.min(1000, n - done) }, (_, i) => {
      const k = start + done + i;
      return [k % 7 === 0 ? null : 20 + (k % 50), k % 2 ? 'F' : 'M', `country-${k % 13}`, k % 3 ? 'free' : 'premium'];
    });
    await pool.query('INSERT INTO Users (age, gender, country, subscription) VALUES ?', [rows]);
  }
}

export interface KcatRecord {
  key: string | null;
  payload: string | null;
  partition: number;
  offset: number;
}

/** Every record of `topic`, read with kcat (librdkafka) to the end. */
export async function kcatRead(cluster: KafkaCluster, topic: string): Promise<KcatRecord[]> {
  const result = await run('kcat', ['-b', cluster.bootstrap(), '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-J'], undefined, 30_000);
  if (result.code !== 0) throw new Error(`kcat failed: ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as KcatRecord);
}

/**
 * Inserts one more row (the marker) and waits until the source has written it: the JDBC source reads rows
 * in id order, so by then it has written every row inserted before, and any duplicate of one too. Returns
 * every record on the topic, the marker's included.
 */
export async function recordsThroughMarker(cluster: KafkaCluster, topic: string, pool: Pool): Promise<KcatRecord[]> {
  const [result] = (await pool.query("INSERT INTO Users (age, gender, country, subscription) VALUES (30, 'F', 'marker', 'free')")) as unknown as [
    { insertId: number },
  ];
  const marker = String(result.insertId);
  return waitFor(
    `the marker row ${marker} on ${topic}`,
    async () => {
      const records = await kcatRead(cluster, topic).catch(() => []);
      return records.some((r) => r.key === marker) ? records : undefined;
    },
    60_000,
    200,
  );
}

export async function waitForCount(cluster: KafkaCluster, topic: string, n: number, timeoutMs = 30_000): Promise<KcatRecord[]> {
  let last: KcatRecord[] = [];
  try {
    return await waitFor(
      `${n} records on ${topic}`,
      async () => {
        last = await kcatRead(cluster, topic).catch(() => []);
        return last.length >= n ? last : undefined;
      },
      timeoutMs,
      300,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; have ${last.length}`);
  }
}

export interface Env {
  cluster: KafkaCluster;
  connect: ConnectHandle;
}

export async function startWorker(cluster: KafkaCluster, options: Partial<ConnectOptions> = {}): Promise<ConnectHandle> {
  return startConnect({ port: 0, host: '127.0.0.1', bootstrap: cluster.bootstrap(), internalPartitions: { configs: 1, offsets: 5, status: 3 }, ...options });
}

export async function api(connect: ConnectHandle, method: string, p: string, body?: unknown): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(`${connect.url}${p}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
}

export async function waitForState(connect: ConnectHandle, name: string, state: string, timeoutMs = 20_000): Promise<any> {
  return waitFor(
    `${name} tasks ${state}`,
    async () => {
      const s = await api(connect, 'GET', `/connectors/${name}/status`);
      return s.status === 200 && s.body.tasks.length > 0 && s.body.tasks.every((t: { state: string }) => t.state === state) ? s.body : undefined;
    },
    timeoutMs,
    100,
  );
}

export { startTestCluster, createTestDatabase };
