/**
 * benchConnect(rows): rows/s from an N-row Users table to topic3_Users through the embedded worker (the
 * project's connector config: incrementing on user_id, ValueToKey + ExtractField, JsonConverter without
 * schemas, kafkajs idempotent acks=all to a 3-broker embedded cluster), against two baselines measured in the
 * same run: a plain mysql2 SELECT of the same rows, and a hand-written mysql2 + kafkajs copy of them (the same
 * pages of batch.max.rows by user_id, the same JSON keys and values, an idempotent acks=all producer, a topic
 * created the same way), run once before and once after the connector so that a change of the machine's load
 * weighs on both. The topics are then read back and compared record by record, so both did the same work.
 * Prints rows/s, this process's CPU per row and the ratios; returns them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { startMariaDb } from '../stack/mariadb.ts';
import { startConnect } from '../embedded/connect/index.ts';
import { createTopicsAndWait } from '../embedded/common/kafka-retry.ts';
import { readRanges, topicRanges, type Range } from '../embedded/common/topic-reader.ts';
import { startClusterProcess } from './kafka-process.ts';
import { progress, timed } from './measure.ts';

export interface ConnectBenchResult {
  rows: number;
  /** Rows per query of both copies (the connector's batch.max.rows). */
  batchMaxRows: number;
  selectRowsPerSec: number;
  /** The hand-written copy, run once before and once after the connector (the mean of the two rates). */
  handWrittenRowsPerSec: number;
  connectRowsPerSec: number;
  /** Connect / the hand-written mysql2 + kafkajs copy (the aim: at least 0.8). */
  ratio: number;
  /** Connect / the bare SELECT. */
  ratioToSelect: number;
  /** CPU of this process (the copy's client side) per row, µs: the hand-written copy (mean of both runs) and the connector. */
  handWrittenCpuUsPerRow: number;
  connectCpuUsPerRow: number;
}

const TOPIC = 'topic3_Users';
const HAND_WRITTEN_TOPIC = 'handwritten_Users';

/** Wall time and this process's CPU time of `fn`. */
async function timedWithCpu<T>(fn: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const cpu = process.cpuUsage();
  const { ms, value } = await timed(fn);
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, value };
}

interface ConnectorConfigFile {
  config: Record<string, string>;
}

function projectConnectorConfig(): Record<string, string> {
  return (JSON.parse(fs.readFileSync(new URL('../config/connector-config.json', import.meta.url), 'utf8')) as ConnectorConfigFile).config;
}

async function fillUsers(pool: Pool, rows: number): Promise<void> {
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
}

/**
 * What a developer would write instead of the connector: read the table in pages of `pageSize` ordered by
 * user_id (as the connector's incrementing query), turn each row into the JSON key (user_id) and value (the
 * row), produce each page with an idempotent acks=all producer, reading the next page while the previous one
 * is in flight. Counted from its connection and topic creation to the last acknowledgement.
 */
async function handWrittenCopy(kafka: Kafka, admin: Admin, dbUrl: string, pageSize: number, topic: string): Promise<number> {
  const connection = await mysql.createConnection({ uri: dbUrl });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  try {
    await producer.connect();
    await createTopicsAndWait(admin, { topics: [{ topic }] });
    let last = -1;
    let sent = 0;
    let inFlight: Promise<unknown> = Promise.resolve();
    for (;;) {
      const [page] = await connection.query<RowDataPacket[]>('SELECT * FROM Users WHERE user_id > ? ORDER BY user_id ASC LIMIT ?', [last, pageSize]);
      if (page.length === 0) break;
      last = page[page.length - 1]!.user_id as number;
      const messages = page.map((row) => ({ key: String(row.user_id), value: JSON.stringify(row) }));
      await inFlight;
      inFlight = producer.send({ topic, messages, acks: -1 });
      sent += page.length;
      if (page.length < pageSize) break;
    }
    await inFlight;
    return sent;
  } finally {
    await producer.disconnect().catch(() => undefined);
    await connection.end().catch(() => undefined);
  }
}

