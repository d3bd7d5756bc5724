/**
 * The dashboard server against the real Pinot API: the embedded Kafka + embedded Pinot, the project's
 * four tables from pinot/, rows produced with kafkajs on topic5..topic8. The snapshot must hold what
 * Pinot holds; the views produced are the page-view topic's end offsets on the health strip's Kafka;
 * health checks must see Kafka and Pinot up; stopping Pinot must show the error state.
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaHealthTarget, pinotHealthTarget, startDashboard, type DashboardHandle, type Snapshot } from '../../dashboard/index.ts';
import { countryRow, startPinotStack, waitFor, windowRow, type PinotStack } from './helpers.ts';

let stack: PinotStack;
let dash: DashboardHandle;

const T0 = 1_790_000_040_000 - (1_790_000_040_000 % 60_000);

beforeAll(async () => {
  stack = await startPinotStack();
  const countries = Array.from({ length: 13 }, (_, i) => countryRow(`Country ${String(i).padStart(2, '0')}`, 100 - i * 5, 20 + i, (100 - i * 5) * 3));
  await stack.produce('pageview_country', countries);
  for (const [table, kind] of [
    ['pageview_tumbling', 60_000],
    ['pageview_hopping', 30_000],
    ['pageview_session', 45_000],
  ] as const) {
    const rows = [];
    for (const [s, source] of ['Homepage', 'Inbox', 'External'].entries()) {
      for (let w = 0; w < 4; w++) rows.push(windowRow(source, T0 + w * kind, T0 + w * kind + 60_000, 1 + s + w, 2 * (1 + s + w)));
    }
    await stack.produce(table, rows);
  }
  await stack.waitForCount('pageview_country', 13);
  for (const t of ['pageview_tumbling', 'pageview_hopping', 'pageview_session'] as const) await stack.waitForCount(t, 12);
  dash = await startDashboard({
    port: 0,
    host: '127.0.0.1',
    pinotBrokerUrl: stack.pinot.brokerUrl,
    pollIntervalMs: 400,
    queryTimeoutMs: 10_000, // Pinot's usual time: 1 s can expire on a loaded machine
    topN: 10,
    healthTargets: [
      kafkaHealthTarget(stack.cluster.bootstrap().split(',')),
      pinotHealthTarget({ controllerUrl: stack.pinot.controllerUrl, brokerUrl: stack.pinot.brokerUrl }),
    ],
    log: () => undefined,
  });
});

afterAll(async () => {
  await dash?.stop();
  await stack?.stop();
});

async function apiSnapshot(): Promise<Snapshot> {
  const response = await fetch(`${dash.url}/api/snapshot`);
  expect(response.status).toBe(200);
  return (await response.json()) as Snapshot;
}

describe('dashboard server on the embedded Pinot', () => {
  it('serves what Pinot holds: top 10 countries + Other, headline numbers, one line per source per window table', async () => {
    const snap = await waitFor('a snapshot with data', async () => {
      const s = await apiSnapshot();
      return s.state === 'ok' ? s : undefined;
    });
    const pinotRows = (await stack.query('SELECT country, user_count, avg_age, view_count FROM pageview_country ORDER BY user_count DESC LIMIT 100')) as [
      string,
      number,
      number,
      number,
    ][];
    expect(pinotRows).toHaveLength(13);
    expect(snap.countries.slice(0, 10).map((c) => [c.label, c.users, c.avgAge, c.views])).toEqual(
      pinotRows.slice(0, 10).map((r) => [r[0], Number(r[1]), Number(r[2]), Number(r[3])]),
    );
    const rest = pinotRows.slice(10);
    expect(snap.countries[10]).toMatchObject({ label: 'Other', users: rest.reduce((a, r) => a + Number(r[1]), 0), other: { countries: 3 } });
    expect(snap.headline).toMatchObject({
      totalViews: pinotRows.reduce((a, r) => a + Number(r[3]), 0),
      distinctUsers: pinotRows.reduce((a, r) => a + Number(r[1]), 0),
      countries: 13,
    });
    for (const kind of ['tumbling', 'hopping', 'session'] as const) {
      const panel = snap.windows[kind];
      expect(panel.status).toBe('ok');
      expect(panel.series.map((s) => s.source)).toEqual(['External', 'Homepage', 'Inbox']);
      const rows = (await stack.query(`SELECT source, window_start, user_count FROM pageview_${kind} ORDER BY source, window_start LIMIT 100`)) as [
        string,
        number,
        number,
      ][];
      const fromPinot = rows.map((r) => [r[0], Number(r[1]), Number(r[2])]);
      const fromDash = panel.series.flatMap((s) => s.points.map((p) => [s.source, p.x, p.y]));
      expect(fromDash).toEqual(fromPinot);
    }
  });

  it('follows upserts in Pinot and computes events/s from the view-count growth', async () => {
    const before = await apiSnapshot();
    await stack.produce('pageview_country', [countryRow('Country 00', 100, 20, 300 + 600)]);
    const after = await waitFor('the upserted view count', async () => {
      const s = await apiSnapshot();
      return s.headline.totalViews === before.headline.totalViews + 600 ? s : undefined;
    });
    expect(after.countries[0]).toMatchObject({ label: 'Country 00', views: 900 });
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.headline.eventsPerSecond).toBeGreaterThan(0);
  });

  it("reads the views produced from the page-view topic on the health strip's Kafka: produced - joined = dropped", async () => {
    const topic = stack.config.topics.pageview;
    const missing = await dash.pollNow();
    expect(missing.headline).toMatchObject({ viewsProduced: null, viewsDropped: null, pageviewTopic: topic });
    expect(missing.headline.viewsNote).toContain(`topic ${topic} does not exist yet`);
    expect(missing.headline.viewsJoined).toBe(missing.headline.totalViews);

    const admin = new Kafka({ clientId: 'dash-server-test', brokers: stack.cluster.bootstrap().split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 5, replicationFactor: 3 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    // More views than Pinot counts, spread over every partition by key: the extra ones are the "dropped".
    const joined = (await stack.query('SELECT sum(view_count) FROM pageview_country')).map((r) => Number(r[0]))[0]!;
    const dropped = 137;
    const views = Array.from({ length: joined + dropped }, (_, i) => ({
      key: String(i % 97),
      value: JSON.stringify({ session_id: `s${i}`, user_id: i % 97, source: 'Inbox', event_timestamp: T0 + i }),
    }));
    for (let i = 0; i < views.length; i += 1000) await stack.producer.send({ topic, acks: -1, messages: views.slice(i, i + 1000) });
    // A poll already in flight may have read the offsets before the send: wait for one that follows it.
    const snap = await waitFor('a poll after the views were produced', async () => {
      const s = await apiSnapshot();
      return s.headline.viewsProduced === joined + dropped ? s : undefined;
    });
    expect(snap.headline).toMatchObject({ viewsJoined: joined, viewsDropped: dropped, viewsNote: null });
    expect(dash.snapshot().headline).toMatchObject({ viewsProduced: joined + dropped, viewsJoined: joined, viewsDropped: dropped });
  });

  it('reports Kafka and Pinot up on /api/health', async () => {
    const health = await waitFor('health checks', async () => {
      const h = await (await fetch(`${dash.url}/api/health`)).json();
      return h.components.length === 2 ? h : undefined;
    });
    expect(health.components.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
      ['Kafka', 'up'],
      ['Pinot', 'up'],
    ]);
    expect(health.components[0].detail).toContain('3/3 brokers');
    expect(health.pinot.state).toBe('ok');
  });

  it('keeps the last data marked stale and shows the error when Pinot stops', async () => {
    const good = await apiSnapshot();
    await stack.stopPinot();
    const failed = await waitFor(
      'the error state',
      async () => {
        const s = await apiSnapshot();
        return s.state === 'error' ? s : undefined;
      },
      10_000,
    );
    expect(failed.stale).toBe(true);
    expect(failed.error).toMatch(/Pinot broker .* unreachable/);
    expect(failed.countries).toEqual(good.countries);
    const health = await waitFor(
      'Pinot down on the strip',
      async () => {
        const h = await (await fetch(`${dash.url}/api/health`)).json();
        return h.components.find((c: { name: string }) => c.name === 'Pinot')?.status === 'down' ? h : undefined;
      },
      10_000,
    );
    expect(health.pinot).toMatchObject({ state: 'error', stale: true });
    expect(health.pinot.failures).toBeGreaterThanOrEqual(1);
  });
});
