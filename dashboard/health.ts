/**
 * The health strip: one pluggable check per component, each with a short timeout.
 *
 *   Kafka   ApiVersions over TCP to every bootstrap broker (all answer: up, some: degraded, none: down);
 *           in the embedded stack also the writes the brokers' disks refused (any: degraded)
 *   Connect GET / (+ GET /connectors?expand=status: a FAILED connector or task is "degraded")
 *   ksqlDB  GET /healthcheck (isHealthy false: degraded)
 *   Pinot   controller and broker GET /health (one of two: degraded)
 *   MySQL   mysql2 connect + ping (reachable but login refused: degraded)
 *   Disk    free space where the embedded stack keeps its data (low: degraded, almost none: down)
 */
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { HttpAuth } from '../config/endpoints.ts';
import type { KafkaSecurity } from '../config/kafka-security.ts';
import { networkCause, serviceClient, ServiceUnreachableError, type ServiceClient } from '../config/http-client.ts';

/** restarting: down, and the stack's supervisor is starting it again (a part on its own thread). */
export type HealthStatus = 'up' | 'down' | 'degraded' | 'restarting';

export interface HealthCheckResult {
  status: HealthStatus;
  /** Human-readable reason, shown on hover. */
  detail: string;
}

export interface HealthTarget {
  /** Shown on the strip: Kafka, Connect, ksqlDB, Pinot, MySQL, or anything else. */
  name: string;
  /** Per-check timeout (default: runHealthChecks' timeout). */
  timeoutMs?: number;
  /** Set by kafkaHealthTarget: the bootstrap servers it checks, where the dashboard also reads topic offsets. */
  kafkaBootstrap?: readonly string[];
  check(signal: AbortSignal, timeoutMs: number): Promise<HealthCheckResult>;
}

export interface HealthResult extends HealthCheckResult {
  name: string;
  checkedAt: number;
  latencyMs: number;
}

export const DEFAULT_HEALTH_TIMEOUT_MS = 2_000;

/** Runs every check in parallel; a check that throws or overruns its timeout is "down". Never rejects. */
export async function runHealthChecks(targets: readonly HealthTarget[], timeoutMs = DEFAULT_HEALTH_TIMEOUT_MS): Promise<HealthResult[]> {
  return Promise.all(
    targets.map(async (target) => {
      const limit = target.timeoutMs ?? timeoutMs;
      const started = Date.now();
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<HealthCheckResult>((resolve) => {
        timer = setTimeout(() => {
          controller.abort();
          resolve({ status: 'down', detail: `no answer within ${limit} ms` });
        }, limit);
      });
      let result: HealthCheckResult;
      try {
        result = await Promise.race([target.check(controller.signal, limit), timeout]);
      } catch (error) {
        result = { status: 'down', detail: (error as Error)?.message ?? String(error) };
      } finally {
        clearTimeout(timer);
        controller.abort();
      }
      const status: HealthStatus = result.status === 'up' || result.status === 'degraded' || result.status === 'restarting' ? result.status : 'down';
      return { name: target.name, status, detail: String(result.detail ?? ''), checkedAt: Date.now(), latencyMs: Date.now() - started };
    }),
  );
}

async function get(client: ServiceClient, path: string, signal: AbortSignal, timeoutMs: number): Promise<{ status: number; text: string } | { error: string }> {
  try {
    const { status, text } = await client.request('GET', path, { signal, timeoutMs, headers: { accept: 'application/json, text/plain' } });
    return { status, text };
  } catch (error) {
    return { error: error instanceof ServiceUnreachableError ? error.reason : networkCause(error, timeoutMs) };
  }
}

function trimUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

