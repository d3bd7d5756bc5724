/**
 * The stay-categories statements on our ksqlDB server (REST) over our Kafka: a seeded batch of hotel
 * searches in, every enriched search and every table read back from its topic and compared with what
 * stay-categories-data.ts computes from the generated dates; then a second batch over the same hotels,
 * which moves hotels' counts, so STAY_COUNTS (an aggregation over a table) must retract the old counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { loadStayCategoriesConfig } from '../../config/scenarios/stay-categories.ts';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { startKsqlDb, type KsqlDbHandle } from '../../embedded/ksqldb/index.ts';
import type { HotelSearch, SearchGenerator } from '../../scenarios/stay-categories/generate/searches.ts';
import { stayCategoriesScenario } from '../../scenarios/stay-categories/index.ts';
import { kafkaClient, startTestCluster } from '../support/kafka.ts';
import { applyStatements, caughtUp, latestByKeyBytes, postJson } from '../ksqldb/pipeline-support.ts';
import { CATEGORIES, expectedStay, expectedStays, lines, searchGenerator, sendSearches } from './stay-categories-data.ts';

const config = loadConfig({ KAFKA_BROKERS: '1', KAFKA_PARTITIONS: '2', KAFKA_REPLICATION_FACTOR: '1' });
const settings = loadStayCategoriesConfig({});
const scenario = stayCategoriesScenario(settings);
const { topics } = settings;
/** A minute boundary, so the 60 s windows start on it. */
const BASE = Date.UTC(2024, 3, 12, 8, 0, 0);

let cluster: KafkaCluster;
let server: KsqlDbHandle;
let generator: SearchGenerator;
const sent: HotelSearch[] = [];

async function records(topic: string): Promise<{ key: string; value: string | null }[]> {
  return (await latestByKeyBytes(kafkaClient(cluster), topic)).records;
}

/** The final rows of a table's topic (latest value per key), parsed. */
async function finalRows(topic: string): Promise<Record<string, unknown>[]> {
  const { latest } = await latestByKeyBytes(kafkaClient(cluster), topic);
  return [...latest.values()].filter((v): v is string => v !== null && v !== '').map((v) => JSON.parse(v) as Record<string, unknown>);
}

async function send(searches: HotelSearch[]): Promise<void> {
  sent.push(...searches);
  await sendSearches([cluster.bootstrap()], topics.expedia, searches);
  await caughtUp(server, 60_000);
}

async function perCategory(): Promise<Map<string, string>> {
  return new Map((await finalRows(topics.stayCounts)).map((r) => [String(r.stay_category), `hotels=${String(r.count_distinct)} stays=${String(r.count_all)}`]));
}

async function perHotel(): Promise<Map<string, number>> {
  const { latest } = await latestByKeyBytes(kafkaClient(cluster), topics.hotelStayCatCounts);
  const out = new Map<string, number>();
  for (const [hexKey, value] of latest) {
    if (value === null) continue;
    const key = JSON.parse(Buffer.from(hexKey, 'hex').toString('utf8')) as { STAY_CATEGORY: string; HOTEL_ID: number };
    out.set(`${key.STAY_CATEGORY}|${key.HOTEL_ID}`, (JSON.parse(value) as { STAYS: number }).STAYS);
  }
  return out;
}

beforeAll(async () => {
  cluster = await startTestCluster({ brokers: 1 });
  server = await startKsqlDb({ port: 0, host: '127.0.0.1', bootstrap: cluster.bootstrap() });
  await applyStatements(server, scenario.ksqlStatements(config));
  // 60 hotels, a search every 500 ms: 20 minutes of event time; 12 % with bad stay dates.
  generator = searchGenerator({ seed: 4, hotels: 60, invalidShare: 0.12, base: BASE, intervalMs: 500 });
  await send(generator.take(2400));
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await cluster?.stop();
});

