/**
 * `npm run bench -- pipeline-reference`: the same PageView pipeline on the embedded stack and on the
 * reference stack, side by side in one run, at the same fixed rate: start-up to a bootstrapped pipeline,
 * events/s into Pinot, freshness (produce -> counted in Pinot's pageview_country) p50/p99, and the resident
 * memory of every process of each stack. The reference stack: real Apache Kafka 4.1.1 (three nodes), real
 * Apache Pinot 0.11.0 (four JVMs), and our ksqlDB and Connect as separate services joined to that Kafka
 * (there is no real ksqlDB or JDBC source here), bootstrapped through the external mode. MariaDB is not
 * counted on either side.
 */
import os from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../config/index.ts';
import { startReferenceKafka, type ReferenceKafka } from '../reference/index.ts';
import { startReferencePinot, type ReferencePinot } from '../reference/pinot/index.ts';
import { getScenario } from '../scenarios/index.ts';
import { bootstrap } from '../stack/bootstrap.ts';
import { freePort, startMariaDb, type MariaDbServer } from '../stack/mariadb.ts';
import { childPids, processResidentBytes } from '../stack/resident-memory.ts';
import { startService, type Service } from '../stack/service-process.ts';
import { targetsFromConfig } from '../stack/targets.ts';
import { progress } from './measure.ts';
import { loadUsers, pageViewMessages, percentileOf, runThroughPinot, USERS, type PinotRun } from './pipeline-load.ts';
import { benchPipeline, type PipelineFigures } from './pipeline.ts';

export interface StackFigures {
  startupMs: number;
  sustainedEventsPerSec: number;
  freshnessP50Ms: number;
  freshnessP99Ms: number;
  rssMb: number;
  peakRssMb: number;
}

export interface PipelineReferenceFigures {
  events: number;
  rate: number;
  /** The machine's 1-minute load average when the run started and ended: the figures are only comparable on a quiet machine. */
  loadAverageAtStart: number;
  loadAverageAtEnd: number;
  embedded: StackFigures;
  reference: StackFigures & { processes: number };
}

/** A process and its descendants' resident memory, MiB. */
function treeRssMb(pid: number): number {
  const walk = (p: number): number => childPids(p).reduce((sum, child) => sum + walk(child), processResidentBytes(p));
  return walk(pid) / 1048576;
}

interface ReferenceStack {
  kafka: ReferenceKafka;
  pinot: ReferencePinot;
  ksqldb: Service;
  connect: Service;
  pids(): number[];
  stop(): Promise<void>;
}

async function startReferenceStack(
  mysqlUrl: string,
): Promise<{ stack: ReferenceStack; brokerUrl: string; config: ReturnType<typeof loadConfig>; startupMs: number }> {
  const started = Date.now();
  progress('reference stack: three Kafka 4.1.1 nodes');
  const kafka = await startReferenceKafka({ brokers: 3, log: progress });
  const ports = { ksqldb: await freePort(), connect: await freePort() };
  progress('reference stack: Pinot 0.11 (four JVMs), our ksqlDB and Connect joined to the real Kafka');
  const [pinot, ksqldb, connect] = await Promise.all([
    startReferencePinot({ log: progress }),
    startService(
      'ksqlDB',
      'embedded/ksqldb/cli.ts',
      ['--port', String(ports.ksqldb), '--bootstrap', kafka.bootstrap, '--quiet'],
      {},
      /ksqlDB REST API ready at (http:\/\/\S+)/,
    ),
    startService(
      'Connect',
      'embedded/connect/cli.ts',
      ['--port', String(ports.connect), '--bootstrap', kafka.bootstrap, '--quiet'],
      {},
      /Kafka Connect REST API ready at (http:\/\/\S+)/,
    ),
  ]);
  const stack: ReferenceStack = {
    kafka,
    pinot,
    ksqldb,
    connect,
    pids: () => [...kafka.nodes.map((n) => n.pid), ...pinot.processes.map((p) => p.pid), ksqldb.pid, connect.pid],
    stop: async () => {
      await Promise.all([ksqldb.stop(), connect.stop()]);
      await pinot.stop();
      await kafka.stop();
    },
  };
  const config = loadConfig({
    STACK: 'external',
    KAFKA_BOOTSTRAP_SERVERS: kafka.bootstrap,
    MYSQL_URL: mysqlUrl,
    CONNECT_URL: connect.url,
    KSQLDB_URL: ksqldb.url,
    PINOT_CONTROLLER_URL: pinot.controllerUrl,
    PINOT_BROKER_URL: pinot.brokerUrl,
  });
  progress('reference stack: bootstrap (topics, connector, statements, Pinot tables)');
  await bootstrap(config, targetsFromConfig('external', config), { scenario: getScenario('pageview'), log: progress });
  return { stack, brokerUrl: pinot.brokerUrl, config, startupMs: Date.now() - started };
}