function short(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

/** Pinot: controller and broker `GET /health` (text `OK`). */
export function pinotHealthTarget(options: {
  controllerUrl: string;
  brokerUrl: string;
  name?: string;
  controllerAuth?: HttpAuth;
  brokerAuth?: HttpAuth;
}): HealthTarget {
  const parts = [
    {
      role: 'controller',
      url: `${trimUrl(options.controllerUrl)}/health`,
      client: serviceClient({ service: 'Pinot controller', baseUrl: options.controllerUrl, auth: options.controllerAuth }),
    },
    {
      role: 'broker',
      url: `${trimUrl(options.brokerUrl)}/health`,
      client: serviceClient({ service: 'Pinot broker', baseUrl: options.brokerUrl, auth: options.brokerAuth }),
    },
  ];
  return {
    name: options.name ?? 'Pinot',
    async check(signal, timeoutMs) {
      const answers = await Promise.all(parts.map(async (p) => ({ ...p, answer: await get(p.client, '/health', signal, timeoutMs) })));
      const problems: string[] = [];
      for (const { role, url, answer } of answers) {
        if ('error' in answer) problems.push(`${role} ${url}: ${answer.error}`);
        else if (answer.status !== 200) problems.push(`${role}: HTTP ${answer.status} ${short(answer.text)}`);
      }
      if (problems.length === 0) return { status: 'up', detail: 'controller and broker healthy' };
      return { status: problems.length === parts.length ? 'down' : 'degraded', detail: problems.join('; ') };
    },
  };
}

/** ksqlDB: `GET /healthcheck` → `{isHealthy, details: {metastore: {isHealthy}, kafka: {isHealthy}}}`. */
export function ksqldbHealthTarget(url: string, name = 'ksqlDB', auth?: HttpAuth): HealthTarget {
  const client = serviceClient({ service: name, baseUrl: url, auth });
  return {
    name,
    async check(signal, timeoutMs) {
      const answer = await get(client, '/healthcheck', signal, timeoutMs);
      if ('error' in answer) return { status: 'down', detail: `${url}: ${answer.error}` };
      let body: { isHealthy?: unknown; details?: Record<string, { isHealthy?: unknown }> } | undefined;
      try {
        body = JSON.parse(answer.text);
      } catch {
        body = undefined;
      }
      if (body && typeof body.isHealthy === 'boolean') {
        if (body.isHealthy) return { status: 'up', detail: 'healthcheck: healthy' };
        const sick = Object.entries(body.details ?? {})
          .filter(([, v]) => v?.isHealthy === false)
          .map(([k]) => k);
        return { status: 'degraded', detail: `healthcheck: unhealthy${sick.length ? ` (${sick.join(', ')})` : ''}` };
      }
      return { status: 'down', detail: `healthcheck: HTTP ${answer.status} ${short(answer.text)}` };
    },
  };
}

/** Kafka Connect: `GET /` (version info), then connector states; a FAILED connector or task is "degraded". */
export function connectHealthTarget(url: string, name = 'Connect', auth?: HttpAuth): HealthTarget {
  const client = serviceClient({ service: name, baseUrl: url, auth });
  return {
    name,
    async check(signal, timeoutMs) {
      const root = await get(client, '/', signal, timeoutMs);
      if ('error' in root) return { status: 'down', detail: `${url}: ${root.error}` };
      if (root.status !== 200) return { status: 'down', detail: `GET /: HTTP ${root.status} ${short(root.text)}` };
      let version = '';
      try {
        version = String((JSON.parse(root.text) as { version?: unknown }).version ?? '');
      } catch {
        return { status: 'degraded', detail: 'GET / did not answer JSON' };
      }
      const list = await get(client, '/connectors?expand=status', signal, timeoutMs);
      if ('error' in list || list.status !== 200) return { status: 'up', detail: `worker ${version} up; connector status unavailable` };
      try {
        const connectors = JSON.parse(list.text) as Record<string, { status?: { connector?: { state?: string }; tasks?: { id?: number; state?: string }[] } }>;
        const names = Object.keys(connectors);
        const failed: string[] = [];
        for (const [connector, info] of Object.entries(connectors)) {
          if (info?.status?.connector?.state === 'FAILED') failed.push(connector);
          for (const task of info?.status?.tasks ?? []) if (task?.state === 'FAILED') failed.push(`${connector} task ${task.id ?? '?'}`);
        }
        if (failed.length) return { status: 'degraded', detail: `FAILED: ${failed.join(', ')}` };
        return { status: 'up', detail: `worker ${version}, ${names.length} connector(s) running` };
      } catch {
        return { status: 'up', detail: `worker ${version} up` };
      }
    },
  };
}

export interface HostPort {
  host: string;
  port: number;
}

export function parseHostPort(text: string, defaultPort: number): HostPort {
  const t = text.trim().replace(/^[a-z]+:\/\//i, '');
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(t) ?? /^([^:]+)(?::(\d+))?$/.exec(t);
  if (!m) return { host: t, port: defaultPort };
  return { host: m[1]!, port: m[2] ? Number(m[2]) : defaultPort };
}

/** Connects, sends `request` (if any) and resolves with the first chunk of `expectBytes` bytes (or on connect). */
function tcpExchange(target: HostPort, signal: AbortSignal, request?: Buffer, expectBytes = 0, secure?: tls.ConnectionOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = secure
      ? tls.connect({ ...secure, host: target.host, port: target.port, servername: net.isIP(target.host) ? undefined : target.host })
      : net.connect({ host: target.host, port: target.port });
    let received = Buffer.alloc(0);
    const done = (error?: Error, value?: Buffer) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve(value ?? Buffer.alloc(0));
    };
    const onAbort = () => done(new Error('timed out'));
    if (signal.aborted) return done(new Error('timed out'));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', (error: NodeJS.ErrnoException) => done(new Error(error.code ?? error.message)));
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      if (!request) return done(undefined, Buffer.alloc(0));
      socket.write(request);
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= expectBytes) done(undefined, received);
    });
    socket.once('end', () => done(new Error('connection closed without an answer')));
  });
}

