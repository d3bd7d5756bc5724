/**
 * benchKsql(events): page views/s through the project's ksql/ statements on the embedded ksqlDB server
 * (all five persistent queries: CLEANED_USERS, the country join + aggregate and the three windowed
 * aggregates), against a hand-written kafkajs consumer computing the same three windowed counts
 * (tumbling, hopping, session: views and distinct users per source) and producing its updates the same
 * way (acks=all, one update per window per event), both reading the same backlog of topic1 in the same
 * run. Then produce-to-output latency (a page view produced -> its tumbling row readable in topic6),
 * p50 and p99. The broker runs in its own process (as `npm run kafka`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, Partitioners, type Message } from 'kafkajs';
import { loadConfig } from '../config/index.ts';
import { renderedStatements } from '../ksql/statements.ts';
import { startKsqlDb } from '../embedded/ksqldb/index.ts';
import { startClusterProcess } from './kafka-process.ts';

export interface KsqlBenchResult {
  events: number;
  ksqlEventsPerSec: number;
  handEventsPerSec: number;
  /** ksql / hand-written */
  ratio: number;
  /** CPU time of this process (the broker runs in its own) per page view, while ksql caught up / while the hand-written consumer ran */
  ksqlCpuUsPerEvent: number;
  handCpuUsPerEvent: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

const SOURCES = ['Inbox', 'Social', 'Direct', 'Search', 'Ads'];
const USERS = 1000;

