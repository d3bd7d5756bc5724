/**
 * Dashboard test helpers:
 * - `startStandInPinot`: a tiny HTTP stand-in answering the broker's documented `POST /query/sql` format
 *   (unit tests only);
 * - `startPinotStack`: the embedded Kafka + embedded Pinot with the project's four tables from pinot/,
 *   fed by kafkajs on the table topics (topic5..topic8), the same path the stack uses.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { loadConfig, type AppConfig } from '../../config/index.ts';
import { startKafkaCluster, type KafkaCluster } from '../../embedded/kafka/index.ts';
import { startPinot, type PinotHandle } from '../../embedded/pinot/index.ts';
import { pinotTables, type PinotTableName } from '../../pinot/tables.ts';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ------------------------------------------------------------------------------------------ stand-in

export interface StandInTable {
  columnNames: string[];
  columnDataTypes: string[];
  rows: unknown[][];
}

export interface StandInPinot {
  url: string;
  /** Tables by name; a missing name answers errorCode 190 like Pinot. */
  tables: Map<string, StandInTable>;
  /** When set, every query answers this exception instead. */
  failWith: { errorCode: number; message: string } | undefined;
  /** When set, every request gets this HTTP status. */
  httpStatus: number | undefined;
  queries: string[];
  stop(): Promise<void>;
}

const COUNTRY_COLUMNS = {
  columnNames: ['country', 'avg_age', 'user_count', 'view_count', 'last_event_ts'],
  columnDataTypes: ['STRING', 'DOUBLE', 'LONG', 'LONG', 'LONG'],
};
const WINDOW_COLUMNS = {
  columnNames: ['source', 'window_start', 'window_end', 'user_count', 'view_count'],
  columnDataTypes: ['STRING', 'LONG', 'LONG', 'LONG', 'LONG'],
};

export function countryTable(rows: [string, number, number, number, number][]): StandInTable {
  return { ...COUNTRY_COLUMNS, rows };
}

export function windowTable(rows: [string, number, number, number, number][]): StandInTable {
  return { ...WINDOW_COLUMNS, rows };
}

function brokerBody(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    numRowsResultSet: 0,
    partialResult: false,
    exceptions: [],
    numGroupsLimitReached: false,
    timeUsedMs: 1,
    requestId: '1',
    brokerId: 'Broker_standin_8099',
    numDocsScanned: 0,
    totalDocs: 0,
    numServersQueried: 1,
    numServersResponded: 1,
    traceInfo: {},
    ...extra,
  };
}

