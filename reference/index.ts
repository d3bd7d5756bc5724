/**
 * Real Apache Kafka (4.x, KRaft, combined broker+controller nodes) as a TEST AND BENCHMARK REFERENCE.
 * Never used by `npm start`: the jars are fetched on demand by `npm run kafka:reference` / the
 * conformance suite / the side-by-side bench with `mvn dependency:copy-dependencies` (reference/pom.xml)
 * and cached, git-ignored, under `.reference/kafka/<version>/lib`.
 *
 *   const ref = await startReferenceKafka({ brokers: 3, firstPort: 0 });
 *   ref.bootstrap  // '127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3'
 *   await ref.stop();
 */
import { stopChild } from '../embedded/common/stop-child.ts';
import { waitUntilReady } from './readiness.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { copyDependencies, freePorts, hasCommand, isFetched, pomProperty, tailOf } from './maven.ts';
import { inStartupTurn } from './startup-turns.ts';

const REFERENCE_SRC = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(REFERENCE_SRC, '..');
const POM = path.join(REFERENCE_SRC, 'pom.xml');
const LOG4J = path.join(REFERENCE_SRC, 'log4j2.properties');

/** The Kafka version the pom asks for (its `kafka.version` property). */
export function referenceKafkaVersion(): string {
  return pomProperty(POM, 'kafka.version');
}

/** Where the jars are cached: $KAFKA_REFERENCE_HOME or .reference/kafka, then <version>/lib. */
export function referenceLibDir(): string {
  const home = process.env.KAFKA_REFERENCE_HOME ?? path.join(REPO_ROOT, '.reference', 'kafka');
  return path.join(home, referenceKafkaVersion(), 'lib');
}

/** True when the jars are already cached (no Maven needed). */
export function referenceIsCached(): boolean {
  return isFetched(referenceLibDir());
}

/**
 * Makes sure the jars are cached, fetching them with Maven if needed. Progress goes to `log`.
 * @throws with a one-line reason when Java or Maven is missing or Maven Central cannot be reached
 */
export async function fetchReferenceKafka(log: (line: string) => void = () => {}): Promise<string> {
  if (!hasCommand('java', ['-version'])) throw new Error('java is not installed (Kafka 4.x needs Java 17+)');
  return copyDependencies({ pom: POM, libDir: referenceLibDir(), label: `Apache Kafka ${referenceKafkaVersion()}`, log });
}

export interface ReferenceKafkaOptions {
  /** Number of combined broker+controller nodes, node ids 1..N. Default 1. */
  brokers?: number;
  /** Client port of node 1 (node i: firstPort+i-1; its controller port: firstPort+100+i-1). 0 = free ports. Default 0. */
  firstPort?: number;
  /** Where the nodes keep logs and metadata. Default: a temp dir, removed on stop. */
  dataDir?: string;
  /** Max JVM heap per node in MiB. Default 384. */
  heapMb?: number;
  /** auto.create.topics.enable. Default true. */
  autoCreateTopics?: boolean;
  /** Progress lines (fetching, formatting, starting). */
  log?: (line: string) => void;
  /** How long to wait for every broker to show up in Metadata. Default 120 s. */
  readyTimeoutMs?: number;
  /**
   * Adds a SASL_PLAINTEXT listener with the PLAIN mechanism on every node, accepting these users
   * (name -> password). The PLAINTEXT listener stays (brokers talk to each other over it, as over an
   * internal network); clients choose by the port they connect to.
   */
  saslPlainUsers?: Readonly<Record<string, string>>;
}

export interface ReferenceNode {
  id: number;
  port: number;
  /** The SASL_PLAINTEXT listener's port, when `saslPlainUsers` was given. */
  saslPort?: number;
  controllerPort: number;
  pid: number;
  logFile: string;
}

export interface ReferenceKafka {
  bootstrap: string;
  /** The SASL_PLAINTEXT listeners ('127.0.0.1:s1,…'), when `saslPlainUsers` was given. */
  saslBootstrap?: string;
  nodes: ReferenceNode[];
  clusterId: string;
  dataDir: string;
  version: string;
  /** Milliseconds from spawning the JVMs to every broker visible in Metadata (excludes fetch and format). */
  startupMs: number;
  /** SIGTERM, wait for a clean exit (SIGKILL after 20 s), remove the data dir if it was a temp one. */
  stop(): Promise<void>;
}

