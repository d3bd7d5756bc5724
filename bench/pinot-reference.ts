/**
 * `npm run bench -- pinot-reference [--rows N]`: our Pinot against real Apache Pinot 0.11 (reference/pinot/,
 * four JVMs), side by side in one run, both fed by the same topics of one real Apache Kafka (reference/).
 * The two Pinots run one after the other, never at the same time, so neither takes the other's cores.
 *
 * For each side, from the same N rows already in Kafka:
 *   - start-up: spawning the process(es) to ready (real Pinot: ZooKeeper, controller, broker and server);
 *   - ingest rows/s: the table is created and the clock runs until `COUNT(*)` reports every row, once for
 *     the upsert table `pageview_country` (its own config: FULL upsert, every key distinct) and once for an
 *     append table (`pageview_tumbling`'s schema and config without upsert);
 *   - freshness: single rows produced into each table's topic, timed until `COUNT(*)` sees them (p50/p99);
 *   - the dashboard's queries (dashboard/snapshot.ts QUERIES) over HTTP at N rows, p50/p99; both sides must
 *     return the same rows;
 *   - RSS: ours is `embedded/pinot`'s server in a child process of its own (as in the stack), the reference
 *     the sum of its four JVMs; idle after start-up, after the run, and the peak.
 * Ours is printed as a ratio of the reference's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { loadConfig } from '../config/index.ts';
import { COUNTRY_TABLE, QUERIES } from '../dashboard/snapshot.ts';
import { parseCliArgs, CliUsageError } from '../embedded/common/cli/args.ts';
import { pinotTables, type PinotTable } from '../pinot/tables.ts';
import { startReferenceKafka } from '../reference/index.ts';
import { referencePinotVersion, startReferencePinot } from '../reference/pinot/index.ts';
import { progress, sumMemoryMb } from './measure.ts';
import { startPinotProcess } from './pinot-process.ts';
import { BENCH_BASE_TS, countryRow, windowRow } from './pinot-rows.ts';

const APPEND_TABLE = 'pageview_tumbling';
const TOPICS = { upsert: 'bench-pinot-ref-country', append: 'bench-pinot-ref-tumbling' } as const;
const PARTITIONS = 4;
const FRESHNESS_SAMPLES = 20;
const QUERY_RUNS = 40;
const WARMUP_RUNS = 3;
/** Real Pinot's server heap for this bench: 0.11 keeps the upsert table's primary-key map on the heap (1M keys). */
const REFERENCE_HEAP_MB = { zookeeper: 96, controller: 256, broker: 256, server: 1024 };
/** Small, for trying it; the figures in bench/RESULTS.md are at 1M. */
export const DEFAULT_ROWS = 20_000;
const INGEST_TIMEOUT_MS = 20 * 60_000;

type Kind = 'upsert' | 'append';

interface Side {
  name: 'reference' | 'embedded';
  controllerUrl: string;
  brokerUrl: string;
  pids: number[];
  startupMs: number;
  stop: () => Promise<void>;
}

export interface PinotSideFigures {
  startupMs: number;
  upsertIngestRowsPerSec: number;
  appendIngestRowsPerSec: number;
  upsertFreshnessP50Ms: number;
  upsertFreshnessP99Ms: number;
  appendFreshnessP50Ms: number;
  appendFreshnessP99Ms: number;
  countryQueryP50Ms: number;
  countryQueryP99Ms: number;
  windowQueryP50Ms: number;
  windowQueryP99Ms: number;
  idleRssMb: number;
  loadedRssMb: number;
  peakRssMb: number;
}

export interface PinotComparisonRow {
  metric: string;
  unit: string;
  reference: number;
  embedded: number;
  /** embedded / reference */
  oursPerReference: number;
  better: 'higher' | 'lower';
}

