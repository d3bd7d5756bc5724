import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { PartitionLog } from '../../../embedded/kafka/log/index.ts';
import { LogSegment } from '../../../embedded/kafka/log/segment.ts';
import {
  BASE_TIME,
  decodeRecords,
  encodeBatch,
  segmentFiles,
  splitBatches,
  tempDir,
  type BatchOptions,
  type DecodedRecord,
  type TestRecord,
} from './helpers.ts';

const DAY = 86_400_000;

let warn: MockInstance<(...args: unknown[]) => void>;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  expect(warn).not.toHaveBeenCalled();
  warn.mockRestore();
});

async function readAll(log: PartitionLog): Promise<DecodedRecord[]> {
  const out: DecodedRecord[] = [];
  for (let offset = log.logStartOffset; offset < log.logEndOffset; ) {
    const bytes = log.read(offset, 1 << 20);
    if (bytes.length === 0) break;
    out.push(...(await decodeRecords(bytes)).filter((r) => r.offset >= offset));
    offset = nextBatchOffset(splitBatches(bytes).at(-1)!);
  }
  return out;
}

/** The offset after a batch, by its header, even when compaction emptied it. */
function nextBatchOffset(batch: Buffer): number {
  return Number(batch.readBigInt64BE(0)) + batch.readInt32BE(23) + 1;
}

function activeBase(dir: string): number {
  return Number(segmentFiles(dir).at(-1)!.slice(0, 20));
}

/** Latest record per key among offsets below `cleanableEnd`, plus everything from `cleanableEnd` on. */
function expectedAfterCompaction(all: DecodedRecord[], cleanableEnd: number): DecodedRecord[] {
  const latest = new Map<string | null, number>();
  for (const r of all) if (r.offset < cleanableEnd) latest.set(r.key, r.offset);
  return all.filter((r) => r.offset >= cleanableEnd || latest.get(r.key) === r.offset);
}