describe('stay-categories statements on the embedded ksqlDB', () => {
  it("creates the seed's streams and tables", async () => {
    const r = await postJson(`${server.url}/ksql`, { ksql: 'SHOW STREAMS; SHOW TABLES;' });
    const [streams, tables] = r.json() as [{ streams: { name: string }[] }, { tables: { name: string }[] }];
    expect(
      streams.streams
        .map((s) => s.name)
        .filter((n) => n !== 'KSQL_PROCESSING_LOG')
        .sort(),
    ).toEqual(['EXPEDIA', 'EXPEDIA_EXT', 'EXPEDIA_STAY', 'EXPEDIA_STAY_STREAM']);
    expect(tables.tables.map((t) => t.name).sort()).toEqual(['HOTEL_STAY_CAT_COUNTS', 'STAY_CATEGORIES_PER_WINDOW', 'STAY_COUNTS']);
  });

  it('gives every search its stay length and category in expedia_ext', async () => {
    const enriched = (await records(topics.expediaExt)).map((r) => JSON.parse(r.value!) as Record<string, unknown>);
    expect(enriched).toHaveLength(sent.length);
    const byId = new Map(enriched.map((r) => [Number(r.ID), r]));
    for (const search of sent) {
      const row = byId.get(search.id);
      const want = expectedStay(search);
      expect({ id: search.id, ci: search.srch_ci, co: search.srch_co, days: row?.STAY_DAYS ?? null, category: row?.STAY_CATEGORY }).toEqual({
        id: search.id,
        ci: search.srch_ci,
        co: search.srch_co,
        days: want.days,
        category: want.category,
      });
      expect(row!.HOTEL_ID).toBe(search.hotel_id);
      expect(row!.DATE_TIME).toBe(search.date_time);
    }
    // the data set exercises every rule: each category, missing and unparsable dates, 0 and negative days
    const wanted = sent.map(expectedStay);
    for (const category of CATEGORIES)
      expect(
        wanted.some((w) => w.category === category),
        category,
      ).toBe(true);
    expect(sent.some((s) => s.srch_ci === null || s.srch_co === null)).toBe(true);
    expect(sent.some((s, i) => s.srch_ci !== null && s.srch_co !== null && wanted[i]!.days === null)).toBe(true);
    expect(wanted.some((w) => w.days === 0)).toBe(true);
    expect(wanted.some((w) => w.days !== null && w.days < 0)).toBe(true);
  });

  it('counts stays per category and hotel (HOTEL_STAY_CAT_COUNTS)', async () => {
    expect(lines(await perHotel())).toEqual(lines(expectedStays(sent, settings.windowSeconds).perHotel));
  });

  it('counts distinct hotels and all stays per category (STAY_COUNTS)', async () => {
    const expected = expectedStays(sent, settings.windowSeconds);
    expect(lines(await perCategory())).toEqual(lines(expected.perCategory));
  });

  it('counts searches and hotels per category per tumbling window', async () => {
    const got = new Map(
      (await finalRows(topics.stayCategoriesPerWindow)).map((r) => [
        `${String(r.stay_category)}@${String(r.event_ts)}`,
        `searches=${String(r.searches)} hotels=${String(r.hotels)}`,
      ]),
    );
    const expected = expectedStays(sent, settings.windowSeconds).perWindow;
    expect(new Set([...expected.keys()].map((k) => k.split('@')[1])).size).toBe(20);
    expect(lines(got)).toEqual(lines(expected));
  });

  it("retracts a hotel's old count when a second batch moves it (aggregation over a table)", async () => {
    const before = expectedStays(sent, settings.windowSeconds).perHotel;
    await send(generator.take(800));
    const after = expectedStays(sent, settings.windowSeconds);
    const moved = [...after.perHotel].filter(([k, n]) => before.has(k) && before.get(k) !== n);
    expect(moved.length, 'hotels whose count moved').toBeGreaterThan(50);
    expect(lines(await perHotel())).toEqual(lines(after.perHotel));
    expect(lines(await perCategory())).toEqual(lines(after.perCategory));
    // Without retractions every update of a hotel's count would count it again: far more than the distinct hotels.
    const updates = new Map<string, number>();
    for (const r of await records(topics.hotelStayCatCounts)) {
      const category = (JSON.parse(Buffer.from(r.key, 'hex').toString('utf8')) as { STAY_CATEGORY: string }).STAY_CATEGORY;
      updates.set(category, (updates.get(category) ?? 0) + 1);
    }
    for (const [category, value] of after.perCategory) {
      const hotels = Number(/hotels=(\d+)/.exec(value)![1]);
      expect(updates.get(category)!, category).toBeGreaterThan(hotels);
    }
  });
});
