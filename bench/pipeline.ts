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
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { loadConfig } from '../config/index.ts';
import { produceUsers } from '../producers/index.ts';
import { fixedClock, PageViewGenerator } from '../producers/generate/events.ts';
import { userIdRange } from '../producers/generate/user-ids.ts';
import { pageViewMessage } from '../producers/sinks/kafka-events.ts';
import { percentile, progress } from './measure.ts';
import { processResidentBytes, stackTreeResidentBytes } from '../stack/resident-memory.ts';

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
  stackRssMb: number;
  stackPeakRssMb: number;
  bareNodeRssMb: number;
}

const BENCH_ENV = {
  KAFKA_PORT: '29092', CONNECT_PORT: '28083', KSQLDB_PORT: '28088', PINOT_CONTROLLER_PORT: '29000',
  PINOT_BROKER_PORT: '28099', DASHBOARD_PORT: '28501', MYSQL_PORT: '23306', DASHBOARD_POLL_MS: '1000',
};

function rssMb(pid: number): number {
  return processResidentBytes(pid) / 1048576;
}

/** The stack's memory: its process and its parts' processes (Pinot), not the private MariaDB. */
function stackRssMb(pid: number): number {
  return stackTreeResidentBytes(pid) / 1048576;
}

export function percentileOf(values: number[], p: number): number {
  return values.length === 0 ? NaN : percentile([...values].sort((a, b) => a - b), p);
}

async function startStackProcess(dataDir: string): Promise<{ child: ChildProcess; startupMs: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'stack/start.ts', '--no-produce'], {
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

export async function pinotViews(brokerUrl: string): Promise<number> {
  const response = await fetch(`${brokerUrl}/query/sql`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql: 'SELECT SUM(view_count) FROM pageview_country' }),
  });
  const body = (await response.json()) as { resultTable?: { rows: number[][] } };
  return Number(body.resultTable?.rows[0]?.[0] ?? 0) || 0;
}

/**
 * Page views counted so far in ksqlDB's per-country table topic: the sum of the latest view_count of
 * every country key, read with a consumer of its own (from the start, so the users' load is included).
 */
async function watchKsqlCount(kafka: Kafka, topic: string, onCount: (count: number) => void): Promise<() => Promise<void>> {
  const latest = new Map<string, number>();
  let total = 0;
  const consumer = kafka.consumer({ groupId: `bench-pipeline-ksql-${Date.now()}`, maxWaitTimeInMs: 10 });
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

/**
 * Freshness samples against the send log: when a reader sees `count` events counted, every send whose
 * running total is covered became visible now, its freshness is now minus the time it was sent.
 */
export function freshnessOf(sent: readonly { count: number; at: number }[]): { samples: number[]; counted(count: number): void } {
  const samples: number[] = [];
  let next = 0;
  return {
    samples,
    counted(count) {
      const now = Date.now();
      while (next < sent.length && sent[next]!.count <= count) samples.push(now - sent[next++]!.at);
    },
  };
}

async function bareNodeRss(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 2000)']);
  await new Promise((r) => setTimeout(r, 500));
  const rss = rssMb(child.pid!);
  child.kill();
  return rss;
}

export async function sendAtRate(producer: Producer, topic: string, messages: { key: string; value: string }[], rate: number, onBatch: (sentSoFar: number, at: number) => void): Promise<number> {
  const batch = Math.max(1, Math.round(rate / 20));
  const start = Date.now();
  for (let i = 0; i < messages.length; i += batch) {
    const due = start + (i / rate) * 1000;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + batch) });
    onBatch(Math.min(messages.length, i + batch), Date.now());
  }
  return Date.now() - start;
}

