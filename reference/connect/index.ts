/**
 * A real Apache Kafka Connect worker (distributed mode) with Debezium's MySQL connector as its plugin
 * (it reads the MariaDB that runs here; which versions pair and why: test/conformance/README.md), the TEST
 * REFERENCE for our embedded Connect and its Debezium-compatible CDC source. Never used by
 * `npm start`: the jars are fetched on demand with Maven (worker-pom.xml, debezium-pom.xml) and cached,
 * git-ignored, under `.reference/connect/`.
 *
 *   const connect = await startReferenceConnect({ bootstrap: '127.0.0.1:9092', log: console.log });
 *   connect.url   // 'http://127.0.0.1:<port>'
 *   await connect.stop();
 */
import { stopChild } from '../../embedded/common/stop-child.ts';
import { waitUntilReady } from '../readiness.ts';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyDependencies, freePorts, hasCommand, isFetched, pomProperty, tailOf } from '../maven.ts';

const SRC = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(SRC, '..', '..');
const WORKER_POM = path.join(SRC, 'worker-pom.xml');
const DEBEZIUM_POM = path.join(SRC, 'debezium-pom.xml');
const LOG4J = path.join(SRC, 'log4j2.properties');

/** The Debezium connector class the plugin folder holds. */
export const REFERENCE_CDC_CLASS = 'io.debezium.connector.mysql.MySqlConnector';

export function referenceConnectVersion(): string {
  return pomProperty(WORKER_POM, 'connect.version');
}

export function referenceDebeziumVersion(): string {
  return pomProperty(DEBEZIUM_POM, 'debezium.version');
}

/** $CONNECT_REFERENCE_HOME or .reference/connect. */
function home(): string {
  return process.env.CONNECT_REFERENCE_HOME ?? path.join(REPO_ROOT, '.reference', 'connect');
}

/** The worker's classpath folder. */
export function referenceWorkerLibDir(): string {
  return path.join(home(), referenceConnectVersion(), 'worker-lib');
}

/** The worker's plugin.path: one folder per plugin inside it. */
export function referencePluginPath(): string {
  return path.join(home(), `debezium-${referenceDebeziumVersion()}`, 'plugins');
}

function pluginDir(): string {
  return path.join(referencePluginPath(), 'debezium-connector-mysql');
}

export function referenceConnectIsCached(): boolean {
  return isFetched(referenceWorkerLibDir()) && isFetched(pluginDir());
}

/**
 * Makes sure the worker and the Debezium plugin are cached, fetching them with Maven if needed.
 * @throws with a one-line reason when Java or Maven is missing or Maven Central cannot be reached
 */
export async function fetchReferenceConnect(log: (line: string) => void = () => {}): Promise<{ workerLib: string; pluginPath: string }> {
  if (!hasCommand('java', ['-version'])) throw new Error('java is not installed (Kafka Connect 4.x needs Java 17+: apt-get install openjdk-17-jre-headless)');
  const workerLib = await copyDependencies({
    pom: WORKER_POM,
    libDir: referenceWorkerLibDir(),
    label: `Kafka Connect ${referenceConnectVersion()} worker`,
    log,
  });
  await copyDependencies({ pom: DEBEZIUM_POM, libDir: pluginDir(), label: `Debezium MySQL connector ${referenceDebeziumVersion()}`, log });
  return { workerLib, pluginPath: referencePluginPath() };
}

/** Why the reference worker cannot run here, or undefined when it can (or may: Maven is present). */
export function referenceConnectUnavailableReason(): string | undefined {
  if (!hasCommand('java', ['-version'])) return 'java is not installed';
  if (referenceConnectIsCached()) return undefined;
  if (!hasCommand('mvn', ['-v'])) return `mvn is not installed and ${home()} is not cached`;
  return undefined;
}

export interface ReferenceConnectOptions {
  /** Kafka bootstrap servers, "host:port,host:port". */
  bootstrap: string;
  /** REST port on 127.0.0.1; 0 = a free port. Default 0. */
  port?: number;
  /** group.id and the prefix of the three internal topics. Default `reference-connect`. */
  groupId?: string;
  /** Where the worker writes its properties and log. Default: a temp dir, removed on stop. */
  dataDir?: string;
  /** Max JVM heap in MiB. Default 384. */
  heapMb?: number;
  /** offset.flush.interval.ms. Default 1000 (as our embedded worker). */
  offsetFlushIntervalMs?: number;
  /** Progress lines (fetching, starting, ready). */
  log?: (line: string) => void;
  /** How long to wait for the REST API to answer with the plugin listed. Default 180 s. */
  readyTimeoutMs?: number;
}