describe('PartitionLog.compact', () => {
  for (const compression of ['none', 'gzip'] as const) {
    it(`keeps only the latest record per key in closed segments and preserves offsets (${compression})`, async () => {
      const dir = tempDir();
      const log = PartitionLog.open(dir, { cleanupPolicy: 'compact', segmentBytes: 600 });
      let j = 0;
      for (let b = 0; b < 40; b++) {
        const records: TestRecord[] = Array.from({ length: 4 }, () => ({ key: `k${j % 7}`, value: `v${j}`, timestamp: BASE_TIME + j++ }));
        log.append(await encodeBatch(records, { compression }));
      }
      const before = await readAll(log);
      expect(before).toHaveLength(160);
      const sizeBefore = log.sizeBytes();
      const cleanableEnd = activeBase(dir);
      expect(cleanableEnd).toBeGreaterThan(100);

      const result = log.compact(BASE_TIME + 1000);
      expect(result.segmentsRewritten).toBeGreaterThan(0);
      const after = await readAll(log);
      expect(after).toEqual(expectedAfterCompaction(before, cleanableEnd));
      expect(result.recordsRemoved).toBe(before.length - after.length);
      expect(log.logEndOffset).toBe(160);
      if (compression === 'none') expect(log.sizeBytes()).toBeLessThan(sizeBefore);

      // Compacting again changes nothing; a reopen finds every CRC and index in order.
      expect(log.compact(BASE_TIME + 1000).segmentsRewritten).toBe(0);
      log.close();
      const reopened = PartitionLog.open(dir, { cleanupPolicy: 'compact', segmentBytes: 600 });
      expect(await readAll(reopened)).toEqual(after);
      expect(reopened.offsetForTimestamp(BASE_TIME + 3)?.offset).toBe(after.find((r) => r.timestamp >= BASE_TIME + 3)!.offset);
      reopened.append(await encodeBatch([{ key: 'k0', value: 'new' }]));
      expect(reopened.logEndOffset).toBe(161);
      reopened.close();
    });
  }

  it('keeps a tombstone for deleteRetentionMs after first seeing it, then drops it', async () => {
    const dir = tempDir();
    const log = PartitionLog.open(dir, { cleanupPolicy: 'compact', segmentBytes: 1, deleteRetentionMs: DAY });
    log.append(
      await encodeBatch([
        { key: 'a', value: '1' },
        { key: 'b', value: '1' },
      ]),
    );
    log.append(
      await encodeBatch([
        { key: 'a', value: null },
        { key: 'c', value: '1' },
      ]),
    );
    log.append(await encodeBatch([{ key: 'z', value: 'active' }]));

    const now = BASE_TIME + 10 * DAY;
    log.compact(now);
    expect((await readAll(log)).map((r) => [r.offset, r.key, r.value])).toEqual([
      [1, 'b', '1'],
      [2, 'a', null],
      [3, 'c', '1'],
      [4, 'z', 'active'],
    ]);
    // The rebuilt batch still reports the tombstone's own timestamp.
    expect((await readAll(log)).find((r) => r.offset === 2)!.timestamp).toBe(BASE_TIME);

    log.compact(now + DAY - 1);
    expect((await readAll(log)).map((r) => r.offset)).toEqual([1, 2, 3, 4]);

    log.compact(now + DAY);
    expect((await readAll(log)).map((r) => [r.offset, r.key, r.value])).toEqual([
      [1, 'b', '1'],
      [3, 'c', '1'],
      [4, 'z', 'active'],
    ]);
    log.close();
  });

  it('reads the closed segments again only when a segment rolled or a tombstone horizon passed', async () => {
    const log = PartitionLog.open(tempDir(), { cleanupPolicy: 'compact', segmentBytes: 1, deleteRetentionMs: DAY });
    log.append(await encodeBatch([{ key: 'a', value: '1' }]));
    log.append(await encodeBatch([{ key: 'a', value: '2' }]));
    log.append(await encodeBatch([{ key: 'z', value: 'active' }]));
    const reads = vi.spyOn(LogSegment.prototype, 'batches');
    expect(log.compact(BASE_TIME).recordsRemoved).toBe(1);
    const afterFirst = reads.mock.calls.length;
    expect(afterFirst).toBeGreaterThan(0);

    // nothing rolled: the cleaning is skipped without reading a segment
    expect(log.compact(BASE_TIME + 1)).toEqual({ segmentsRewritten: 0, recordsRemoved: 0, tombstonesDueMs: Infinity });
    expect(reads.mock.calls.length).toBe(afterFirst);

    // a roll (offset 2 closes) makes it read them again; the tombstone, still active, shadows nothing yet
    log.append(await encodeBatch([{ key: 'a', value: null }]));
    expect(log.compact(BASE_TIME + 2)).toEqual({ segmentsRewritten: 0, recordsRemoved: 0, tombstonesDueMs: Infinity });
    expect(reads.mock.calls.length).toBeGreaterThan(afterFirst);

    // once closed, the tombstone removes offset 1 and is kept until its horizon; no reading before it
    log.append(await encodeBatch([{ key: 'y', value: '1' }]));
    const stamped = log.compact(BASE_TIME + 3);
    expect(stamped).toMatchObject({ recordsRemoved: 1, tombstonesDueMs: BASE_TIME + 3 + DAY });
    expect((await readAll(log)).map((r) => [r.offset, r.key, r.value])).toEqual([
      [2, 'z', 'active'],
      [3, 'a', null],
      [4, 'y', '1'],
    ]);
    const beforeHorizon = reads.mock.calls.length;
    log.compact(BASE_TIME + 3 + DAY - 1);
    expect(reads.mock.calls.length).toBe(beforeHorizon);
    expect(log.compact(BASE_TIME + 3 + DAY).recordsRemoved).toBe(1);
    expect((await readAll(log)).map((r) => r.key)).toEqual(['z', 'y']);
    reads.mockRestore();
    log.close();
  });

  it('cleans in slices with pauses in between, with the same result as in one go', async () => {
    const fill = async (log: PartitionLog) => {
      for (let b = 0; b < 30; b++) {
        log.append(await encodeBatch(Array.from({ length: 500 }, (_, i) => ({ key: `k${(b * 500 + i) % 1000}`, value: `v${b}` }))));
      }
    };
    const whole = PartitionLog.open(tempDir(), { cleanupPolicy: 'compact', segmentBytes: 20_000 });
    const sliced = PartitionLog.open(tempDir(), { cleanupPolicy: 'compact', segmentBytes: 20_000 });
    await fill(whole);
    await fill(sliced);
    const expected = whole.compact(BASE_TIME);
    let pauses = 0;
    const result = await sliced.compactInSlices(async () => {
      pauses++;
      await new Promise((resolve) => setImmediate(resolve));
    }, BASE_TIME);
    // the closed segments' records are read twice (latest offsets, then the rewrite), a pause every 2,000
    expect(pauses).toBeGreaterThanOrEqual(3);
    expect(result).toEqual(expected);
    expect(result.recordsRemoved).toBeGreaterThan(10_000);
    expect(await readAll(sliced)).toEqual(await readAll(whole));
    whole.close();
    sliced.close();
  });

  it('abandons a sliced cleaning whose segments were truncated during a pause, keeping every record', async () => {
    const log = PartitionLog.open(tempDir(), { cleanupPolicy: 'compact', segmentBytes: 20_000 });
    for (let b = 0; b < 30; b++) log.append(await encodeBatch(Array.from({ length: 500 }, (_, i) => ({ key: `k${i}`, value: `v${b}` }))));
    const truncateAt = 9_000;
    let first = true;
    const result = await log.compactInSlices(async () => {
      if (first) log.truncateTo(truncateAt);
      first = false;
    }, BASE_TIME);
    expect(result).toMatchObject({ segmentsRewritten: 0 });
    const left = await readAll(log);
    expect(left).toHaveLength(truncateAt);
    expect(left.map((r) => r.offset)).toEqual(Array.from({ length: truncateAt }, (_, i) => i));
    // a later cleaning starts over and works
    expect(log.compact(BASE_TIME).recordsRemoved).toBeGreaterThan(0);
    log.close();
  });

  it("keeps an idempotent producer's last batch as an empty batch so its sequence survives", async () => {
    const dir = tempDir();
    const log = PartitionLog.open(dir, { cleanupPolicy: 'compact', segmentBytes: 1 });
    const producer: BatchOptions = { producerId: 77, producerEpoch: 3 };
    log.append(await encodeBatch([{ key: 'a', value: '1' }], { ...producer, firstSequence: 0 }));
    log.append(
      await encodeBatch(
        [
          { key: 'a', value: '2' },
          { key: 'b', value: '2' },
        ],
        { ...producer, firstSequence: 1 },
      ),
    );
    log.append(
      await encodeBatch([
        { key: 'a', value: '3' },
        { key: 'b', value: '3' },
      ]),
    );
    log.append(await encodeBatch([{ key: 'z', value: 'active' }]));
    log.compact();

    const headers = [...log.batchHeaders()];
    expect(headers.map((h) => [h.baseOffset, h.recordsCount, h.lastOffsetDelta, h.producerId, h.baseSequence])).toEqual([
      [1, 0, 1, 77, 1],
      [3, 2, 1, -1, 0],
      [5, 1, 0, -1, 0],
    ]);
    expect((await readAll(log)).map((r) => r.value)).toEqual(['3', '3', 'active']);
    log.close();
  });

  it('does nothing under cleanupPolicy delete, and never touches the active segment', async () => {
    const dir = tempDir();
    const deleting = PartitionLog.open(dir, { segmentBytes: 1 });
    deleting.append(await encodeBatch([{ key: 'a', value: '1' }]));
    deleting.append(await encodeBatch([{ key: 'a', value: '2' }]));
    deleting.append(await encodeBatch([{ key: 'a', value: '3' }]));
    expect(deleting.compact().segmentsRewritten).toBe(0);
    deleting.close();

    const compacting = PartitionLog.open(dir, { segmentBytes: 1, cleanupPolicy: 'compact,delete' });
    compacting.compact();
    // Offset 2 is in the active segment, so it does not shadow the closed ones: offset 1 stays.
    expect((await readAll(compacting)).map((r) => r.value)).toEqual(['2', '3']);
    compacting.close();
  });

  it('reads across the gaps compaction leaves', async () => {
    const log = PartitionLog.open(tempDir(), { cleanupPolicy: 'compact', segmentBytes: 1 });
    for (let i = 0; i < 6; i++) log.append(await encodeBatch([{ key: 'same', value: String(i) }]));
    log.compact();
    // Batches 0..3 went entirely; a fetch from 0 gets the first surviving batch.
    const records = await decodeRecords(log.read(0, 1));
    expect(records.map((r) => [r.offset, r.value])).toEqual([[4, '4']]);
    expect(log.logStartOffset).toBe(0);
    log.close();
  });
});
