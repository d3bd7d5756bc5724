/**
 * Side-by-side Kafka benchmark: the same workload against real Apache Kafka (reference/, jars fetched
 * with Maven on first use) and then against our embedded cluster (its own process, as `npm run kafka`),
 * with our figures printed as a ratio of the reference's:
 *   - kcat produce / consume and kafkajs produce / consume throughput (msgs/s), 100-byte messages;
 *   - p50 / p99 latency of single-message kafkajs sends with acks=all;
 *   - resident memory of the broker process(es): idle after start-up and peak (VmHWM) after the run;
 *   - start-up time, from spawning the process(es) to every broker visible in Metadata.
 * Aim: throughput >= 0.5x the reference, start-up and memory far below it.
 *
 *   tsx bench/kafka-reference.ts [--messages N] [--brokers N] [--latency-sends N]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { parseCliArgs, CliUsageError } from '../embedded/common/cli/args.ts';
import { startReferenceKafka } from '../reference/index.ts';
import { MESSAGE_BYTES, runKafkaClients, writeMessageFile } from './kafka-clients.ts';
import { startClusterProcess } from './kafka-process.ts';
import { percentile, progress, sumMemoryMb } from './measure.ts';

interface Cluster {
  bootstrap: string;
  pids: number[];
  startupMs: number;
  stop: () => Promise<void>;
}

export interface SideFigures {
  startupMs: number;
  idleRssMb: number;
  peakRssMb: number;
  kcatProduce: number;
  kcatConsume: number;
  kafkajsProduce: number;
  kafkajsConsume: number;
  p50Ms: number;
  p99Ms: number;
}

export interface SideBySide {
  messages: number;
  brokers: number;
  reference: SideFigures;
  embedded: SideFigures;
}

async function waitForBrokers(bootstrap: string, brokers: number, timeoutMs = 120_000): Promise<void> {
  const kafka = new Kafka({ clientId: 'bench-ready', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      if ((await admin.describeCluster()).brokers.length >= brokers) return;
    } catch {
      // not yet
    } finally {
      await admin.disconnect().catch(() => {});
    }
    if (Date.now() > deadline) throw new Error(`cluster at ${bootstrap} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Ours in its own process, exactly as `npm run kafka` runs it (see bench/kafka.ts). */
async function startEmbedded(dataDir: string, brokers: number): Promise<Cluster> {
  const started = Date.now();
  const cluster = await startClusterProcess(dataDir, 0, brokers);
  await waitForBrokers(cluster.bootstrap, brokers);
  return { bootstrap: cluster.bootstrap, pids: [cluster.pid], startupMs: Date.now() - started, stop: cluster.stop };
}

async function startReference(dataDir: string, brokers: number): Promise<Cluster> {
  const ref = await startReferenceKafka({ brokers, firstPort: 0, dataDir, log: (l) => progress(`reference: ${l}`) });
  return { bootstrap: ref.bootstrap, pids: ref.nodes.map((n) => n.pid), startupMs: ref.startupMs, stop: ref.stop };
}

async function workload(
  cluster: Cluster,
  dir: string,
  input: string,
  messages: number,
  latencySends: number,
): Promise<Omit<SideFigures, 'startupMs' | 'idleRssMb' | 'peakRssMb'>> {
  const t = await runKafkaClients(cluster.bootstrap, dir, input, messages, latencySends);
  const perSec = (ms: number) => messages / (ms / 1000);
  return {
    kcatProduce: perSec(t.kcatProduceMs),
    kcatConsume: perSec(t.kcatConsumeMs),
    kafkajsProduce: perSec(t.kafkajsProduceMs),
    kafkajsConsume: perSec(t.kafkajsConsumeMs),
    p50Ms: percentile(t.latenciesMs, 50),
    p99Ms: percentile(t.latenciesMs, 99),
  };
}

