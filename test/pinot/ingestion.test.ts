/**
 * End to end from the embedded Kafka: kafkajs-produced JSON → realtime tables → broker queries.
 * Covers the compose-style broker list override, malformed messages, restart without loss or
 * duplicates, upsert tables from pinot/, a topic created after the table, offset reset, pause/resume.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Producer } from 'kafkajs';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { readPinotSchema, readPinotTableConfig } from '../../pinot/tables.ts';
import { kafkaClient, startTestCluster } from '../support/kafka.ts';
import { eventsSchema, http, query, realtimeTable, startTestPinot, tempDir, waitFor, type TestPinot } from './helpers.ts';

let cluster: KafkaCluster;
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  cluster = await startTestCluster();
  const kafka = kafkaClient(cluster);
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer();
  await producer.connect();
});
afterAll(async () => {
  await producer?.disconnect();
  await admin?.disconnect();
  await cluster?.stop();
});

async function createTopic(topic: string, numPartitions = 3): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 3 }], waitForLeaders: true });
}

/**
 * Waits until the table's consumers stand at the end of every partition of its topic (Pinot's
 * consumingSegmentsInfo against the topic's end offsets): everything produced so far is ingested, so
 * whatever the table holds then is all it will hold.
 */
async function waitCaughtUp(pinot: TestPinot, table: string, topic: string): Promise<void> {
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [String(p.partition), p.high]));
  await waitFor(`${table} at the end of ${topic}`, async () => {
    const info = (await http('GET', `${pinot.controllerUrl}/tables/${table}/consumingSegmentsInfo`)).json as {
      _segmentToConsumingInfoMap: Record<string, { partitionOffsetInfo: { currentOffsetsMap: Record<string, string> } }[]>;
    };
    const current = new Map(
      Object.values(info._segmentToConsumingInfoMap).flatMap((servers) => Object.entries(servers[0]!.partitionOffsetInfo.currentOffsetsMap)),
    );
    return [...ends].every(([partition, end]) => String(current.get(partition)) === end) ? true : undefined;
  });
}

async function send(topic: string, values: (Record<string, unknown> | string)[], keyOf: (i: number) => string = (i) => `k${i}`): Promise<void> {
  await producer.send({
    topic,
    acks: -1,
    messages: values.map((v, i) => ({ key: keyOf(i), value: typeof v === 'string' ? v : JSON.stringify(v) })),
  });
}

async function count(pinot: TestPinot, table: string): Promise<number | undefined> {
  const r = await query(pinot, `SELECT count(*) FROM ${table}`);
  return r.exceptions.length === 0 ? Number(r.resultTable.rows[0][0]) : undefined;
}