function cpuMicros(u: NodeJS.CpuUsage): number {
  return u.user + u.system;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function waitUntil(probe: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('bench: timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function benchKsql(events = 200_000): Promise<KsqlBenchResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ksql-'));
  const config = loadConfig({ ...process.env, KAFKA_BROKERS: '1', KAFKA_REPLICATION_FACTOR: '1' });
  const { topics, windows } = config;
  progress('starting the embedded Kafka broker');
  const broker = await startClusterProcess(dataDir, 0, 1);
  const kafka = new Kafka({ clientId: 'bench', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let server = await startKsqlDb({ port: 0, bootstrap: broker.bootstrap });
  try {
    for (const ksql of renderedStatements(config)) {
      const r = await fetch(`${server.url}/ksql`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.ksql.v1+json' },
        body: JSON.stringify({ ksql, streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest' } }),
      });
      if (r.status !== 200) throw new Error(`statement failed: ${await r.text()}`);
    }
    await producer.send({
      topic: topics.users,
      acks: -1,
      messages: Array.from({ length: USERS }, (_, i) => ({
        key: String(i),
        value: JSON.stringify({ user_id: i, age: 18 + (i % 60), gender: i % 2 ? 'F' : 'M', country: `C${i % 20}`, subscription: 'free' }),
      })),
    });
    const s0 = server;
    await waitUntil(() => s0.runtime.caughtUp(), 60_000);
    await server.stop();

    progress(`producing ${events} page views (the backlog both consumers read)`);
    const t0 = Date.UTC(2024, 0, 1);
    for (let i = 0; i < events; i += 5000) {
      const messages: Message[] = [];
      for (let j = i; j < Math.min(events, i + 5000); j++) {
        const user = (j * 7919) % USERS;
        const ts = t0 + j * 10;
        messages.push({
          key: String(user),
          value: JSON.stringify({ user_id: user, session_id: `s${user}`, source: SOURCES[j % SOURCES.length], event_timestamp: ts }),
          timestamp: String(ts),
        });
      }
      await producer.send({ topic: topics.pageview, acks: -1, messages });
    }

    progress('ksql: restarting the server on the backlog');
    const k0 = performance.now();
    const kCpu0 = process.cpuUsage();
    server = await startKsqlDb({ port: 0, bootstrap: broker.bootstrap });
    const s1 = server;
    await waitUntil(() => s1.runtime.caughtUp(), 600_000);
    const ksqlSec = (performance.now() - k0) / 1000;
    const ksqlCpuUsPerEvent = cpuMicros(process.cpuUsage(kCpu0)) / events;
    const ksqlEventsPerSec = events / ksqlSec;
    progress(`ksql: ${Math.round(ksqlEventsPerSec)} events/s (${ksqlSec.toFixed(2)} s)`);

    progress('hand-written kafkajs consumer on the same backlog');
    const hCpu0 = process.cpuUsage();
    const handEventsPerSec = await handWritten(kafka, topics.pageview, events, windows);
    const handCpuUsPerEvent = cpuMicros(process.cpuUsage(hCpu0)) / events;
    progress(`hand-written: ${Math.round(handEventsPerSec)} events/s`);

    progress('latency: 300 single page views, produce -> tumbling row in topic6');
    const lat = await latency(kafka, producer, topics.pageview, topics.pageviewTumbling, 300);
    const result: KsqlBenchResult = {
      events,
      ksqlEventsPerSec: Math.round(ksqlEventsPerSec),
      handEventsPerSec: Math.round(handEventsPerSec),
      ratio: Number((ksqlEventsPerSec / handEventsPerSec).toFixed(3)),
      ksqlCpuUsPerEvent: Number(ksqlCpuUsPerEvent.toFixed(1)),
      handCpuUsPerEvent: Number(handCpuUsPerEvent.toFixed(1)),
      latencyP50Ms: Number(quantile(lat, 0.5).toFixed(1)),
      latencyP99Ms: Number(quantile(lat, 0.99).toFixed(1)),
    };
    console.log(
      `ksql: ${result.ksqlEventsPerSec} page views/s through ksql/ (5 queries); hand-written kafkajs windowed counts: ${result.handEventsPerSec}/s; ratio ${result.ratio}; CPU per page view ${result.ksqlCpuUsPerEvent} µs vs ${result.handCpuUsPerEvent} µs; produce->output latency p50 ${result.latencyP50Ms} ms, p99 ${result.latencyP99Ms} ms`,
    );
    return result;
  } finally {
    await server.stop().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await broker.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Tumbling, hopping and session counts (views + distinct users per source) with one produced update per window per event. */
async function handWritten(
  kafka: Kafka,
  topic: string,
  events: number,
  windows: { tumblingSeconds: number; hoppingSeconds: number; hoppingAdvanceSeconds: number; sessionGapSeconds: number },
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'bench_hand_out', numPartitions: 5, replicationFactor: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const consumer = kafka.consumer({ groupId: `bench-hand-${Date.now()}`, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const tumble = windows.tumblingSeconds * 1000;
  const hop = windows.hoppingSeconds * 1000;
  const adv = windows.hoppingAdvanceSeconds * 1000;
  const gap = windows.sessionGapSeconds * 1000;
  const agg = new Map<string, { views: number; users: Set<number> }>();
  const sessions = new Map<string, { start: number; end: number; views: number; users: Set<number> }>();
  const bump = (key: string, user: number, out: Message[], start: number, end: number, source: string): void => {
    let a = agg.get(key);
    if (!a) agg.set(key, (a = { views: 0, users: new Set() }));
    a.views++;
    a.users.add(user);
    out.push({
      key: JSON.stringify(source),
      value: JSON.stringify({ source, user_count: a.users.size, view_count: a.views, window_start: start, window_end: end }),
    });
  };
  let seen = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
          if (batch.messages.length === 0) return;
          const out: Message[] = [];
          for (const m of batch.messages) {
            const v = JSON.parse(m.value!.toString('utf8')) as { user_id: number; source: string; event_timestamp: number };
            const ts = v.event_timestamp;
            const ws = ts - (ts % tumble);
            bump(`t|${v.source}|${ws}`, v.user_id, out, ws, ws + tumble, v.source);
            for (let s = ts - (ts % adv); s > ts - hop; s -= adv) bump(`h|${v.source}|${s}`, v.user_id, out, s, s + hop, v.source);
            const sess = sessions.get(v.source);
            if (sess && ts - sess.end <= gap && ts >= sess.start) {
              sess.end = Math.max(sess.end, ts);
              sess.views++;
              sess.users.add(v.user_id);
              out.push({
                key: JSON.stringify(v.source),
                value: JSON.stringify({
                  source: v.source,
                  user_count: sess.users.size,
                  view_count: sess.views,
                  window_start: sess.start,
                  window_end: sess.end,
                }),
              });
            } else {
              sessions.set(v.source, { start: ts, end: ts, views: 1, users: new Set([v.user_id]) });
              out.push({
                key: JSON.stringify(v.source),
                value: JSON.stringify({ source: v.source, user_count: 1, view_count: 1, window_start: ts, window_end: ts }),
              });
            }
            seen++;
          }
          try {
            for (let i = 0; i < out.length; i += 1000) await producer.send({ topic: 'bench_hand_out', acks: -1, messages: out.slice(i, i + 1000) });
          } catch (e) {
            reject(e as Error);
            throw e;
          }
          resolveOffset(batch.messages[batch.messages.length - 1]!.offset);
          await commitOffsetsIfNecessary();
          if (seen >= events) resolve();
        },
      })
      .catch(reject);
  });
  const sec = (performance.now() - t0) / 1000;
  await consumer.disconnect();
  await producer.disconnect();
  return events / sec;
}

async function latency(kafka: Kafka, producer: ReturnType<Kafka['producer']>, input: string, output: string, n: number): Promise<number[]> {
  const sent = new Map<string, number>();
  const lat: number[] = [];
  const consumer = kafka.consumer({ groupId: `bench-latency-${Date.now()}`, maxWaitTimeInMs: 5 });
  await consumer.connect();
  await consumer.subscribe({ topics: [output], fromBeginning: false });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  void consumer.run({
    eachMessage: async ({ message }) => {
      const v = JSON.parse(message.value?.toString('utf8') ?? 'null') as { source?: string } | null;
      const at = v?.source ? sent.get(v.source) : undefined;
      if (at !== undefined) {
        lat.push(performance.now() - at);
        sent.delete(v!.source!);
      }
    },
  });
  await waitUntil(() => joined, 30_000);
  await new Promise((r) => setTimeout(r, 500));
  const base = Date.UTC(2030, 0, 1);
  for (let i = 0; i < n; i++) {
    const source = `lat-${i}`;
    sent.set(source, performance.now());
    await producer.send({
      topic: input,
      acks: -1,
      messages: [
        {
          key: String(i % USERS),
          value: JSON.stringify({ user_id: i % USERS, session_id: 'l', source, event_timestamp: base + i }),
          timestamp: String(base + i),
        },
      ],
    });
    await new Promise((r) => setTimeout(r, 5));
  }
  await waitUntil(() => lat.length >= n, 30_000).catch(() => undefined);
  await consumer.disconnect();
  return lat.sort((a, b) => a - b);
}
