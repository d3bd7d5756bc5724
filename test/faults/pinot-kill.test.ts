/**
 * Pinot restarted alone: the `embedded/pinot/cli.ts` process (with the project's four tables,
 * `--create-tables`, plus a plain append copy of pageview_country whose COUNT(*) shows doubles) is
 * killed with SIGKILL at random points, three times, while topic5 and topic6 are being written; after
 * the last restart every partition's checkpoint is at the end of its topic, the append table holds
 * every message exactly once and the upsert tables show the latest value per key. avg_age alternates
 * between whole and fractional numbers, as ksqlDB's AVG does (30.0 arrives as the JSON number 30).
 * test/pinot/recovery.test.ts covers one kill on a plain table; this is repeated kills on the real tables.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { endOffsets, kafkaClient, startTestCluster, tempDir, waitFor } from '../support/kafka.ts';
import { prng, sleep, startNodeScript, type Child } from './processes.ts';

const SEED = Number(process.env.FAULT_SEED ?? 7);
const COUNTRIES = Array.from({ length: 25 }, (_, i) => `C${String(i).padStart(2, '0')}`);
const SOURCES = ['Homepage', 'Inbox', 'External'];
const ROUNDS = 160; // updates per key
const W0 = 1_714_566_840_000;

interface Pinot extends Child {
  controller: string;
  broker: string;
}

async function pinotRows(broker: string, sql: string): Promise<unknown[][] | undefined> {
  try {
    const res = await fetch(`${broker}/query/sql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql }) });
    const body = (await res.json()) as { resultTable?: { rows: unknown[][] }; exceptions: unknown[] };
    return body.exceptions.length === 0 ? body.resultTable?.rows : undefined;
  } catch {
    return undefined;
  }
}

/** Sum of the table's checkpoints (next offset per partition), i.e. messages consumed and committed. */
async function ingested(controller: string, table: string): Promise<number> {
  try {
    const res = await fetch(`${controller}/debug/ingestion/${table}`);
    if (!res.ok) return -1;
    const status = (await res.json()) as { partitions: { nextOffset: string }[] };
    return status.partitions.reduce((n, p) => n + Number(p.nextOffset), 0);
  } catch {
    return -1;
  }
}

/** A plain (append) copy of pageview_country on topic5: its COUNT(*) shows every stored row, doubles included. */
function rawCopy(): { schema: Record<string, unknown>; table: Record<string, unknown> } {
  const schema = JSON.parse(fs.readFileSync('pinot/schemas/pageview_country.json', 'utf8')) as Record<string, unknown>;
  const table = JSON.parse(fs.readFileSync('pinot/tables/pageview_country.json', 'utf8')) as Record<string, unknown>;
  schema.schemaName = 'pv_raw';
  delete schema.primaryKeyColumns;
  table.tableName = 'pv_raw';
  (table.segmentsConfig as Record<string, unknown>).schemaName = 'pv_raw';
  delete table.upsertConfig;
  delete table.routing;
  return { schema, table };
}

