/**
 * In-process engine benchmark (no Kafka): the project's ksql/ statements over N synthetic page views
 * fed straight into engine.process(), with the same data as bench.ts. The state change hook collects
 * changes per batch like the runtime does and serialises them at each "flush" (every BATCH records), so
 * the changelog cost is included.
 *
 *   npx tsx bench/ksql-engine.ts [events=20000] [runs=3]
 *   node --cpu-prof --import tsx bench/ksql-engine.ts 20000 1
 */
import { createHash } from 'node:crypto';
import { loadConfig } from '../config/index.ts';
import { renderedStatements } from '../ksql/statements.ts';
import { KsqlEngine } from '../embedded/ksqldb/engine.ts';
import { stringifyJson } from '../embedded/ksqldb/expr/long.ts';
import type { SinkRecord } from '../embedded/ksqldb/io.ts';
import { MemoryStateBackend } from '../embedded/ksqldb/state/store.ts';

const SOURCES = ['Inbox', 'Social', 'Direct', 'Search', 'Ads'];
const USERS = 1000;
const BATCH = 500;

export interface EngineBenchResult {
  events: number;
  eventsPerSec: number;
  /** events per CPU second (steadier than wall time when the machine is shared) */
  eventsPerCpuSec: number;
  outputs: number;
  /** changelog records the runtime would write (after per-batch de-duplication) */
  changelogWrites: number;
  /** sha256 over every output record (topic, key, value, timestamp) / over the live state the changelog holds at the end, to check results do not change */
  digest: string;
}

export function benchEngine(events = 20_000): EngineBenchResult {
  const config = loadConfig({ KAFKA_BROKERS: '1', KAFKA_REPLICATION_FACTOR: '1' });
  const { topics } = config;
  let changes = new Map<string, Map<string, { value: unknown; fresh: boolean }>>();
  // the same per-flush change collection as runtime/runtime.ts (BENCH_NAIVE_CHANGELOG=1: keep every key)
  const naive = process.env.BENCH_NAIVE_CHANGELOG === '1';
  const state = new MemoryStateBackend((store, key, value, existed) => {
    let byKey = changes.get(store);
    if (!byKey) changes.set(store, (byKey = new Map()));
    const prev = byKey.get(key);
    if (!prev) byKey.set(key, { value, fresh: naive ? false : !existed });
    else if (value === undefined && prev.fresh) byKey.delete(key);
    else prev.value = value;
  });
  const engine = new KsqlEngine({ config: { 'ksql.output.topic.name.prefix': '', 'ksql.streams.auto.offset.reset': 'earliest' }, state });
  for (const sql of renderedStatements(config)) engine.execute(sql);
  const hash = createHash('sha256');
  let outputs = 0;
  const changelog = new Map<string, string | null>();
  let changelogWrites = 0;
  const flush = () => {
    for (const [store, byKey] of changes) {
      changelogWrites += byKey.size;
      for (const [key, c] of byKey) changelog.set(JSON.stringify([store, key]), c.value === undefined ? null : stringifyJson(c.value));
    }
    changes = new Map();
  };
  const subscribed = new Set(engine.subscribedTopics());
  // run outputs back through the engine like the runtime does (sinks that are also sources)
  const feed = (rec: { topic: string; partition: number; offset: number; timestamp: number; key: Buffer | null; value: Buffer | null }) => {
    const out: SinkRecord[] = engine.process(rec);
    for (const o of out) {
      outputs++;
      hash.update(`${o.topic}|${o.timestamp}|${o.key?.toString('hex') ?? '-'}|${o.value?.toString('utf8') ?? '-'}\n`);
      if (subscribed.has(o.topic)) feed({ topic: o.topic, partition: 0, offset: outputs, timestamp: o.timestamp, key: o.key, value: o.value });
    }
  };
  for (let i = 0; i < USERS; i++) {
    feed({
      topic: topics.users,
      partition: 0,
      offset: i,
      timestamp: 1,
      key: Buffer.from(String(i)),
      value: Buffer.from(JSON.stringify({ user_id: i, age: 18 + (i % 60), gender: i % 2 ? 'F' : 'M', country: `C${i % 20}`, subscription: 'free' })),
    });
  }
  flush();
  const t0 = Date.UTC(2024, 0, 1);
  const msgs: { key: Buffer; value: Buffer; ts: number }[] = [];
  for (let j = 0; j < events; j++) {
    const user = (j * 7919) % USERS;
    const ts = t0 + j * 10;
    msgs.push({
      key: Buffer.from(String(user)),
      value: Buffer.from(JSON.stringify({ user_id: user, session_id: `s${user}`, source: SOURCES[j % SOURCES.length], event_timestamp: ts })),
      ts,
    });
  }
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  for (let j = 0; j < events; j++) {
    const m = msgs[j]!;
    feed({ topic: topics.pageview, partition: j % 4, offset: j, timestamp: m.ts, key: m.key, value: m.value });
    if ((j + 1) % BATCH === 0) flush();
  }
  flush();
  const sec = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  const outputDigest = hash.digest('hex').slice(0, 16);
  const stateHash = createHash('sha256');
  for (const [k, v] of [...changelog].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) if (v !== null) stateHash.update(`${k}=${v}\n`);
  return {
    events,
    eventsPerSec: Math.round(events / sec),
    eventsPerCpuSec: Math.round(events / cpuSec),
    outputs,
    changelogWrites,
    digest: `${outputDigest}/${stateHash.digest('hex').slice(0, 16)}`,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const events = Number(process.argv[2] ?? 20_000);
  const runs = Number(process.argv[3] ?? 3);
  const rates: number[] = [];
  const cpuRates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const res = benchEngine(events);
    rates.push(res.eventsPerSec);
    cpuRates.push(res.eventsPerCpuSec);
    console.log(
      `run ${r + 1}: ${res.eventsPerSec} events/s (${res.eventsPerCpuSec}/cpu-s), ${res.outputs} outputs, ${res.changelogWrites} changelog writes, digest ${res.digest}`,
    );
  }
  rates.sort((a, b) => a - b);
  cpuRates.sort((a, b) => a - b);
  console.log(
    `median ${rates[Math.floor(rates.length / 2)]} events/s (${cpuRates[Math.floor(cpuRates.length / 2)]}/cpu-s) over ${runs} run(s) of ${events} page views`,
  );
}
