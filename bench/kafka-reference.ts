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
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { parseCliArgs, CliUsageError } from '../stack/cli-args.ts';
import { startReferenceKafka } from '../reference/index.ts';
import { progress, timed, countLines, percentile, runWithFiles } from './measure.ts';

const MESSAGE_BYTES = 100;

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

/** [VmRSS, VmHWM] of a process in MiB (Linux /proc). */
function memoryMb(pid: number): [number, number] {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return [kb('VmRSS') / 1024, kb('VmHWM') / 1024];
  } catch {
    return [0, 0];
  }
}

const sumMemory = (pids: number[], which: 0 | 1) => pids.reduce((sum, pid) => sum + memoryMb(pid)[which], 0);

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
  const child = spawn(process.execPath, ['--import', 'tsx', 'embedded/kafka/cli.ts', '--data-dir', dataDir, '--port', '0', '--brokers', String(brokers)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const bootstrap = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const match = /bootstrap: (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.on('close', (code) => reject(new Error(`embedded Kafka exited with ${code} before it was ready: ${out}`)));
  });
  await waitForBrokers(bootstrap, brokers);
  return {
    bootstrap,
    pids: [child.pid!],
    startupMs: Date.now() - started,
    stop: () => new Promise<void>((resolve) => {
      child.removeAllListeners('close');
      child.on('close', () => resolve());
      child.kill('SIGINT');
    }),
  };
}

async function startReference(dataDir: string, brokers: number): Promise<Cluster> {
  const ref = await startReferenceKafka({ brokers, firstPort: 0, dataDir, log: (l) => progress(`reference: ${l}`) });
  return { bootstrap: ref.bootstrap, pids: ref.nodes.map((n) => n.pid), startupMs: ref.startupMs, stop: ref.stop };
}

async function workload(cluster: Cluster, dir: string, input: string, messages: number, latencySends: number): Promise<Omit<SideFigures, 'startupMs' | 'idleRssMb' | 'peakRssMb'>> {
  const { bootstrap } = cluster;
  const sink = path.join(dir, 'out.txt');
  const perSec = (ms: number) => messages / (ms / 1000);

  progress(`kcat produce ${messages.toLocaleString('en-US')} messages`);
  const kcatProduce = await timed(() => runWithFiles('kcat', ['-b', bootstrap, '-P', '-t', 'bench-kcat', '-X', 'queue.buffering.max.messages=2000000', '-X', 'linger.ms=20'], input, sink));
  if (kcatProduce.value.code !== 0) throw new Error(`kcat produce failed: ${kcatProduce.value.stderr}`);

  progress('kcat consume');
  const kcatConsume = await timed(() => runWithFiles('kcat', ['-b', bootstrap, '-C', '-t', 'bench-kcat', '-o', 'beginning', '-e', '-q', '-f', '%s\n'], null, sink));
  const consumed = countLines(sink);
  if (consumed !== messages) throw new Error(`kcat consumed ${consumed} of ${messages}: ${kcatConsume.value.stderr}`);

  const kafka = new Kafka({ clientId: 'bench', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
  const producer = kafka.producer();
  await producer.connect();
  const value = Buffer.alloc(MESSAGE_BYTES, 0x78);
  progress('kafkajs produce');
  const batch = 10_000;
  const kjsProduce = await timed(async () => {
    const inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < messages; i += batch) {
      const n = Math.min(batch, messages - i);
      inFlight.push(producer.send({ topic: 'bench-kafkajs', acks: -1, messages: Array.from({ length: n }, () => ({ value })) }));
      if (inFlight.length >= 5) await inFlight.shift();
    }
    await Promise.all(inFlight);
  });

  progress(`kafkajs latency: ${latencySends} single-message sends, acks=all`);
  await producer.send({ topic: 'bench-latency', acks: -1, messages: [{ value }] }); // creates the topic, warms up
  const latencies: number[] = [];
  for (let i = 0; i < latencySends; i++) {
    const start = process.hrtime.bigint();
    await producer.send({ topic: 'bench-latency', acks: -1, messages: [{ value }] });
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  latencies.sort((a, b) => a - b);
  await producer.disconnect();

  progress('kafkajs consume');
  const consumer = kafka.consumer({ groupId: 'bench', maxBytesPerPartition: 4 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'bench-kafkajs', fromBeginning: true });
  const kjsConsume = await timed(() => new Promise<void>((resolve) => {
    let count = 0;
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch: b }) => {
        count += b.messages.length;
        if (count >= messages) resolve();
      },
    });
  }));
  await consumer.disconnect();

  return {
    kcatProduce: perSec(kcatProduce.ms),
    kcatConsume: perSec(kcatConsume.ms),
    kafkajsProduce: perSec(kjsProduce.ms),
    kafkajsConsume: perSec(kjsConsume.ms),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

async function measure(name: string, start: (dataDir: string) => Promise<Cluster>, dir: string, input: string, messages: number, latencySends: number): Promise<SideFigures> {
  progress(`starting ${name}`);
  const cluster = await start(path.join(dir, `${name}-data`));
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const idleRssMb = sumMemory(cluster.pids, 0);
    const figures = await workload(cluster, dir, input, messages, latencySends);
    return { startupMs: cluster.startupMs, idleRssMb, peakRssMb: sumMemory(cluster.pids, 1), ...figures };
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
    const input = path.join(dir, 'messages.txt');
    fs.writeFileSync(input, `${'x'.repeat(MESSAGE_BYTES - 1)}\n`.repeat(messages));
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
  console.log(`\nKafka side by side: ${messages.toLocaleString('en-US')} messages of ${MESSAGE_BYTES} bytes, ${brokers} broker(s), auto-created topics (5 partitions, RF ${Math.min(3, brokers)}), acks=all`);
  console.log(`${'metric'.padEnd(32)} ${'Apache Kafka'.padStart(14)} ${'embedded'.padStart(14)}  ours/reference`);
  for (const [label, key, unit, better] of rows) {
    const ratio = embedded[key] / reference[key];
    console.log(`${label.padEnd(32)} ${`${fmt(reference[key])} ${unit}`.padStart(14 + unit.length - 3)} ${`${fmt(embedded[key])} ${unit}`.padStart(14 + unit.length - 3)}  ${ratio.toFixed(2)}x (${better} is better)`);
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
