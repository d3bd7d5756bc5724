/**
 * The npm `pinot-client` package (kffl/pinot-client-node, undici) against our controller and broker:
 * broker discovery through GET /v2/brokers/tables?state=ONLINE, queries through POST /query/sql,
 * errors through `exceptions[]`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionFactory, type Connection } from 'pinot-client';
import { eventsSchema, feed, http, realtimeTable, startTestPinot, type TestPinot } from './helpers.ts';

let pinot: TestPinot;
const connections: Connection[] = [];

const SOURCES = ['Homepage', 'Inbox', 'External'];

beforeAll(async () => {
  pinot = await startTestPinot();
  const c = pinot.controllerUrl;
  expect((await http('POST', `${c}/schemas`, eventsSchema('clicks'))).status).toBe(200);
  expect((await http('POST', `${c}/tables`, realtimeTable('clicks', 'clicks'))).status).toBe(200);
  // 12 rows: source cycles, views = i.
  await feed(
    pinot,
    'clicks',
    0,
    0,
    Array.from({ length: 12 }, (_, i) => ({
      id: `c${i}`,
      source: SOURCES[i % 3],
      views: i,
      score: i / 4,
      ts: 1_714_566_896_000 + i * 1000,
    })),
  );
});
afterAll(async () => {
  for (const connection of connections) connection.close();
  await pinot?.stop();
});

const GROUP_BY = 'SELECT source, COUNT(*) AS hits, SUM(views) AS views FROM clicks GROUP BY source ORDER BY views DESC';

/** Rows as objects keyed by column name, as an application would read the result table. */
function records(resultTable: { dataSchema: { columnNames: string[] }; rows: (number | string)[][] }): Record<string, unknown>[] {
  return resultTable.rows.map((row) => Object.fromEntries(resultTable.dataSchema.columnNames.map((name, i) => [name, row[i]])));
}

describe('npm pinot-client', () => {
  it('discovers the broker through the controller and runs a GROUP BY query', async () => {
    // Without a scheme, as in the package README ("localhost:9000").
    const connection = await ConnectionFactory.fromController(`127.0.0.1:${pinot.controllerPort}`, { brokerUpdateFreqMs: 200 });
    connections.push(connection);
    expect(connection.getBrokerList()).toEqual([`127.0.0.1:${pinot.brokerPort}`]);

    const response = await connection.execute('clicks', GROUP_BY);
    expect(response.exceptions).toEqual([]);
    expect(response.resultTable.dataSchema).toEqual({ columnNames: ['source', 'hits', 'views'], columnDataTypes: ['STRING', 'LONG', 'DOUBLE'] });
    expect(records(response.resultTable)).toEqual([
      { source: 'External', hits: 4, views: 26 },
      { source: 'Inbox', hits: 4, views: 22 },
      { source: 'Homepage', hits: 4, views: 18 },
    ]);
    expect(response.numDocsScanned).toBe(12);
    expect(response.totalDocs).toBe(12);
    expect(typeof response.timeUsedMs).toBe('number');
    expect(response.numServersResponded).toBe(1);
  });

  it('picks up a table created after the connection through the periodic broker refresh', async () => {
    const connection = await ConnectionFactory.fromController(pinot.controllerUrl, { brokerUpdateFreqMs: 100 });
    connections.push(connection);
    await expect(connection.execute('late', 'SELECT COUNT(*) FROM late')).rejects.toThrow('No broker for table late was found');

    await http('POST', `${pinot.controllerUrl}/schemas`, eventsSchema('late'));
    await http('POST', `${pinot.controllerUrl}/tables`, realtimeTable('late', 'late'));
    await feed(pinot, 'late', 0, 0, [{ id: 'x', source: 'Inbox', views: 5, ts: 1_714_566_896_000 }]);
    await expect
      .poll(
        async () => {
          try {
            return (await connection.execute('late', 'SELECT COUNT(*) FROM late')).resultTable.rows;
          } catch (error) {
            return String(error);
          }
        },
        { timeout: 5_000, interval: 100 },
      )
      .toEqual([[1]]);
  });

  it('queries a broker list directly', async () => {
    const connection = ConnectionFactory.fromHostList([pinot.brokerUrl]);
    connections.push(connection);
    const response = await connection.execute('clicks', "SELECT source, MAX(score) FROM clicks WHERE source <> 'Inbox' GROUP BY source ORDER BY source");
    expect(response.resultTable.dataSchema.columnNames).toEqual(['source', 'max(score)']);
    expect(response.resultTable.rows).toEqual([
      ['External', 2.75],
      ['Homepage', 2.25],
    ]);
  });

  it("surfaces the broker's exceptions as PinotClientError", async () => {
    const connection = ConnectionFactory.fromHostList([`127.0.0.1:${pinot.brokerPort}`]);
    connections.push(connection);
    await expect(connection.execute('nowhere', 'SELECT * FROM nowhere')).rejects.toThrow('[CODE 190] TableDoesNotExistError');
    const bad = connection.execute('clicks', 'SELEC source FROM clicks');
    await expect(bad).rejects.toThrow(/Some exceptions were returned by the broker:\n\[CODE 150\]/);
  });
});
