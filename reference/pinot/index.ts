/**
 * Real Apache Pinot (0.11, the newest complete release on Maven Central) as a TEST REFERENCE: ZooKeeper,
 * controller, broker and server, four JVMs on loopback. Never used by `npm start`: the jars are fetched on
 * demand by `npm run pinot:reference` / the Pinot conformance suite with Maven (reference/pinot/pom.xml,
 * settings.xml whose only mirror is Maven Central) and cached, git-ignored, under
 * `.reference/pinot/<version>/lib`.
 *
 *   const pinot = await startReferencePinot({ log: console.log });
 *   pinot.controllerUrl  // 'http://127.0.0.1:p1'
 *   pinot.brokerUrl      // 'http://127.0.0.1:p2'
 *   await pinot.stop();  // server, broker, controller, then ZooKeeper
 */
import { stopChild } from '../../embedded/common/stop-child.ts';
import { waitUntilReady } from '../readiness.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyDependencies, freePorts, hasCommand, isFetched, tailOf } from '../maven.ts';
import { inStartupTurn } from '../startup-turns.ts';

const PINOT_REFERENCE_SRC = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(PINOT_REFERENCE_SRC, '..', '..');
const POM = path.join(PINOT_REFERENCE_SRC, 'pom.xml');
const MAVEN_SETTINGS = path.join(PINOT_REFERENCE_SRC, 'settings.xml');
const LOG4J = path.join(PINOT_REFERENCE_SRC, 'log4j2.properties');
const CLUSTER_NAME = 'PinotCluster';

/** The Pinot version the pom asks for (its `pinot.version` property). */
export function referencePinotVersion(): string {
  const match = /<pinot\.version>([^<]+)<\/pinot\.version>/.exec(fs.readFileSync(POM, 'utf8'));
  if (!match) throw new Error(`${POM} has no <pinot.version>`);
  return match[1];
}

/** Where the jars are cached: $PINOT_REFERENCE_HOME or .reference/pinot, then <version>/lib. */
export function referencePinotLibDir(): string {
  const home = process.env.PINOT_REFERENCE_HOME ?? path.join(REPO_ROOT, '.reference', 'pinot');
  return path.join(home, referencePinotVersion(), 'lib');
}

/** True when the jars are already cached (no Maven needed). */
export function referencePinotIsCached(): boolean {
  return isFetched(referencePinotLibDir());
}

const JAVA_MISSING = 'java is not installed (Pinot 0.11 needs Java 11+; on Debian: apt-get install openjdk-17-jre-headless)';

/** The reason the reference cannot run here, or undefined if it can (or at least may: Maven is present). */
export function referencePinotUnavailableReason(): string | undefined {
  if (!hasCommand('java', ['-version'])) return JAVA_MISSING;
  if (referencePinotIsCached()) return undefined;
  if (!hasCommand('mvn', ['-v']))
    return `mvn is not installed and ${referencePinotLibDir()} is not cached (apt-get install maven, then npm run pinot:reference -- --fetch-only)`;
  return undefined;
}

/**
 * Makes sure the jars are cached, fetching them with Maven if needed (~320 jars, ~200 MB). Progress to `log`.
 * @throws with a one-line reason and its fix when Java or Maven is missing or Maven Central cannot be reached
 */
export async function fetchReferencePinot(log: (line: string) => void = () => {}): Promise<string> {
  const libDir = referencePinotLibDir();
  if (!hasCommand('java', ['-version'])) throw new Error(JAVA_MISSING);
  if (referencePinotIsCached()) return libDir;
  if (!hasCommand('mvn', ['-v']))
    throw new Error(`mvn is not installed and ${libDir} is not cached: install Maven (apt-get install maven) or copy a fetched lib folder there`);
  await copyDependencies({ pom: POM, settings: MAVEN_SETTINGS, libDir, label: `Apache Pinot ${referencePinotVersion()}`, log });
  return libDir;
}

/** The four roles, in start order (stopped in the reverse order). */
export type PinotRole = 'zookeeper' | 'controller' | 'broker' | 'server';

/** Max JVM heap per role, MiB. The defaults keep the whole cluster near 1.1 GiB of RSS. */
export const DEFAULT_HEAP_MB: Readonly<Record<PinotRole, number>> = { zookeeper: 96, controller: 256, broker: 192, server: 320 };

export interface ReferencePinotOptions {
  /** Progress lines (fetching, starting each role, ready). */
  log?: (line: string) => void;
  /** Ports; 0 or omitted = a free port. */
  ports?: Partial<{ zookeeper: number; controller: number; broker: number; server: number; serverAdmin: number; serverGrpc: number }>;
  /** Where ZooKeeper, the controller and the server keep data, and each role's log. Default: a temp dir, removed on stop. */
  dataDir?: string;
  /** Max JVM heap per role in MiB (see DEFAULT_HEAP_MB). */
  heapMb?: Partial<Record<PinotRole, number>>;
  /** How long to wait for the whole cluster. Default 180 s. */
  readyTimeoutMs?: number;
}

