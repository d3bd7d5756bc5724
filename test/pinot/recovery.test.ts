/**
 * Exactly-once into the table across stops: a clean stop in the middle of consumption, and a SIGKILL of
 * the CLI process while it ingests. Afterwards every produced message is in the table exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { kafkaClient, startTestCluster } from '../support/kafka.ts';
import { eventsSchema, http, realtimeTable, startTestPinot, tempDir, waitFor } from './helpers.ts';

let cluster: KafkaCluster;
let producer: Producer;

beforeAll(async () => {
  cluster = await startTestCluster();
  const kafka = kafkaClient(cluster);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: 'rec-clean', numPartitions: 5, replicationFactor: 3 },
      { topic: 'rec-kill', numPartitions: 5, replicationFactor: 3 },
    ],
    waitForLeaders: true,
  });
  await admin.disconnect();
  producer = kafka.producer();
  await producer.connect();
});
afterAll(async () => {
  await producer?.disconnect();
  await cluster?.stop();
});

async function produce(topic: string, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += 500) {
    const end = Math.min(to, start + 500);
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: end - start }, (_, k) => ({
        key: `u${(start + k) % 97}`,
        value: JSON.stringify({ id: `m${start + k}`, views: start + k, ts: 1_714_566_896_000 + start + k }),
      })),
    });
  }
}

const TOTAL = 6000;
const expectedSum = (TOTAL * (TOTAL - 1)) / 2;

async function stats(brokerUrl: string): Promise<[number, number, number] | undefined> {
  const r = await http('POST', `${brokerUrl}/query/sql`, { sql: 'SELECT count(*), distinctcount(id), sum(views) FROM rec' }).catch(() => undefined);
  const rows = r?.json?.resultTable?.rows;
  return rows ? (rows[0] as [number, number, number]) : undefined;
}

describe('recovery', () => {
  it('stops cleanly mid-stream and resumes with every message exactly once', async () => {
    const dataDir = tempDir('pinot-rec-clean');
    let pinot = await startTestPinot({ dataDir, kafkaBootstrap: cluster.bootstrap(), retryMs: 200 });
    await http('POST', `${pinot.controllerUrl}/schemas`, eventsSchema('rec'));
    await http('POST', `${pinot.controllerUrl}/tables`, realtimeTable('rec', 'rec-clean'));
    const producing = produce('rec-clean', 0, TOTAL);
    await waitFor('some rows', async () => (((await stats(pinot.brokerUrl))?.[0] ?? 0) > 300 ? true : undefined));
    await pinot.stop();
    await producing;
    pinot = await startTestPinot({ dataDir, kafkaBootstrap: cluster.bootstrap(), retryMs: 200 });
    try {
      await waitFor('all rows', async () => ((await stats(pinot.brokerUrl))?.[0] === TOTAL ? true : undefined), 45_000);
      expect(await stats(pinot.brokerUrl)).toEqual([TOTAL, TOTAL, expectedSum]);
    } finally {
      await pinot.stop();
    }
  });

  it('survives SIGKILL of the process while ingesting', async () => {
    const dataDir = tempDir('pinot-rec-kill');
    const start = (): Promise<{ child: ChildProcess; controller: string; broker: string }> =>
      new Promise((resolve, reject) => {
        // One process (no tsx wrapper), so SIGKILL really kills the process that holds the DuckDB file.
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            'embedded/pinot/cli.ts',
            '--data-dir',
            dataDir,
            '--controller-port',
            '0',
            '--broker-port',
            '0',
            '--bootstrap',
            cluster.bootstrap(),
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no ready line: ${out}`)), 30_000);
        child.stdout!.on('data', (d) => {
          out += d;
          if (out.includes('ready')) {
            clearTimeout(timer);
            resolve({ child, controller: /controller (http:\/\/\S+)/.exec(out)![1]!, broker: /broker (http:\/\/\S+)/.exec(out)![1]! });
          }
        });
        child.stderr!.on('data', (d) => (out += d));
      });
    const logs: string[] = [];
    let proc = await start();
    proc.child.stdout!.on('data', (d) => logs.push(String(d)));
    await http('POST', `${proc.controller}/schemas`, eventsSchema('rec'));
    await http('POST', `${proc.controller}/tables`, realtimeTable('rec', 'rec-kill'));
    const producing = produce('rec-kill', 0, TOTAL);
    await waitFor('some rows', async () => (((await stats(proc.broker))?.[0] ?? 0) > 300 ? true : undefined));
    const exited = new Promise((resolve) => proc.child.on('close', resolve));
    proc.child.kill('SIGKILL');
    await exited;
    await producing;
    proc = await start();
    proc.child.stdout!.on('data', (d) => logs.push(String(d)));
    proc.child.stderr!.on('data', (d) => logs.push(String(d)));
    try {
      await waitFor('all rows', async () => ((await stats(proc.broker))?.[0] === TOTAL ? true : undefined), 40_000).catch(async (error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(await stats(proc.broker))} ${logs.join('').slice(-1500)}`);
      });
      expect(await stats(proc.broker)).toEqual([TOTAL, TOTAL, expectedSum]);
      const debug = (await http('GET', `${proc.controller}/debug/ingestion/rec`)).json;
      expect(debug.rowsIngested).toBe(TOTAL);
    } finally {
      const exit = new Promise((resolve) => proc.child.on('close', resolve));
      proc.child.kill('SIGINT');
      expect(await exit).toBe(0);
    }
  });
});