/** Posts the project's connector (against the bench database) and waits until `rows` records are in topic3_Users. */
async function connectorCopy(connectUrl: string, admin: Admin, dbUrl: string, rows: number, batchMaxRows: number | undefined): Promise<void> {
  const u = new URL(dbUrl);
  const res = await fetch(`${connectUrl}/connectors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'bench-jdbc',
      config: {
        ...projectConnectorConfig(),
        'connection.url': `jdbc:mysql://${u.hostname}:${u.port}${u.pathname}`,
        'connection.user': decodeURIComponent(u.username) || 'root',
        'connection.password': decodeURIComponent(u.password),
        'poll.interval.ms': '50',
        ...(batchMaxRows ? { 'batch.max.rows': String(batchMaxRows) } : {}),
      },
    }),
  });
  if (res.status !== 201) throw new Error(`POST /connectors answered ${res.status}: ${await res.text()}`);
  for (;;) {
    let seen = 0;
    try {
      const offsets = await admin.fetchTopicOffsets(TOPIC);
      seen = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    } catch {
      seen = 0;
    }
    if (seen >= rows) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Both topics hold the same keys and values in the same partitions, in the same order; throws where they differ. */
async function checkSameRecords(kafka: Kafka, admin: Admin, rows: number): Promise<void> {
  const ranges = new Map<string, Map<number, Range>>();
  for (const topic of [TOPIC, HAND_WRITTEN_TOPIC]) ranges.set(topic, await topicRanges(admin, topic));
  const messages = await readRanges(kafka, ranges, 120_000, 'bench');
  const byPartition = (topic: string): Map<number, string[]> => {
    const out = new Map<number, string[]>();
    for (const m of messages) {
      if (m.topic !== topic) continue;
      if (!out.has(m.partition)) out.set(m.partition, []);
      out.get(m.partition)!.push(`${m.key?.toString('utf8')}\u0000${m.value?.toString('utf8')}`);
    }
    return out;
  };
  const ours = byPartition(TOPIC);
  const theirs = byPartition(HAND_WRITTEN_TOPIC);
  let total = 0;
  for (const [partition, list] of theirs) {
    const mine = ours.get(partition) ?? [];
    total += list.length;
    const differs = list.findIndex((record, i) => mine[i] !== record);
    if (differs >= 0 || mine.length !== list.length) {
      const at = differs >= 0 ? differs : Math.min(mine.length, list.length);
      throw new Error(
        `${TOPIC} and ${HAND_WRITTEN_TOPIC} differ in partition ${partition} at ${at}: ${JSON.stringify(mine[at])} vs ${JSON.stringify(list[at])}`,
      );
    }
  }
  if (total !== rows || ours.size !== theirs.size)
    throw new Error(`${HAND_WRITTEN_TOPIC} holds ${total} records in ${theirs.size} partitions, expected ${rows}`);
}

export async function benchConnect(rows = 100_000, options: { batchMaxRows?: number } = {}): Promise<ConnectBenchResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-connect-'));
  progress('starting MariaDB and the embedded Kafka cluster');
  const server = await startMariaDb();
  const cluster = await startClusterProcess(path.join(dataDir, 'kafka'));
  // a database of its own on the server (MYSQL_URL's when set), dropped at the end
  const name = `bench_connect_${process.pid}`;
  const dbUrl = `${server.url.replace(/\/$/, '')}/${name}`;
  const onServer = (sql: string) => mysql.createConnection({ uri: server.url }).then((c) => c.query(sql).finally(() => c.end()));
  await onServer(`CREATE DATABASE ${name}`);
  const pool = mysql.createPool({ uri: dbUrl, connectionLimit: 2 });
  const kafka = new Kafka({ clientId: 'bench', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  let connect: Awaited<ReturnType<typeof startConnect>> | undefined;
  try {
    await fillUsers(pool, rows);
    await admin.connect();
    const batchMaxRows = options.batchMaxRows ?? Number(projectConnectorConfig()['batch.max.rows'] ?? 100);

    const select = await timed(async () => (await pool.query({ sql: 'SELECT * FROM Users ORDER BY user_id', rowsAsArray: true }))[0] as unknown[]);
    if (select.value.length !== rows) throw new Error(`SELECT returned ${select.value.length} rows, expected ${rows}`);

    // the hand-written copy before and after the connector, so a change of the machine's load in between
    // weighs on both sides alike
    const handWritten = async (topic: string) => {
      progress(`copying ${rows} rows to ${topic} with mysql2 + kafkajs (pages of ${batchMaxRows})`);
      const run = await timedWithCpu(() => handWrittenCopy(kafka, admin, dbUrl, batchMaxRows, topic));
      if (run.value !== rows) throw new Error(`the hand-written copy sent ${run.value} rows, expected ${rows}`);
      return run;
    };
    const before = await handWritten(HAND_WRITTEN_TOPIC);

    connect = await startConnect({ port: 0, bootstrap: cluster.bootstrap, log: process.env.BENCH_LOG ? (l) => progress(`${Date.now()} ${l}`) : undefined });
    progress(`streaming ${rows} rows through the JDBC source`);
    const connector = await timedWithCpu(() => connectorCopy(connect!.url, admin, dbUrl, rows, options.batchMaxRows));
    await connect.stop();
    connect = undefined;

    const after = await handWritten(`${HAND_WRITTEN_TOPIC}_again`);

    progress('reading both topics back to compare them');
    await checkSameRecords(kafka, admin, rows);

    const perSec = (ms: number): number => rows / (ms / 1000);
    const handWrittenRate = (perSec(before.ms) + perSec(after.ms)) / 2;
    const result: ConnectBenchResult = {
      rows,
      batchMaxRows,
      selectRowsPerSec: perSec(select.ms),
      handWrittenRowsPerSec: handWrittenRate,
      connectRowsPerSec: perSec(connector.ms),
      ratio: perSec(connector.ms) / handWrittenRate,
      ratioToSelect: select.ms / connector.ms,
      handWrittenCpuUsPerRow: ((before.cpuMs + after.cpuMs) / 2 / rows) * 1000,
      connectCpuUsPerRow: (connector.cpuMs / rows) * 1000,
    };
    const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(12);
    const seconds = (ms: number): string => `(${(ms / 1000).toFixed(2)} s)`;
    const cpu = (us: number): string => `${us.toFixed(1).padStart(6)} µs CPU/row`;
    console.log(`mysql2 SELECT                    ${fmt(result.selectRowsPerSec)} rows/s  ${seconds(select.ms)}`);
    console.log(
      `mysql2 + kafkajs (hand-written)  ${fmt(result.handWrittenRowsPerSec)} rows/s  ${seconds(before.ms)} before, ${seconds(after.ms)} after  ` +
        cpu(result.handWrittenCpuUsPerRow),
    );
    console.log(
      `JDBC source -> ${TOPIC}       ${fmt(result.connectRowsPerSec)} rows/s  ${seconds(connector.ms)}  ${cpu(result.connectCpuUsPerRow)}  ` +
        `${result.ratio.toFixed(2)}x hand-written, ${(result.ratioToSelect * 100).toFixed(1)}% of SELECT`,
    );
    return result;
  } finally {
    await admin.disconnect().catch(() => undefined);
    await connect?.stop().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await cluster.stop().catch(() => undefined);
    await onServer(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
    await server.stop().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