/** Users through the JDBC source and CLEANED_USERS, then `events` page views at `rate`, timed until Pinot counts them all. */
async function measureReference(events: number, rate: number, mysql: MariaDbServer): Promise<StackFigures & { processes: number }> {
  const { stack, brokerUrl, config, startupMs } = await startReferenceStack(mysql.url);
  try {
    const rssOf = () => stack.pids().reduce((sum, pid) => sum + treeRssMb(pid), 0);
    progress(`reference stack: ${USERS} users into MySQL, through the JDBC source and ksqlDB`);
    const kafka = new Kafka({ clientId: 'bench-pipeline-reference', brokers: config.kafka.bootstrap, logLevel: logLevel.NOTHING });
    await loadUsers(kafka, mysql.url, config);
    const messages = pageViewMessages(events, rate);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    progress(`reference stack: ${events} page views at ${rate}/s`);
    const rssSamples: number[] = [];
    const sampler = setInterval(() => rssSamples.push(rssOf()), 1000);
    let run: PinotRun;
    try {
      run = await runThroughPinot({ producer, topic: config.topics.pageview, messages, rate, brokerUrl, stack: 'reference stack' });
    } finally {
      clearInterval(sampler);
    }
    return {
      startupMs,
      sustainedEventsPerSec: events / ((run.doneAt - run.firstSend) / 1000),
      freshnessP50Ms: percentileOf(run.freshness, 50),
      freshnessP99Ms: percentileOf(run.freshness, 99),
      rssMb: rssOf(),
      peakRssMb: Math.max(...rssSamples, 0),
      processes: stack.pids().length,
    };
  } finally {
    await stack.stop();
  }
}

function fromEmbedded(f: PipelineFigures): StackFigures {
  return {
    startupMs: f.startupMs,
    sustainedEventsPerSec: f.sustainedEventsPerSec,
    freshnessP50Ms: f.freshnessP50Ms,
    freshnessP99Ms: f.freshnessP99Ms,
    rssMb: f.stackRssMb,
    peakRssMb: f.stackPeakRssMb,
  };
}

export async function benchPipelineReference(events: number, rate = 1000): Promise<PipelineReferenceFigures> {
  const loadAverageAtStart = os.loadavg()[0]!;
  progress('embedded stack (as npm start runs it)');
  const embedded = fromEmbedded(await benchPipeline(events, rate));
  const mysql = await startMariaDb();
  let reference: StackFigures & { processes: number };
  try {
    reference = await measureReference(events, rate, mysql);
  } finally {
    await mysql.stop();
  }
  const row = (label: string, e: number, r: number, unit: string, digits = 0) =>
    console.log(`${label.padEnd(34)} ${e.toFixed(digits).padStart(9)} ${r.toFixed(digits).padStart(11)} ${unit.padEnd(8)} ${(r / e).toFixed(2)}x`);
  console.log(`\nPipeline, ${events} page views at ${rate}/s: embedded stack vs reference stack (real Kafka x3, real Pinot 0.11, our ksqlDB and Connect)`);
  console.log(`${''.padEnd(34)} ${'embedded'.padStart(9)} ${'reference'.padStart(11)} ${''.padEnd(8)} reference/embedded`);
  row('start-up to a bootstrapped pipeline', embedded.startupMs / 1000, reference.startupMs / 1000, 's', 1);
  row('sustained events/s into Pinot', embedded.sustainedEventsPerSec, reference.sustainedEventsPerSec, '/s');
  row('freshness p50', embedded.freshnessP50Ms, reference.freshnessP50Ms, 'ms');
  row('freshness p99', embedded.freshnessP99Ms, reference.freshnessP99Ms, 'ms');
  row('resident memory after (all processes)', embedded.rssMb, reference.rssMb, 'MB');
  row('resident memory, peak', embedded.peakRssMb, reference.peakRssMb, 'MB');
  const loadAverageAtEnd = os.loadavg()[0]!;
  console.log(
    `load average (1 min) ${loadAverageAtStart.toFixed(1)} at the start, ${loadAverageAtEnd.toFixed(1)} at the end (2 cores: above 2, the stacks competed for CPU)`,
  );
  return { events, rate, loadAverageAtStart, loadAverageAtEnd, embedded, reference };
}
