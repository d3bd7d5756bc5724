/**
 * `npm run bench -- kafka`: 1M 100-byte messages produced and consumed through the embedded cluster
 * with kcat (librdkafka) and with kafkajs, each compared with a raw loopback TCP copy of the same
 * bytes measured in the same run.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startKafkaCluster } from '../embedded/kafka/index.ts';
import { formatRow, progress, timed, type Measurement } from './measure.ts';
import { rawLoopbackCopy } from './raw-tcp.ts';

const MESSAGE_BYTES = 100;

function runWithFile(command: string, args: string[], stdinFile?: string): Promise<{ code: number | null; stdoutBytes: number; stdoutLines: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [stdinFile ? fs.openSync(stdinFile, 'r') : 'ignore', 'pipe', 'pipe'] }) as ChildProcessByStdio<null, Readable, Readable>;
    let stdoutBytes = 0;
    let stdoutLines = 0;
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdoutBytes += d.length;
      for (let i = 0; i < d.length; i++) if (d[i] === 10) stdoutLines++;
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdoutBytes, stdoutLines, stderr }));
  });
}

export async function benchKafka(messages: number): Promise<Measurement[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-kafka-'));
  const totalBytes = messages * MESSAGE_BYTES;
  const results: Measurement[] = [];

  progress(`raw loopback TCP copy of ${(totalBytes / 1e6).toFixed(0)} MB`);
  const rawMs = await rawLoopbackCopy(totalBytes);
  const raw: Measurement = { name: 'raw loopback TCP copy', messages, bytes: totalBytes, ms: rawMs };
  results.push(raw);

  const cluster = await startKafkaCluster({ dataDir: path.join(dir, 'data'), firstPort: 0 });
  const bootstrap = cluster.bootstrap();
  try {
    const input = path.join(dir, 'messages.txt');
    const line = `${'x'.repeat(MESSAGE_BYTES - 1)}\n`;
    fs.writeFileSync(input, line.repeat(messages));

    progress(`kcat produce ${messages.toLocaleString('en-US')} messages`);
    const kcatProduce = await timed(() => runWithFile('kcat', ['-b', bootstrap, '-P', '-t', 'bench-kcat', '-X', 'queue.buffering.max.messages=2000000', '-X', 'linger.ms=20'], input));
    if (kcatProduce.value.code !== 0) throw new Error(`kcat produce failed: ${kcatProduce.value.stderr}`);
    results.push({ name: 'kcat produce', messages, bytes: totalBytes, ms: kcatProduce.ms });

    progress('kcat consume');
    const kcatConsume = await timed(() => runWithFile('kcat', ['-b', bootstrap, '-C', '-t', 'bench-kcat', '-o', 'beginning', '-e', '-q', '-f', '%s\n']));
    if (kcatConsume.value.stdoutLines !== messages) throw new Error(`kcat consumed ${kcatConsume.value.stdoutLines} of ${messages}: ${kcatConsume.value.stderr}`);
    results.push({ name: 'kcat consume', messages, bytes: totalBytes, ms: kcatConsume.ms });

    const kafka = new Kafka({ clientId: 'bench', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
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
    await producer.disconnect();
    results.push({ name: 'kafkajs produce', messages, bytes: totalBytes, ms: kjsProduce.ms });

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
    results.push({ name: 'kafkajs consume', messages, bytes: totalBytes, ms: kjsConsume.ms });
  } finally {
    await cluster.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  console.log(`\nKafka: ${messages.toLocaleString('en-US')} messages of ${MESSAGE_BYTES} bytes, embedded 3-broker cluster, RF 3, acks=all`);
  for (const m of results) console.log(formatRow(m, m === raw ? undefined : raw));
  return results;
}