export interface ReferencePinotProcess {
  role: PinotRole;
  port: number;
  pid: number;
  logFile: string;
}

export interface ReferencePinot {
  controllerUrl: string;
  brokerUrl: string;
  /** 127.0.0.1:port of ZooKeeper. */
  zkAddress: string;
  /** The server's admin API (GET /health, /tables). */
  serverAdminUrl: string;
  processes: ReferencePinotProcess[];
  dataDir: string;
  version: string;
  /** Milliseconds from spawning ZooKeeper to every role ready (excludes the fetch). */
  startupMs: number;
  /** Stops the server (SIGTERM, waited for) and starts it again on the same ports and data; resolves once it is healthy. */
  restartServer(): Promise<void>;
  /** SIGTERM server, broker, controller, then ZooKeeper (each waited for, SIGKILL after 20 s); removes a temp data dir. */
  stop(): Promise<void>;
}

/**
 * The JVM flags Pinot 0.11 needs on Java 17 (its libraries reach into these JDK packages) plus a modest
 * heap; `pinot.admin.system.exit=false` keeps PinotAdministrator from exiting once a role has started.
 */
function javaArgs(libDir: string, heapMb: number, command: string[]): string[] {
  const opens = ['java.nio', 'sun.nio.ch', 'java.lang', 'java.util', 'java.lang.reflect', 'jdk.internal.ref'].map(
    (pkg) => `--add-opens=java.base/${pkg}=ALL-UNNAMED`,
  );
  return [
    '-Xms32m',
    `-Xmx${heapMb}m`,
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true',
    ...opens,
    '-Dpinot.admin.system.exit=false',
    `-Dlog4j2.configurationFile=${LOG4J}`,
    '-cp',
    path.join(libDir, '*'),
    'org.apache.pinot.tools.admin.PinotAdministrator',
    ...command,
  ];
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
async function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** The instance ids the controller lists (e.g. Broker_127.0.0.1_8099, Server_127.0.0.1_8098). */
async function listedInstances(controllerUrl: string): Promise<string[]> {
  try {
    const response = await fetch(`${controllerUrl}/instances`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return [];
    return ((await response.json()) as { instances?: string[] }).instances ?? [];
  } catch {
    return [];
  }
}

/** Waits for one of Pinot's roles: `ready` asked every 500 ms until the deadline. */
function waitUntil(what: string, ready: () => Promise<boolean>, deadline: number, exited: () => string | undefined): Promise<void> {
  return waitUntilReady(`reference Pinot: ${what}`, async () => (await ready()) || 'not answering yet', { deadline, everyMs: 500, exited });
}

/** Roles still running; killed if the launcher exits without stop() (their own process group spares them a Ctrl-C). */
const leftovers = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of leftovers) child.kill('SIGKILL');
});

/**
 * Fetches (if needed) and starts ZooKeeper, controller, broker and server; resolves once all four are ready.
 * Starts in this machine's reference start-up turn (../startup-turns.ts): one reference starts at a time.
 */
export function startReferencePinot(options: ReferencePinotOptions = {}): Promise<ReferencePinot> {
  return inStartupTurn('reference Pinot', () => startReferencePinotNow(options), { log: options.log });
}

