/**
 * The embedded Pinot: controller REST (+ query console) and broker over one DuckDB file, consuming
 * realtime tables from Kafka.
 *
 *   const pinot = await startPinot({ controllerPort: 9000, brokerPort: 8099, dataDir: '.data/pinot', kafkaBootstrap });
 *   … pinot.controllerUrl, pinot.brokerUrl …
 *   await pinot.stop();
 */
import http from 'node:http';
import { closerOf, listen, urlHost } from '../common/http-server.ts';
import { SchemaStore, TableManager } from './catalog.ts';
import { PinotDb, type PinotDbLimits } from './db.ts';
import { createBrokerApp } from './http/broker.ts';
import { createControllerApp } from './http/controller.ts';
import { IngestionManager } from './ingest/manager.ts';
import { QueryEngine } from './query.ts';

export type { BrokerResponse, QueryRequest, QueryOutcome } from './query.ts';
export type { TableIngestionStatus } from './ingest/manager.ts';

export const PINOT_VERSION = '1.2.0-embedded';

export interface PinotOptions {
  /** Controller port (Pinot: 9000); 0 picks a free port. */
  controllerPort?: number;
  /** Broker port (Pinot: 8099); 0 picks a free port. */
  brokerPort?: number;
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** Directory for `pinot.duckdb` (schemas, tables, rows, offsets). Omitted: in-memory, nothing persists. */
  dataDir?: string;
  /** DuckDB's memory limit and threads; omitted: DuckDB's defaults. */
  storageLimits?: PinotDbLimits;
  /**
   * The broker's query timeout, ms (default 10 s, Pinot's pinot.broker.timeoutMs; a query's timeoutMs may
   * lower it, not raise it), the longest string a query may build (default 16,384 characters), how
   * many queries run in DuckDB at once (default 2; the others wait their turn) and the most bytes of
   * rows a query may return (default 64 MiB).
   */
  queryLimits?: { timeoutMs?: number; maxStringLength?: number; maxRunningQueries?: number; maxResponseBytes?: number };
  /**
   * Kafka bootstrap list (`host:port,…`) used instead of every table's `stream.kafka.broker.list`, so
   * compose-style lists (kafka1:29092) reach the embedded cluster. Omitted: the table's own list.
   */
  kafkaBootstrap?: string;
  /** Host names accepted besides localhost, IP addresses and `host` (ALLOWED_HOSTS); see embedded/common/http-guard.ts. */
  allowedHosts?: readonly string[];
  /** Web page origins allowed to change data besides the servers' own (ALLOWED_ORIGINS). */
  allowedOrigins?: readonly string[];
  /** One line per event/problem; default console.log with a `[pinot]` prefix. */
  log?: (line: string) => void;
  /** Retry delay for missing topics / unreachable Kafka (default 2000 ms). */
  retryMs?: number;
}

export interface PinotHandle {
  controllerUrl: string;
  brokerUrl: string;
  controllerPort: number;
  brokerPort: number;
  /** The services behind the routes (for embedding code and tests). */
  services: {
    db: PinotDb;
    schemas: SchemaStore;
    tables: TableManager;
    ingestion: IngestionManager;
    engine: QueryEngine;
  };
  stop(): Promise<void>;
}

export async function startPinot(options: PinotOptions = {}): Promise<PinotHandle> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => console.log(`[pinot] ${line}`));
  const startedMs = Date.now();
  const guard = { bindHost: host, allowedHosts: options.allowedHosts, allowedOrigins: options.allowedOrigins };
  const db = await PinotDb.open(options.dataDir, options.storageLimits);
  /** each listener's stop, in the order they started */
  const closers: (() => Promise<void>)[] = [];
  let ingestion: IngestionManager | undefined;
  try {
    const schemas = new SchemaStore(db);
    await schemas.load();
    const tables = new TableManager(db, schemas);
    await tables.load();
    ingestion = new IngestionManager(db, tables, { kafkaBootstrap: options.kafkaBootstrap, log, retryMs: options.retryMs });
    tables.setListener(ingestion);
    const ing = ingestion;

    let brokerPort = options.brokerPort ?? 8099;
    let controllerPort = options.controllerPort ?? 9000;
    const brokerId = () => `Broker_${host}_${brokerPort}`;
    const engine = new QueryEngine(db, tables, {
      get brokerId() {
        return brokerId();
      },
      runtimeInfo: (entry) => ing.runtimeInfo(entry),
      timeoutMs: options.queryLimits?.timeoutMs,
      maxStringLength: options.queryLimits?.maxStringLength,
      maxRunningQueries: options.queryLimits?.maxRunningQueries,
      maxResponseBytes: options.queryLimits?.maxResponseBytes,
    });
    let ready = false;
    const brokerServer = http.createServer(createBrokerApp({ engine, brokerId, startedMs, log, isReady: () => ready, guard }));
    closers.push(closerOf(brokerServer));
    brokerPort = await listen(brokerServer, brokerPort, host);

    const controllerServer = http.createServer(
      createControllerApp({
        schemas,
        tables,
        ingestion: ing,
        engine,
        brokerHost: urlHost(host),
        brokerPort: () => brokerPort,
        brokerId,
        controllerId: () => `Controller_${host}_${controllerPort}`,
        startedMs,
        version: PINOT_VERSION,
        log,
        guard,
      }),
    );
    closers.push(closerOf(controllerServer));
    controllerPort = await listen(controllerServer, controllerPort, host);

    ing.startAll();
    ready = true;
    let stopped: Promise<void> | undefined;
    return {
      controllerUrl: `http://${urlHost(host)}:${controllerPort}`,
      brokerUrl: `http://${urlHost(host)}:${brokerPort}`,
      controllerPort,
      brokerPort,
      services: { db, schemas, tables, ingestion: ing, engine },
      stop() {
        stopped ??= (async () => {
          ready = false;
          await Promise.all(closers.map((close) => close()));
          await ing.stop();
          await db.close();
        })();
        return stopped;
      },
    };
  } catch (error) {
    await Promise.all(closers.map((close) => close()));
    await ingestion?.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
}