export interface ReferenceConnect {
  url: string;
  port: number;
  pid: number;
  logFile: string;
  connectVersion: string;
  debeziumVersion: string;
  /** Milliseconds from spawning the JVM to the REST API listing the plugin (excludes the fetch). */
  startupMs: number;
  /** SIGTERM (the worker stops its tasks and commits offsets), SIGKILL after 30 s; removes a temp data dir. */
  stop(): Promise<void>;
  /** SIGKILL at once (a crash: no offset commit, no clean leave of the group); removes a temp data dir. */
  kill(): Promise<void>;
}

function workerProperties(o: { bootstrap: string; port: number; groupId: string; pluginPath: string; offsetFlushIntervalMs: number }): string {
  return [
    `bootstrap.servers=${o.bootstrap}`,
    `group.id=${o.groupId}`,
    `listeners=http://127.0.0.1:${o.port}`,
    'rest.advertised.host.name=127.0.0.1',
    `plugin.path=${o.pluginPath}`,
    'key.converter=org.apache.kafka.connect.json.JsonConverter',
    'value.converter=org.apache.kafka.connect.json.JsonConverter',
    `config.storage.topic=${o.groupId}-configs`,
    `offset.storage.topic=${o.groupId}-offsets`,
    `status.storage.topic=${o.groupId}-status`,
    // -1: the broker's default.replication.factor, so one worker config fits a 1-node and a 3-node cluster.
    'config.storage.replication.factor=-1',
    'offset.storage.replication.factor=-1',
    'status.storage.replication.factor=-1',
    `offset.flush.interval.ms=${o.offsetFlushIntervalMs}`,
    '',
  ].join('\n');
}

/** Fetches (if needed) and starts the worker; resolves once its REST API lists the Debezium connector. */
export async function startReferenceConnect(options: ReferenceConnectOptions): Promise<ReferenceConnect> {
  const log = options.log ?? (() => {});
  const { workerLib, pluginPath } = await fetchReferenceConnect(log);
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = path.resolve(options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'connect-reference-')));
  fs.mkdirSync(dataDir, { recursive: true });
  const port = options.port || (await freePorts(1))[0]!;
  const propsFile = path.join(dataDir, 'worker.properties');
  fs.writeFileSync(
    propsFile,
    workerProperties({
      bootstrap: options.bootstrap,
      port,
      groupId: options.groupId ?? 'reference-connect',
      pluginPath,
      offsetFlushIntervalMs: options.offsetFlushIntervalMs ?? 1000,
    }),
  );
  const logFile = path.join(dataDir, 'worker.log');
  const out = fs.openSync(logFile, 'a');
  log(`starting Kafka Connect ${referenceConnectVersion()} with Debezium ${referenceDebeziumVersion()} on 127.0.0.1:${port} (log ${logFile})`);
  const started = Date.now();
  const child = spawn(
    'java',
    [
      '-Xms64m',
      `-Xmx${options.heapMb ?? 384}m`,
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${LOG4J}`,
      '-cp',
      path.join(workerLib, '*'),
      'org.apache.kafka.connect.cli.ConnectDistributed',
      propsFile,
    ],
    { stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  let exited: string | undefined;
  child.on('exit', (code, signal) => {
    exited ??= `the Connect worker exited (${signal ?? code}):\n${tailOf(logFile)}`;
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= stopChild(child, 30_000).then(() => {
      if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });
    return stopping;
  };

  const kill = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    }).then(() => {
      if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });
    return stopping;
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady('reference Connect', connectReady(url), {
      deadline: Date.now() + (options.readyTimeoutMs ?? 180_000),
      everyMs: 500,
      exited: () => exited,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const startupMs = Date.now() - started;
  log(`reference Connect ready in ${(startupMs / 1000).toFixed(1)} s: ${url}`);
  return {
    url,
    port,
    pid: child.pid!,
    logFile,
    startupMs,
    stop,
    kill,
    connectVersion: referenceConnectVersion(),
    debeziumVersion: referenceDebeziumVersion(),
  };
}

/** Ready = the herder has joined its group (GET /connectors answers 200) and the plugin is loaded. */
function connectReady(url: string): () => Promise<true | string> {
  return async () => {
    let connectors: Response;
    try {
      connectors = await fetch(`${url}/connectors`, { signal: AbortSignal.timeout(5_000) });
    } catch (error) {
      return (error as Error).message;
    }
    if (!connectors.ok) return `GET /connectors: ${connectors.status}`;
    const plugins = (await (await fetch(`${url}/connector-plugins`, { signal: AbortSignal.timeout(5_000) })).json()) as { class: string }[];
    if (plugins.some((p) => p.class === REFERENCE_CDC_CLASS)) return true;
    throw new Error(
      `the worker started without ${REFERENCE_CDC_CLASS} (plugins: ${plugins.map((p) => p.class).join(', ')}); is ${referencePluginPath()} complete?`,
    );
  };
}
