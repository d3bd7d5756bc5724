/**
 * The probes of `npm run chaos`: each does one thing that took the stack down before (issue #18) against a
 * running stack, bounded in time and in what it leaves behind (throwaway `chaos_` topics and streams,
 * removed at the end), and says whether the stack held: the attack was refused the way the real server
 * refuses it, and the stack kept serving.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { type ServiceClient, serviceClient, type StreamedAnswer } from '../config/http-client.ts';
import { kafkaConfig } from '../config/kafka-client.ts';
import { controlSocketPath, sendControlCommand } from '../embedded/kafka/index.ts';
import { sendStackCommand } from './control-socket.ts';

export interface ChaosTargets {
  kafkaBootstrap: string[];
  /** The embedded stack's data directory (its stack.sock and kafka/control.sock), for the part kill and the failover drill. */
  dataDir: string | undefined;
  ksqldbUrl: string;
  connectUrl: string;
  pinotControllerUrl: string;
  pinotBrokerUrl: string;
  dashboardUrl: string;
  /** The disk-full probe fills DATA_DIR's filesystem only when it has at most this much free (bytes). */
  maxDiskFillBytes: number;
}

export interface ProbeResult {
  name: string;
  /** held: refused and still serving; broke: it did not hold; skipped: could not be run here (detail says why). */
  outcome: 'held' | 'broke' | 'skipped';
  detail: string;
}

export interface Probe {
  name: string;
  what: string;
  run(targets: ChaosTargets, signal: AbortSignal): Promise<Omit<ProbeResult, 'name'>>;
}

const held = (detail: string) => ({ outcome: 'held' as const, detail });
const broke = (detail: string) => ({ outcome: 'broke' as const, detail });

function kafka(targets: ChaosTargets): Kafka {
  return new Kafka(
    kafkaConfig({ brokers: targets.kafkaBootstrap }, { clientId: 'chaos', logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 200 } }),
  );
}

async function withAdmin<T>(targets: ChaosTargets, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka(targets).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

/** The stack's HTTP parts, each through the application's client (15 s per request unless a probe says otherwise). */
interface StackClients {
  ksqldb: ServiceClient;
  pinotBroker: ServiceClient;
  pinotController: ServiceClient;
  connect: ServiceClient;
  dashboard: ServiceClient;
}

const clientsOfTargets = new WeakMap<ChaosTargets, StackClients>();

function http(targets: ChaosTargets): StackClients {
  let clients = clientsOfTargets.get(targets);
  if (!clients) {
    const client = (service: string, baseUrl: string) => serviceClient({ service, baseUrl, timeoutMs: 15_000 });
    clients = {
      ksqldb: client('ksqlDB', targets.ksqldbUrl),
      pinotBroker: client('Pinot broker', targets.pinotBrokerUrl),
      pinotController: client('Pinot controller', targets.pinotControllerUrl),
      connect: client('Kafka Connect', targets.connectUrl),
      dashboard: client('dashboard', targets.dashboardUrl),
    };
    clientsOfTargets.set(targets, clients);
  }
  return clients;
}

const KSQL_STATEMENTS = { 'content-type': 'application/vnd.ksql.v1+json' };

/** Every HTTP server and the brokers answer a plain request. */
async function stillServing(targets: ChaosTargets): Promise<string | undefined> {
  const checks: [string, () => Promise<boolean>][] = [
    ['ksqlDB', async () => targets.ksqldbUrl === '' || (await http(targets).ksqldb.request('GET', '/info')).status === 200],
    ['Pinot broker', async () => (await http(targets).pinotBroker.request('POST', '/query/sql', { body: { sql: 'SELECT 1' } })).status === 200],
    ['Pinot controller', async () => (await http(targets).pinotController.request('GET', '/health')).status === 200],
    ['Connect', async () => (await http(targets).connect.request('GET', '/connectors')).status === 200],
    ['dashboard', async () => (await http(targets).dashboard.request('GET', '/api/health')).status === 200],
    ['Kafka', async () => withAdmin(targets, async (admin) => (await admin.describeCluster()).brokers.length > 0)],
  ];
  for (const [name, check] of checks) {
    const ok = await check().catch(() => false);
    if (!ok) return `${name} stopped answering`;
  }
  return undefined;
}

async function afterwards(targets: ChaosTargets, what: string): Promise<Omit<ProbeResult, 'name'>> {
  const down = await stillServing(targets);
  return down ? broke(`${what}, but ${down}`) : held(`${what}; every part still answers`);
}

/** Opens connections to broker 1 beyond its max.connections.per.ip and counts how many the broker closed. */
const connectionFlood: Probe = {
  name: 'kafka-connection-flood',
  what: 'more idle connections to a broker than max.connections.per.ip',
  async run(targets) {
    const limits = await withAdmin(targets, async (admin) => {
      const cluster = await admin.describeCluster();
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 4, name: String(cluster.brokers[0]!.nodeId), configNames: ['max.connections.per.ip'] }],
      });
      return Number(described.resources[0]?.configEntries.find((e) => e.configName === 'max.connections.per.ip')?.configValue ?? NaN);
    });
    if (!Number.isFinite(limits)) return broke('broker 1 does not report max.connections.per.ip');
    const [host, port] = targets.kafkaBootstrap[0]!.split(':') as [string, string];
    const count = Math.min(limits + 50, 3000);
    const sockets: net.Socket[] = [];
    let closedByBroker = 0;
    try {
      await Promise.all(
        Array.from(
          { length: count },
          () =>
            new Promise<void>((resolve) => {
              const socket = net.createConnection({ host, port: Number(port) });
              sockets.push(socket);
              socket.on('error', () => resolve());
              socket.on('close', () => {
                closedByBroker++;
                resolve();
              });
              socket.on('connect', () => setTimeout(resolve, 300));
            }),
        ),
      );
      const serving = await stillServing(targets);
      if (serving && !/^Kafka/.test(serving)) return broke(`${count} connections opened, and ${serving}`);
    } finally {
      for (const s of sockets) s.destroy();
    }
    if (closedByBroker === 0) return broke(`${count} connections to ${host}:${port} (limit ${limits}) and the broker closed none`);
    return afterwards(targets, `${count} connections to ${host}:${port} (max.connections.per.ip ${limits}): the broker closed ${closedByBroker}`);
  },
};