async function measure(
  name: string,
  start: (dataDir: string) => Promise<Cluster>,
  dir: string,
  input: string,
  messages: number,
  latencySends: number,
): Promise<SideFigures> {
  progress(`starting ${name}`);
  const cluster = await start(path.join(dir, `${name}-data`));
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const idleRssMb = sumMemoryMb(cluster.pids, 0);
    const figures = await workload(cluster, dir, input, messages, latencySends);
    return { startupMs: cluster.startupMs, idleRssMb, peakRssMb: sumMemoryMb(cluster.pids, 1), ...figures };
  } finally {
    progress(`stopping ${name}`);
    await cluster.stop();
  }
}

export async function benchKafkaSideBySide(messages: number, options: { brokers?: number; latencySends?: number } = {}): Promise<SideBySide> {
  const brokers = options.brokers ?? 3;
  const latencySends = options.latencySends ?? 2000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-kafka-ref-'));
  try {
    const input = writeMessageFile(dir, messages);
    const reference = await measure('reference', (d) => startReference(d, brokers), dir, input, messages, latencySends);
    const embedded = await measure('embedded', (d) => startEmbedded(d, brokers), dir, input, messages, latencySends);
    const result = { messages, brokers, reference, embedded };
    printSideBySide(result);
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function printSideBySide({ messages, brokers, reference, embedded }: SideBySide): void {
  const rows: [string, keyof SideFigures, string, 'higher' | 'lower'][] = [
    ['kcat produce', 'kcatProduce', 'msgs/s', 'higher'],
    ['kcat consume', 'kcatConsume', 'msgs/s', 'higher'],
    ['kafkajs produce', 'kafkajsProduce', 'msgs/s', 'higher'],
    ['kafkajs consume', 'kafkajsConsume', 'msgs/s', 'higher'],
    ['produce latency p50 (acks=all)', 'p50Ms', 'ms', 'lower'],
    ['produce latency p99 (acks=all)', 'p99Ms', 'ms', 'lower'],
    ['broker RSS, idle', 'idleRssMb', 'MiB', 'lower'],
    ['broker RSS, peak', 'peakRssMb', 'MiB', 'lower'],
    ['start-up to ready', 'startupMs', 'ms', 'lower'],
  ];
  const fmt = (v: number) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2));
  console.log(
    `\nKafka side by side: ${messages.toLocaleString('en-US')} messages of ${MESSAGE_BYTES} bytes, ${brokers} broker(s), auto-created topics (5 partitions, RF ${Math.min(3, brokers)}), acks=all`,
  );
  console.log(`${'metric'.padEnd(32)} ${'Apache Kafka'.padStart(14)} ${'embedded'.padStart(14)}  ours/reference`);
  for (const [label, key, unit, better] of rows) {
    const ratio = embedded[key] / reference[key];
    console.log(
      `${label.padEnd(32)} ${`${fmt(reference[key])} ${unit}`.padStart(14 + unit.length - 3)} ${`${fmt(embedded[key])} ${unit}`.padStart(14 + unit.length - 3)}  ${ratio.toFixed(2)}x (${better} is better)`,
    );
  }
}

const HELP = `Usage: tsx bench/kafka-reference.ts [--messages N] [--brokers N] [--latency-sends N]

Runs the Kafka benchmark against real Apache Kafka (reference/) and then the embedded cluster,
and prints ours as a ratio of the reference's.

Options:
  --messages N        messages per throughput run (default 200000)
  --brokers N         brokers in each cluster (default 3)
  --latency-sends N   single-message acks=all sends for the latency percentiles (default 2000)
  -h, --help          show this help`;

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  (async () => {
    const args = parseCliArgs(process.argv.slice(2), { messages: 'int', brokers: 'int', 'latency-sends': 'int', help: 'boolean' }, { h: 'help' });
    if (args.flags.help) return console.log(HELP);
    await benchKafkaSideBySide((args.flags.messages as number | undefined) ?? 200_000, {
      brokers: args.flags.brokers as number | undefined,
      latencySends: args.flags['latency-sends'] as number | undefined,
    });
  })().catch((error) => {
    console.error(`bench: ${(error as Error).message}`);
    process.exit(error instanceof CliUsageError ? 2 : 1);
  });
}