export async function benchPipeline(events: number, rate = 5000): Promise<PipelineFigures> {
  const config = loadConfig({ ...process.env, ...BENCH_ENV, MYSQL_URL: '' });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pipeline-'));
  progress('starting the embedded stack in its own process');
  const { child, startupMs } = await startStackProcess(dataDir);
  const brokerUrl = `http://127.0.0.1:${config.ports.pinotBroker}`;
  const brokers = config.kafka.bootstrap;
  try {
    const mysqlUrl = `mysql://root@127.0.0.1:${config.ports.mysql}`;
    progress('1000 users into MySQL, through the JDBC source and ksqlDB');
    await produceUsers({ count: 1000, seed: 1, url: mysqlUrl, database: config.mysql.database, config, nullRate: 0 });
    const kafka = new Kafka({ clientId: 'bench-pipeline', brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    for (;;) {
      const cleaned = (await admin.fetchTopicOffsets(config.topics.cleanedUsers)).reduce((n, o) => n + Number(o.high), 0);
      if (cleaned >= 1000) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await admin.disconnect();

    const generator = new PageViewGenerator({ seed: 2, userIds: userIdRange(1, 1000), sessionsPerUser: 1, jitterMs: 0, lateRate: 0, lateMs: 0, clock: fixedClock(Date.now(), 1000 / rate) });
    const messages = generator.take(events).map(pageViewMessage);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();

    progress(`producer alone: ${Math.min(events, 50_000)} events to a scratch topic as fast as possible`);
    const scratch = messages.slice(0, Math.min(events, 50_000));
    const soloStart = Date.now();
    for (let i = 0; i < scratch.length; i += 1000) await producer.send({ topic: 'bench-producer-only', acks: -1, messages: scratch.slice(i, i + 1000) });
    const producerOnlyEventsPerSec = scratch.length / ((Date.now() - soloStart) / 1000);

    progress(`${events} page views at ${rate}/s through the pipeline`);
    const sent: { count: number; at: number }[] = [];
    const rssSamples: number[] = [];
    const sampler = setInterval(() => rssSamples.push(stackRssMb(child.pid!)), 1000);
    const freshness = freshnessOf(sent);
    const ksqlFreshness = freshnessOf(sent);
    const stopKsqlWatch = await watchKsqlCount(kafka, config.topics.pageviewCountry, (count) => ksqlFreshness.counted(count));
    let seen = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        seen = await pinotViews(brokerUrl).catch(() => seen);
        freshness.counted(seen);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const firstSend = Date.now();
    await sendAtRate(producer, config.topics.pageview, messages, rate, (count, at) => sent.push({ count, at }));
    await producer.disconnect();
    // Wait while the pipeline catches up; give up only when it stops making progress for a minute.
    let lastSeen = seen;
    let lastProgress = Date.now();
    while (seen < events && Date.now() - lastProgress < 60_000) {
      await new Promise((r) => setTimeout(r, 200));
      if (seen > lastSeen) {
        lastSeen = seen;
        lastProgress = Date.now();
        progress(`${seen} of ${events} page views counted in Pinot`);
      }
    }
    const doneAt = Date.now();
    clearInterval(sampler);
    polling = false;
    await poller;
    await stopKsqlWatch();
    if (seen < events) throw new Error(`only ${seen} of ${events} page views reached Pinot (no progress for a minute)`);

    const queryTimes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = Date.now();
      await fetch(`http://127.0.0.1:${config.ports.dashboard}/api/snapshot`);
      await Promise.all(['pageview_country', 'pageview_tumbling', 'pageview_hopping', 'pageview_session'].map((table) => fetch(`${brokerUrl}/query/sql`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql: `SELECT * FROM ${table} LIMIT 1000` }),
      }).then((r) => r.text())));
      queryTimes.push(Date.now() - t);
    }
    const figures: PipelineFigures = {
      events,
      targetRate: rate,
      startupMs,
      sustainedEventsPerSec: events / ((doneAt - firstSend) / 1000),
      producerOnlyEventsPerSec,
      freshnessP50Ms: percentileOf(freshness.samples, 50),
      freshnessP99Ms: percentileOf(freshness.samples, 99),
      ksqlFreshnessP50Ms: percentileOf(ksqlFreshness.samples, 50),
      ksqlFreshnessP99Ms: percentileOf(ksqlFreshness.samples, 99),
      dashboardQueryP50Ms: percentileOf(queryTimes, 50),
      stackRssMb: stackRssMb(child.pid!),
      stackPeakRssMb: Math.max(...rssSamples, 0),
      bareNodeRssMb: await bareNodeRss(),
    };
    console.log(`\nPipeline: ${events} page views at ${rate}/s, embedded stack in one process`);
    console.log(`start-up to a ready dashboard      ${(figures.startupMs / 1000).toFixed(1)} s (aim < 10 s)`);
    console.log(`sustained events/s to Pinot        ${figures.sustainedEventsPerSec.toFixed(0)} (producer alone: ${figures.producerOnlyEventsPerSec.toFixed(0)}/s, ratio ${(figures.sustainedEventsPerSec / figures.producerOnlyEventsPerSec).toFixed(2)})`);
    console.log(`freshness p50 / p99                ${figures.freshnessP50Ms} / ${figures.freshnessP99Ms} ms (aim p99 < 1000 ms)`);
    console.log(`  of which ksqlDB (to topic5)      ${figures.ksqlFreshnessP50Ms} / ${figures.ksqlFreshnessP99Ms} ms`);
    console.log(`dashboard refresh (4 queries) p50  ${figures.dashboardQueryP50Ms} ms`);
    console.log(`stack resident memory after        ${figures.stackRssMb.toFixed(0)} MB, peak ${figures.stackPeakRssMb.toFixed(0)} MB (bare node: ${figures.bareNodeRssMb.toFixed(0)} MB; aim < 600 MB)`);
    return figures;
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('close', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
