/**
 * `npm run bench -- ksql-reference [--messages N]`: our ksqlDB engine and Kafka Streams (reference/streams:
 * the same five ksql/ queries written as a Kafka Streams application) on the same backlog of N page views
 * in the same real Apache Kafka, one after the other in one run. Each engine runs in a process of its
 * own, measured from /proc: page views/s from ready to consumed-to-end, CPU time per page view, RSS after
 * the backlog (and its peak); then produce-to-output latency p50/p99 of page views sent at a fixed rate
 * (each to its tumbling row). Both first build their users table (1000 users) before the backlog is
 * produced, so every page view finds its user; each writes its own copy of the output topics.
 * `BENCH_CPU_PROF_DIR=DIR npm run bench -- ksql-reference` also writes V8 CPU profiles of our engine's
 * process into DIR (one per start: the users warm-up, then the backlog and latency phases).
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, Partitioners, type Admin, type Message, type Producer } from 'kafkajs';
import { loadConfig, type AppConfig } from '../config/index.ts';
import { stopChild } from '../embedded/common/stop-child.ts';
import { DEFAULT_COMMIT_INTERVAL_MS } from '../embedded/ksqldb/runtime/runtime.ts';
import { renderedStatements } from '../ksql/statements.ts';
import { referenceUnavailableReason, startReferenceKafka, type ReferenceKafka } from '../reference/index.ts';
import { streamsConsumedToEnd } from '../reference/streams/consumed.ts';
import { buildReferenceStreams, referenceStreamsUnavailableReason, startReferenceStreams } from '../reference/streams/index.ts';
import { percentile, processCpuMicros, processMemoryMb, progress } from './measure.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SOURCES = ['Inbox', 'Social', 'Direct', 'Search', 'Ads'];
const USERS = 1000;
const HOUR = 3_600_000;
/** Event time between two backlog page views. */
const SPACING_MS = 10;
/** The fixed rate of the latency phase (page views/s) and how long it lasts. */
const LATENCY_RATE = 1000;
const LATENCY_SECONDS = 15;
/** Both engines flush and commit this often: our engine's default; Kafka Streams is given the same. */
const COMMIT_INTERVAL_MS = DEFAULT_COMMIT_INTERVAL_MS;

export interface EngineFigures {
  /** page views in the backlog it read (Kafka Streams also reads our engine's latency-phase views) */
  events: number;
  eventsPerSec: number;
  seconds: number;
  /** user + system CPU time of its process per page view, from ready to consumed-to-end */
  cpuUsPerEvent: number;
  /** from spawning the process to ready (ours: queries restored and REST up; Kafka Streams: RUNNING) */
  startupMs: number;
  rssMb: number;
  peakRssMb: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** latency-phase page views whose tumbling row never came */
  latencyMissing: number;
}

export interface KsqlReferenceFigures {
  events: number;
  latencyRatePerSec: number;
  commitIntervalMs: number;
  loadAverageBefore: string;
  loadAverageAfter: string;
  ours: EngineFigures;
  kafkaStreams: EngineFigures;
  /** ours / Kafka Streams (above 1 is faster for events/s; below 1 is better for the others) */
  ratios: { eventsPerSec: number; cpuPerEvent: number; latencyP50: number; latencyP99: number; rss: number };
}

