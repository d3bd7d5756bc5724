/**
 * The embedded ksqlDB server: the engine, its Kafka runtime and ksqlDB's REST API (default :8088).
 * `startKsqlDb()` resolves once the port is bound, the command topic replayed, state restored and the
 * persistent queries consuming.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closerOf, listen, urlHost } from '../common/http-server.ts';
import { Kafka, logLevel } from 'kafkajs';
import type { KsqlEngine } from './engine.ts';
import { ksqlApp } from './rest/app.ts';
import { dualProtocolListener } from './rest/http2.ts';
import { KsqlRuntime } from './runtime/runtime.ts';

export { KsqlRuntime, StatementFailure, commandIdOf } from './runtime/runtime.ts';
export type { RuntimeOptions, RuntimeStats, StatementOutcome } from './runtime/runtime.ts';
export { KsqlEngine } from './engine.ts';
export type { EngineOptions, Entity, ExecuteResult, ProcessingLogEntry, SourceDescription, TransientQuery, TransientRow } from './engine.ts';
export { KsqlError } from './errors.ts';
export type { SinkRecord, SourceRecord, TopicSpec } from './io.ts';
export { Metastore } from './metastore.ts';
export type { DataSource, MetastoreSnapshot, QueryInfo } from './metastore.ts';
export { MemoryStateBackend, MemoryStore } from './state/store.ts';
export type { ChangeHook, KeyValueStore, StateBackend } from './state/store.ts';
export { ksqlApp, KSQL_VERSION } from './rest/app.ts';

export interface KsqlDbOptions {
  /** REST port; 0 = any free port. Default 8088, as the real server's. */
  port?: number;
  /** Bind address. Default 127.0.0.1. */
  host?: string;
  /** Kafka bootstrap servers ("h:p,h:p" or a list). */
  bootstrap: string | string[];
  /** ksql.service.id. Default `default_`. */
  serviceId?: string;
  /** Server properties, e.g. {'ksql.streams.auto.offset.reset': 'earliest'}. */
  properties?: Record<string, string>;
  /** Request body limit in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Host names accepted besides localhost, IP addresses and `host` (ALLOWED_HOSTS); see embedded/common/http-guard.ts. */
  allowedHosts?: readonly string[];
  /** Web page origins allowed to run statements besides the server's own (ALLOWED_ORIGINS). */
  allowedOrigins?: readonly string[];
  /** One line per notable event or problem. Default: silent. */
  log?: (line: string) => void;
}

export interface KsqlDbHandle {
  /** http://host:port */
  url: string;
  port: number;
  engine: KsqlEngine;
  runtime: KsqlRuntime;
  /** Stops the REST server and the queries; everything processed is written and committed first. */
  stop(): Promise<void>;
}

export async function startKsqlDb(options: KsqlDbOptions): Promise<KsqlDbHandle> {
  const host = options.host ?? '127.0.0.1';
  const brokers = Array.isArray(options.bootstrap)
    ? options.bootstrap
    : options.bootstrap
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
  const log = options.log ?? (() => undefined);
  const kafka = new Kafka({
    clientId: 'ksqldb-server',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2_000 },
    connectionTimeout: 3_000,
  });
  const runtime = new KsqlRuntime({ kafka, brokers, serviceId: options.serviceId, config: options.properties, log });
  await runtime.start().catch(async (e: unknown) => {
    await runtime.stop().catch(() => undefined);
    throw e;
  });
  const guard = { bindHost: host, allowedHosts: options.allowedHosts, allowedOrigins: options.allowedOrigins };
  const app = ksqlApp(runtime, { maxBodyBytes: options.maxBodyBytes, log, guard });
  // HTTP/1.1 and cleartext HTTP/2 (prior knowledge) on the one port, as ksqlDB answers both
  const http1 = http.createServer(app);
  const server = dualProtocolListener(http1, () => ({ host: loopbackOf(host), port: (server.address() as AddressInfo).port }));
  const closeServer = closerOf(server);
  let port: number;
  try {
    port = await listen(server, options.port ?? 8088, host);
  } catch (e) {
    await runtime.stop().catch(() => undefined);
    throw e;
  }
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    engine: runtime.engine,
    runtime,
    stop: () =>
      (stopped ??= (async () => {
        await closeServer();
        await runtime.stop();
      })()),
  };
}

/** The address this process reaches its own listener on (a wildcard bind answers on loopback too). */
function loopbackOf(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}