/** Kafka ApiVersions v0 request (api key 18), the first thing every client sends. */
function apiVersionsRequest(correlationId: number): Buffer {
  const clientId = Buffer.from('dashboard-health');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  body.writeInt16BE(18, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(correlationId, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

/** A write a broker's disk refused (the embedded cluster's `storage.problems()`). */
export interface KafkaStorageProblem {
  who: string;
  dir: string;
  cause: string;
}

export interface KafkaHealthOptions {
  /** The brokers' refused writes, when the cluster runs in this process; any makes Kafka "degraded". */
  storageProblems?: () => readonly KafkaStorageProblem[];
  /** TLS of the listeners (SSL, SASL_SSL): ApiVersions goes over TLS. SASL needs no login for ApiVersions. */
  security?: KafkaSecurity;
}

/** The TLS options of a cluster's listeners, or undefined for PLAINTEXT / SASL_PLAINTEXT. */
function tlsOptions(security: KafkaSecurity | undefined): tls.ConnectionOptions | undefined {
  if (!security?.ssl) return undefined;
  const { caFile, certFile, keyFile, rejectUnauthorized } = security.ssl;
  return {
    rejectUnauthorized,
    ...(caFile ? { ca: fs.readFileSync(caFile, 'utf8') } : {}),
    ...(certFile ? { cert: fs.readFileSync(certFile, 'utf8') } : {}),
    ...(keyFile ? { key: fs.readFileSync(keyFile, 'utf8') } : {}),
  };
}

/** Kafka: ApiVersions against each bootstrap broker, then the disk problems the cluster reports (if it can). */
export function kafkaHealthTarget(bootstrap: readonly string[], name = 'Kafka', options: KafkaHealthOptions = {}): HealthTarget {
  const brokers = bootstrap.map((b) => parseHostPort(b, 9092));
  const secure = tlsOptions(options.security);
  return {
    name,
    kafkaBootstrap: [...bootstrap],
    async check(signal) {
      const answer = await brokersAnswer(brokers, signal, secure);
      const storage = options.storageProblems?.() ?? [];
      if (answer.status === 'down' || storage.length === 0) return answer;
      const refused = storage.map((p) => `${p.who} cannot write to ${p.dir}: ${p.cause}`).join('; ');
      return { status: 'degraded', detail: `${refused}; produce requests answer KAFKA_STORAGE_ERROR (${answer.detail})` };
    },
  };
}

async function brokersAnswer(brokers: HostPort[], signal: AbortSignal, secure?: tls.ConnectionOptions): Promise<HealthCheckResult> {
  const results = await Promise.all(
    brokers.map(async (broker, i) => {
      const id = 0x4dab0000 + i;
      try {
        const answer = await tcpExchange(broker, signal, apiVersionsRequest(id), 10, secure);
        const correlation = answer.readInt32BE(4);
        const errorCode = answer.readInt16BE(8);
        if (correlation !== id) return `${broker.host}:${broker.port} answered with a wrong correlation id`;
        if (errorCode !== 0) return `${broker.host}:${broker.port} ApiVersions error ${errorCode}`;
        return undefined;
      } catch (error) {
        return `${broker.host}:${broker.port} ${(error as Error).message}`;
      }
    }),
  );
  const problems = results.filter((r): r is string => r !== undefined);
  const ok = brokers.length - problems.length;
  if (brokers.length === 0) return { status: 'down', detail: 'no bootstrap servers configured' };
  if (problems.length === 0) return { status: 'up', detail: `${ok}/${brokers.length} brokers answer ApiVersions` };
  return { status: ok === 0 ? 'down' : 'degraded', detail: `${ok}/${brokers.length} brokers answer; ${problems.join('; ')}` };
}

export interface DiskHealthOptions {
  name?: string;
  /** Below this many free bytes: degraded (default 512 MB). */
  lowBytes?: number;
  /** Below this many free bytes: down, writes are about to fail or failing (default 16 MB). */
  fullBytes?: number;
  /** Where the numbers come from (default fs.statfsSync). */
  statfs?: (dir: string) => { bavail: number; blocks: number; bsize: number };
}

/** Disk: free space of the filesystem holding `dir` (the embedded stack's DATA_DIR). */
export function diskHealthTarget(dir: string, options: DiskHealthOptions = {}): HealthTarget {
  const lowBytes = options.lowBytes ?? 512 * 1024 * 1024;
  const fullBytes = options.fullBytes ?? 16 * 1024 * 1024;
  const statfs = options.statfs ?? ((d: string) => fs.statfsSync(d));
  return {
    name: options.name ?? 'Disk',
    async check() {
      let stats;
      try {
        stats = statfs(dir);
      } catch (error) {
        return { status: 'down', detail: `${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
      }
      const free = stats.bavail * stats.bsize;
      const space = `${formatBytes(free)} free of ${formatBytes(stats.blocks * stats.bsize)} at ${dir}`;
      if (free < fullBytes) return { status: 'down', detail: `disk full: ${space}; writes fail until space is freed` };
      if (free < lowBytes) return { status: 'degraded', detail: `disk almost full: ${space}` };
      return { status: 'up', detail: space };
    },
  };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} kB`;
  return `${bytes} B`;
}

/** Any TCP service: connectable is "up". */
export function tcpHealthTarget(name: string, address: HostPort): HealthTarget {
  return {
    name,
    async check(signal) {
      try {
        await tcpExchange(address, signal);
        return { status: 'up', detail: `${address.host}:${address.port} accepts connections` };
      } catch (error) {
        return { status: 'down', detail: `${address.host}:${address.port} ${(error as Error).message}` };
      }
    },
  };
}

export interface MysqlTargetOptions {
  /** mysql://user:password@host:port (wins over the fields below). */
  url?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  name?: string;
}

/** MySQL: mysql2 connect + ping; a refused login still proves the server is there ("degraded"). */
export function mysqlHealthTarget(options: MysqlTargetOptions): HealthTarget {
  const where = options.url ? new URL(options.url).host : `${options.host ?? '127.0.0.1'}:${options.port ?? 3306}`;
  return {
    name: options.name ?? 'MySQL',
    async check(signal, timeoutMs) {
      const mysql = (await import('mysql2/promise')).default;
      let connection: Awaited<ReturnType<typeof mysql.createConnection>> | undefined;
      const onAbort = () => connection?.destroy();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const base = { connectTimeout: timeoutMs };
        connection = await (options.url
          ? mysql.createConnection({ uri: options.url, ...base })
          : mysql.createConnection({
              host: options.host ?? '127.0.0.1',
              port: options.port ?? 3306,
              user: options.user ?? 'root',
              password: options.password ?? '',
              ...base,
            }));
        await connection.ping();
        return { status: 'up', detail: `${where} answers ping` };
      } catch (error) {
        const e = error as { code?: string; message?: string };
        if (e.code === 'ER_ACCESS_DENIED_ERROR' || e.code === 'ER_DBACCESS_DENIED_ERROR') {
          return { status: 'degraded', detail: `${where} reachable, login refused: ${e.message ?? e.code}` };
        }
        return { status: 'down', detail: `${where}: ${e.code ?? e.message ?? String(error)}` };
      } finally {
        signal.removeEventListener('abort', onAbort);
        connection?.destroy();
      }
    },
  };
}

/** What the embedded stack's supervisor says of a part it runs on its own thread (stack/supervisor.ts). */
export interface SupervisedPartState {
  state: 'starting' | 'up' | 'down' | 'restarting' | 'stopped';
  restarts: number;
  cause?: string;
  nextStartAt?: number;
}

/**
 * A part under the stack's supervisor: while its thread or process is dead the pill says down (why, and
 * when the next start is), while a new one starts it says restarting; once up, the part's own check answers.
 */
export function supervisedHealthTarget(target: HealthTarget, part: () => SupervisedPartState | undefined): HealthTarget {
  return {
    ...target,
    async check(signal, timeoutMs) {
      const state = part();
      if (state?.state === 'down') {
        const next = state.nextStartAt === undefined ? '' : `; next start in ${Math.max(0, Math.ceil((state.nextStartAt - Date.now()) / 1000))} s`;
        return { status: 'down', detail: `it died: ${state.cause ?? 'unknown cause'}${next}` };
      }
      if (state?.state === 'restarting')
        return { status: 'restarting', detail: `starting again (restart ${state.restarts}) after: ${state.cause ?? 'unknown cause'}` };
      const result = await target.check(signal, timeoutMs);
      if (!state || state.restarts === 0) return result;
      return { ...result, detail: `${result.detail}; restarted ${state.restarts} time(s), last after: ${state.cause ?? 'unknown cause'}` };
    },
  };
}

export interface DefaultHealthOptions {
  pinotControllerUrl: string;
  pinotBrokerUrl: string;
  ksqldbUrl: string;
  connectUrl: string;
  kafkaBootstrap: readonly string[];
  kafkaSecurity?: KafkaSecurity;
  /** Credentials of the HTTP services (external mode). */
  auth?: { connect?: HttpAuth; ksqldb?: HttpAuth; pinotController?: HttpAuth; pinotBroker?: HttpAuth };
  mysql: MysqlTargetOptions;
  /** The embedded cluster's refused writes (its `storage.problems()`), shown on the Kafka check. */
  kafkaStorageProblems?: () => readonly KafkaStorageProblem[];
  /** Where the embedded stack keeps its data: adds a Disk check of its free space. */
  dataDir?: string;
  /** The embedded stack's supervised parts by health-check name (ksqlDB ...): their restarts show on the strip. */
  supervised?: (name: string) => SupervisedPartState | undefined;
}

/** The five components of the stack, in pipeline order; the embedded stack adds its disk. */
export function defaultHealthTargets(options: DefaultHealthOptions): HealthTarget[] {
  const { supervised } = options;
  const parts = (target: HealthTarget) => (supervised ? supervisedHealthTarget(target, () => supervised(target.name)) : target);
  return [
    kafkaHealthTarget(options.kafkaBootstrap, 'Kafka', { storageProblems: options.kafkaStorageProblems, security: options.kafkaSecurity }),
    connectHealthTarget(options.connectUrl, 'Connect', options.auth?.connect),
    ksqldbHealthTarget(options.ksqldbUrl, 'ksqlDB', options.auth?.ksqldb),
    pinotHealthTarget({
      controllerUrl: options.pinotControllerUrl,
      brokerUrl: options.pinotBrokerUrl,
      controllerAuth: options.auth?.pinotController,
      brokerAuth: options.auth?.pinotBroker,
    }),
    mysqlHealthTarget(options.mysql),
    ...(options.dataDir === undefined ? [] : [diskHealthTarget(options.dataDir)]),
  ].map(parts);
}