async function startReferencePinotNow(options: ReferencePinotOptions): Promise<ReferencePinot> {
  const log = options.log ?? (() => {});
  const heap = { ...DEFAULT_HEAP_MB, ...options.heapMb };
  const libDir = await fetchReferencePinot(log);
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = path.resolve(options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pinot-reference-')));
  fs.mkdirSync(dataDir, { recursive: true });
  const ports = await rolePorts(options.ports ?? {});
  const zkAddress = `127.0.0.1:${ports.zookeeper}`;
  const commands = roleCommands(ports, zkAddress, dataDir);

  const started = Date.now();
  const deadline = started + (options.readyTimeoutMs ?? 180_000);
  const children = new Map<PinotRole, ChildProcess>();
  const processes: ReferencePinotProcess[] = [];
  let exited: string | undefined;
  const spawnRole = (role: PinotRole, port: number) => {
    const logFile = path.join(dataDir, `${role}.log`);
    const out = fs.openSync(logFile, 'a');
    // Own process group: a terminal's Ctrl-C reaches only the launcher, which then stops the roles in order.
    const child = spawn('java', javaArgs(libDir, heap[role], commands[role]), { stdio: ['ignore', out, out], cwd: dataDir, detached: true });
    leftovers.add(child);
    child.on('exit', () => leftovers.delete(child));
    fs.closeSync(out);
    child.on('exit', (code, signal) => {
      exited ??= `reference Pinot ${role} exited (${signal ?? code}) before it was ready; its log ${logFile} ends:\n${tailOf(logFile)}`;
    });
    children.set(role, child);
    processes.splice(0, processes.length, ...processes.filter((p) => p.role !== role), { role, port, pid: child.pid!, logFile });
    log(`starting ${role} on 127.0.0.1:${port} (heap ${heap[role]} MiB, log ${logFile})`);
  };

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // Server first, ZooKeeper last: with ZooKeeper gone first the other roles ignore SIGTERM.
    for (const role of ['server', 'broker', 'controller', 'zookeeper'] as const) {
      const child = children.get(role);
      if (child) await stopChild(child);
    }
    if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const controllerUrl = `http://127.0.0.1:${ports.controller}`;
  const brokerUrl = `http://127.0.0.1:${ports.broker}`;
  const serverAdminUrl = `http://127.0.0.1:${ports.serverAdmin}`;
  try {
    spawnRole('zookeeper', ports.zookeeper);
    await waitUntil(
      'ZooKeeper',
      () => portAccepts(ports.zookeeper),
      deadline,
      () => exited,
    );
    spawnRole('controller', ports.controller);
    await waitUntil(
      'controller',
      () => httpOk(`${controllerUrl}/health`),
      deadline,
      () => exited,
    );
    log(`controller ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    spawnRole('broker', ports.broker);
    spawnRole('server', ports.server);
    await waitUntil(
      'broker',
      () => httpOk(`${brokerUrl}/health`),
      deadline,
      () => exited,
    );
    await waitUntil(
      'server',
      () => httpOk(`${serverAdminUrl}/health`),
      deadline,
      () => exited,
    );
    await waitUntil(
      'broker and server registration',
      async () => {
        const instances = await listedInstances(controllerUrl);
        return instances.some((i) => i.startsWith('Broker_')) && instances.some((i) => i.startsWith('Server_'));
      },
      deadline,
      () => exited,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const restartServer = async (): Promise<void> => {
    const server = children.get('server');
    if (server) await stopChild(server);
    exited = undefined;
    spawnRole('server', ports.server);
    const until = Date.now() + (options.readyTimeoutMs ?? 180_000);
    await waitUntil(
      'restarted server',
      () => httpOk(`${serverAdminUrl}/health`),
      until,
      () => exited,
    );
  };
  const startupMs = Date.now() - started;
  log(`reference Pinot ${referencePinotVersion()} ready in ${(startupMs / 1000).toFixed(1)} s: controller ${controllerUrl}, broker ${brokerUrl}`);
  return { controllerUrl, brokerUrl, zkAddress, serverAdminUrl, processes, dataDir, version: referencePinotVersion(), startupMs, restartServer, stop };
}

type RolePorts = Required<NonNullable<ReferencePinotOptions['ports']>>;

/** The ports asked for, a free port for each one not given. */
async function rolePorts(wanted: NonNullable<ReferencePinotOptions['ports']>): Promise<RolePorts> {
  const spare = await freePorts(6);
  return {
    zookeeper: wanted.zookeeper || spare[0],
    controller: wanted.controller || spare[1],
    broker: wanted.broker || spare[2],
    server: wanted.server || spare[3],
    serverAdmin: wanted.serverAdmin || spare[4],
    // The server's gRPC query port (default 8090 in 0.11): a free one, so two clusters can run side by side.
    serverGrpc: wanted.serverGrpc || spare[5],
  };
}

/** Each role's pinot-admin command line: its ports, ZooKeeper's address and its directories under `dataDir`. */
function roleCommands(ports: RolePorts, zkAddress: string, dataDir: string): Record<PinotRole, string[]> {
  const common = ['-zkAddress', zkAddress, '-clusterName', CLUSTER_NAME];
  return {
    zookeeper: ['StartZookeeper', '-zkPort', String(ports.zookeeper), '-dataDir', path.join(dataDir, 'zookeeper')],
    controller: [
      'StartController',
      ...common,
      '-controllerHost',
      '127.0.0.1',
      '-controllerPort',
      String(ports.controller),
      '-dataDir',
      path.join(dataDir, 'controller'),
    ],
    broker: ['StartBroker', ...common, '-brokerHost', '127.0.0.1', '-brokerPort', String(ports.broker)],
    server: [
      'StartServer',
      ...common,
      '-serverHost',
      '127.0.0.1',
      '-serverPort',
      String(ports.server),
      '-serverAdminPort',
      String(ports.serverAdmin),
      '-serverGrpcPort',
      String(ports.serverGrpc),
      '-dataDir',
      path.join(dataDir, 'server-data'),
      '-segmentDir',
      path.join(dataDir, 'server-segments'),
    ],
  };
}