describe(`Pinot killed with SIGKILL while ingesting (seed ${SEED})`, () => {
  let cluster: KafkaCluster;
  let producer: Producer;
  let pinot: Pinot | undefined;

  beforeAll(async () => {
    cluster = await startTestCluster();
    const kafka = kafkaClient(cluster);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: ['topic5', 'topic6'].map((topic) => ({ topic, numPartitions: 5, replicationFactor: 3 })), waitForLeaders: true });
    await admin.disconnect();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });
  afterAll(async () => {
    await pinot?.kill9();
    await producer?.disconnect();
    await cluster?.stop();
  });

  it('3 kills at random points: every message ingested exactly once, latest value per key', async () => {
    const random = prng(SEED);
    const dataDir = tempDir('fault-pinot-kill');
    if (process.env.FAULT_VERBOSE) console.log(`pinot data dir ${dataDir}`);
    const start = async (): Promise<Pinot> => {
      const child = await startNodeScript(
        'embedded/pinot/cli.ts',
        ['--data-dir', dataDir, '--controller-port', '0', '--broker-port', '0', '--bootstrap', cluster.bootstrap(), '--create-tables'],
        /\[pinot\] ready/,
        45_000,
      );
      return { ...child, controller: /controller (http:\/\/\S+)/.exec(child.output())![1]!, broker: /broker (http:\/\/\S+)/.exec(child.output())![1]! };
    };
    pinot = await start();
    const raw = rawCopy();
    for (const [path, body] of [
      ['schemas', raw.schema],
      ['tables', raw.table],
    ] as const) {
      const res = await fetch(`${pinot.controller}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status, await res.text()).toBe(200);
    }

    // Round r: every country's running aggregate and every source's window r % 40, view counts rising.
    let produced = 0;
    const producing = (async () => {
      for (let r = 0; r < ROUNDS; r++) {
        await producer.send({
          topic: 'topic5',
          acks: -1,
          messages: COUNTRIES.map((country, i) => ({
            key: JSON.stringify(country),
            value: JSON.stringify({ country, avg_age: 20 + i + (r % 2) / 2, user_count: 1 + (r >> 2), view_count: r + 1, last_event_ts: W0 + r * 1000 + i }),
          })),
        });
        await producer.send({
          topic: 'topic6',
          acks: -1,
          messages: SOURCES.map((source, i) => ({
            key: JSON.stringify(source),
            value: JSON.stringify({
              source,
              window_start: W0 + (r % 40) * 60_000,
              window_end: W0 + ((r % 40) + 1) * 60_000,
              user_count: 1 + (r % 7),
              view_count: Math.floor(r / 40) * 10 + i + 1,
            }),
          })),
        });
        produced = r + 1;
        await sleep(15);
      }
    })();

    const killedAt: number[] = [];
    for (let k = 0; k < 3; k++) {
      const before = await ingested(pinot.controller, 'pageview_country');
      await waitFor(
        `ingestion to move before kill ${k + 1}`,
        async () => ((await ingested(pinot!.controller, 'pageview_country')) > before ? true : undefined),
        30_000,
        20,
      );
      await sleep(Math.floor(random() * 600));
      killedAt.push(produced);
      await pinot.kill9();
      if (process.env.FAULT_VERBOSE) console.log(pinot.output().slice(-3000));
      pinot = await start();
    }
    await producing;
    expect(produced).toBe(ROUNDS);

    const p = pinot;
    const want = { pageview_country: ROUNDS * COUNTRIES.length, pageview_tumbling: ROUNDS * SOURCES.length };
    // the topics hold exactly the produced messages, and a checkpoint never passes its partition's end:
    // once the checkpoints add up to these ends, nothing more can be ingested
    const topicEnd = async (topic: string) => [...(await endOffsets(kafkaClient(cluster), topic)).values()].reduce((n, end) => n + Number(end), 0);
    expect(await topicEnd('topic5')).toBe(want.pageview_country);
    expect(await topicEnd('topic6')).toBe(want.pageview_tumbling);
    await waitFor(
      'every message ingested',
      async () =>
        (await ingested(p.controller, 'pageview_country')) >= want.pageview_country &&
        (await ingested(p.controller, 'pageview_tumbling')) >= want.pageview_tumbling
          ? true
          : undefined,
      45_000,
      200,
    ).catch(async (error: Error) => {
      const debug = await (await fetch(`${p.controller}/debug/ingestion`)).text();
      throw new Error(`${error.message}: ${debug.slice(0, 3000)}\n${p.output().slice(-3000)}`);
    });
    expect(await ingested(p.controller, 'pageview_country')).toBe(want.pageview_country);
    expect(await ingested(p.controller, 'pageview_tumbling')).toBe(want.pageview_tumbling);
    await waitFor('pv_raw caught up', async () => ((await ingested(p.controller, 'pv_raw')) === want.pageview_country ? true : undefined), 30_000, 200);
    const doubled = await pinotRows(
      p.broker,
      'SELECT last_event_ts, COUNT(*) AS n FROM pv_raw GROUP BY last_event_ts HAVING COUNT(*) > 1 ORDER BY last_event_ts LIMIT 1000',
    );
    const rounds = [...new Set((doubled ?? []).map(([ts]) => Math.floor((Number(ts) - W0) / 1000)))];
    expect(rounds, `rows stored twice, by round: ${JSON.stringify(doubled?.slice(0, 10))}; kills after rounds ${JSON.stringify(killedAt)}`).toEqual([]);
    expect(await pinotRows(p.broker, 'SELECT COUNT(*), DISTINCTCOUNT(last_event_ts), SUM(view_count) FROM pv_raw')).toEqual([
      [want.pageview_country, want.pageview_country, (COUNTRIES.length * (ROUNDS * (ROUNDS + 1))) / 2],
    ]);

    const countries = await pinotRows(p.broker, 'SELECT country, view_count, user_count, last_event_ts FROM pageview_country ORDER BY country LIMIT 100');
    expect(countries).toEqual(COUNTRIES.map((c, i) => [c, ROUNDS, 1 + ((ROUNDS - 1) >> 2), W0 + (ROUNDS - 1) * 1000 + i]));
    const windows = await pinotRows(p.broker, 'SELECT COUNT(*), SUM(view_count) FROM pageview_tumbling');
    // 3 sources x 40 windows, each ending at the last round that wrote it: (floor(r/40) = 3) * 10 + i + 1.
    expect(windows).toEqual([[120, 40 * (31 + 32 + 33)]]);
  }, 150_000);
});