async function waitForCount(pinot: TestPinot, table: string, expected: number, timeoutMs = 30_000): Promise<void> {
  let last: number | undefined;
  await waitFor(
    `${table} to hold ${expected} rows`,
    async () => {
      last = await count(pinot, table);
      return last === expected ? true : undefined;
    },
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message} (last count ${String(last)}; logs: ${pinot.logs.slice(-5).join(' | ')})`);
  });
}

function events(from: number, to: number): Record<string, unknown>[] {
  return Array.from({ length: to - from }, (_, k) => ({
    id: `e${from + k}`,
    source: ['Homepage', 'Inbox', 'External'][(from + k) % 3],
    views: from + k,
    ts: 1_714_566_896_000 + (from + k),
  }));
}

describe('realtime ingestion from the embedded Kafka', () => {
  it('consumes JSON through a compose-style broker list, skips and counts malformed messages, and resumes after a restart', async () => {
    await createTopic('pv-append');
    const dataDir = tempDir('pinot-ingest');
    let pinot = await startTestPinot({ dataDir, kafkaBootstrap: cluster.bootstrap(), retryMs: 300 });
    try {
      await http('POST', `${pinot.controllerUrl}/schemas`, eventsSchema('pv'));
      const created = await http('POST', `${pinot.controllerUrl}/tables`, realtimeTable('pv', 'pv-append'));
      expect(created.status).toBe(200);
      await send('pv-append', [...events(0, 40), 'not json', '[1,2,3]', ...events(40, 50)]);
      await waitForCount(pinot, 'pv', 50);
      const status = await waitFor('malformed count', async () => {
        const s = (await http('GET', `${pinot.controllerUrl}/debug/ingestion/pv`)).json;
        return s.malformed === 2 ? s : undefined;
      });
      expect(status).toMatchObject({ table: 'pv_REALTIME', topic: 'pv-append', state: 'CONSUMING', rowsIngested: 50, malformed: 2, failed: 0 });
      expect(pinot.logs.some((l) => l.includes('skipped malformed message'))).toBe(true);
      const info = (await http('GET', `${pinot.controllerUrl}/tables/pv/consumingSegmentsInfo`)).json;
      expect(Object.keys(info._segmentToConsumingInfoMap)).toHaveLength(3);

      await pinot.stop();
      await send('pv-append', events(50, 70));
      pinot = await startTestPinot({ dataDir, kafkaBootstrap: cluster.bootstrap(), retryMs: 300 });
      await waitForCount(pinot, 'pv', 70);
      // Nothing doubled, nothing lost, and the malformed count survived the restart.
      const ids = await query(pinot, 'SELECT count(*), distinctcount(id), sum(views) FROM pv');
      expect(ids.resultTable.rows).toEqual([[70, 70, (69 * 70) / 2]]);
      await waitCaughtUp(pinot, 'pv', 'pv-append');
      expect(await count(pinot, 'pv')).toBe(70);
      expect((await http('GET', `${pinot.controllerUrl}/debug/ingestion/pv`)).json).toMatchObject({ rowsIngested: 70, malformed: 2 });
    } finally {
      await pinot.stop();
    }
  });

  it('keeps the latest row per key in an upsert table from pinot/', async () => {
    await createTopic('pv-country', 5);
    const pinot = await startTestPinot({ kafkaBootstrap: cluster.bootstrap(), retryMs: 300 });
    try {
      const config = readPinotTableConfig('pageview_country');
      config.tableIndexConfig.streamConfigs['stream.kafka.topic.name'] = 'pv-country';
      await http('POST', `${pinot.controllerUrl}/schemas`, readPinotSchema('pageview_country'));
      expect((await http('POST', `${pinot.controllerUrl}/tables`, config)).status).toBe(200);
      const updates: Record<string, unknown>[] = [];
      for (let round = 1; round <= 5; round++) {
        for (const country of ['FR', 'US', 'IN', '<script>']) {
          updates.push({ country, avg_age: 20 + round, user_count: round, view_count: round * 10, last_event_ts: 1_714_566_896_000 + round });
        }
      }
      await send('pv-country', updates, (i) => String(updates[i]!.country));
      await waitFor('latest values', async () => {
        const r = await query(pinot, 'SELECT country, view_count FROM pageview_country ORDER BY country');
        const rows = r.resultTable?.rows ?? [];
        return rows.length === 4 && rows.every((row: unknown[]) => row[1] === 50) ? rows : undefined;
      });
      const r = await query(pinot, 'SELECT country, avg_age, user_count, view_count, last_event_ts FROM pageview_country ORDER BY country');
      expect(r.resultTable.rows).toEqual([
        ['<script>', 25, 5, 50, 1_714_566_896_005],
        ['FR', 25, 5, 50, 1_714_566_896_005],
        ['IN', 25, 5, 50, 1_714_566_896_005],
        ['US', 25, 5, 50, 1_714_566_896_005],
      ]);
    } finally {
      await pinot.stop();
    }
  });

  it('waits for a topic created after the table, honours offset reset largest, and pauses/resumes', async () => {
    const pinot = await startTestPinot({ kafkaBootstrap: cluster.bootstrap(), retryMs: 200 });
    try {
      await http('POST', `${pinot.controllerUrl}/schemas`, eventsSchema('late'));
      await http('POST', `${pinot.controllerUrl}/tables`, realtimeTable('late', 'pv-late'));
      await waitFor('waiting state', async () =>
        (await http('GET', `${pinot.controllerUrl}/debug/ingestion/late`)).json.state === 'WAITING_FOR_TOPIC' ? true : undefined,
      );
      await createTopic('pv-late');
      await send('pv-late', events(0, 10));
      await waitForCount(pinot, 'late', 10);

      // A table reading the same topic from "largest" ignores what is already there.
      await http('POST', `${pinot.controllerUrl}/schemas`, eventsSchema('newest'));
      const newest = realtimeTable('newest', 'pv-late');
      (newest.tableIndexConfig as { streamConfigs: Record<string, string> }).streamConfigs['stream.kafka.consumer.prop.auto.offset.reset'] = 'largest';
      await http('POST', `${pinot.controllerUrl}/tables`, newest);
      await waitFor('newest consuming', async () =>
        (await http('GET', `${pinot.controllerUrl}/debug/ingestion/newest`)).json.state === 'CONSUMING' ? true : undefined,
      );

      const paused = await http('POST', `${pinot.controllerUrl}/tables/late/pauseConsumption`);
      expect(paused.json.pauseFlag).toBe(true);
      await send('pv-late', events(10, 15));
      await waitForCount(pinot, 'newest', 5);
      await waitCaughtUp(pinot, 'newest', 'pv-late');
      // the paused table says so and stays where it was while another table read the same new messages
      const late = (await http('GET', `${pinot.controllerUrl}/tables/late/consumingSegmentsInfo`)).json as {
        _segmentToConsumingInfoMap: Record<string, { consumerState: string }[]>;
      };
      const states = Object.values(late._segmentToConsumingInfoMap).map((servers) => servers[0]!.consumerState);
      expect(states.length).toBeGreaterThan(0);
      expect(new Set(states)).toEqual(new Set(['NOT_CONSUMING']));
      expect(await count(pinot, 'late')).toBe(10);
      await http('POST', `${pinot.controllerUrl}/tables/late/resumeConsumption`);
      await waitForCount(pinot, 'late', 15);
    } finally {
      await pinot.stop();
    }
  });
});
