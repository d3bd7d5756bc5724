/**
 * The Kafka workload both Kafka benchmarks run: kcat produce and consume, kafkajs produce (plus
 * optional single-message acks=all sends for latency) and consume, of 100-byte messages; and the
 * embedded cluster started in its own process, as `npm run kafka` runs it, so clients and broker do
 * not share a core.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { countLines, progress, runWithFiles, timed } from './measure.ts';

export const MESSAGE_BYTES = 100;

export interface ClientTimings {
  kcatProduceMs: number;
  kcatConsumeMs: number;
  kafkajsProduceMs: number;
  kafkajsConsumeMs: number;
  /** Single-message acks=all send times, ascending (empty unless asked for). */
  latenciesMs: number[];
}

/** A file of `messages` lines of MESSAGE_BYTES bytes each (newline included), kcat's input. */
export function writeMessageFile(dir: string, messages: number): string {
  const file = path.join(dir, 'messages.txt');
  fs.writeFileSync(file, `${'x'.repeat(MESSAGE_BYTES - 1)}\n`.repeat(messages));
  return file;
}

export async function runKafkaClients(bootstrap: string, dir: string, input: string, messages: number, latencySends = 0): Promise<ClientTimings> {
  const sink = path.join(dir, 'out.txt');

  progress(`kcat produce ${messages.toLocaleString('en-US')} messages`);
  const kcatProduce = await timed(() =>
    runWithFiles('kcat', ['-b', bootstrap, '-P', '-t', 'bench-kcat', '-X', 'queue.buffering.max.messages=2000000', '-X', 'linger.ms=20'], input, sink),
  );
  if (kcatProduce.value.code !== 0) throw new Error(`kcat produce failed: ${kcatProduce.value.stderr}`);

  progress('kcat consume');
  // librdkafka stops fetching a partition once 100k messages are queued (queued.min.messages) and looks
  // again only on its 1 s timer: against a broker that fills the queue in milliseconds, kcat slept most
  // of the run (3.6 s for 1M here, 0.8 s with room for the whole backlog). Both brokers get the same.
  const kcatConsume = await timed(() =>
    runWithFiles(
      'kcat',
      ['-b', bootstrap, '-C', '-t', 'bench-kcat', '-o', 'beginning', '-e', '-q', '-f', '%s\n', '-X', 'queued.min.messages=1000000'],
      null,
      sink,
    ),
  );
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

  const latenciesMs: number[] = [];
  if (latencySends > 0) {
    progress(`kafkajs latency: ${latencySends} single-message sends, acks=all`);
    await producer.send({ topic: 'bench-latency', acks: -1, messages: [{ value }] }); // creates the topic, warms up
    for (let i = 0; i < latencySends; i++) {
      const start = process.hrtime.bigint();
      await producer.send({ topic: 'bench-latency', acks: -1, messages: [{ value }] });
      latenciesMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    latenciesMs.sort((a, b) => a - b);
  }
  await producer.disconnect();

  progress('kafkajs consume');
  const consumer = kafka.consumer({ groupId: 'bench', maxBytesPerPartition: 4 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'bench-kafkajs', fromBeginning: true });
  const kjsConsume = await timed(
    () =>
      new Promise<void>((resolve) => {
        let count = 0;
        void consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch: b }) => {
            count += b.messages.length;
            if (count >= messages) resolve();
          },
        });
      }),
  );
  await consumer.disconnect();

  return { kcatProduceMs: kcatProduce.ms, kcatConsumeMs: kcatConsume.ms, kafkajsProduceMs: kjsProduce.ms, kafkajsConsumeMs: kjsConsume.ms, latenciesMs };
}
