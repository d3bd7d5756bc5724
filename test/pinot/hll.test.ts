/**
 * DISTINCTCOUNTHLL answers Pinot's HyperLogLog estimate. The expected figures were computed with the real
 * clearspring stream-lib jar Pinot ships (stream-2.7.0.jar of Pinot 0.11's lib; Pinot 1.2 ships 2.9.8, whose
 * hash and estimate are the same code): MurmurHash.hash(...) of each value, new HyperLogLog(log2m).cardinality().
 * The conformance suite (test/conformance/pinot.test.ts, agg-distinctcounthll) compares it with real Pinot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hllEstimate, murmurHashDouble, murmurHashFloat, murmurHashLong, murmurHashString } from '../../embedded/pinot/hll.ts';
import { eventsSchema, feed, http, query, realtimeTable, startTestPinot, type TestPinot } from './helpers.ts';

describe("Pinot's HyperLogLog (clearspring stream-lib)", () => {
  it('hashes values as MurmurHash.hash(Object) does', () => {
    expect(murmurHashString('hello')).toBe(-1816943331);
    expect(murmurHashString('héllo wörld ü')).toBe(-241043126);
    expect(murmurHashLong(42n)).toBe(1348420172);
    expect(murmurHashLong(-1n)).toBe(-2037786185);
    expect(murmurHashDouble(3.5)).toBe(-1350109263);
    expect(murmurHashFloat(2.25)).toBe(-1980671772);
  });

  it('estimates as HyperLogLog.cardinality() does (linear counting when small, the raw estimate beyond)', () => {
    expect(
      hllEstimate(
        Array.from({ length: 1000 }, (_, i) => murmurHashLong(BigInt(i * 7919))),
        8,
      ),
    ).toBe(1024);
    expect(
      hllEstimate(
        Array.from({ length: 300 }, (_, i) => murmurHashString(`k${i}`)),
        8,
      ),
    ).toBe(265);
    expect(
      hllEstimate(
        Array.from({ length: 5000 }, (_, i) => murmurHashDouble(i * 0.5)),
        12,
      ),
    ).toBe(4911);
    expect(hllEstimate([], 8)).toBe(0);
  });
});

describe('DISTINCTCOUNTHLL on the broker', () => {
  let pinot: TestPinot;
  beforeAll(async () => {
    pinot = await startTestPinot();
    await http('POST', `${pinot.controllerUrl}/schemas`, eventsSchema('events'));
    await http('POST', `${pinot.controllerUrl}/tables`, realtimeTable('events', 'events'));
    // 300 distinct ids k0..k299, each twice; views 0..999 step 1 as 1000 distinct longs.
    await feed(
      pinot,
      'events',
      0,
      0,
      Array.from({ length: 1000 }, (_, i) => ({ id: `k${i % 300}`, source: i % 2 ? 'a' : 'b', views: i * 7919, ts: 1_714_566_896_000 + i })),
    );
  });
  afterAll(async () => {
    await pinot?.stop();
  });

  it('answers the estimate (LONG), per group too, with log2m as a second argument', async () => {
    const all = await query(pinot, 'SELECT DISTINCTCOUNTHLL(id), DISTINCTCOUNTHLL(views), DISTINCTCOUNT(id) FROM events');
    expect(all.resultTable).toEqual({
      dataSchema: { columnNames: ['distinctcounthll(id)', 'distinctcounthll(views)', 'distinctcount(id)'], columnDataTypes: ['LONG', 'LONG', 'INT'] },
      rows: [[265, 1024, 300]],
    });
    const grouped = await query(pinot, 'SELECT source, DISTINCTCOUNTHLL(id, 12) FROM events GROUP BY source ORDER BY source');
    const exact = await query(pinot, 'SELECT source, DISTINCTCOUNT(id) FROM events GROUP BY source ORDER BY source');
    expect(grouped.resultTable.rows.map((r: unknown[]) => r[0])).toEqual(['a', 'b']);
    // log2m 12 has 4096 registers: 150 values each land in a register of their own, so linear counting is near exact.
    for (const [i, row] of grouped.resultTable.rows.entries()) expect(Math.abs(row[1] - exact.resultTable.rows[i][1])).toBeLessThanOrEqual(3);
    const none = await query(pinot, "SELECT DISTINCTCOUNTHLL(id) FROM events WHERE source = 'none'");
    expect(none.resultTable.rows).toEqual([[0]]);
  });
});
