/**
 * CREATE OR REPLACE over a query's sink is ksqlDB's in-place upgrade: the query keeps its id and its
 * state and resumes; the old query stops (a second query writing the same table would double every
 * count). Also the seed 004 shape that needs it: an aggregation over a table aggregation, whose
 * retractions keep COUNT(*) at the number of distinct keys while SUM follows the moved counts.
 */
import { describe, expect, it } from 'vitest';
import { KsqlEngine } from '../../embedded/ksqldb/engine.ts';
import { KsqlError } from '../../embedded/ksqldb/errors.ts';
import type { SinkRecord } from '../../embedded/ksqldb/io.ts';

/** An engine whose outputs are fed back to the queries that read them, as the Kafka runtime does. */
function driver(sql: string) {
  const engine = new KsqlEngine();
  engine.execute(sql);
  let offset = 0;
  const out: SinkRecord[] = [];
  const feed = (rec: Parameters<KsqlEngine['process']>[0]): void => {
    const queue = [rec];
    while (queue.length) {
      for (const r of engine.process(queue.shift()!)) {
        out.push(r);
        if (engine.subscribedTopics().includes(r.topic))
          queue.push({ topic: r.topic, partition: 0, offset: offset++, timestamp: r.timestamp, key: r.key, value: r.value });
      }
    }
  };
  const send = (category: string, hotel: number): void =>
    feed({
      topic: 'stays',
      partition: 0,
      offset: offset++,
      timestamp: 1000,
      key: null,
      value: Buffer.from(JSON.stringify({ stay_category: category, hotel_id: hotel })),
    });
  /** The latest value per key of a topic. */
  const latest = (topic: string): Record<string, unknown> => {
    const m: Record<string, unknown> = {};
    for (const r of out.filter((x) => x.topic === topic)) m[r.key!.toString()] = r.value ? JSON.parse(r.value.toString()) : null;
    return m;
  };
  return { engine, send, out, latest };
}

const SOURCE = "CREATE STREAM stays (stay_category VARCHAR, hotel_id BIGINT) WITH (KAFKA_TOPIC='stays', KEY_FORMAT='JSON', VALUE_FORMAT='JSON');";
const PER_HOTEL =
  'CREATE OR REPLACE TABLE per_hotel AS SELECT stay_category, hotel_id, COUNT(*) AS stays FROM stays GROUP BY stay_category, hotel_id EMIT CHANGES;';
const PER_CATEGORY =
  'CREATE OR REPLACE TABLE per_category AS SELECT stay_category, COUNT(*) AS hotels, SUM(stays) AS total FROM per_hotel GROUP BY stay_category EMIT CHANGES;';

describe('CREATE OR REPLACE TABLE … AS SELECT', () => {
  it('creates the table when it does not exist', () => {
    const d = driver(SOURCE);
    const [res] = d.engine.execute(PER_HOTEL);
    expect(res!.entity).toMatchObject({ commandStatus: { status: 'SUCCESS', queryId: 'CTAS_PER_HOTEL_0' } });
  });

  it('upgrades the running query in place: same id, state kept, no second writer', () => {
    const d = driver(`${SOURCE} ${PER_HOTEL} ${PER_CATEGORY}`);
    d.send('Short stay', 1);
    d.send('Short stay', 1);
    const [again] = d.engine.execute(PER_HOTEL);
    expect(again!.entity).toMatchObject({ commandStatus: { queryId: 'CTAS_PER_HOTEL_0' } });
    expect([...d.engine.metastore.queries.keys()].sort()).toEqual(['CTAS_PER_CATEGORY_1', 'CTAS_PER_HOTEL_0']);
    expect(d.engine.metastore.get('PER_HOTEL')!.writeQueries).toEqual(['CTAS_PER_HOTEL_0']);
    const before = d.out.length;
    d.send('Short stay', 1);
    const written = d.out.slice(before).filter((r) => r.topic === 'PER_HOTEL');
    expect(written.map((r) => JSON.parse(r.value!.toString()))).toEqual([{ STAYS: 3 }]);
    expect(d.latest('PER_CATEGORY')['"Short stay"']).toEqual({ HOTELS: 1, TOTAL: 3 });
  });

  it('takes a changed projection on the upgrade', () => {
    const d = driver(`${SOURCE} ${PER_HOTEL}`);
    d.send('Long stay', 7);
    d.engine.execute(
      'CREATE OR REPLACE TABLE per_hotel AS SELECT stay_category, hotel_id, COUNT(*) AS stays, COUNT(*) * 10 AS tens FROM stays GROUP BY stay_category, hotel_id EMIT CHANGES;',
    );
    d.send('Long stay', 7);
    expect(d.latest('PER_HOTEL')['{"STAY_CATEGORY":"Long stay","HOTEL_ID":7}']).toEqual({ STAYS: 2, TENS: 20 });
  });

  it('refuses to replace a source table or a stream with a table', () => {
    const d = driver(`${SOURCE} CREATE SOURCE TABLE src (id INT PRIMARY KEY, v INT) WITH (KAFKA_TOPIC='src', KEY_FORMAT='JSON', VALUE_FORMAT='JSON');`);
    expect(() => d.engine.execute('CREATE OR REPLACE TABLE src AS SELECT stay_category, COUNT(*) AS n FROM stays GROUP BY stay_category;')).toThrow(
      /not supported on source tables/,
    );
    d.engine.execute('CREATE STREAM copy AS SELECT * FROM stays;');
    expect(() => d.engine.execute('CREATE OR REPLACE TABLE copy AS SELECT stay_category, COUNT(*) AS n FROM stays GROUP BY stay_category;')).toThrow(KsqlError);
  });
});

describe('aggregation over a table aggregation (seed 004: stay_counts over hotel_stay_cat_counts)', () => {
  it("retracts a hotel's old count when it moves: distinct hotels stay, the sum grows", () => {
    const d = driver(`${SOURCE} ${PER_HOTEL} ${PER_CATEGORY}`);
    const sent: [string, number][] = [
      ['Short stay', 1],
      ['Short stay', 1],
      ['Short stay', 2],
      ['Long stay', 1],
      ['Short stay', 2],
      ['Short stay', 3],
      ['Long stay', 1],
    ];
    for (const [category, hotel] of sent) d.send(category, hotel);
    // computed here from `sent`
    const expected: Record<string, { HOTELS: number; TOTAL: number }> = {};
    for (const category of new Set(sent.map(([c]) => c))) {
      const rows = sent.filter(([c]) => c === category);
      expected[JSON.stringify(category)] = { HOTELS: new Set(rows.map(([, h]) => h)).size, TOTAL: rows.length };
    }
    expect(d.latest('PER_CATEGORY')).toEqual(expected);
    // every update of Short stay after the first hotel kept HOTELS at the distinct count so far
    const shortStay = d.out
      .filter((r) => r.topic === 'PER_CATEGORY' && r.key!.toString() === '"Short stay"')
      .map((r) => JSON.parse(r.value!.toString()) as { HOTELS: number; TOTAL: number });
    const prefixes = sent.flatMap(([c], i) => {
      if (c !== 'Short stay') return [];
      const rows = sent.slice(0, i + 1).filter(([x]) => x === c);
      return [{ HOTELS: new Set(rows.map(([, h]) => h)).size, TOTAL: rows.length }];
    });
    expect(shortStay).toEqual(prefixes);
  });
});
