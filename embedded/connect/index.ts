/**
 * The embedded Kafka Connect worker: Connect's REST API (default 127.0.0.1:8083) and the JDBC source
 * connector, with its state in Kafka (connect-configs / connect-offsets / connect-status) like a
 * distributed worker. `startConnect()` resolves once the REST port is bound and stored connectors started.
 */
import http from 'node:http';
import { closerOf, listen, urlHost } from '../common/http-server.ts';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { connectApp } from './rest/app.ts';
import { Herder } from './runtime/herder.ts';
import { createRecordSender } from './runtime/record-sender.ts';
import { DEFAULT_TOPICS, type InternalTopicNames } from './storage/internal-topics.ts';

export { Herder } from './runtime/herder.ts';
export { OFFSET_HEADER } from './runtime/worker-task.ts';
export { parseJdbcUrl } from './jdbc/connection-url.ts';

export interface ConverterSetting {
  className: string;
  props: Record<string, string>;
}

export interface ConnectOptions {
  /** REST port; 0 = any free port. Default 8083, as the real server's. */
  port?: number;
  /** Bind address. Default 127.0.0.1. */
  host?: string;
  /** Kafka bootstrap servers ("h:p,h:p" or a list). */
  bootstrap: string | string[];
  /** TLS and SASL of the Kafka listener, as kafkajs takes them (`ssl`, `sasl`). Default: PLAINTEXT. */
  kafkaSecurity?: Pick<KafkaConfig, 'ssl' | 'sasl'>;
  /** Internal topic names. Default connect-configs / connect-offsets / connect-status. */
  topics?: Partial<InternalTopicNames>;
  /** Partitions of the internal topics when they are created. Default 1 / 25 / 5 as Connect. */
  internalPartitions?: { configs: number; offsets: number; status: number };
  /** How often source offsets are committed (offset.flush.interval.ms). Default 1000. */
  offsetFlushIntervalMs?: number;
  /** How long stopping a task waits for its poll before leaving it behind (task.shutdown.graceful.timeout.ms). Default 5000. */
  shutdownGracefulTimeoutMs?: number;
  /** Worker converters for connectors that name none. Default JsonConverter with schemas.enable=true. */
  keyConverter?: ConverterSetting;
  valueConverter?: ConverterSetting;
  /** Host names accepted besides localhost, IP addresses and `host` (ALLOWED_HOSTS); see embedded/common/http-guard.ts. */
  allowedHosts?: readonly string[];
  /** Web page origins allowed to change data besides the server's own (ALLOWED_ORIGINS). */
  allowedOrigins?: readonly string[];
  /** One line per notable event or problem. Default: silent. */
  log?: (line: string) => void;
}

export interface ConnectHandle {
  /** http://host:port */
  url: string;
  port: number;
  herder: Herder;
  /**
   * Stops the REST server and every task. `commitOffsets: false` skips the final offset commit, as a
   * crash between writing records and committing their offsets would (tests use it).
   */
  stop(options?: { commitOffsets?: boolean }): Promise<void>;
}

export async function startConnect(options: ConnectOptions): Promise<ConnectHandle> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 8083;
  const brokers = Array.isArray(options.bootstrap)
    ? options.bootstrap
    : options.bootstrap
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
  const log = options.log ?? (() => {});
  const kafka = new Kafka({
    clientId: 'connect-worker',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2_000 },
    connectionTimeout: 3_000,
    ...options.kafkaSecurity,
  });

  // Bind first so the worker id carries the real port, then start the herder behind a 503 until ready.
  let herder: Herder | undefined;
  let handler: http.RequestListener = (_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error_code: 503, message: 'Worker is starting' }));
  };
  const server = http.createServer((req, res) => handler(req, res));
  const closeServer = closerOf(server);
  const port = await listen(server, requestedPort, host);
  try {
    const secured = Boolean(options.kafkaSecurity?.ssl || options.kafkaSecurity?.sasl);
    herder = new Herder({
      kafka,
      createSender: () => createRecordSender({ kafka, brokers, secured, log }),
      workerId: `${host}:${port}`,
      topics: { ...DEFAULT_TOPICS, ...options.topics },
      offsetFlushIntervalMs: options.offsetFlushIntervalMs ?? 1_000,
      shutdownGracefulTimeoutMs: options.shutdownGracefulTimeoutMs ?? 5_000,
      ...(options.internalPartitions ? { internalPartitions: options.internalPartitions } : {}),
      ...(options.keyConverter ? { keyConverter: options.keyConverter } : {}),
      ...(options.valueConverter ? { valueConverter: options.valueConverter } : {}),
      log,
    });
    await herder.start();
  } catch (error) {
    await herder?.stop().catch(() => undefined);
    await closeServer();
    throw error;
  }
  const app = connectApp(herder, log, { bindHost: host, allowedHosts: options.allowedHosts, allowedOrigins: options.allowedOrigins });
  handler = app;
  const h = herder;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    herder: h,
    stop: (stopOptions = {}) => {
      stopped ??= (async () => {
        await closeServer();
        await h.stop(stopOptions.commitOffsets ?? true);
      })();
      return stopped;
    },
  };
}
