/**
 * `npm run bench -- kafka`: 1M 100-byte messages produced and consumed through the embedded cluster
 * with kcat (librdkafka) and with kafkajs, each compared with a raw loopback TCP copy of the same
 * bytes measured in the same run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MESSAGE_BYTES, runKafkaClients, writeMessageFile } from './kafka-clients.ts';
import { startClusterProcess } from './kafka-process.ts';
import { formatRow, progress, type Measurement } from './measure.ts';
import { rawLoopbackCopy } from './raw-tcp.ts';

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
    const input = writeMessageFile(dir, messages);
    const t = await runKafkaClients(bootstrap, dir, input, messages);
    const row = (name: string, ms: number): Measurement => ({ name, messages, bytes: totalBytes, ms });
    results.push(
      row('kcat produce', t.kcatProduceMs),
      row('kcat consume', t.kcatConsumeMs),
      row('kafkajs produce', t.kafkajsProduceMs),
      row('kafkajs consume', t.kafkajsConsumeMs),
    );
  } finally {
    await cluster.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  console.log(`\nKafka: ${messages.toLocaleString('en-US')} messages of ${MESSAGE_BYTES} bytes, embedded 3-broker cluster, RF 3, acks=all`);
  for (const m of results) console.log(formatRow(m, m === raw ? undefined : raw));
  return results;
}
