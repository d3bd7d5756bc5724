/** Message → row: JSON decoding, type conversion, default null values, time column substitution. */
import { describe, expect, it } from 'vitest';
import { decodeJsonMessage, makeRowConverter, parseJsonExact } from '../../embedded/pinot/ingest/convert.ts';
import { compileTransform } from '../../embedded/pinot/ingest/transforms.ts';
import { formatJavaDouble, formatJavaFloat, formatTimestamp, parseSchema } from '../../embedded/pinot/schema.ts';
import { parseTableConfig } from '../../embedded/pinot/table-config.ts';
import { eventsSchema, realtimeTable } from './helpers.ts';

function converter(schemaJson: Record<string, unknown>, tableExtra: Record<string, unknown> = {}) {
  const schema = parseSchema(schemaJson);
  const hasTs = schema.columns.some((c) => c.name === 'ts');
  const noTime = hasTs ? {} : { segmentsConfig: { replication: '1' } };
  const { config } = parseTableConfig(realtimeTable(schema.name, 't', { ...noTime, ...tableExtra }), () => schema);
  const c = makeRowConverter(schema, config);
  return (record: Record<string, unknown>): Record<string, unknown> => {
    const result = c.convert(record, 1_700_000_000_000);
    if (!result.ok) return result;
    return Object.fromEntries(schema.columns.map((col, i) => [col.name, result.row[i]]));
  };
}

describe('decodeJsonMessage', () => {
  it('accepts JSON objects only', () => {
    expect(decodeJsonMessage(Buffer.from('{"a":1}'))).toEqual({ ok: true, record: { a: 1 } });
    expect(decodeJsonMessage(Buffer.from('not json')).ok).toBe(false);
    expect(decodeJsonMessage(Buffer.from('[1,2]'))).toMatchObject({ ok: false, reason: 'expected a JSON object, got an array' });
    expect(decodeJsonMessage(Buffer.from('42')).ok).toBe(false);
    expect(decodeJsonMessage(null)).toMatchObject({ ok: false });
    expect(decodeJsonMessage(Buffer.from('   ')).ok).toBe(false);
  });

  it('keeps integers beyond 2^53 exact', () => {
    expect(parseJsonExact('{"a":9007199254740993,"b":[1.5,-9223372036854775808],"c":"x\\"y"}')).toEqual({
      a: 9007199254740993n,
      b: [1.5, -9223372036854775808n],
      c: 'x"y',
    });
    expect(() => parseJsonExact('{"a":1,}')).toThrow();
  });
});

describe('row conversion', () => {
  const convert = converter(eventsSchema());

  it('coerces values to the column types', () => {
    expect(convert({ id: 42, source: 'Inbox', n: '7', flag: 'true', tags: 'a', label: 'x', views: '12', score: 3, ts: '1700000000123' })).toEqual({
      id: '42',
      source: 'Inbox',
      n: 7,
      flag: true,
      tags: ['a'],
      label: 'x',
      views: 12n,
      score: 3,
      ts: 1700000000123n,
    });
    expect(convert({ n: 7.9, flag: 1, views: 2.5, tags: ['a', 1, null] })).toMatchObject({ n: 7, flag: true, views: 2n, tags: ['a', '1'] });
  });

  it('fills missing and JSON-null fields with Pinot default null values', () => {
    expect(convert({ ts: 1700000000000, id: null })).toEqual({
      id: 'null',
      source: 'null',
      n: -2147483648,
      flag: false,
      tags: ['null'],
      label: 'none',
      views: 0n,
      score: 0,
      ts: 1700000000000n,
    });
  });

  it('substitutes the ingestion time for a missing time column', () => {
    expect(convert({}).ts).toBe(1_700_000_000_000n);
    const seconds = converter({
      ...eventsSchema(),
      dateTimeFieldSpecs: [{ name: 'ts', dataType: 'LONG', format: '1:SECONDS:EPOCH', granularity: '1:SECONDS' }],
    });
    expect(seconds({}).ts).toBe(1_700_000_000n);
  });

  it('fails a row with an unconvertible value, or defaults it with continueOnError', () => {
    expect(convert({ n: 'abc' })).toMatchObject({ ok: false, reason: expect.stringContaining("column 'n'") });
    expect(convert({ n: { nested: true } })).toMatchObject({ ok: false });
    const lenient = converter(eventsSchema(), { ingestionConfig: { continueOnError: true } });
    expect(lenient({ n: 'abc', ts: 1700000000000 })).toMatchObject({ n: -2147483648 });
  });

  it('trims strings to maxLength and cuts at NUL like Pinot', () => {
    const c = converter({ schemaName: 's', dimensionFieldSpecs: [{ name: 's', dataType: 'STRING', maxLength: 5 }] });
    expect(c({ s: 'abcdefgh' })).toEqual({ s: 'abcde' });
    expect(c({ s: 'ab\u0000cd' })).toEqual({ s: 'ab' });
  });

  it('stores JSON columns as JSON text and defaults other types per §3.4', () => {
    const c = converter({
      schemaName: 's',
      dimensionFieldSpecs: [
        { name: 'j', dataType: 'JSON' },
        { name: 'd', dataType: 'DOUBLE' },
        { name: 'f', dataType: 'FLOAT' },
        { name: 'l', dataType: 'LONG' },
        { name: 't', dataType: 'TIMESTAMP' },
        { name: 'b', dataType: 'BYTES' },
      ],
      metricFieldSpecs: [{ name: 'm', dataType: 'INT' }],
    });
    expect(c({ j: { a: [1, 2] }, t: '2024-05-01 12:34:56.789' })).toEqual({
      j: '{"a":[1,2]}',
      d: Number.NEGATIVE_INFINITY,
      f: Number.NEGATIVE_INFINITY,
      l: -9223372036854775808n,
      t: 1714566896789n,
      b: new Uint8Array(0),
      m: 0,
    });
  });

  it('runs ingestion transforms', () => {
    const c = converter(eventsSchema(), {
      ingestionConfig: {
        transformConfigs: [
          { columnName: 'source', transformFunction: "jsonPathString(payload, '$.src.name')" },
          { columnName: 'views', transformFunction: 'plus(a, b)' },
          { columnName: 'ts', transformFunction: "fromDateTime(created, 'yyyy-MM-dd HH:mm:ss')" },
        ],
      },
    });
    expect(c({ payload: { src: { name: 'Homepage' } }, a: 2, b: 3, created: '2024-01-02 03:04:05' })).toMatchObject({
      source: 'Homepage',
      views: 5n,
      ts: 1704164645000n,
    });
    expect(typeof compileTransform('Groovy({a+b}, a, b)')).toBe('string');
  });
});

describe('Java number and timestamp formatting', () => {
  it('prints doubles like Double.toString and floats like Float.toString', () => {
    expect(formatJavaDouble(2019)).toBe('2019.0');
    expect(formatJavaDouble(0.5)).toBe('0.5');
    expect(formatJavaDouble(12345678)).toBe('1.2345678E7');
    expect(formatJavaDouble(1e-4)).toBe('1.0E-4');
    expect(formatJavaDouble(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
    expect(formatJavaFloat(Math.fround(1.1))).toBe('1.1');
  });

  it('prints timestamps like java.sql.Timestamp.toString in UTC', () => {
    expect(formatTimestamp(1714566896789)).toBe('2024-05-01 12:34:56.789');
    expect(formatTimestamp(1714566896000)).toBe('2024-05-01 12:34:56.0');
    expect(formatTimestamp(1714566896780)).toBe('2024-05-01 12:34:56.78');
  });
});
