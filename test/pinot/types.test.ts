/** Every Pinot data type through DuckDB and back out of the broker, with values and default nulls. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feed, http, query, realtimeTable, startTestPinot, type TestPinot } from './helpers.ts';

let pinot: TestPinot;

const schema = {
  schemaName: 'alltypes',
  dimensionFieldSpecs: [
    { name: 'i', dataType: 'INT' },
    { name: 'l', dataType: 'LONG' },
    { name: 'f', dataType: 'FLOAT' },
    { name: 'd', dataType: 'DOUBLE' },
    { name: 'bd', dataType: 'BIG_DECIMAL' },
    { name: 'b', dataType: 'BOOLEAN' },
    { name: 't', dataType: 'TIMESTAMP' },
    { name: 's', dataType: 'STRING' },
    { name: 'j', dataType: 'JSON' },
    { name: 'y', dataType: 'BYTES' },
    { name: 'mi', dataType: 'INT', singleValueField: false },
  ],
  metricFieldSpecs: [{ name: 'm', dataType: 'DOUBLE' }],
  dateTimeFieldSpecs: [{ name: 'ts', dataType: 'LONG', format: '1:MILLISECONDS:EPOCH', granularity: '1:MILLISECONDS' }],
};

beforeAll(async () => {
  pinot = await startTestPinot();
  await http('POST', `${pinot.controllerUrl}/schemas`, schema);
  await http('POST', `${pinot.controllerUrl}/tables`, realtimeTable('alltypes', 'x'));
  await feed(pinot, 'alltypes', 0, 0, [
    {
      s: 'full',
      i: 42,
      l: '9007199254740993',
      f: 1.1,
      d: 2019,
      bd: '12.50',
      b: true,
      t: '2024-05-01 12:34:56.789',
      j: { a: [1, 'x'] },
      y: 'cafe',
      mi: [3, '4'],
      m: 0.25,
      ts: 1_714_566_896_789,
    },
    '{"s":"big","l":9223372036854775807,"ts":1714566896000}',
    { s: 'empty', ts: 1_714_566_896_000 },
  ]);
});
afterAll(async () => {
  await pinot?.stop();
});

describe('data types', () => {
  it('renders each type as Pinot does', async () => {
    const r = await http('POST', `${pinot.brokerUrl}/query/sql`, { sql: "SELECT i, l, f, d, bd, b, t, s, j, y, mi, m FROM alltypes WHERE s = 'full'" });
    expect(r.json.resultTable.dataSchema.columnDataTypes).toEqual([
      'INT',
      'LONG',
      'FLOAT',
      'DOUBLE',
      'BIG_DECIMAL',
      'BOOLEAN',
      'TIMESTAMP',
      'STRING',
      'JSON',
      'BYTES',
      'INT_ARRAY',
      'DOUBLE',
    ]);
    expect(r.json.resultTable.rows).toEqual([
      [42, 9007199254740993, 1.1, 2019, '12.5', true, '2024-05-01 12:34:56.789', 'full', '{"a":[1,"x"]}', 'cafe', [3, 4], 0.25],
    ]);
    // Exact text: a long beyond 2^53 stays exact, doubles carry ".0", floats print like Java.
    expect(r.text).toContain('[42,9007199254740993,1.1,2019.0,"12.5",true,"2024-05-01 12:34:56.789","full","{\\"a\\":[1,\\"x\\"]}","cafe",[3,4],0.25]');
  });

  it('keeps Long.MAX_VALUE exact and shows default nulls for every type', async () => {
    const big = await http('POST', `${pinot.brokerUrl}/query/sql`, { sql: "SELECT l FROM alltypes WHERE s = 'big'" });
    expect(big.text).toContain('"rows":[[9223372036854775807]]');
    const empty = await http('POST', `${pinot.brokerUrl}/query/sql`, { sql: "SELECT i, l, f, d, bd, b, t, s, j, y, mi, m FROM alltypes WHERE s = 'empty'" });
    expect(empty.text).toContain(
      '"rows":[[-2147483648,-9223372036854775808,"-Infinity","-Infinity","0",false,"1970-01-01 00:00:00.0","empty","null","",[-2147483648],0.0]]',
    );
  });

  it('filters TIMESTAMP columns with timestamp strings and aggregates over defaults like Pinot', async () => {
    const r = await query(pinot, "SELECT s FROM alltypes WHERE t > '2024-01-01 00:00:00' ORDER BY s");
    expect(r.resultTable.rows).toEqual([['full']]);
    const min = await query(pinot, 'SELECT MIN(i), MAX(l), COUNT(*) FROM alltypes');
    expect(min.resultTable.rows).toEqual([[-2147483648, 9223372036854775807, 3]]);
  });
});
