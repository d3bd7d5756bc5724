/**
 * `npm run bench -- kafka`: 1M 100-byte messages produced and consumed through the embedded cluster
 * with kcat (librdkafka) and with kafkajs, each compared with a raw loopback TCP copy of the same
 * bytes measured in the same run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { countLines, formatRow, progress, runWithFiles, timed, type Measurement } from './measure.ts';
import { rawLoopbackCopy } from './raw-tcp.ts';

const MESSAGE_BYTES = 100;

/** The cluster runs in its own process, as `npm run kafka` does, so clients and broker do not share a core. */
async function startClusterProcess(dataDir: string, port: number): Promise<{ bootstrap: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'embedded/kafka/cli.ts', '--data-dir', dataDir, '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const bootstrap = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const match = /bootstrap: (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.on('close', (code) => reject(new Error(`embedded Kafka exited with ${code} before it was ready: ${out}`)));
  });
  return {
    bootstrap,
    stop: () => new Promise<void>((resolve) => {
      child.removeAllListeners('close');
      child.on('close', () => resolve());
      child.kill('SIGINT');
    }),
  };
}

export async function benchKafka(messages: number, basePort = Number(process.env.BENCH_KAFKA_PORT ?? 19092)): Promise<Measurement[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-kafka-'));
  const totalBytes = messages * MESSAGE_BYTES;
  const results: Measurement[] = [];
  const port = basePort;

  progress(`raw loopback TCP copy of ${(totalBytes / 1e6).toFixed(0)} MB`);
  const rawMs = await rawLoopbackCopy(totalBytes);
  const raw: Measurement = { name: 'raw loopback TCP copy', messages, bytes: totalBytes, ms: rawMs };
  results.push(raw);

  progress('starting the embedded cluster in its own process');
  const cluster = await startClusterProcess(path.join(dir, 'data'), port);
  const bootstrap = cluster.bootstrap;
  try {
    const input = path.join(dir, 'messages.txt');
    const line = `${'x'.repeat(MESSAGE_BYTES - 1)}\n`;
    fs.writeFileSync(input, line.repeat(messages));

    progress(`kcat produce ${messages.toLocaleString('en-US')} messages`);
    const sink = path.join(dir, 'out.txt');
    const kcatProduce = await timed(() => runWithFiles('kcat', ['-b', bootstrap, '-P', '-t', 'bench-kcat', '-X', 'queue.buffering.max.messages=2000000', '-X', 'linger.ms=20'], input, sink));
    if (kcatProduce.value.code !== 0) throw new Error(`kcat produce failed: ${kcatProduce.value.stderr}`);
    results.push({ name: 'kcat produce', messages, bytes: totalBytes, ms: kcatProduce.ms });

    progress('kcat consume');
    const kcatConsume = await timed(() => runWithFiles('kcat', ['-b', bootstrap, '-C', '-t', 'bench-kcat', '-o', 'beginning', '-e', '-q', '-f', '%s\n'], null, sink));
    const consumed = countLines(sink);
    if (consumed !== messages) throw new Error(`kcat consumed ${consumed} of ${messages}: ${kcatConsume.value.stderr}`);
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
