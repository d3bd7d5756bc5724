/**
 * `npm run bench -- pinot [--messages N]`: the embedded Pinot with the project's tables.
 *
 *  - Ingest: N rows produced with kafkajs to a topic first, then the table is created and the clock
 *    runs until `COUNT(*)` on the broker reports all N (rows/s). Once for the realtime upsert table
 *    `pageview_country` (its own config: FULL upsert on `country`; every key distinct so N rows stay
 *    visible) and once for an append table (`pageview_tumbling`'s schema and config with `upsertConfig`
 *    removed).
 *  - Queries: the dashboard's SQL (dashboard/snapshot.ts QUERIES: the country query and the window
 *    query) over HTTP POST /query/sql at N rows, p50/p99; the same SQL on a fresh in-memory DuckDB
 *    holding the same rows, in the same run, and the ratio pinot/duckdb.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { loadConfig } from '../config/index.ts';
import { COUNTRY_TABLE, QUERIES } from '../dashboard/snapshot.ts';
import { pinotTables, type PinotTable } from '../pinot/tables.ts';
import { startKafkaCluster } from '../embedded/kafka/index.ts';
import { startPinot } from '../embedded/pinot/index.ts';
import { countryRow, windowRow } from './pinot-rows.ts';

const APPEND_TABLE = 'pageview_tumbling';
const PARTITIONS = 4;
const FRESHNESS_SAMPLES = 30;
const QUERY_RUNS = 40;
const WARMUP_RUNS = 3;

export interface PinotIngestFigures {
  table: string;
  kind: 'upsert' | 'append';
  rows: number;
  produceRowsPerSec: number;
  ingestMs: number;
  ingestRowsPerSec: number;
}

export interface PinotQueryFigures {
  query: string;
  table: string;
  resultRows: number;
  pinotP50Ms: number;
  pinotP99Ms: number;
  duckdbP50Ms: number;
  duckdbP99Ms: number;
  /** pinot p50 / duckdb p50 (how many times slower than DuckDB alone). */
  ratioP50: number;
  ratioP99: number;
}

