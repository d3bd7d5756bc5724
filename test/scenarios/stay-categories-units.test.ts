/**
 * The stay-categories scenario's parts on their own: config and its overrides, the seeded search
 * generator (fields, hotels, bad stay dates), the Kafka messages, the rendered statements, the Pinot
 * files against the statements that feed them, the dashboard's panel list, and the producer as
 * `npm start` runs it against our Kafka.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { loadStayCategoriesConfig } from '../../config/scenarios/stay-categories.ts';
import { checkScenarioDashboard } from '../../dashboard/scenario-panels.ts';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { describeStatement } from '../../ksql/statements.ts';
import { fixedClock } from '../../producers/generate/events.ts';
import { schemaColumns } from '../../pinot/tables.ts';
import { SearchGenerator, dataSetTime, dataSetTimeMs, type HotelSearch, type StayDates } from '../../scenarios/stay-categories/generate/searches.ts';
import { stayCategoriesScenario } from '../../scenarios/stay-categories/index.ts';
import { searchMessage } from '../../scenarios/stay-categories/messages.ts';
import { STAY_CATEGORIES_PINOT_TABLES } from '../../scenarios/stay-categories/pinot.ts';
import type { ScenarioTargets } from '../../scenarios/scenario.ts';
import { latestByKeyBytes } from '../ksqldb/pipeline-support.ts';
import { kafkaClient, startTestCluster, waitFor } from '../support/kafka.ts';
import { CATEGORIES, calendarDay, expectedStay } from './stay-categories-data.ts';

const config = loadConfig({ KAFKA_BROKERS: '1', KAFKA_PARTITIONS: '2', KAFKA_REPLICATION_FACTOR: '1' });
const settings = loadStayCategoriesConfig({});
const BASE = Date.UTC(2024, 3, 12, 8, 0, 0);
const FIELDS = [
  'id',
  'date_time',
  'site_name',
  'posa_continent',
  'user_location_country',
  'user_location_region',
  'user_location_city',
  'orig_destination_distance',
  'user_id',
  'is_mobile',
  'is_package',
  'channel',
  'srch_ci',
  'srch_co',
  'srch_adults_cnt',
  'srch_children_cnt',
  'srch_rm_cnt',
  'srch_destination_id',
  'srch_destination_type_id',
  'hotel_id',
];

function generator(seed: number, hotels = 50, invalidShare = 0.1): SearchGenerator {
  return new SearchGenerator({ seed, hotels, invalidShare, maxLeadDays: 90, firstId: 1000, clock: fixedClock(BASE, 1000) });
}

describe('stay-categories config', () => {
  it("defaults to the seed's topics and a one-minute window", () => {
    expect(settings.topics).toMatchObject({
      expedia: 'expedia',
      expediaExt: 'expedia_ext',
      hotelStayCatCounts: 'HOTEL_STAY_CAT_COUNTS',
      stayCounts: 'STAY_COUNTS',
    });
    expect(settings.windowSeconds).toBe(60);
    expect(settings.traffic.invalidShare).toBeGreaterThan(0);
  });

  it('takes STAY_CATEGORIES_ overrides and names the variable of a bad one', () => {
    const custom = loadStayCategoriesConfig({
      STAY_CATEGORIES_TOPIC_EXPEDIA: 'searches',
      STAY_CATEGORIES_WINDOW_SECONDS: '30',
      STAY_CATEGORIES_INVALID_SHARE: '0.5',
    });
    expect(custom.topics.expedia).toBe('searches');
    expect(custom.windowSeconds).toBe(30);
    expect(custom.traffic.invalidShare).toBe(0.5);
    expect(() => loadStayCategoriesConfig({ STAY_CATEGORIES_INVALID_SHARE: '2' })).toThrow(/STAY_CATEGORIES_INVALID_SHARE/);
    expect(() => loadStayCategoriesConfig({ STAY_CATEGORIES_TOPIC_EXPEDIA_EXT: 'bad topic' })).toThrow(/STAY_CATEGORIES_TOPIC_EXPEDIA_EXT/);
  });
});

describe('search generator', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(generator(1).take(300)).toEqual(generator(1).take(300));
    expect(generator(1).take(300)).not.toEqual(generator(2).take(300));
  });

  it("writes the Expedia data set's fields, ids counting up, date_time from the clock, hotels in range", () => {
    const searches = generator(3).take(2000);
    searches.forEach((s, i) => {
      expect(Object.keys(s)).toEqual(FIELDS);
      expect(s.id).toBe(1000 + i);
      expect(s.date_time).toBe(dataSetTime(BASE + i * 1000));
      expect(s.hotel_id).toBeGreaterThanOrEqual(1);
      expect(s.hotel_id).toBeLessThanOrEqual(50);
      expect(s.srch_adults_cnt).toBeGreaterThanOrEqual(1);
    });
    expect(dataSetTime(Date.UTC(2015, 1, 2, 9, 55, 41))).toBe('2015-02-02 09:55:41');
    expect(dataSetTimeMs('2015-02-02 09:55:41')).toBe(Date.UTC(2015, 1, 2, 9, 55, 41));
    // Popular hotels come back again and again; a hotel always has the same destination.
    const perHotel = new Map<number, HotelSearch[]>();
    for (const s of searches) perHotel.set(s.hotel_id, [...(perHotel.get(s.hotel_id) ?? []), s]);
    expect(perHotel.get(1)!.length).toBeGreaterThan(perHotel.get(50)?.length ?? 0);
    for (const list of perHotel.values()) expect(new Set(list.map((s) => s.srch_destination_id)).size).toBe(1);
  });

  it('makes about the configured share of bad stay dates, of every kind, and valid stays of every category', () => {
    const g = generator(5, 50, 0.2);
    const kinds = new Map<StayDates, HotelSearch[]>();
    for (let i = 0; i < 5000; i++) {
      const s = g.next();
      kinds.set(g.lastStayDates, [...(kinds.get(g.lastStayDates) ?? []), s]);
    }
    const valid = kinds.get('valid')!;
    expect(valid.length / 5000).toBeGreaterThan(0.77);
    expect(valid.length / 5000).toBeLessThan(0.83);
    expect([...kinds.keys()].sort()).toEqual(['check-out-first', 'missing-both', 'missing-check-in', 'missing-check-out', 'same-day', 'unparsable', 'valid']);
    for (const s of valid) expect(expectedStay(s).days).toBeGreaterThanOrEqual(1);
    for (const category of CATEGORIES.slice(1))
      expect(
        valid.some((s) => expectedStay(s).category === category),
        category,
      ).toBe(true);
    for (const [kind, list] of kinds) {
      if (kind !== 'valid') for (const s of list) expect(expectedStay(s).category, `${kind} ${s.srch_ci} ${s.srch_co}`).toBe('Erroneous data');
    }
    // unparsable: exactly one of the two dates is not a calendar date
    for (const s of kinds.get('unparsable')!) expect([calendarDay(s.srch_ci), calendarDay(s.srch_co)].filter((d) => d === undefined)).toHaveLength(1);
    // the check-in lies on or after the search's day
    for (const s of valid) expect(calendarDay(s.srch_ci)!).toBeGreaterThanOrEqual(Date.UTC(2024, 3, 12));
  });

  it('keys messages by id and stamps them with the search time', () => {
    const search = generator(1).next();
    const message = searchMessage(search);
    expect(message.key).toBe(String(search.id));
    expect(message.timestamp).toBe(String(BASE));
    expect(JSON.parse(message.value)).toEqual(search);
  });
});

describe('stay-categories statements, Pinot tables and dashboard', () => {
  const scenario = stayCategoriesScenario(settings);
  const statements = scenario.ksqlStatements(config);
  const created = statements.map((s) => describeStatement(s)!);

  it("renders the enrichment and the seed's statements with topics and window from config", () => {
    expect(created.map((c) => c.name)).toEqual([
      'EXPEDIA',
      'EXPEDIA_STAY',
      'EXPEDIA_EXT',
      'EXPEDIA_STAY_STREAM',
      'HOTEL_STAY_CAT_COUNTS',
      'STAY_COUNTS',
      'STAY_CATEGORIES_PER_WINDOW',
    ]);
    expect(statements.filter((s) => /^\s*CREATE OR REPLACE TABLE/i.test(s))).toHaveLength(2);
    const custom = loadStayCategoriesConfig({ STAY_CATEGORIES_WINDOW_SECONDS: '15', STAY_CATEGORIES_TOPIC_EXPEDIA_EXT: 'ext2' });
    const rendered = stayCategoriesScenario(custom).ksqlStatements(config).join('\n');
    expect(rendered).toContain('WINDOW TUMBLING (SIZE 15 SECONDS)');
    expect(rendered.match(/KAFKA_TOPIC='ext2'/g)).toHaveLength(2);
    expect(rendered).not.toContain('${');
  });

  it('feeds every Pinot table from the statement writing its topic, column for column', () => {
    const tables = scenario.pinotTables(config, 'b1:9092,b2:9092');
    expect(tables.map((t) => t.name).sort()).toEqual(Object.keys(STAY_CATEGORIES_PINOT_TABLES).sort());
    for (const table of tables) {
      const writer = created.find((c) => c.topic === table.topic);
      expect(writer, table.name).toBeDefined();
      const timeColumn = table.tableConfig.segmentsConfig.timeColumnName;
      // stay_counts has no event time: its time column is left to Pinot, which fills in the ingestion time
      const leftToPinot = writer!.valueColumns.includes(timeColumn) ? [] : [timeColumn];
      expect(schemaColumns(table.schema).sort(), table.name).toEqual([...writer!.valueColumns, ...leftToPinot].sort());
      expect(table.tableConfig.tableIndexConfig.streamConfigs['stream.kafka.broker.list']).toBe('b1:9092,b2:9092');
      for (const key of table.schema.primaryKeyColumns ?? []) expect(writer!.valueColumns).toContain(key);
    }
  });

  it('has a dashboard the page accepts, querying only its own tables', () => {
    const dashboard = scenario.dashboard!(config);
    checkScenarioDashboard(dashboard);
    expect(dashboard.panels.map((p) => p.id)).toEqual(expect.arrayContaining(['categories-over-time', 'stays-per-category', 'hotels-per-category']));
    for (const panel of dashboard.panels) {
      const from = /\bFROM\s+([a-z_]+)/i.exec(panel.sql)?.[1];
      expect(Object.keys(STAY_CATEGORIES_PINOT_TABLES), panel.id).toContain(from);
    }
  });
});

describe('stay-categories producer', () => {
  let cluster: KafkaCluster;
  const scenario = stayCategoriesScenario(settings);

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
    const admin = kafkaClient(cluster).admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: scenario.topics(config).map((t) => ({ topic: t.name, numPartitions: 2, replicationFactor: 1 })),
      });
    } finally {
      await admin.disconnect();
    }
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('writes searches at the rate over the population until aborted, ids continuing on a restart', async () => {
    const targets: ScenarioTargets = {
      mode: 'embedded',
      kafkaBootstrap: [cluster.bootstrap()],
      mysqlUrl: 'mysql://unused',
      pinotBrokerList: cluster.bootstrap(),
      connectorMysql: { host: '127.0.0.1', port: 3306, user: 'root', password: '' },
    };
    const RATE = 50;
    const POPULATION = 7;
    const run = async (): Promise<{ done: number; ms: number }> => {
      const controller = new AbortController();
      let done = 0;
      const started = Date.now();
      const running = scenario.produce({
        config,
        targets,
        rate: RATE,
        population: POPULATION,
        signal: controller.signal,
        progress: (label, n) => {
          if (label === 'searches') done = n;
        },
      });
      await waitFor(`${RATE} searches produced`, () => (done >= RATE ? true : undefined), 20_000, 20);
      controller.abort();
      await running;
      return { done, ms: Date.now() - started };
    };
    const first = await run();
    const second = await run();
    expect(first.done).toBeGreaterThanOrEqual(RATE);
    // paced: a second's worth of searches takes about a second, not a burst
    expect(first.ms).toBeGreaterThan(700);
    const { records } = await latestByKeyBytes(kafkaClient(cluster), settings.topics.expedia);
    const searches = records.map((r) => JSON.parse(r.value!) as HotelSearch);
    expect(searches).toHaveLength(first.done + second.done);
    expect(searches.map((s) => s.id).sort((a, b) => a - b)).toEqual(Array.from({ length: searches.length }, (_, i) => i));
    expect(new Set(searches.map((s) => s.hotel_id)).size).toBeLessThanOrEqual(POPULATION);
    for (const s of searches) expect(Math.abs(dataSetTimeMs(s.date_time) - Date.now())).toBeLessThan(60_000);
  });
});
