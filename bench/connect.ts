/**
 * benchConnect(rows): rows/s from an N-row Users table to topic3_Users through the embedded worker (the
 * project's connector config: incrementing on user_id, ValueToKey + ExtractField, JsonConverter without
 * schemas, kafkajs idempotent acks=all to a 3-broker embedded cluster), against a plain mysql2 SELECT of the
 * same rows measured in the same run. Prints both and the ratio; returns the figures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { Kafka, logLevel } from 'kafkajs';
import { startMariaDb } from '../stack/mariadb.ts';
import { startConnect } from '../embedded/connect/index.ts';
import { startClusterProcess } from './kafka-process.ts';

export interface ConnectBenchResult {
  rows: number;
  selectRowsPerSec: number;
  connectRowsPerSec: number;
  ratio: number;
}

function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

export async function benchConnect(rows = 100_000, options: { batchMaxRows?: number } = {}): Promise<ConnectBenchResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-connect-'));
  progress('starting MariaDB and the embedded Kafka cluster');
  const server = await startMariaDb();
  const cluster = await startClusterProcess(path.join(dataDir, 'kafka'));
  // a database of its own on the server (MYSQL_URL's when set), dropped at the end
  const name = `bench_connect_${process.pid}`;
  const db = { name, url: `${server.url.replace(/\/$/, '')}/${name}` };
  const onServer = (sql: string) => mysql.createConnection({ uri: server.url }).then((c) => c.query(sql).finally(() => c.end()));
  await onServer(`CREATE DATABASE ${name}`);
  const pool = mysql.createPool({ uri: db.url, connectionLimit: 2 });
  let connect: Awaited<ReturnType<typeof startConnect>> | undefined;
  try {
    await pool.query(
      `CREATE TABLE Users (user_id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, age INT, gender VARCHAR(10), country VARCHAR(200), subscription VARCHAR(20))`,
    );
    progress(`inserting ${rows} rows`);
    for (let done = 0; done < rows; done += 5000) {
      const batch = Array.from({ length: Math.min(5000, rows - done) }, (_, i) => [
        20 + ((done + i) % 50),
        i % 2 ? 'F' : 'M',
        `country-${i % 40}`,
        i % 3 ? 'free' : 'premium',
      ]);
      await pool.query('INSERT INTO Users (age, gender, country, subscription) VALUES ?', [batch]);
    }

    const selectStart = process.hrtime.bigint();
    const [selected] = await pool.query({ sql: 'SELECT * FROM Users ORDER BY user_id', rowsAsArray: true });
    const selectMs = Number(process.hrtime.bigint() - selectStart) / 1e6;
    if ((selected as unknown[]).length !== rows) throw new Error(`SELECT returned ${(selected as unknown[]).length} rows, expected ${rows}`);

    connect = await startConnect({ port: 0, bootstrap: cluster.bootstrap, log: process.env.BENCH_LOG ? (l) => progress(`${Date.now()} ${l}`) : undefined });
    const u = new URL(db.url);
    const { config } = JSON.parse(fs.readFileSync(new URL('../config/connector-config.json', import.meta.url), 'utf8')) as { config: Record<string, string> };
    const kafka = new Kafka({ clientId: 'bench', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    progress(`streaming ${rows} rows through the JDBC source`);
    const start = process.hrtime.bigint();
    const res = await fetch(`${connect.url}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'bench-jdbc',
        config: {
          ...config,
          'connection.url': `jdbc:mysql://${u.hostname}:${u.port}/${db.name}`,
          'connection.user': decodeURIComponent(u.username) || 'root',
          'connection.password': decodeURIComponent(u.password),
          'poll.interval.ms': '50',
          ...(options.batchMaxRows ? { 'batch.max.rows': String(options.batchMaxRows) } : {}),
        },
      }),
    });
    if (res.status !== 201) throw new Error(`POST /connectors answered ${res.status}: ${await res.text()}`);
    let seen = 0;
    for (;;) {
      try {
        const offsets = await admin.fetchTopicOffsets('topic3_Users');
        seen = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
      } catch {
        seen = 0;
      }
      if (seen >= rows) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const connectMs = Number(process.hrtime.bigint() - start) / 1e6;
    await admin.disconnect();
    const selectRate = rows / (selectMs / 1000);
    const connectRate = rows / (connectMs / 1000);
    const ratio = connectRate / selectRate;
    const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(12);
    console.log(`mysql2 SELECT (baseline)      ${fmt(selectRate)} rows/s  (${(selectMs / 1000).toFixed(2)} s)`);
    console.log(`JDBC source -> topic3_Users   ${fmt(connectRate)} rows/s  (${(connectMs / 1000).toFixed(2)} s)  ${(ratio * 100).toFixed(1)}% of SELECT`);
    return { rows, selectRowsPerSec: selectRate, connectRowsPerSec: connectRate, ratio };
  } finally {
    await connect?.stop().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await cluster.stop().catch(() => undefined);
    await onServer(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
    await server.stop().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
