/**
 * kill -9 of the whole Kafka process (the `embedded/kafka/cli.ts` node process itself) at random points
 * while two idempotent acks=all producers send to topic1_PageView: kafkajs (one partition per send,
 * see test/kafka/durability.test.ts for why) and kcat (librdkafka, enable.idempotence=true). After
 * several kill/restart cycles from the same data directory every acknowledged event is in the topic
 * exactly once, and nothing is in it twice.
 */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { run, tempDir, waitFor } from '../support/kafka.ts';
import { freePortRange, prng, sleep, startNodeScript, type Child } from './processes.ts';

const TOPIC = 'topic1_PageView';
const PARTITIONS = 5;
const SEED = Number(process.env.FAULT_SEED ?? 20_240_501);
const KILLS = 4;

describe(`Kafka killed with SIGKILL mid-produce (seed ${SEED})`, () => {
  let kafkaProc: Child | undefined;
  afterAll(async () => {
    await kafkaProc?.kill9();
  });

  it(`${KILLS} kill -9 / restart cycles: every acknowledged event exactly once, kafkajs and kcat`, async () => {
    const random = prng(SEED);
    const dataDir = tempDir('fault-kafka-kill');
    const firstPort = await freePortRange(3);
    const start = async (): Promise<Child> =>
      startNodeScript('embedded/kafka/cli.ts', ['--data-dir', dataDir, '--port', String(firstPort)], /bootstrap: \S+/, 30_000);
    kafkaProc = await start();
    const bootstrap = Array.from({ length: 3 }, (_, i) => `127.0.0.1:${firstPort + i}`);

    const kafka = new Kafka({
      clientId: 'fault-kill',
      brokers: bootstrap,
      logLevel: logLevel.NOTHING,
      retry: { retries: 60, initialRetryTime: 100, maxRetryTime: 500 },
      connectionTimeout: 1_000,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();

    // kafkajs: sequential sends of 50 page views to one partition each. A send that fails for good is
    // "not acknowledged"; the producer is then replaced (a new producer id), because re-using the old
    // sequence after an unknown outcome would make the broker drop the next batch as a duplicate.
    const acknowledged: string[] = [];
    const unacknowledged: string[] = [];
    let stopProducing = false;
    let producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const produceLoop = (async () => {
      let n = 0;
      for (let batch = 0; !stopProducing; batch++) {
        const partition = batch % PARTITIONS;
        const messages = Array.from({ length: 50 }, () => {
          const i = n++;
          const view = {
            session_id: `js-${i}`,
            user_id: 1 + (i % 500),
            source: ['Homepage', 'Inbox', 'External'][i % 3],
            event_timestamp: 1_714_566_896_000 + i,
          };
          return { partition, key: String(view.user_id), value: JSON.stringify(view) };
        });
        try {
          await producer.send({ topic: TOPIC, acks: -1, timeout: 5_000, messages });
          acknowledged.push(...messages.map((m) => m.value));
        } catch {
          unacknowledged.push(...messages.map((m) => m.value));
          await producer.disconnect().catch(() => undefined);
          producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
          for (;;) {
            try {
              await producer.connect();
              break;
            } catch {
              await sleep(200);
            }
          }
        }
      }
    })();

    // kcat: lines fed over time, so its in-flight batches meet the kills too.
    const kcat = spawn(
      'kcat',
      [
        '-b',
        bootstrap.join(','),
        '-P',
        '-E',
        '-t',
        TOPIC,
        '-K',
        ':',
        '-X',
        'enable.idempotence=true',
        '-X',
        'linger.ms=5',
        '-X',
        'message.timeout.ms=120000',
        '-X',
        'retry.backoff.ms=100',
        '-X',
        'reconnect.backoff.max.ms=500',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let kcatErr = '';
    kcat.stderr.on('data', (d) => (kcatErr += d));
    kcat.stdin.on('error', () => undefined);
    const kcatDone = new Promise<number | null>((r) => kcat.on('close', (code) => r(code)));
    const kcatSent: string[] = [];
    const kcatLoop = (async () => {
      for (let i = 0; !stopProducing; i++) {
        const lines: string[] = [];
        for (let j = 0; j < 100; j++) {
          const id = i * 100 + j;
          const value = JSON.stringify({ session_id: `kcat-${id}`, user_id: 1 + (id % 500), source: 'External', event_timestamp: 1_714_566_896_000 + id });
          kcatSent.push(value);
          lines.push(`${1 + (id % 500)}:${value}`);
        }
        kcat.stdin.write(lines.join('\n') + '\n');
        await sleep(40);
      }
      kcat.stdin.end();
    })();

    for (let k = 0; k < KILLS; k++) {
      const before = acknowledged.length;
      await sleep(400 + Math.floor(random() * 1200));
      // Only kill once the producers got through since the last restart: the kill lands mid-stream.
      await waitFor(`kafkajs to make progress before kill ${k + 1}`, () => (acknowledged.length > before ? true : undefined), 20_000, 50);
      await kafkaProc.kill9();
      await sleep(Math.floor(random() * 400));
      kafkaProc = await start();
    }
    const beforeLast = acknowledged.length;
    await waitFor('500 more events acknowledged after the last restart', () => (acknowledged.length >= beforeLast + 500 ? true : undefined), 30_000, 50);
    stopProducing = true;
    await produceLoop;
    await kcatLoop;
    expect(await kcatDone, kcatErr).toBe(0);
    expect(kcatErr).not.toMatch(/[Dd]elivery failed|[Ff]atal/);
    await producer.disconnect();

    const consumed = await run('kcat', ['-b', bootstrap.join(','), '-C', '-t', TOPIC, '-o', 'beginning', '-e', '-q', '-f', '%s\\n'], undefined, 60_000);
    expect(consumed.code, consumed.stderr).toBe(0);
    const values = consumed.stdout.split('\n').filter(Boolean);
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    const twice = [...counts].filter(([, n]) => n > 1).map(([v]) => v);
    expect(twice.slice(0, 5), `${twice.length} events stored more than once`).toEqual([]);
    const missing = acknowledged.filter((v) => !counts.has(v));
    expect(missing.slice(0, 5), `${missing.length} of ${acknowledged.length} acknowledged kafkajs events lost`).toEqual([]);
    const kcatMissing = kcatSent.filter((v) => !counts.has(v));
    expect(kcatMissing.slice(0, 5), `${kcatMissing.length} of ${kcatSent.length} kcat events lost`).toEqual([]);
    const sent = new Set([...acknowledged, ...unacknowledged, ...kcatSent]);
    expect(values.filter((v) => !sent.has(v))).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(2_000);
    if (process.env.FAULT_VERBOSE)
      console.log(`acked ${acknowledged.length}, unacked ${unacknowledged.length}, kcat ${kcatSent.length}, stored ${values.length}`);
  }, 120_000);
});
