/**
 * STRINGTOTIMESTAMP parses as ksqlDB does (java.time's DateTimeFormatter, SMART resolver): repeated
 * letters take exactly that many digits, a field out of range is an error, and a day past the end of
 * its month becomes the month's last day. In a query an error is a NULL column, which seed 004's stay
 * categories rely on ("Erroneous data" for unparsable check-in/out dates).
 */
import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../embedded/ksqldb/functions/scalar.ts';
import { KsqlEngine } from '../../embedded/ksqldb/engine.ts';

const day = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d);

describe('parseTimestamp (java.time semantics)', () => {
  it('parses well-formed dates and times', () => {
    expect(parseTimestamp('2017-08-15', 'yyyy-MM-dd')).toBe(day(2017, 8, 15));
    expect(parseTimestamp('2016-02-29', 'yyyy-MM-dd')).toBe(day(2016, 2, 29));
    expect(parseTimestamp('2015-02-02 09:55:41', 'yyyy-MM-dd HH:mm:ss')).toBe(Date.UTC(2015, 1, 2, 9, 55, 41));
    expect(parseTimestamp('20170815', 'yyyyMMdd')).toBe(day(2017, 8, 15));
    expect(parseTimestamp('2017-8-5', 'yyyy-M-d')).toBe(day(2017, 8, 5));
    expect(parseTimestamp('2017-12-15', 'yyyy-M-d')).toBe(day(2017, 12, 15));
    expect(parseTimestamp('15.8.2017', 'd.M.yyyy')).toBe(day(2017, 8, 15));
    expect(parseTimestamp('17-08-15', 'yy-MM-dd')).toBe(day(2017, 8, 15));
  });

  it('rejects fields out of range instead of rolling over', () => {
    for (const text of ['2017-13-05', '2017-00-10', '2017-08-32', '2017-08-00', '2161-10-00']) {
      expect(() => parseTimestamp(text, 'yyyy-MM-dd'), text).toThrow(/could not be parsed/);
    }
    expect(() => parseTimestamp('2017-08-15 25:00:00', 'yyyy-MM-dd HH:mm:ss')).toThrow(/HourOfDay/);
    expect(() => parseTimestamp('2017-08-15 10:60:00', 'yyyy-MM-dd HH:mm:ss')).toThrow(/MinuteOfHour/);
  });

  it('wants exactly as many digits as repeated letters, and at least four for yyyy', () => {
    expect(() => parseTimestamp('2017-8-15', 'yyyy-MM-dd')).toThrow(/index 5/);
    expect(() => parseTimestamp('2017-08-5', 'yyyy-MM-dd')).toThrow(/index 8/);
    expect(() => parseTimestamp('17-08-15', 'yyyy-MM-dd')).toThrow(/index 0/);
    expect(() => parseTimestamp('2017/08/15', 'yyyy-MM-dd')).toThrow(/could not be parsed/);
  });

  it("moves a day past the month's end to its last day (SMART resolver)", () => {
    expect(parseTimestamp('2017-02-30', 'yyyy-MM-dd')).toBe(day(2017, 2, 28));
    expect(parseTimestamp('2016-02-31', 'yyyy-MM-dd')).toBe(day(2016, 2, 29));
    expect(parseTimestamp('2017-04-31', 'yyyy-MM-dd')).toBe(day(2017, 4, 30));
    expect(parseTimestamp('2017-08-15 24:00:00', 'yyyy-MM-dd HH:mm:ss')).toBe(day(2017, 8, 16));
  });
});

describe('STRINGTOTIMESTAMP in a query', () => {
  it('gives NULL for an unparsable or missing date, and the day difference otherwise', () => {
    const engine = new KsqlEngine();
    engine.execute(`CREATE STREAM s (ci VARCHAR, co VARCHAR) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');
      CREATE STREAM d AS SELECT (STRINGTOTIMESTAMP(co, 'yyyy-MM-dd', 'UTC') - STRINGTOTIMESTAMP(ci, 'yyyy-MM-dd', 'UTC')) / 86400000 AS days FROM s;`);
    const cases: [string | null, string | null, number | null][] = [
      ['2017-08-01', '2017-08-05', 4],
      ['2017-08-05', '2017-08-01', -4],
      ['2017-12-30', '2018-01-02', 3],
      ['2017-08-01', null, null],
      ['2017-08-01', '2017-13-01', null],
      ['2017-08-01', 'not a date', null],
    ];
    const got = cases.map(([ci, co], offset) => {
      const [out] = engine.process({ topic: 's', partition: 0, offset, timestamp: 0, key: null, value: Buffer.from(JSON.stringify({ ci, co })) });
      return (JSON.parse(out!.value!.toString()) as { DAYS: number | null }).DAYS;
    });
    expect(got).toEqual(cases.map(([, , days]) => days));
  });
});