/** A KRaft cluster id: 16 random bytes, base64url without padding (Kafka's Uuid.toString form). */
/** A random cluster id, never starting with '-' (StorageTool would read it as an option), as Kafka's Uuid.randomUuid. */
function newClusterId(): string {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** A JAAS string literal: backslashes and quotes escaped. */
function jaasQuoted(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The listener lines: PLAINTEXT (and inter-broker), the controller's, and SASL_PLAINTEXT/PLAIN when users are given. */
function listenerProperties(o: { port: number; controllerPort: number; saslPort?: number; saslPlainUsers?: Readonly<Record<string, string>> }): string[] {
  if (o.saslPort === undefined || !o.saslPlainUsers) {
    return [
      `listeners=PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${o.port}`,
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    ];
  }
  const users = Object.entries(o.saslPlainUsers)
    .map(([name, password]) => `user_${name}=${jaasQuoted(password)}`)
    .join(' ');
  return [
    `listeners=PLAINTEXT://127.0.0.1:${o.port},SASL_PLAINTEXT://127.0.0.1:${o.saslPort},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${o.port},SASL_PLAINTEXT://127.0.0.1:${o.saslPort}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT',
    'sasl.enabled.mechanisms=PLAIN',
    'listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN',
    `listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${users};`,
  ];
}

function nodeProperties(o: {
  id: number;
  port: number;
  controllerPort: number;
  saslPort?: number;
  saslPlainUsers?: Readonly<Record<string, string>>;
  voters: string;
  logDir: string;
  brokers: number;
  autoCreateTopics: boolean;
}): string {
  const rf = Math.min(3, o.brokers);
  const minIsr = Math.min(2, rf);
  // Aligned with the embedded cluster's defaults (embedded/kafka/options.ts) so both answer the same
  // questions the same way: 5 partitions, RF min(3, N), min ISR min(2, RF), no initial rebalance delay.
  return [
    'process.roles=broker,controller',
    `node.id=${o.id}`,
    `controller.quorum.voters=${o.voters}`,
    ...listenerProperties(o),
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${o.logDir}`,
    'num.partitions=5',
    `default.replication.factor=${rf}`,
    `min.insync.replicas=${minIsr}`,
    `offsets.topic.replication.factor=${rf}`,
    'offsets.topic.num.partitions=10',
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${minIsr}`,
    `share.coordinator.state.topic.replication.factor=${rf}`,
    `share.coordinator.state.topic.min.isr=${minIsr}`,
    'group.initial.rebalance.delay.ms=0',
    `auto.create.topics.enable=${o.autoCreateTopics}`,
    'num.network.threads=2',
    'num.io.threads=4',
    '',
  ].join('\n');
}

function runJava(libDir: string, args: string[], heapMb: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', [`-Xmx${heapMb}m`, '-cp', path.join(libDir, '*'), `-Dlog4j2.configurationFile=${LOG4J}`, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/**
 * Fetches (if needed), formats and starts a real Kafka cluster; resolves once every broker is in Metadata.
 * Starts in this machine's reference start-up turn (startup-turns.ts): one reference starts at a time.
 */
export function startReferenceKafka(options: ReferenceKafkaOptions = {}): Promise<ReferenceKafka> {
  return inStartupTurn('reference Kafka', () => startReferenceKafkaNow(options), { log: options.log });
}

async function startReferenceKafkaNow(options: ReferenceKafkaOptions): Promise<ReferenceKafka> {
  const brokers = options.brokers ?? 1;
  if (!Number.isInteger(brokers) || brokers < 1) throw new Error(`brokers must be a positive integer, got ${brokers}`);
  const log = options.log ?? (() => {});
  const heapMb = options.heapMb ?? 384;
  const libDir = await fetchReferenceKafka(log);
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = path.resolve(options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-reference-')));
  fs.mkdirSync(dataDir, { recursive: true });

  const firstPort = options.firstPort ?? 0;
  const sasl = options.saslPlainUsers;
  let ports: number[];
  let controllerPorts: number[];
  let saslPorts: number[] = [];
  if (firstPort === 0) {
    const all = await freePorts((sasl ? 3 : 2) * brokers);
    ports = all.slice(0, brokers);
    controllerPorts = all.slice(brokers, 2 * brokers);
    if (sasl) saslPorts = all.slice(2 * brokers);
  } else {
    ports = Array.from({ length: brokers }, (_, i) => firstPort + i);
    controllerPorts = Array.from({ length: brokers }, (_, i) => firstPort + 100 + i);
    if (sasl) saslPorts = Array.from({ length: brokers }, (_, i) => firstPort + 200 + i);
  }
  const ids = Array.from({ length: brokers }, (_, i) => i + 1);
  const voters = ids.map((id, i) => `${id}@127.0.0.1:${controllerPorts[i]}`).join(',');

  // Reuse the cluster id of an already formatted data dir, so a restart on the same --data-dir works.
  const idFile = path.join(dataDir, 'cluster-id');
  const clusterId = fs.existsSync(idFile) ? fs.readFileSync(idFile, 'utf8').trim() : newClusterId();
  fs.writeFileSync(idFile, `${clusterId}\n`);

  const configs = ids.map((id, i) => {
    const file = path.join(dataDir, `node-${id}.properties`);
    fs.writeFileSync(
      file,
      nodeProperties({
        id,
        port: ports[i],
        controllerPort: controllerPorts[i],
        saslPort: saslPorts[i],
        saslPlainUsers: sasl,
        voters,
        logDir: path.join(dataDir, `node-${id}`),
        brokers,
        autoCreateTopics: options.autoCreateTopics ?? true,
      }),
    );
    return file;
  });

  log(`formatting KRaft storage for ${brokers} node(s) in ${dataDir}`);
  const formats = await Promise.all(
    configs.map((config) => runJava(libDir, ['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', config, '--ignore-formatted'], 256)),
  );
  const failed = formats.find((f) => f.code !== 0);
  if (failed) throw new Error(`kafka-storage format failed: ${failed.output.trim().split('\n').slice(-5).join(' | ')}`);

  log(`starting ${brokers} Kafka ${referenceKafkaVersion()} node(s) on ports ${ports.join(', ')}`);
  const started = Date.now();
  const children: ChildProcess[] = [];
  const nodes: ReferenceNode[] = [];
  let exited: string | undefined;
  ids.forEach((id, i) => {
    const logFile = path.join(dataDir, `node-${id}.log`);
    const out = fs.openSync(logFile, 'a');
    const child = spawn(
      'java',
      [
        `-Xms64m`,
        `-Xmx${heapMb}m`,
        // kafka-run-class.sh's defaults for the broker JVM.
        '-server',
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-XX:InitiatingHeapOccupancyPercent=35',
        '-XX:+ExplicitGCInvokesConcurrent',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${LOG4J}`,
        '-cp',
        path.join(libDir, '*'),
        'kafka.Kafka',
        configs[i],
      ],
      { stdio: ['ignore', out, out] },
    );
    fs.closeSync(out);
    child.on('exit', (code, signal) => {
      exited ??= `node ${id} exited (${signal ?? code}) before the cluster was ready:\n${tailOf(logFile)}`;
    });
    children.push(child);
    nodes.push({ id, port: ports[i], controllerPort: controllerPorts[i], ...(sasl ? { saslPort: saslPorts[i] } : {}), pid: child.pid!, logFile });
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(children.map((child) => stopChild(child)));
    if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const bootstrap = ports.map((p) => `127.0.0.1:${p}`).join(',');
  try {
    await waitUntilReady('reference Kafka', kafkaReady(bootstrap, brokers), {
      deadline: Date.now() + (options.readyTimeoutMs ?? 120_000),
      everyMs: 250,
      exited: () => exited,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const startupMs = Date.now() - started;
  const saslBootstrap = sasl ? saslPorts.map((p) => `127.0.0.1:${p}`).join(',') : undefined;
  log(`reference Kafka ready in ${(startupMs / 1000).toFixed(1)} s: ${bootstrap}${saslBootstrap ? ` (SASL_PLAINTEXT/PLAIN: ${saslBootstrap})` : ''}`);
  return { bootstrap, ...(saslBootstrap ? { saslBootstrap } : {}), nodes, clusterId, dataDir, version: referenceKafkaVersion(), startupMs, stop };
}

/** Ready = every broker registered and unfenced (visible in Metadata) and a controller elected. */
function kafkaReady(bootstrap: string, brokers: number): () => Promise<true | string> {
  const kafka = new Kafka({
    clientId: 'reference-ready',
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 1000,
  });
  return async () => {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length >= brokers && cluster.controller !== null && cluster.controller >= 0) return true;
      return `${cluster.brokers.length}/${brokers} brokers, controller ${cluster.controller}`;
    } catch (error) {
      return (error as Error).message;
    } finally {
      await admin.disconnect().catch(() => {});
    }
  };
}

/** The reason the reference cannot run here, or undefined if it can (or at least may: Maven is present). */
export function referenceUnavailableReason(): string | undefined {
  if (!hasCommand('java', ['-version'])) return 'java is not installed';
  if (referenceIsCached()) return undefined;
  if (!hasCommand('mvn', ['-v'])) return `mvn is not installed and ${referenceLibDir()} is not cached`;
  return undefined;
}