/** Answers the four dashboard queries from `tables` by the FROM table; honours the selected columns and LIMIT only loosely. */
export async function startStandInPinot(): Promise<StandInPinot> {
  const standIn: StandInPinot = {
    url: '',
    tables: new Map(),
    failWith: undefined,
    httpStatus: undefined,
    queries: [],
    stop: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (standIn.httpStatus !== undefined) {
        res.writeHead(standIn.httpStatus, { 'content-type': 'text/plain' }).end('unavailable');
        return;
      }
      if (req.method === 'GET' && req.url === '/health') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
        return;
      }
      if (req.method !== 'POST' || req.url !== '/query/sql') {
        res.writeHead(404).end();
        return;
      }
      let sql = '';
      try {
        sql = String(JSON.parse(body).sql);
      } catch {
        res.writeHead(400).end('Invalid JSON');
        return;
      }
      standIn.queries.push(sql);
      const json = (value: unknown, code = -1) => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-pinot-error-code': String(code) }).end(JSON.stringify(value));
      };
      if (standIn.failWith) return json(brokerBody({ partialResult: true, exceptions: [standIn.failWith] }), standIn.failWith.errorCode);
      const from = /\bFROM\s+([A-Za-z0-9_]+)/i.exec(sql)?.[1] ?? '';
      const table = standIn.tables.get(from);
      if (!table) return json(brokerBody({ partialResult: true, exceptions: [{ errorCode: 190, message: 'TableDoesNotExistError' }] }), 190);
      json(
        brokerBody({
          resultTable: { dataSchema: { columnNames: table.columnNames, columnDataTypes: table.columnDataTypes }, rows: table.rows },
          numRowsResultSet: table.rows.length,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  standIn.stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return standIn;
}

// ------------------------------------------------------------------------------------------ real Pinot

export interface PinotStack {
  config: AppConfig;
  cluster: KafkaCluster;
  pinot: PinotHandle;
  producer: Producer;
  /** Produces JSON rows to the topic of a table (key = the table's key columns). */
  produce(table: PinotTableName, rows: Record<string, unknown>[]): Promise<void>;
  /** Runs SQL on the broker and returns rows (throws on exceptions). */
  query(sql: string): Promise<unknown[][]>;
  /** Waits until `SELECT count(*)` of the table reaches `count`. */
  waitForCount(table: PinotTableName, count: number, timeoutMs?: number): Promise<void>;
  stopPinot(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPinotStack(): Promise<PinotStack> {
  const config = loadConfig({});
  const cluster = await startKafkaCluster({ firstPort: 0, dataDir: tempDir('dash-kafka') });
  const bootstrap = cluster.bootstrap();
  const kafka = new Kafka({
    clientId: 'dashboard-test',
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 100 },
  });
  const admin = kafka.admin();
  await admin.connect();
  const tables = pinotTables(config, { brokerList: bootstrap });
  try {
    await admin.createTopics({
      topics: tables.map((t) => ({ topic: t.topic, numPartitions: 3, replicationFactor: 3 })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const pinotLogs: string[] = [];
  const pinot = await startPinot({
    controllerPort: 0,
    brokerPort: 0,
    dataDir: tempDir('dash-pinot'),
    kafkaBootstrap: bootstrap,
    retryMs: 300,
    log: (line) => pinotLogs.push(line),
  });
  for (const table of tables) {
    for (const [route, body] of [
      ['schemas', table.schema],
      ['tables', table.tableConfig],
    ] as const) {
      const response = await fetch(`${pinot.controllerUrl}/${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`POST /${route} ${table.name}: ${response.status} ${await response.text()}`);
    }
  }
  const topicOf = new Map(tables.map((t) => [t.name, t.topic]));
  let pinotStopped = false;

  const query = async (sql: string): Promise<unknown[][]> => {
    const response = await fetch(`${pinot.brokerUrl}/query/sql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sql }),
    });
    const body = (await response.json()) as { exceptions: { message: string }[]; resultTable?: { rows: unknown[][] } };
    if (body.exceptions.length) throw new Error(`${sql}: ${body.exceptions.map((e) => e.message).join('; ')}`);
    return body.resultTable?.rows ?? [];
  };

  return {
    config,
    cluster,
    pinot,
    producer,
    async produce(table, rows) {
      await producer.send({
        topic: topicOf.get(table)!,
        acks: -1,
        messages: rows.map((row) => ({ key: String(table === 'pageview_country' ? row.country : row.source), value: JSON.stringify(row) })),
      });
    },
    query,
    async waitForCount(table, count, timeoutMs = 20_000) {
      await waitFor(
        `${table} to hold ${count} rows (pinot log: ${pinotLogs.slice(-3).join(' | ')})`,
        async () => {
          const rows = await query(`SELECT count(*) FROM ${table}`);
          return Number(rows[0]?.[0]) === count ? true : undefined;
        },
        timeoutMs,
      );
    },
    async stopPinot() {
      pinotStopped = true;
      await pinot.stop();
    },
    async stop() {
      await producer.disconnect().catch(() => undefined);
      if (!pinotStopped) await pinot.stop().catch(() => undefined);
      await cluster.stop().catch(() => undefined);
    },
  };
}

/** A country row as ksql writes it to topic5. */
export function countryRow(country: string, users: number, avgAge: number, views: number, ts = 1_790_000_000_000): Record<string, unknown> {
  return { country, avg_age: avgAge, user_count: users, view_count: views, last_event_ts: ts };
}

/** A window row as ksql writes it to topic6..topic8. */
export function windowRow(source: string, windowStart: number, windowEnd: number, users: number, views: number): Record<string, unknown> {
  return { source, window_start: windowStart, window_end: windowEnd, user_count: users, view_count: views };
}