export interface PinotSideBySide {
  rows: number;
  referenceVersion: string;
  /** `uptime`'s load averages (1, 5, 15 min) when the run started and when it ended: the machine is shared. */
  loadAtStart: string;
  loadAtEnd: string;
  comparison: PinotComparisonRow[];
  /** The dashboard's queries answered the same rows on both sides. */
  sameQueryRows: boolean;
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));
const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** The two bench tables from the project's files, on the bench's topics. */
function benchTables(bootstrap: string): Record<Kind, PinotTable> {
  const tables = pinotTables(loadConfig(), { brokerList: bootstrap });
  const upsert = tables.find((t) => t.name === COUNTRY_TABLE)!;
  const append = tables.find((t) => t.name === APPEND_TABLE)!;
  delete append.tableConfig.upsertConfig;
  delete append.tableConfig.routing;
  delete append.schema.primaryKeyColumns;
  upsert.tableConfig.tableIndexConfig.streamConfigs['stream.kafka.topic.name'] = TOPICS.upsert;
  append.tableConfig.tableIndexConfig.streamConfigs['stream.kafka.topic.name'] = TOPICS.append;
  return { upsert, append };
}

/** Sends rows [from, to) of a kind, 5,000 a batch, four batches in flight. */
async function produceRows(producer: Producer, kind: Kind, from: number, to: number): Promise<void> {
  const make = kind === 'upsert' ? countryRow : windowRow;
  const key = (i: number) => (kind === 'upsert' ? countryRow(i).country : windowRow(i).source);
  const inFlight: Promise<unknown>[] = [];
  for (let i = from; i < to; i += 5_000) {
    const n = Math.min(5_000, to - i);
    inFlight.push(
      producer.send({
        topic: TOPICS[kind],
        acks: -1,
        messages: Array.from({ length: n }, (_, k) => ({ key: key(i + k), value: JSON.stringify(make(i + k)) })),
      }),
    );
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
}

async function brokerRows(side: Side, sql: string): Promise<unknown[][]> {
  const response = await fetch(`${side.brokerUrl}/query/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql }),
  });
  const text = await response.text();
  let body: { resultTable?: { rows: unknown[][] }; exceptions?: { errorCode: number; message: string }[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`${side.name} broker answered ${response.status} to "${sql}": ${text.slice(0, 200)}`);
  }
  if (body.exceptions?.length || !body.resultTable) throw new Error(`${side.name}: ${sql}: ${JSON.stringify(body.exceptions).slice(0, 300)}`);
  return body.resultTable.rows;
}

async function count(side: Side, table: string): Promise<number> {
  try {
    return Number((await brokerRows(side, `SELECT COUNT(*) FROM ${table}`))[0]![0]);
  } catch {
    return 0; // the table's first segment is not queryable yet
  }
}

async function post(side: Side, pathName: string, body: unknown): Promise<void> {
  const response = await fetch(`${side.controllerUrl}${pathName}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${side.name}: POST ${pathName}: ${response.status} ${await response.text()}`);
}

/** Creates the table and times until COUNT(*) reaches `expected`; rows/s. */
async function ingest(side: Side, table: PinotTable, expected: number): Promise<number> {
  await post(side, '/schemas', table.schema);
  const start = performance.now();
  await post(side, '/tables', table.tableConfig);
  for (let lastReport = start; ; ) {
    const seen = await count(side, table.name);
    if (seen >= expected) break;
    if (performance.now() - lastReport > 5_000) {
      progress(`${side.name}: ${table.name} ${seen.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')} rows`);
      lastReport = performance.now();
    }
    if (performance.now() - start > INGEST_TIMEOUT_MS)
      throw new Error(`${side.name}: ${table.name} has ${seen} of ${expected} rows after ${INGEST_TIMEOUT_MS / 60_000} minutes`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return (expected * 1000) / (performance.now() - start);
}

/** Per query: p50 and p99 of QUERY_RUNS timed runs after WARMUP_RUNS, and the rows of the last run. */
async function timeQuery(side: Side, sql: string): Promise<{ p50: number; p99: number; rows: unknown[][] }> {
  let rows: unknown[][] = [];
  for (let i = 0; i < WARMUP_RUNS; i++) rows = await brokerRows(side, sql);
  const times: number[] = [];
  for (let i = 0; i < QUERY_RUNS; i++) {
    const start = performance.now();
    rows = await brokerRows(side, sql);
    times.push(performance.now() - start);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), rows };
}

/**
 * A dashboard query's answer to compare across the two sides: freshness rows left out, doubles to 10
 * significant digits; the window query's as a sorted multiset (it orders by window_start only: the sources of
 * one window tie), the country query's in order.
 */
function normalise(query: 'country' | 'window', rows: unknown[][]): string {
  const kept = rows
    .filter((r) => !FRESHNESS_ROW_IN[query](r))
    .map((r) => JSON.stringify(r.map((v) => (typeof v === 'number' ? Number(v.toPrecision(10)) : v))));
  return JSON.stringify(query === 'window' ? kept.sort() : kept);
}

interface Workload {
  tables: Record<Kind, PinotTable>;
  producer: Producer;
  /** Rows in each topic so far (freshness rows of the first side included). */
  produced: Record<Kind, number>;
}

/**
 * A freshness row: a new key (so COUNT(*) grows by one) that the dashboard's queries never return ahead of
 * the bench rows (user_count -1 sorts last in the country query, a window before every other one last in the
 * window query), so both sides answer those queries the same although each sees the other's freshness rows.
 */
function freshnessRow(kind: Kind, n: number): { key: string; value: string } {
  if (kind === 'upsert') {
    const row = { ...countryRow(n), country: `fresh-${n}`, user_count: -1 };
    return { key: row.country, value: JSON.stringify(row) };
  }
  const windowStart = BENCH_BASE_TS - (n + 1) * 60_000;
  return { key: 'fresh', value: JSON.stringify({ ...windowRow(n), window_start: windowStart, window_end: windowStart + 60_000 }) };
}

/** Freshness rows in the answers of the country query (user_count, third) and of the window query (window_start, second). */
const FRESHNESS_ROW_IN: Record<'country' | 'window', (row: unknown[]) => boolean> = {
  country: (row) => row[2] === -1,
  window: (row) => Number(row[1]) < BENCH_BASE_TS,
};

async function freshness(side: Side, work: Workload, kind: Kind): Promise<{ p50: number; p99: number }> {
  const table = work.tables[kind].name;
  const samples: number[] = [];
  let visible = await count(side, table);
  for (let i = 0; i < FRESHNESS_SAMPLES; i++) {
    const start = performance.now();
    await work.producer.send({ topic: TOPICS[kind], acks: -1, messages: [freshnessRow(kind, work.produced[kind]++)] });
    for (;;) {
      const seen = await count(side, table);
      if (seen > visible) {
        visible = seen;
        break;
      }
      if (performance.now() - start > 60_000) throw new Error(`${side.name}: a row produced to ${table} was not queryable after 60 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
    samples.push(performance.now() - start);
  }
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function measureSide(side: Side, work: Workload): Promise<{ figures: PinotSideFigures; queryRows: string[] }> {
  const idleRssMb = sumMemoryMb(side.pids, 0);
  progress(
    `${side.name}: ready in ${(side.startupMs / 1000).toFixed(1)} s, RSS ${Math.round(idleRssMb)} MiB; ingesting ${work.produced.upsert.toLocaleString('en-US')} rows into ${work.tables.upsert.name} (upsert)`,
  );
  const upsertRate = await ingest(side, work.tables.upsert, work.produced.upsert);
  progress(
    `${side.name}: ${Math.round(upsertRate).toLocaleString('en-US')} rows/s; ingesting ${work.produced.append.toLocaleString('en-US')} rows into ${work.tables.append.name} (append)`,
  );
  const appendRate = await ingest(side, work.tables.append, work.produced.append);
  progress(`${side.name}: ${Math.round(appendRate).toLocaleString('en-US')} rows/s; freshness, ${FRESHNESS_SAMPLES} single rows per table`);
  const upsertFresh = await freshness(side, work, 'upsert');
  const appendFresh = await freshness(side, work, 'append');
  progress(`${side.name}: the dashboard's queries, ${QUERY_RUNS} runs each`);
  const country = await timeQuery(side, QUERIES.country);
  const window = await timeQuery(side, QUERIES.window(APPEND_TABLE));
  const figures: PinotSideFigures = {
    startupMs: side.startupMs,
    upsertIngestRowsPerSec: Math.round(upsertRate),
    appendIngestRowsPerSec: Math.round(appendRate),
    upsertFreshnessP50Ms: round(upsertFresh.p50),
    upsertFreshnessP99Ms: round(upsertFresh.p99),
    appendFreshnessP50Ms: round(appendFresh.p50),
    appendFreshnessP99Ms: round(appendFresh.p99),
    countryQueryP50Ms: round(country.p50),
    countryQueryP99Ms: round(country.p99),
    windowQueryP50Ms: round(window.p50),
    windowQueryP99Ms: round(window.p99),
    idleRssMb: round(idleRssMb, 1),
    loadedRssMb: round(sumMemoryMb(side.pids, 0), 1),
    peakRssMb: round(sumMemoryMb(side.pids, 1), 1),
  };
  return { figures, queryRows: [normalise('country', country.rows), normalise('window', window.rows)] };
}

async function startReferenceSide(dataDir: string): Promise<Side> {
  const pinot = await startReferencePinot({ dataDir, heapMb: REFERENCE_HEAP_MB, log: (l) => progress(`reference: ${l}`) });
  return {
    name: 'reference',
    controllerUrl: pinot.controllerUrl,
    brokerUrl: pinot.brokerUrl,
    pids: pinot.processes.map((p) => p.pid),
    startupMs: pinot.startupMs,
    stop: pinot.stop,
  };
}

async function startEmbeddedSide(dataDir: string, kafkaBootstrap: string): Promise<Side> {
  const pinot = await startPinotProcess({ dataDir, kafkaBootstrap, maxHeapMb: loadConfig().memory.pinotMaxHeapMb });
  return { name: 'embedded', controllerUrl: pinot.controllerUrl, brokerUrl: pinot.brokerUrl, pids: [pinot.pid], startupMs: pinot.startupMs, stop: pinot.stop };
}

export async function benchPinotSideBySide(rows: number): Promise<PinotSideBySide> {
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows must be a positive integer, got ${rows}`);
  const loadAtStart = loadAverage();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pinot-ref-'));
  progress(`${rows.toLocaleString('en-US')} rows per table; load average ${loadAtStart}; starting real Apache Kafka (1 node)`);
  const kafkaRef = await startReferenceKafka({ brokers: 1, firstPort: 0, dataDir: path.join(dir, 'kafka'), heapMb: 512, log: (l) => progress(`kafka: ${l}`) });
  const stops: (() => Promise<void>)[] = [() => kafkaRef.stop()];
  try {
    const kafka = new Kafka({ clientId: 'bench-pinot-reference', brokers: kafkaRef.bootstrap.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: Object.values(TOPICS).map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
    });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    stops.unshift(() => producer.disconnect());
    for (const kind of ['upsert', 'append'] as const) {
      progress(`producing ${rows.toLocaleString('en-US')} ${kind} rows to ${TOPICS[kind]}`);
      await produceRows(producer, kind, 0, rows);
    }
    const work: Workload = { tables: benchTables(kafkaRef.bootstrap), producer, produced: { upsert: rows, append: rows } };

    const measured: Partial<Record<Side['name'], { figures: PinotSideFigures; queryRows: string[] }>> = {};
    const starts: [Side['name'], () => Promise<Side>][] = [
      ['reference', () => startReferenceSide(path.join(dir, 'reference'))],
      ['embedded', () => startEmbeddedSide(path.join(dir, 'embedded'), kafkaRef.bootstrap)],
    ];
    for (const [name, start] of starts) {
      progress(`starting ${name === 'reference' ? `Apache Pinot ${referencePinotVersion()}` : 'our Pinot (own process)'}`);
      const side = await start();
      try {
        measured[name] = await measureSide(side, work);
      } finally {
        progress(`stopping ${name}`);
        await side.stop();
      }
    }
    const reference = measured.reference!;
    const embedded = measured.embedded!;
    const sameQueryRows = reference.queryRows.every((r, i) => r === embedded.queryRows[i]);
    const result: PinotSideBySide = {
      rows,
      referenceVersion: referencePinotVersion(),
      loadAtStart,
      loadAtEnd: loadAverage(),
      comparison: compare(reference.figures, embedded.figures),
      sameQueryRows,
    };
    printSideBySide(result);
    return result;
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const METRICS: [string, keyof PinotSideFigures, string, 'higher' | 'lower'][] = [
  ['ingest, upsert table', 'upsertIngestRowsPerSec', 'rows/s', 'higher'],
  ['ingest, append table', 'appendIngestRowsPerSec', 'rows/s', 'higher'],
  ['freshness p50, upsert', 'upsertFreshnessP50Ms', 'ms', 'lower'],
  ['freshness p99, upsert', 'upsertFreshnessP99Ms', 'ms', 'lower'],
  ['freshness p50, append', 'appendFreshnessP50Ms', 'ms', 'lower'],
  ['freshness p99, append', 'appendFreshnessP99Ms', 'ms', 'lower'],
  ['country query p50', 'countryQueryP50Ms', 'ms', 'lower'],
  ['country query p99', 'countryQueryP99Ms', 'ms', 'lower'],
  ['window query p50', 'windowQueryP50Ms', 'ms', 'lower'],
  ['window query p99', 'windowQueryP99Ms', 'ms', 'lower'],
  ['RSS idle after start-up', 'idleRssMb', 'MiB', 'lower'],
  ['RSS after the run', 'loadedRssMb', 'MiB', 'lower'],
  ['RSS peak', 'peakRssMb', 'MiB', 'lower'],
  ['start-up to ready', 'startupMs', 'ms', 'lower'],
];

function compare(reference: PinotSideFigures, embedded: PinotSideFigures): PinotComparisonRow[] {
  return METRICS.map(([metric, key, unit, better]) => ({
    metric,
    unit,
    reference: reference[key],
    embedded: embedded[key],
    oursPerReference: round(embedded[key] / reference[key]),
    better,
  }));
}

function printSideBySide(r: PinotSideBySide): void {
  const fmt = (v: number) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2));
  console.log(
    `\nPinot side by side: ${r.rows.toLocaleString('en-US')} rows per table from real Kafka (${PARTITIONS} partitions); load average ${r.loadAtStart} -> ${r.loadAtEnd}`,
  );
  console.log(`${'metric'.padEnd(26)} ${`Pinot ${r.referenceVersion}`.padStart(18)} ${'ours'.padStart(18)}  ours/reference`);
  for (const row of r.comparison) {
    console.log(
      `${row.metric.padEnd(26)} ${`${fmt(row.reference)} ${row.unit}`.padStart(18)} ${`${fmt(row.embedded)} ${row.unit}`.padStart(18)}  ${row.oursPerReference.toFixed(2)}x (${row.better} is better)`,
    );
  }
  console.log(
    r.sameQueryRows ? "The dashboard's queries answered the same rows on both." : "WARNING: the dashboard's queries answered different rows on the two Pinots.",
  );
}

const HELP = `Usage: npm run bench -- pinot-reference [--rows N]

Real Apache Pinot ${referencePinotVersion()} (fetched with mvn on first use) and our Pinot (its own process), one after
the other, fed by the same topics of one real Apache Kafka: ingest rows/s (upsert and append table), freshness
p50/p99, the dashboard's queries p50/p99, RSS and start-up, ours as a ratio of the reference's.

Options:
  --rows N    rows per table (default 20000; the figures in bench/RESULTS.md are at 1000000)
  -h, --help  show this help`;

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  (async () => {
    const args = parseCliArgs(process.argv.slice(2), { rows: 'int', help: 'boolean' }, { h: 'help' });
    if (args.flags.help) return console.log(HELP);
    await benchPinotSideBySide((args.flags.rows as number | undefined) ?? DEFAULT_ROWS);
  })().catch((error) => {
    console.error(`bench: ${(error as Error).message}`);
    process.exit(error instanceof CliUsageError ? 2 : 1);
  });
}
