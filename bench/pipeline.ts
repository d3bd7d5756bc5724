/**
 * `npm run bench -- pipeline`: the whole embedded stack in its own process (as `npm start` runs it),
 * fed page views at a target rate: start-up time to a ready dashboard, sustained events/s from the
 * producer to Pinot, freshness (produce -> counted in Pinot) p50/p99, the dashboard's query cost, and
 * the stack's resident memory. Baselines measured in the same run: a bare Node process's RSS and the
 * rate at which the producer alone can send.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../config/index.ts';
import { processCpuMicros, progress, threadCpuMicros } from './measure.ts';
import { freshnessOf, loadUsers, pageViewMessages, percentileOf, runThroughPinot, USERS, type PinotRun, type SendLog } from './pipeline-load.ts';
import { childPids, processName, processResidentBytes, stackTreeResidentBytes } from '../stack/resident-memory.ts';

export interface PipelineFigures {
  events: number;
  targetRate: number;
  startupMs: number;
  sustainedEventsPerSec: number;
  producerOnlyEventsPerSec: number;
  freshnessP50Ms: number;
  freshnessP99Ms: number;
  /** produce -> counted in ksqlDB's output (topic5, the table Pinot's count comes from): the ksqlDB share of freshness */
  ksqlFreshnessP50Ms: number;
  ksqlFreshnessP99Ms: number;
  dashboardQueryP50Ms: number;
  /** CPU time of the whole stack (its process and Pinot's) per page view while the page views went through */
  stackCpuUsPerEvent: number;
  /** of which Pinot's process */
  pinotCpuUsPerEvent: number;
  /** the stack's busiest thread per page view: one thread at 100% of a core caps the pipeline at 1e6 / this */
  busiestThreadCpuUsPerEvent: number;
  /** the stack process's main thread per page view: the three Kafka brokers, the session feed, the dashboard */
  mainThreadCpuUsPerEvent: number;
  stackRssMb: number;
  stackPeakRssMb: number;
  bareNodeRssMb: number;
}

const BENCH_ENV = {
  KAFKA_PORT: '29092',
  CONNECT_PORT: '28083',
  KSQLDB_PORT: '28088',
  PINOT_CONTROLLER_PORT: '29000',
  PINOT_BROKER_PORT: '28099',
  DASHBOARD_PORT: '28501',
  MYSQL_PORT: '23306',
  DASHBOARD_POLL_MS: '1000',
};

function rssMb(pid: number): number {
  return processResidentBytes(pid) / 1048576;
}

/** The stack's memory: its process and its parts' processes (Pinot), not the private MariaDB. */
function stackRssMb(pid: number): number {
  return stackTreeResidentBytes(pid) / 1048576;
}

/**
 * BENCH_CPU_PROF_DIR=DIR: V8 CPU profiles of every thread of the stack's process and of the parts it runs
 * as child processes (Pinot: the supervisor passes the flags on), written to DIR as each ends.
 */
function cpuProfileArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  if (!dir) return [];
  fs.mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${path.resolve(dir)}`];
}

async function startStackProcess(dataDir: string): Promise<{ child: ChildProcess; startupMs: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', ...cpuProfileArgs(), 'stack/start.ts', '--no-produce'], {
    env: { ...process.env, ...BENCH_ENV, DATA_DIR: dataDir, MYSQL_URL: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (/ready in [\d.]+ s/.test(out)) resolve();
    });
    child.on('close', (code) => reject(new Error(`the stack exited with ${code} before it was ready:\n${out}`)));
  });
  return { child, startupMs: Date.now() - started };
}

/**
 * Page views counted so far in ksqlDB's per-country table topic: the sum of the latest view_count of
 * every country key, read with a consumer of its own (from the start, so the users' load is included).
 */
async function watchKsqlCount(kafka: Kafka, topic: string, onCount: (count: number) => void): Promise<() => Promise<void>> {
  const latest = new Map<string, number>();
  let total = 0;
  // a fetch is answered as soon as a record arrives: the wait bounds only idle polls, which the stack's
  // brokers would otherwise answer a hundred times a second each, counted as the stack's CPU
  const consumer = kafka.consumer({ groupId: `bench-pipeline-ksql-${Date.now()}`, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        const key = m.key?.toString('latin1') ?? '';
        const value = m.value ? (JSON.parse(m.value.toString('utf8')) as { view_count?: number }) : null;
        const views = Number(value?.view_count ?? 0);
        total += views - (latest.get(key) ?? 0);
        if (value) latest.set(key, views);
        else latest.delete(key);
      }
      onCount(total);
    },
  });
  await joined;
  return () => consumer.disconnect();
}

/** CPU time spent by the stack: its process's threads, and its Node child processes (Pinot) as a whole. */
interface StackCpu {
  threads: Map<number, number>;
  children: Map<number, number>;
}

function stackCpu(pid: number): StackCpu {
  const children = new Map(
    childPids(pid)
      .filter((child) => processName(child) === 'node')
      .map((child) => [child, processCpuMicros(child)]),
  );
  return { threads: threadCpuMicros(pid), children };
}

/** Per page view between two readings: the stack's CPU, Pinot's share and the busiest thread of the stack's process. */
function cpuPerEvent(before: StackCpu, after: StackCpu, events: number, pid: number) {
  const delta = (a: Map<number, number>, b: Map<number, number>) => [...a].map(([id, us]) => us - (b.get(id) ?? 0));
  const threads = delta(after.threads, before.threads);
  const children = delta(after.children, before.children);
  const sum = (values: number[]) => values.reduce((total, us) => total + us, 0);
  return {
    stackCpuUsPerEvent: Number(((sum(threads) + sum(children)) / events).toFixed(1)),
    pinotCpuUsPerEvent: Number((sum(children) / events).toFixed(1)),
    busiestThreadCpuUsPerEvent: Number((Math.max(0, ...threads) / events).toFixed(1)),
    mainThreadCpuUsPerEvent: Number((((after.threads.get(pid) ?? 0) - (before.threads.get(pid) ?? 0)) / events).toFixed(1)),
  };
}

async function bareNodeRss(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 2000)']);
  await new Promise((r) => setTimeout(r, 500));
  const rss = rssMb(child.pid!);
  child.kill();
  return rss;
}

/** Page views per second the pipeline suite offers unless --rate says otherwise. */
export const DEFAULT_PIPELINE_RATE = 5000;

export async function benchPipeline(events: number, rate = DEFAULT_PIPELINE_RATE): Promise<PipelineFigures> {
  const config = loadConfig({ ...process.env, ...BENCH_ENV, MYSQL_URL: '' });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pipeline-'));
  progress('starting the embedded stack in its own process');
  const { child, startupMs } = await startStackProcess(dataDir);
  const brokerUrl = `http://127.0.0.1:${config.ports.pinotBroker}`;
  const brokers = config.kafka.bootstrap;
  try {
    const mysqlUrl = `mysql://root@127.0.0.1:${config.ports.mysql}`;
    progress(`${USERS} users into MySQL, through the JDBC source and ksqlDB`);
    const kafka = new Kafka({ clientId: 'bench-pipeline', brokers, logLevel: logLevel.NOTHING });
    await loadUsers(kafka, mysqlUrl, config);
    const messages = pageViewMessages(events, rate);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();

    progress(`producer alone: ${Math.min(events, 50_000)} events to a scratch topic as fast as possible`);
    const scratch = messages.slice(0, Math.min(events, 50_000));
    const soloStart = Date.now();
    for (let i = 0; i < scratch.length; i += 1000) await producer.send({ topic: 'bench-producer-only', acks: -1, messages: scratch.slice(i, i + 1000) });
    const producerOnlyEventsPerSec = scratch.length / ((Date.now() - soloStart) / 1000);

    progress(`${events} page views at ${rate}/s through the pipeline`);
    const sent: SendLog = [];
    const rssSamples: number[] = [];
    const sampler = setInterval(() => rssSamples.push(stackRssMb(child.pid!)), 1000);
    const ksqlFreshness = freshnessOf(sent);
    const stopKsqlWatch = await watchKsqlCount(kafka, config.topics.pageviewCountry, (count) => ksqlFreshness.counted(count));
    const cpuBefore = stackCpu(child.pid!);
    let run: PinotRun;
    try {
      run = await runThroughPinot({ producer, topic: config.topics.pageview, messages, rate, brokerUrl, stack: 'embedded stack', sent });
    } finally {
      clearInterval(sampler);
      await stopKsqlWatch();
    }
    const cpu = cpuPerEvent(cpuBefore, stackCpu(child.pid!), events, child.pid!);

    const queryTimes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = Date.now();
      await fetch(`http://127.0.0.1:${config.ports.dashboard}/api/snapshot`);
      await Promise.all(
        ['pageview_country', 'pageview_tumbling', 'pageview_hopping', 'pageview_session'].map((table) =>
          fetch(`${brokerUrl}/query/sql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ sql: `SELECT * FROM ${table} LIMIT 1000` }),
          }).then((r) => r.text()),
        ),
      );
      queryTimes.push(Date.now() - t);
    }
    const figures: PipelineFigures = {
      events,
      targetRate: rate,
      startupMs,
      sustainedEventsPerSec: events / ((run.doneAt - run.firstSend) / 1000),
      producerOnlyEventsPerSec,
      freshnessP50Ms: percentileOf(run.freshness, 50),
      freshnessP99Ms: percentileOf(run.freshness, 99),
      ksqlFreshnessP50Ms: percentileOf(ksqlFreshness.samples, 50),
      ksqlFreshnessP99Ms: percentileOf(ksqlFreshness.samples, 99),
      dashboardQueryP50Ms: percentileOf(queryTimes, 50),
      ...cpu,
      stackRssMb: stackRssMb(child.pid!),
      stackPeakRssMb: Math.max(...rssSamples, 0),
      bareNodeRssMb: await bareNodeRss(),
    };
    console.log(`\nPipeline: ${events} page views at ${rate}/s, embedded stack in one process`);
    console.log(`start-up to a ready dashboard      ${(figures.startupMs / 1000).toFixed(1)} s (aim < 10 s)`);
    console.log(
      `sustained events/s to Pinot        ${figures.sustainedEventsPerSec.toFixed(0)} (producer alone: ${figures.producerOnlyEventsPerSec.toFixed(0)}/s, ratio ${(figures.sustainedEventsPerSec / figures.producerOnlyEventsPerSec).toFixed(2)})`,
    );
    console.log(`freshness p50 / p99                ${figures.freshnessP50Ms} / ${figures.freshnessP99Ms} ms (aim p99 < 1000 ms)`);
    console.log(`  of which ksqlDB (to topic5)      ${figures.ksqlFreshnessP50Ms} / ${figures.ksqlFreshnessP99Ms} ms`);
    console.log(`dashboard refresh (4 queries) p50  ${figures.dashboardQueryP50Ms} ms`);
    console.log(
      `stack CPU per page view            ${figures.stackCpuUsPerEvent} µs (Pinot ${figures.pinotCpuUsPerEvent} µs): ${((figures.stackCpuUsPerEvent * rate) / 1e6).toFixed(2)} of ${os.cpus().length} cores at ${rate}/s`,
    );
    console.log(
      `busiest thread per page view       ${figures.busiestThreadCpuUsPerEvent} µs: alone it caps the pipeline at ${(1e6 / figures.busiestThreadCpuUsPerEvent).toFixed(0)} page views/s`,
    );
    console.log(`main thread (Kafka x3, session feed, dashboard) per page view  ${figures.mainThreadCpuUsPerEvent} µs`);
    console.log(
      `stack resident memory after        ${figures.stackRssMb.toFixed(0)} MB, peak ${figures.stackPeakRssMb.toFixed(0)} MB (bare node: ${figures.bareNodeRssMb.toFixed(0)} MB; aim < 600 MB)`,
    );
    return figures;
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('close', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