interface RunningEngine {
  pid: number;
  consumedToEnd(): Promise<boolean>;
  stop(): Promise<void>;
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Our engine in its own process (ksql-engine-process.ts); resolves once its REST API is up. */
async function startOurs(bootstrap: string, serviceId: string): Promise<RunningEngine & { url: string }> {
  // BENCH_CPU_PROF_DIR=DIR: V8 CPU profiles of our engine's process, written there when it stops
  const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF_DIR)}`] : [];
  const child: ChildProcess = fork(path.join(HERE, 'ksql-engine-process.ts'), [bootstrap, serviceId], {
    execArgv: ['--import', 'tsx', ...profile],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`our ksqlDB process exited (${code}) before it was ready`)));
  });
  const ask = () =>
    new Promise<boolean>((resolve) => {
      child.once('message', (m) => resolve((m as { caughtUp: boolean }).caughtUp));
      child.send('caught-up?');
    });
  return { pid: child.pid!, url, consumedToEnd: ask, stop: () => stopChild(child) };
}

function theirsConfig(env: NodeJS.ProcessEnv): AppConfig {
  return loadConfig({
    ...env,
    TOPIC_CLEANED_USERS: 'streams_topic4',
    TOPIC_PAGEVIEW_COUNTRY: 'streams_topic5',
    TOPIC_PAGEVIEW_TUMBLING: 'streams_topic6',
    TOPIC_PAGEVIEW_HOPPING: 'streams_topic7',
    TOPIC_PAGEVIEW_SESSION: 'streams_topic8',
  });
}

async function startTheirs(bootstrap: string, config: AppConfig, applicationId: string, admin: Admin): Promise<RunningEngine & { startupMs: number }> {
  const app = await startReferenceStreams({ bootstrap, config, applicationId, commitIntervalMs: COMMIT_INTERVAL_MS, log: progress });
  const sources = [config.topics.pageview, config.topics.users, config.topics.cleanedUsers];
  const consumed = () => streamsConsumedToEnd(admin, applicationId, sources);
  // twice in a row: the group's commits and the topics' ends are read one after the other
  return { pid: app.pid, startupMs: app.startupMs, consumedToEnd: async () => (await consumed()) && (await consumed()), stop: app.stop };
}

async function endOffsetsTotal(admin: Admin, topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((n, o) => n + Number(o.high), 0);
}

async function produce(producer: Producer, topic: string, messages: Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 5000) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 5000) });
}

/** Page views at LATENCY_RATE for LATENCY_SECONDS, each with a source of its own, timed to its first row in `output`. */
async function latency(client: Kafka, producer: Producer, input: string, output: string, tag: string): Promise<{ sorted: number[]; missing: number }> {
  const total = LATENCY_RATE * LATENCY_SECONDS;
  const sentAt = new Map<string, number>();
  const took: number[] = [];
  const consumer = client.consumer({ groupId: `bench-latency-${tag}-${Date.now()}`, maxWaitTimeInMs: 5 });
  await consumer.connect();
  await consumer.subscribe({ topics: [output], fromBeginning: false });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  void consumer.run({
    eachMessage: async ({ message }) => {
      const source = (JSON.parse(message.value?.toString('utf8') ?? 'null') as { source?: string } | null)?.source;
      const at = source === undefined ? undefined : sentAt.get(source);
      if (at !== undefined) {
        took.push(performance.now() - at);
        sentAt.delete(source!);
      }
    },
  });
  await waitFor('the latency consumer to join', async () => joined, 30_000);
  await new Promise((r) => setTimeout(r, 1000));
  const start = performance.now();
  for (let sent = 0; sent < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * LATENCY_RATE));
    if (due === sent) {
      await new Promise((r) => setTimeout(r, 5));
      continue;
    }
    const messages: Message[] = [];
    const now = performance.now();
    for (let i = sent; i < due; i++) {
      const user = i % USERS;
      const source = `lat-${tag}-${i}`;
      sentAt.set(source, now);
      messages.push({ key: String(user), value: JSON.stringify({ user_id: user, session_id: `l${user}`, source, event_timestamp: Date.now() }) });
    }
    await producer.send({ topic: input, acks: -1, messages });
    sent = due;
  }
  await waitFor('the latency-phase rows', async () => took.length >= total, 30_000).catch(() => undefined);
  await consumer.disconnect();
  return { sorted: took.sort((a, b) => a - b), missing: total - took.length };
}

/** One engine on the backlog: ready -> consumed to end, then the latency phase, then stopped. */
async function measure(
  name: string,
  admin: Admin,
  client: Kafka,
  producer: Producer,
  config: AppConfig,
  start: () => Promise<RunningEngine & { startupMs: number }>,
): Promise<EngineFigures> {
  const events = await endOffsetsTotal(admin, config.topics.pageview);
  progress(`${name}: starting on a backlog of ${events} page views`);
  const engine = await start();
  try {
    const cpu0 = processCpuMicros(engine.pid);
    const t0 = performance.now();
    let lastReport = t0;
    await waitFor(
      `${name} to consume the backlog`,
      async () => {
        if (performance.now() - lastReport > 10_000) {
          lastReport = performance.now();
          progress(`${name}: still consuming (${((lastReport - t0) / 1000).toFixed(0)} s)`);
        }
        return engine.consumedToEnd();
      },
      3_600_000,
    );
    const seconds = (performance.now() - t0) / 1000;
    const cpuUsPerEvent = (processCpuMicros(engine.pid) - cpu0) / events;
    const [rssMb, peakRssMb] = processMemoryMb(engine.pid);
    progress(
      `${name}: ${Math.round(events / seconds)} page views/s (${seconds.toFixed(1)} s), ${cpuUsPerEvent.toFixed(1)} µs CPU per page view, RSS ${rssMb.toFixed(0)} MB`,
    );
    progress(`${name}: latency at ${LATENCY_RATE} page views/s for ${LATENCY_SECONDS} s`);
    const lat = await latency(client, producer, config.topics.pageview, config.topics.pageviewTumbling, name.replace(/\W+/g, '-'));
    const figures: EngineFigures = {
      events,
      eventsPerSec: Math.round(events / seconds),
      seconds: Number(seconds.toFixed(2)),
      cpuUsPerEvent: Number(cpuUsPerEvent.toFixed(1)),
      startupMs: engine.startupMs,
      rssMb: Math.round(rssMb),
      peakRssMb: Math.round(Math.max(peakRssMb, processMemoryMb(engine.pid)[1])),
      latencyP50Ms: Number(percentile(lat.sorted, 50).toFixed(1)),
      latencyP99Ms: Number(percentile(lat.sorted, 99).toFixed(1)),
      latencyMissing: lat.missing,
    };
    progress(`${name}: latency p50 ${figures.latencyP50Ms} ms, p99 ${figures.latencyP99Ms} ms${lat.missing ? ` (${lat.missing} rows never came)` : ''}`);
    return figures;
  } finally {
    await engine.stop();
  }
}

export async function benchKsqlReference(events = 200_000): Promise<KsqlReferenceFigures> {
  const unavailable = referenceUnavailableReason() ?? referenceStreamsUnavailableReason();
  if (unavailable) throw new Error(`ksql-reference needs Java and Maven (or their cached builds): ${unavailable}`);
  await buildReferenceStreams(progress);
  const loadAverageBefore = loadAverage();
  const env = { ...process.env, KAFKA_BROKERS: '1', KAFKA_REPLICATION_FACTOR: '1' };
  const ours = loadConfig(env);
  const theirs = theirsConfig(env);
  const serviceId = `bench_${Date.now()}_`;
  const applicationId = `bench-streams-${Date.now()}`;
  // the backlog ends an hour before now, and the broker keeps a week: no page view is in the future or expired
  const first = Math.floor(Date.now() / HOUR) * HOUR - Math.ceil((events * SPACING_MS) / HOUR) * HOUR - HOUR;
  let kafka: ReferenceKafka | undefined;
  let admin: Admin | undefined;
  let producer: Producer | undefined;
  try {
    kafka = await startReferenceKafka({ brokers: 1, log: progress });
    const client = new Kafka({ clientId: 'bench-ksql-reference', brokers: kafka.bootstrap.split(','), logLevel: logLevel.NOTHING });
    admin = client.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [ours.topics.pageview, ours.topics.users].map((topic) => ({ topic, numPartitions: ours.kafka.partitions, replicationFactor: 1 })),
    });
    producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await produce(
      producer,
      ours.topics.users,
      Array.from({ length: USERS }, (_, i) => ({
        key: String(i),
        value: JSON.stringify({ user_id: i, age: 18 + (i % 60), gender: i % 2 ? 'F' : 'M', country: `C${i % 20}`, subscription: 'free' }),
        timestamp: String(first - HOUR),
      })),
    );

    progress('both engines build their users table before the backlog');
    const warmOurs = await startOurs(kafka.bootstrap, serviceId);
    try {
      for (const ksql of renderedStatements(ours)) {
        const r = await fetch(`${warmOurs.url}/ksql`, {
          method: 'POST',
          headers: { 'content-type': 'application/vnd.ksql.v1+json' },
          body: JSON.stringify({ ksql, streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest' } }),
        });
        if (r.status !== 200) throw new Error(`statement failed (${r.status}): ${await r.text()}`);
      }
      await waitFor('our engine to read the users', () => warmOurs.consumedToEnd(), 120_000);
    } finally {
      await warmOurs.stop();
    }
    const warmTheirs = await startTheirs(kafka.bootstrap, theirs, applicationId, admin);
    try {
      await waitFor('Kafka Streams to read the users', () => warmTheirs.consumedToEnd(), 120_000);
    } finally {
      await warmTheirs.stop();
    }

    progress(`producing the backlog: ${events} page views`);
    for (let i = 0; i < events; i += 50_000) {
      const messages: Message[] = [];
      for (let j = i; j < Math.min(events, i + 50_000); j++) {
        const user = (j * 7919) % USERS;
        const ts = first + j * SPACING_MS;
        messages.push({
          key: String(user),
          value: JSON.stringify({ user_id: user, session_id: `s${user}`, source: SOURCES[j % SOURCES.length], event_timestamp: ts }),
          timestamp: String(ts),
        });
      }
      await produce(producer, ours.topics.pageview, messages);
      if (i > 0 && i % 200_000 === 0) progress(`  ${i} produced`);
    }

    const figuresOurs = await measure('our ksqlDB', admin, client, producer, ours, async () => {
      const spawned = performance.now();
      const engine = await startOurs(kafka!.bootstrap, serviceId);
      return { ...engine, startupMs: Math.round(performance.now() - spawned) };
    });
    const figuresTheirs = await measure('Kafka Streams', admin, client, producer, theirs, () => startTheirs(kafka!.bootstrap, theirs, applicationId, admin!));
    const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
    const result: KsqlReferenceFigures = {
      events,
      latencyRatePerSec: LATENCY_RATE,
      commitIntervalMs: COMMIT_INTERVAL_MS,
      loadAverageBefore,
      loadAverageAfter: loadAverage(),
      ours: figuresOurs,
      kafkaStreams: figuresTheirs,
      ratios: {
        eventsPerSec: ratio(figuresOurs.eventsPerSec, figuresTheirs.eventsPerSec),
        cpuPerEvent: ratio(figuresOurs.cpuUsPerEvent, figuresTheirs.cpuUsPerEvent),
        latencyP50: ratio(figuresOurs.latencyP50Ms, figuresTheirs.latencyP50Ms),
        latencyP99: ratio(figuresOurs.latencyP99Ms, figuresTheirs.latencyP99Ms),
        rss: ratio(figuresOurs.rssMb, figuresTheirs.rssMb),
      },
    };
    console.log(
      `ksql-reference: ${events} page views through the five ksql/ queries; ours ${figuresOurs.eventsPerSec}/s vs Kafka Streams ${figuresTheirs.eventsPerSec}/s (ratio ${result.ratios.eventsPerSec}); CPU per page view ${figuresOurs.cpuUsPerEvent} µs vs ${figuresTheirs.cpuUsPerEvent} µs; latency at ${LATENCY_RATE}/s p50 ${figuresOurs.latencyP50Ms} vs ${figuresTheirs.latencyP50Ms} ms, p99 ${figuresOurs.latencyP99Ms} vs ${figuresTheirs.latencyP99Ms} ms; RSS ${figuresOurs.rssMb} vs ${figuresTheirs.rssMb} MB; load average ${loadAverageBefore} -> ${result.loadAverageAfter}`,
    );
    return result;
  } finally {
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await kafka?.stop();
  }
}