const partitionBomb: Probe = {
  name: 'partition-bomb',
  what: 'a topic of 100,000 partitions, through Kafka and through ksqlDB',
  async run(targets) {
    const viaKafka = await withAdmin(targets, (admin) =>
      admin.createTopics({ topics: [{ topic: 'chaos_big', numPartitions: 100_000 }] }).then(
        () => 'created',
        (error: Error & { errors?: { type?: string }[] }) => error.errors?.[0]?.type ?? error.message,
      ),
    );
    if (viaKafka === 'created') return broke('Kafka created a topic of 100,000 partitions');
    const viaKsql = await http(targets).ksqldb.request('POST', '/ksql', {
      headers: KSQL_STATEMENTS,
      body: { ksql: "CREATE STREAM chaos_big_stream (x INT) WITH (KAFKA_TOPIC='chaos_big', VALUE_FORMAT='JSON', PARTITIONS=100000);" },
    });
    if (viaKsql.status === 200) return broke('ksqlDB created a stream over 100,000 partitions');
    if (viaKsql.status !== 400) return broke(`ksqlDB answered HTTP ${viaKsql.status} instead of a statement error: ${viaKsql.text.slice(0, 200)}`);
    return afterwards(targets, `refused: Kafka ${viaKafka}, ksqlDB HTTP ${viaKsql.status}`);
  },
};

const pinotStringBomb: Probe = {
  name: 'pinot-string-bomb',
  what: "SELECT max(length(lpad(country,100000000,'xy'))) on the Pinot broker, with timeoutMs=0 and with 10 minutes",
  async run(targets) {
    const counted = await http(targets).pinotBroker.request('POST', '/query/sql', {
      body: { sql: 'SELECT count(*) FROM pageview_country' },
    });
    const rows = (JSON.parse(counted.text || '{}') as { resultTable?: { rows: unknown[][] } }).resultTable?.rows[0]?.[0];
    if (!rows) return { outcome: 'skipped', detail: 'pageview_country has no rows yet, so the query would build no string: run it once data has arrived' };
    const outcomes: string[] = [];
    for (const timeout of ['0', '600000']) {
      const started = Date.now();
      const answer = await http(targets).pinotBroker.request('POST', '/query/sql', {
        body: { sql: `SET timeoutMs=${timeout}; SELECT max(length(lpad(country, 100000000, 'xy'))) FROM pageview_country` },
        timeoutMs: 60_000,
      });
      const ms = Date.now() - started;
      const body = JSON.parse(answer.text || '{}') as { exceptions?: { errorCode: number }[]; resultTable?: { rows: unknown[][] } };
      const codes = (body.exceptions ?? []).map((e) => e.errorCode);
      if (body.resultTable && codes.length === 0) return broke(`timeoutMs=${timeout}: answered a result after ${ms} ms`);
      if (ms > 15_000) return broke(`timeoutMs=${timeout}: refused only after ${ms} ms`);
      outcomes.push(`timeoutMs=${timeout} refused in ${ms} ms (HTTP ${answer.status}${codes.length ? `, Pinot error ${codes.join(',')}` : ''})`);
    }
    return afterwards(targets, outcomes.join('; '));
  },
};