export interface PinotBenchFigures {
  rows: number;
  ingest: PinotIngestFigures[];
  queries: PinotQueryFigures[];
  freshness: { samples: number; p50Ms: number; p99Ms: number };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function progress(line: string): void {
  process.stderr.write(`[bench pinot] ${line}\n`);
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

async function timeRuns(run: () => Promise<number>): Promise<{ p50: number; p99: number; resultRows: number }> {
  let resultRows = 0;
  for (let i = 0; i < WARMUP_RUNS; i++) resultRows = await run();
  const times: number[] = [];
  for (let i = 0; i < QUERY_RUNS; i++) {
    const start = process.hrtime.bigint();
    resultRows = await run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), resultRows };
}

export async function benchPinot(rows = 1_000_000): Promise<PinotBenchFigures> {
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`rows must be a positive integer, got ${rows}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pinot-'));
  const config = loadConfig();
  progress(`${rows.toLocaleString('en-US')} rows per table; starting a 1-broker Kafka`);
  const cluster = await startKafkaCluster({ firstPort: 0, dataDir: path.join(dir, 'kafka'), brokers: 1 });
  let pinot: Awaited<ReturnType<typeof startPinot>> | undefined;
  const duck = await DuckDBInstance.create(':memory:');
  const duckConn = await duck.connect();
  try {
    const bootstrap = cluster.bootstrap();
    const kafka = new Kafka({ clientId: 'bench-pinot', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
    const tables = pinotTables(config, { brokerList: bootstrap });
    const upsertTable = tables.find((t) => t.name === COUNTRY_TABLE)!;
    const appendTable = tables.find((t) => t.name === APPEND_TABLE)!;
    delete appendTable.tableConfig.upsertConfig;
    delete appendTable.tableConfig.routing;
    const topicOf = { upsert: 'bench-pinot-country', append: 'bench-pinot-tumbling' };
    upsertTable.tableConfig.tableIndexConfig.streamConfigs['stream.kafka.topic.name'] = topicOf.upsert;
    appendTable.tableConfig.tableIndexConfig.streamConfigs['stream.kafka.topic.name'] = topicOf.append;

    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: Object.values(topicOf).map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
    });
    await admin.disconnect();

    const producer = kafka.producer();
    await producer.connect();
    progress('producing with kafkajs');
    const produceRate = {
      upsert: await produceRows(producer, topicOf.upsert, rows, countryRow, (i) => countryRow(i).country),
      append: await produceRows(producer, topicOf.append, rows, windowRow, (i) => windowRow(i).source),
    };
    await producer.disconnect();

    pinot = await startPinot({
      controllerPort: 0,
      brokerPort: 0,
      dataDir: path.join(dir, 'pinot'),
      kafkaBootstrap: bootstrap,
      log: () => undefined,
      retryMs: 500,
    });
    const client = pinotClient(pinot);
    const ingest: PinotIngestFigures[] = [];
    ingest.push(await measureIngest(client, upsertTable, 'upsert', rows, produceRate.upsert));
    ingest.push(await measureIngest(client, appendTable, 'append', rows, produceRate.append));
    const freshness = await measureFreshness(kafka, client, topicOf.append, appendTable.name, rows);

    progress('loading the same rows into an in-memory DuckDB');
    await loadDuckDb(duckConn, rows);
    const queries: PinotQueryFigures[] = [];
    for (const [name, table, sql] of [
      ['country', COUNTRY_TABLE, QUERIES.country],
      ['window', APPEND_TABLE, QUERIES.window(APPEND_TABLE)],
    ] as const) {
      queries.push(await compareQuery(client, duckConn, name, table, sql));
    }

    const figures: PinotBenchFigures = { rows, ingest, queries, freshness };
    printFigures(figures);
    return figures;
  } finally {
    duckConn.closeSync();
    await pinot?.stop().catch(() => undefined);
    await cluster.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Produces `rows` records to `topic` in batches of 5,000, four in flight; returns rows/s. */
async function produceRows(producer: Producer, topic: string, rows: number, make: (i: number) => object, key: (i: number) => string): Promise<number> {
  const start = performance.now();
  const batch = 5_000;
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < rows; i += batch) {
    const n = Math.min(batch, rows - i);
    inFlight.push(
      producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: n }, (_, k) => ({ key: key(i + k), value: JSON.stringify(make(i + k)) })),
      }),
    );
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
  return (rows * 1000) / (performance.now() - start);
}

interface PinotClient {
  /** runs SQL on the broker; an answer with exceptions is an error */
  brokerQuery(sql: string): Promise<{ rows: unknown[][] }>;
  /** POSTs JSON to the controller; a status other than 2xx is an error */
  post(pathName: string, body: unknown): Promise<void>;
}

function pinotClient(p: { brokerUrl: string; controllerUrl: string }): PinotClient {
  return {
    brokerQuery: async (sql) => {
      const response = await fetch(`${p.brokerUrl}/query/sql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sql }),
      });
      const body = (await response.json()) as { resultTable?: { rows: unknown[][] }; exceptions: { errorCode: number; message: string }[] };
      if (body.exceptions.length > 0 || !body.resultTable) throw new Error(`${sql}: ${JSON.stringify(body.exceptions)}`);
      return body.resultTable;
    },
    post: async (pathName, body) => {
      const response = await fetch(`${p.controllerUrl}${pathName}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`POST ${pathName}: ${response.status} ${await response.text()}`);
    },
  };
}

/** Creates the table over its already-filled topic and times until COUNT(*) reports all `rows`. */
async function measureIngest(
  client: PinotClient,
  table: PinotTable,
  kind: 'upsert' | 'append',
  rows: number,
  produceRate: number,
): Promise<PinotIngestFigures> {
  progress(`ingesting into ${table.name} (${kind})`);
  await client.post('/schemas', table.schema);
  const start = performance.now();
  await client.post('/tables', table.tableConfig);
  for (let lastReport = 0; ; ) {
    const count = Number((await client.brokerQuery(`SELECT COUNT(*) FROM ${table.name}`)).rows[0]![0]);
    if (count >= rows) break;
    if (performance.now() - lastReport > 5_000) {
      progress(`  ${table.name}: ${count.toLocaleString('en-US')} rows`);
      lastReport = performance.now();
    }
    if (performance.now() - start > 15 * 60_000) throw new Error(`${table.name}: only ${count} of ${rows} rows after 15 minutes`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const ingestMs = performance.now() - start;
  return {
    table: table.name,
    kind,
    rows,
    produceRowsPerSec: Math.round(produceRate),
    ingestMs: Math.round(ingestMs),
    ingestRowsPerSec: Math.round((rows * 1000) / ingestMs),
  };
}

/** Freshness: one row at a time into the (caught-up) append table holding `rows`, timed until a query sees it. */
async function measureFreshness(kafka: Kafka, client: PinotClient, topic: string, table: string, rows: number): Promise<PinotBenchFigures['freshness']> {
  progress(`freshness: ${FRESHNESS_SAMPLES} single rows, each timed from produce to queryable`);
  const single = kafka.producer();
  await single.connect();
  const freshnessMs: number[] = [];
  let visible = rows;
  for (let i = 0; i < FRESHNESS_SAMPLES; i++) {
    const start = performance.now();
    await single.send({ topic, acks: -1, messages: [{ key: `fresh-${i}`, value: JSON.stringify(windowRow(rows + i)) }] });
    for (;;) {
      const count = Number((await client.brokerQuery(`SELECT COUNT(*) FROM ${table}`)).rows[0]![0]);
      if (count > visible) {
        visible = count;
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    freshnessMs.push(performance.now() - start);
  }
  await single.disconnect();
  freshnessMs.sort((a, b) => a - b);
  const freshness = { samples: FRESHNESS_SAMPLES, p50Ms: round(percentile(freshnessMs, 50)), p99Ms: round(percentile(freshnessMs, 99)) };
  console.log(
    `Pinot freshness (produce -> queryable), ${FRESHNESS_SAMPLES} single rows: p50 ${freshness.p50Ms} ms, p99 ${freshness.p99Ms} ms (aim: within 1 s)`,
  );
  return freshness;
}

/** The same `rows` rows of both tables in DuckDB tables of the same names. */
async function loadDuckDb(duckConn: DuckDBConnection, rows: number): Promise<void> {
  await duckConn.run(`CREATE TABLE ${COUNTRY_TABLE} (country VARCHAR, avg_age DOUBLE, user_count BIGINT, view_count BIGINT, last_event_ts BIGINT)`);
  await duckConn.run(`CREATE TABLE ${APPEND_TABLE} (source VARCHAR, window_start BIGINT, window_end BIGINT, user_count BIGINT, view_count BIGINT)`);
  const countryAppender = await duckConn.createAppender(COUNTRY_TABLE);
  const windowAppender = await duckConn.createAppender(APPEND_TABLE);
  for (let i = 0; i < rows; i++) {
    const c = countryRow(i);
    countryAppender.appendVarchar(c.country);
    countryAppender.appendDouble(c.avg_age);
    countryAppender.appendBigInt(BigInt(c.user_count));
    countryAppender.appendBigInt(BigInt(c.view_count));
    countryAppender.appendBigInt(BigInt(c.last_event_ts));
    countryAppender.endRow();
    const w = windowRow(i);
    windowAppender.appendVarchar(w.source);
    windowAppender.appendBigInt(BigInt(w.window_start));
    windowAppender.appendBigInt(BigInt(w.window_end));
    windowAppender.appendBigInt(BigInt(w.user_count));
    windowAppender.appendBigInt(BigInt(w.view_count));
    windowAppender.endRow();
  }
  countryAppender.closeSync();
  windowAppender.closeSync();
}

/** One dashboard query timed on the broker and on DuckDB; both must return the same number of rows. */
async function compareQuery(client: PinotClient, duckConn: DuckDBConnection, name: string, table: string, sql: string): Promise<PinotQueryFigures> {
  progress(`query ${name}: ${QUERY_RUNS} runs on the broker, ${QUERY_RUNS} on DuckDB`);
  const pinotTimes = await timeRuns(async () => (await client.brokerQuery(sql)).rows.length);
  const duckTimes = await timeRuns(async () => (await duckConn.runAndReadAll(sql)).getRows().length);
  if (pinotTimes.resultRows !== duckTimes.resultRows) throw new Error(`${name}: Pinot returned ${pinotTimes.resultRows} rows, DuckDB ${duckTimes.resultRows}`);
  return {
    query: name,
    table,
    resultRows: pinotTimes.resultRows,
    pinotP50Ms: round(pinotTimes.p50),
    pinotP99Ms: round(pinotTimes.p99),
    duckdbP50Ms: round(duckTimes.p50),
    duckdbP99Ms: round(duckTimes.p99),
    ratioP50: round(pinotTimes.p50 / duckTimes.p50),
    ratioP99: round(pinotTimes.p99 / duckTimes.p99),
  };
}

function printFigures(f: PinotBenchFigures): void {
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  console.log(`\nPinot (embedded): ${n(f.rows)} rows per table, Kafka (1 broker, ${PARTITIONS} partitions) -> DuckDB-backed realtime tables`);
  console.log(`${'table'.padEnd(20)} ${'kind'.padEnd(7)} ${'produce rows/s'.padStart(15)} ${'ingest rows/s'.padStart(14)} ${'ingest s'.padStart(9)}`);
  for (const r of f.ingest) {
    console.log(
      `${r.table.padEnd(20)} ${r.kind.padEnd(7)} ${n(r.produceRowsPerSec).padStart(15)} ${n(r.ingestRowsPerSec).padStart(14)} ${(r.ingestMs / 1000).toFixed(2).padStart(9)}`,
    );
  }
  console.log(`\nDashboard queries (dashboard/snapshot.ts), ${QUERY_RUNS} runs each: broker HTTP vs in-memory DuckDB, same rows`);
  console.log(
    `${'query'.padEnd(8)} ${'table'.padEnd(18)} ${'rows'.padStart(6)} ${'pinot p50'.padStart(10)} ${'pinot p99'.padStart(10)} ${'duck p50'.padStart(9)} ${'duck p99'.padStart(9)} ${'x p50'.padStart(7)} ${'x p99'.padStart(7)}`,
  );
  for (const q of f.queries) {
    console.log(
      `${q.query.padEnd(8)} ${q.table.padEnd(18)} ${String(q.resultRows).padStart(6)} ${q.pinotP50Ms.toFixed(1).padStart(8)}ms ${q.pinotP99Ms.toFixed(1).padStart(8)}ms ${q.duckdbP50Ms.toFixed(1).padStart(7)}ms ${q.duckdbP99Ms.toFixed(1).padStart(7)}ms ${q.ratioP50.toFixed(1).padStart(7)} ${q.ratioP99.toFixed(1).padStart(7)}`,
    );
  }
}
