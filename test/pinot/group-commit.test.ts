/**
 * Batches that arrive while a commit is running share the next transaction (ingest/group-commit.ts):
 * fewer DuckDB transactions, the same rows, checkpoints and counters as committing them one by one,
 * and a batch DuckDB rejects still fails alone (its good rows kept, the others untouched).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPinotSchema, readPinotTableConfig } from '../../pinot/tables.ts';
import { eventsSchema, feed, http, query, realtimeTable, rejectViewsFrom, startTestPinot, waitFor, type TestPinot } from './helpers.ts';

let pinot: TestPinot;
let transactions = 0;

beforeAll(async () => {
  pinot = await startTestPinot();
  const db = pinot.services.db;
  const write = db.write.bind(db);
  db.write = ((fn) => {
    transactions++;
    return write(fn);
  }) as typeof db.write;
});
afterAll(async () => {
  await pinot?.stop();
});

const W = 1_714_566_840_000;

/**
 * Feeds the batches concurrently while the write connection is held by another transaction, so they
 * all queue up before anything commits (as they do behind a slow commit under load). Returns how many
 * transactions the batches took.
 */
async function feedWhileBusy(batches: [string, number, number, unknown[]][]): Promise<number> {
  let release!: () => void;
  const held = pinot.services.db.write(() => new Promise<void>((r) => (release = r)));
  const before = transactions;
  const feedOne = ([table, partition, offset, values]: [string, number, number, unknown[]]) => feed(pinot, table, partition, offset, values);
  // the first batch must be the one committing (waiting for the held connection) before the others
  // arrive, or which batch goes alone would depend on how fast each feed reaches the committer
  const first = feedOne(batches[0]!);
  await waitFor('the first batch to wait for the write connection', () => (transactions > before ? true : undefined), 10_000, 5);
  const fed = Promise.all([first, ...batches.slice(1).map(feedOne)]);
  await waitFor('the other batches to queue', () => (pinot.services.ingestion.batchesWaitingForCommit === batches.length - 1 ? true : undefined), 10_000, 5);
  release();
  await held;
  await fed;
  return transactions - before;
}
const window = (source: string, start: number, views: number) => ({
  source,
  window_start: start,
  window_end: start + 60_000,
  user_count: views,
  view_count: views,
});

describe('group commit of ingested batches', () => {
  it('commits concurrent batches of several tables and partitions together, with the same result as one by one', async () => {
    const c = pinot.controllerUrl;
    await http('POST', `${c}/schemas`, readPinotSchema('pageview_tumbling'));
    await http('POST', `${c}/tables`, readPinotTableConfig('pageview_tumbling'));
    await http('POST', `${c}/schemas`, eventsSchema('plain'));
    await http('POST', `${c}/tables`, realtimeTable('plain', 'plain'));

    // Upserts of one key from different partitions and batches: the higher view_count wins, a tie goes
    // to the batch fed later; a smaller later value loses. Partition 0 gets two batches in a row.
    const batches: [string, number, number, unknown[]][] = [
      ['pageview_tumbling', 0, 0, [window('Inbox', W, 3), window('Homepage', W, 1)]],
      ['pageview_tumbling', 1, 0, [window('Inbox', W, 5), window('Inbox', W + 60_000, 1)]],
      ['pageview_tumbling', 2, 0, [window('Inbox', W, 4), window('Homepage', W, 1)]],
      ['pageview_tumbling', 0, 2, [window('Homepage', W, 2)]],
      ['plain', 0, 0, [{ id: 'a', views: 1, ts: W }, 'not json', { id: 'b', views: 2, ts: W }]],
      ['plain', 1, 0, [{ id: 'c', views: 3, ts: W }]],
    ];
    // the first batch commits alone, everything that queued behind it in one more transaction
    expect(await feedWhileBusy(batches)).toBe(2);

    const windows = await query(pinot, 'SELECT source, window_start, view_count FROM pageview_tumbling ORDER BY source, window_start');
    expect(windows.resultTable.rows).toEqual([
      ['Homepage', W, 2],
      ['Inbox', W, 5],
      ['Inbox', W + 60_000, 1],
    ]);
    expect((await query(pinot, 'SELECT id, views FROM plain ORDER BY id')).resultTable.rows).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);

    const tumbling = (await http('GET', `${c}/debug/ingestion/pageview_tumbling`)).json;
    expect(tumbling.partitions.map((p: { partition: number; nextOffset: string }) => [p.partition, p.nextOffset])).toEqual([
      [0, '3'],
      [1, '2'],
      [2, '2'],
    ]);
    // every record stored counts, replaced ones too (Pinot's documents), as if committed one by one: 2 + 2 + 2 + 1
    expect(tumbling.rowsIngested).toBe(7);
    const plain = (await http('GET', `${c}/debug/ingestion/plain`)).json;
    expect(plain).toMatchObject({ rowsIngested: 3, malformed: 1 });
    expect(plain.partitions.map((p: { nextOffset: string }) => p.nextOffset)).toEqual(['3', '1']);
  });

  it('a batch DuckDB rejects inside a group fails alone: its good rows are kept, the other batches are committed', async () => {
    const c = pinot.controllerUrl;
    await http('POST', `${c}/schemas`, eventsSchema('strict'));
    await http('POST', `${c}/tables`, realtimeTable('strict', 'strict'));
    await rejectViewsFrom(pinot, 'strict', 100);

    const taken = await feedWhileBusy([
      ['strict', 0, 0, [{ id: 'first', views: 1, ts: W }]],
      [
        'strict',
        1,
        0,
        [
          { id: 'ok1', views: 5, ts: W },
          { id: 'bad', views: 500, ts: W },
          { id: 'ok2', views: 7, ts: W },
        ],
      ],
      ['strict', 2, 0, [{ id: 'other', views: 9, ts: W }]],
    ]);
    // first alone; the group of the other two fails; then each alone: the bad batch's failed try, its
    // 3 row probes and its commit, and the other batch's commit
    expect(taken).toBe(1 + 1 + (1 + 3 + 1) + 1);
    expect((await query(pinot, 'SELECT id FROM strict ORDER BY id')).resultTable.rows).toEqual([['first'], ['ok1'], ['ok2'], ['other']]);
    const debug = (await http('GET', `${c}/debug/ingestion/strict`)).json;
    expect(debug).toMatchObject({ rowsIngested: 4, failed: 1 });
    expect(debug.partitions.map((p: { nextOffset: string }) => p.nextOffset)).toEqual(['1', '3', '1']);
    expect(pinot.logs.some((l) => l.includes('skipped row that DuckDB rejected'))).toBe(true);
  });
});