const crossOriginWrites: Probe = {
  name: 'cross-origin-writes',
  what: 'a foreign web page creating a ksqlDB stream (text/plain) and deleting a Pinot schema',
  async run(targets) {
    const ksql = await http(targets).ksqldb.request('POST', '/ksql', {
      headers: { 'content-type': 'text/plain', origin: 'http://evil.example' },
      body: { ksql: "CREATE STREAM chaos_xo (x INT) WITH (KAFKA_TOPIC='chaos_xo', VALUE_FORMAT='JSON', PARTITIONS=1);" },
    });
    const pinot = await http(targets).pinotController.request('DELETE', '/schemas/pageview_country', { headers: { origin: 'http://evil.example' } });
    if (ksql.status === 200) return broke('ksqlDB ran a statement from a foreign origin');
    if (pinot.status === 200) return broke('Pinot deleted a schema for a foreign origin');
    return afterwards(targets, `refused: ksqlDB HTTP ${ksql.status}, Pinot HTTP ${pinot.status}`);
  },
};

const dnsRebinding: Probe = {
  name: 'dns-rebinding',
  what: 'requests naming another host (Host: evil.example) to every HTTP server',
  async run(targets) {
    const urls = [
      `${targets.ksqldbUrl}/info`,
      `${targets.connectUrl}/connectors`,
      `${targets.pinotControllerUrl}/tables`,
      `${targets.dashboardUrl}/api/health`,
    ];
    const answered: string[] = [];
    for (const url of urls) {
      // the Host header written by hand on a raw socket, exactly as a rebinding page's request carries it
      const status = await rawGet(url, 'evil.example');
      if (status === 200) answered.push(url);
    }
    return answered.length
      ? broke(`answered for Host evil.example: ${answered.join(', ')}`)
      : afterwards(targets, `${urls.length} servers refused Host evil.example`);
  },
};

function rawGet(url: string, host: string): Promise<number> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.createConnection({ host: hostname, port: Number(port) });
    let text = '';
    const done = (status: number) => {
      socket.destroy();
      resolve(status);
    };
    socket.setTimeout(10_000, () => done(0));
    socket.on('connect', () => socket.write(`GET ${pathname} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (m) done(Number(m[1]));
    });
    socket.on('error', () => done(0));
  });
}

const pushQueryFlood: Probe = {
  name: 'push-query-flood',
  what: 'more concurrent push queries than ksql.max.push.queries',
  async run(targets, signal) {
    const stopper = new AbortController();
    signal.addEventListener('abort', () => stopper.abort(), { once: true });
    // the open responses are kept: a response the collector takes closes its connection, ending its query
    const openResponses: StreamedAnswer[] = [];
    const open = async (): Promise<number> => {
      const response = await http(targets).ksqldb.stream('POST', '/query-stream', {
        signal: stopper.signal,
        headers: { 'content-type': 'application/vnd.ksqlapi.delimited.v1' },
        body: { sql: 'SELECT * FROM PAGEVIEW EMIT CHANGES;' },
      });
      if (response.status !== 200) await response.text();
      else openResponses.push(response);
      return response.status;
    };
    const statuses: number[] = [];
    try {
      for (let i = 0; i < 120 && !statuses.includes(400); i++) statuses.push(await open().catch(() => 0));
      const refusedAt = statuses.indexOf(400);
      if (refusedAt < 0) return broke(`${statuses.length} push queries opened and none refused (HTTP ${[...new Set(statuses)].join(', ')})`);
      return afterwards(targets, `push query ${refusedAt + 1} refused (HTTP 400) with ${openResponses.length} running`);
    } finally {
      stopper.abort();
      openResponses.length = 0;
    }
  },
};

const brokerFailover: Probe = {
  name: 'broker-failover',
  what: 'broker 2 stopped and started (npm run kafka -- stop-broker 2) while writing with acks=all',
  async run(targets) {
    if (!targets.dataDir) return { outcome: 'skipped', detail: "no data directory (the drill needs the embedded cluster's control socket; give --data-dir)" };
    const socket = controlSocketPath(`${targets.dataDir}/kafka`);
    const client = kafka(targets);
    await withAdmin(targets, (admin) =>
      admin.createTopics({ topics: [{ topic: 'chaos_failover', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true }),
    );
    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const acked: string[] = [];
    const send = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        await producer.send({ topic: 'chaos_failover', acks: -1, messages: [{ partition: i % 3, value: `v${i}` }] }).then(
          () => acked.push(`v${i}`),
          () => undefined,
        );
      }
    };
    try {
      await send(0, 100);
      const stopped = await sendControlCommand(socket, { command: 'stop-broker', broker: 2 });
      if (!stopped.ok) return broke(`stop-broker 2 refused: ${stopped.error}`);
      await send(100, 200);
      const started = await sendControlCommand(socket, { command: 'start-broker', broker: 2 });
      if (!started.ok) return broke(`start-broker 2 refused: ${started.error}`);
      await send(200, 300);
    } finally {
      await producer.disconnect();
      await sendControlCommand(socket, { command: 'start-broker', broker: 2 }).catch(() => undefined);
    }
    const consumer = client.consumer({ groupId: `chaos-failover-${Date.now()}` });
    const seen = new Set<string>();
    let duplicates = 0;
    await consumer.connect();
    await consumer.subscribe({ topics: ['chaos_failover'], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const v = message.value!.toString();
        if (seen.has(v)) duplicates++;
        seen.add(v);
      },
    });
    const deadline = Date.now() + 30_000;
    while (acked.some((v) => !seen.has(v)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await consumer.disconnect();
    const lost = acked.filter((v) => !seen.has(v));
    if (lost.length || duplicates) return broke(`${lost.length} acknowledged message(s) lost, ${duplicates} duplicated`);
    return afterwards(targets, `${acked.length} of 300 writes acknowledged across the stop and start, every one read back once`);
  },
};

const partKill: Probe = {
  name: 'part-kill',
  what: "ksqlDB's thread ended as a crash would, while the other parts serve",
  async run(targets) {
    if (!targets.dataDir) return { outcome: 'skipped', detail: "no data directory (the kill goes through the stack's stack.sock; give --data-dir)" };
    const before = await queryIds(targets);
    const killed = await sendStackCommand(targets.dataDir, { command: 'kill-part', part: 'ksqlDB' });
    if (!killed.ok) return broke(`kill-part refused: ${killed.error}`);
    const started = Date.now();
    // the others answer while ksqlDB is down; ksqlDB is back with the same persistent queries
    let othersDown: string | undefined;
    for (;;) {
      const down = await stillServing({ ...targets, ksqldbUrl: '' }).catch((e: Error) => e.message);
      if (down && !/^ksqlDB/.test(down)) othersDown = down;
      const ids = await queryIds(targets).catch(() => undefined);
      if (ids && ids.join() === before.join()) break;
      if (Date.now() - started > 60_000) return broke(`ksqlDB not back with its ${before.length} persistent queries within 60 s`);
      await new Promise((r) => setTimeout(r, 250));
    }
    if (othersDown) return broke(`ksqlDB came back, but while it was down ${othersDown}`);
    return afterwards(
      targets,
      `ksqlDB back with its ${before.length} persistent queries ${((Date.now() - started) / 1000).toFixed(1)} s after its thread was ended; the other parts answered throughout`,
    );
  },
};

async function queryIds(targets: ChaosTargets): Promise<string[]> {
  const answer = await http(targets).ksqldb.request('POST', '/ksql', {
    headers: KSQL_STATEMENTS,
    body: { ksql: 'SHOW QUERIES;' },
    timeoutMs: 5_000,
  });
  const body = JSON.parse(answer.text) as { queries?: { id: string; queryType: string }[] }[];
  return (body[0]?.queries ?? [])
    .filter((q) => q.queryType === 'PERSISTENT')
    .map((q) => q.id)
    .sort();
}

/** The name of the file the disk-full probe fills the data directory's filesystem with. */
export const DISK_FILLER = 'chaos-disk-filler';

/** Writes zeros into `file` until the filesystem refuses (ENOSPC) or `limit` bytes; returns the bytes written. */
function fillFilesystem(file: string, limit: number): number {
  const chunk = Buffer.alloc(1024 * 1024);
  const fd = fs.openSync(file, 'w');
  let written = 0;
  try {
    while (written < limit) written += fs.writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(fd);
  }
  return written;
}

/** The dashboard's view of one component (its /api/health). */
async function healthOf(targets: ChaosTargets, name: string): Promise<{ status: string; detail: string } | undefined> {
  const answer = await http(targets).dashboard.request('GET', '/api/health', { timeoutMs: 5_000 });
  const body = JSON.parse(answer.text) as { components?: { name: string; status: string; detail: string }[] };
  return body.components?.find((c) => c.name === name);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not seen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const diskFull: Probe = {
  name: 'disk-full',
  what: "the data directory's filesystem filled up, then freed",
  async run(targets) {
    if (!targets.dataDir) return { outcome: 'skipped', detail: 'no data directory (give --data-dir)' };
    const stats = fs.statfsSync(targets.dataDir);
    const free = stats.bavail * stats.bsize;
    if (free > targets.maxDiskFillBytes) {
      return {
        outcome: 'skipped',
        detail:
          `${targets.dataDir} has ${Math.round(free / 1048576)} MB free, more than --max-disk-fill ${Math.round(targets.maxDiskFillBytes / 1048576)} MB: ` +
          'run the stack with DATA_DIR on a small filesystem (a 512 MB tmpfs: mount -t tmpfs -o size=512m tmpfs DIR) to probe a full disk',
      };
    }
    const topic = 'chaos_disk';
    await withAdmin(targets, (admin) => admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true }));
    const client = kafka(targets);
    const once = client.producer({ retry: { retries: 0 } });
    const steady = client.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 1_000 } });
    await once.connect();
    await steady.connect();
    const filler = path.join(targets.dataDir, DISK_FILLER);
    try {
      await steady.send({ topic, acks: -1, messages: [{ value: 'before' }] });
      const filled = fillFilesystem(filler, free + 64 * 1024 * 1024);
      // a write while full (large enough to need new blocks: a small one may fit the segment's last
      // block): the broker's storage error, not a dropped connection
      const refusal = await once.send({ topic, acks: -1, messages: [{ value: Buffer.alloc(256 * 1024, 'x') }] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      const cause = ((refusal as { cause?: unknown } | undefined)?.cause ?? refusal) as { type?: string } | undefined;
      if (cause?.type !== 'KAFKA_STORAGE_ERROR') {
        return broke(
          `a write to a full disk ${refusal === undefined ? 'was acknowledged' : `failed with ${cause?.type ?? (refusal as Error).message}`}, not KAFKA_STORAGE_ERROR`,
        );
      }
      const disk = await until(
        "the dashboard's Disk pill down",
        async () => {
          const h = await healthOf(targets, 'Disk');
          return h?.status === 'down' ? h : undefined;
        },
        30_000,
      );
      const downWhileFull = await stillServing(targets);
      if (downWhileFull) return broke(`with the disk full ${downWhileFull}`);
      fs.rmSync(filler, { force: true });
      await steady.send({ topic, acks: -1, messages: [{ value: 'after' }] });
      await until("the dashboard's Disk pill back", async () => ((await healthOf(targets, 'Disk'))?.status !== 'down' ? true : undefined), 30_000);
      return afterwards(
        targets,
        `${Math.round(filled / 1048576)} MB filled the disk: writes refused with KAFKA_STORAGE_ERROR, the strip said "${disk.detail}"; once freed, writes acknowledged again`,
      );
    } finally {
      fs.rmSync(filler, { force: true });
      await once.disconnect();
      await steady.disconnect();
    }
  },
};

export const PROBES: Probe[] = [
  connectionFlood,
  partitionBomb,
  pinotStringBomb,
  crossOriginWrites,
  dnsRebinding,
  pushQueryFlood,
  brokerFailover,
  partKill,
  diskFull,
];

/** Removes what the probes created (topics and streams named chaos_*). */
export async function cleanUp(targets: ChaosTargets): Promise<void> {
  await http(targets)
    .ksqldb.request('POST', '/ksql', {
      headers: KSQL_STATEMENTS,
      body: { ksql: 'DROP STREAM IF EXISTS chaos_big_stream; DROP STREAM IF EXISTS chaos_xo;' },
    })
    .catch(() => undefined);
  await withAdmin(targets, async (admin) => {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith('chaos_'));
    if (topics.length) await admin.deleteTopics({ topics });
  }).catch(() => undefined);
}
