import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { PartitionLog } from '../../../embedded/kafka/log/index.ts';
import { decodeRecords, encodeBatch, segmentFiles, sequentialRecords, splitBatches, tempDir } from './helpers.ts';

const ACTIVE_LOG = '00000000000000000000.log';

let warn: MockInstance<(...args: unknown[]) => void>;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  warn.mockRestore();
});

/** A log of `batches` batches of 4 records, closed cleanly; returns the dir and each batch's size. */
async function writeLog(batches: number, config = {}): Promise<{ dir: string; sizes: number[] }> {
  const dir = tempDir();
  const log = PartitionLog.open(dir, config);
  const sizes: number[] = [];
  for (let i = 0; i < batches; i++) {
    const batch = await encodeBatch(sequentialRecords(4, `b${i}`, 1_700_000_000_000 + i * 10));
    sizes.push(batch.length);
    log.append(batch);
  }
  log.setHighWatermark(log.logEndOffset);
  log.close();
  return { dir, sizes };
}

async function allValues(log: PartitionLog): Promise<string[]> {
  const values: string[] = [];
  for (let offset = log.logStartOffset; offset < log.logEndOffset; ) {
    const records = await decodeRecords(log.read(offset, 1 << 20));
    values.push(...records.filter((r) => r.offset >= offset).map((r) => r.value!));
    offset = records[records.length - 1]!.offset + 1;
  }
  return values;
}

function cutLines(): string[] {
  return warn.mock.calls.map((c) => String(c[0])).filter((line) => line.includes('cut'));
}

describe('PartitionLog reopen and recovery', () => {
  it('keeps everything across close and reopen', async () => {
    const { dir } = await writeLog(30, { segmentBytes: 1000, indexIntervalBytes: 100 });
    const log = PartitionLog.open(dir, { segmentBytes: 1000, indexIntervalBytes: 100 });
    expect(log.logEndOffset).toBe(120);
    expect(log.highWatermark).toBe(120);
    expect(log.logStartOffset).toBe(0);
    const values = await allValues(log);
    expect(values).toHaveLength(120);
    expect(values[117]).toBe('b29-1');
    expect(log.offsetForTimestamp(1_700_000_000_000 + 150)).toEqual({ offset: 60, timestamp: 1_700_000_000_150 });
    log.append(await encodeBatch(sequentialRecords(2)));
    expect(log.logEndOffset).toBe(122);
    log.close();
    expect(warn).not.toHaveBeenCalled();
  });

  it('cuts garbage appended after the last batch', async () => {
    const { dir, sizes } = await writeLog(5);
    fs.appendFileSync(path.join(dir, ACTIVE_LOG), Buffer.from('this is not a record batch at all, just garbage bytes'));
    const log = PartitionLog.open(dir);
    expect(log.logEndOffset).toBe(20);
    expect(log.sizeBytes()).toBe(sizes.reduce((a, b) => a + b));
    expect(cutLines()).toHaveLength(1);
    expect(cutLines()[0]).toMatch(/cut 53 bytes/);
    log.append(await encodeBatch(sequentialRecords(1, 'after')));
    expect((await allValues(log)).slice(-1)).toEqual(['after-0']);
    log.close();
  });

  it('cuts a batch torn in the middle', async () => {
    const { dir, sizes } = await writeLog(5);
    const file = path.join(dir, ACTIVE_LOG);
    fs.truncateSync(file, fs.statSync(file).size - 10);
    const log = PartitionLog.open(dir);
    expect(log.logEndOffset).toBe(16);
    expect(log.highWatermark).toBe(16); // checkpoint said 20, clamped to what survived
    expect(cutLines()[0]).toMatch(new RegExp(`cut ${sizes[4]! - 10} bytes`));
    expect(await allValues(log)).toHaveLength(16);
    log.append(await encodeBatch(sequentialRecords(4, 'again')));
    expect(log.logEndOffset).toBe(20);
    log.close();
  });

  it('cuts the last batch when one of its bytes flipped (CRC mismatch)', async () => {
    const { dir, sizes } = await writeLog(5);
    const file = path.join(dir, ACTIVE_LOG);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 5]! ^= 0x01;
    fs.writeFileSync(file, bytes);
    const log = PartitionLog.open(dir);
    expect(log.logEndOffset).toBe(16);
    expect(cutLines()[0]).toMatch(new RegExp(`cut ${sizes[4]} bytes.*crc-mismatch`));
    log.close();
  });

  it('cuts everything from a corrupt batch in the middle of the active segment', async () => {
    const { dir, sizes } = await writeLog(5);
    const file = path.join(dir, ACTIVE_LOG);
    const bytes = fs.readFileSync(file);
    bytes[sizes[0]! + sizes[1]! + 30]! ^= 0xff;
    fs.writeFileSync(file, bytes);
    const log = PartitionLog.open(dir);
    expect(log.logEndOffset).toBe(8);
    log.close();
  });

  it('rebuilds deleted index files of the active and closed segments', async () => {
    const config = { segmentBytes: 2000, indexIntervalBytes: 100 };
    const { dir } = await writeLog(40, config);
    const indexes = [...segmentFiles(dir, '.index'), ...segmentFiles(dir, '.timeindex')];
    const sizes = new Map(indexes.map((f) => [f, fs.statSync(path.join(dir, f)).size]));
    expect(segmentFiles(dir).length).toBeGreaterThan(2);
    for (const f of indexes) fs.rmSync(path.join(dir, f));

    const log = PartitionLog.open(dir, config);
    for (const f of indexes) expect(fs.statSync(path.join(dir, f)).size, f).toBe(sizes.get(f));
    expect(log.logEndOffset).toBe(160);
    expect(await allValues(log)).toHaveLength(160);
    expect(splitBatches(log.read(101, 1)).map((b) => Number(b.readBigInt64BE(0)))).toEqual([100]);
    log.close();
  });

  it('rebuilds an index file that is garbage or torn', async () => {
    const config = { segmentBytes: 2000, indexIntervalBytes: 100 };
    const { dir } = await writeLog(40, config);
    const [firstIndex] = segmentFiles(dir, '.index');
    const [, secondTimeIndex] = segmentFiles(dir, '.timeindex');
    const indexPath = path.join(dir, firstIndex!);
    const goodIndex = fs.readFileSync(indexPath);
    fs.writeFileSync(indexPath, Buffer.from([0, 0, 0, 9, 0, 0, 0x7f, 0, 1, 2, 3, 4, 5, 6, 7, 8]));
    fs.truncateSync(path.join(dir, secondTimeIndex!), 5);

    const log = PartitionLog.open(dir, config);
    expect(fs.readFileSync(indexPath).equals(goodIndex)).toBe(true);
    expect(warn.mock.calls.filter((c) => String(c[0]).includes('inconsistent'))).toHaveLength(2);
    expect(await allValues(log)).toHaveLength(160);
    log.close();
  });

  it('is harmless to crash between writing data and writing the index', async () => {
    const config = { indexIntervalBytes: 50 };
    const { dir } = await writeLog(20, config);
    const indexPath = path.join(dir, '00000000000000000000.index');
    const timeIndexPath = path.join(dir, '00000000000000000000.timeindex');
    const goodIndex = fs.readFileSync(indexPath);
    const goodTimeIndex = fs.readFileSync(timeIndexPath);
    // The index lags the data: its last entries never made it to disk.
    fs.truncateSync(indexPath, goodIndex.length - 16);
    fs.truncateSync(timeIndexPath, goodTimeIndex.length - 12);
    const log = PartitionLog.open(dir, config);
    expect(fs.readFileSync(indexPath).equals(goodIndex)).toBe(true);
    expect(fs.readFileSync(timeIndexPath).equals(goodTimeIndex)).toBe(true);
    expect(log.logEndOffset).toBe(80);
    expect(warn).not.toHaveBeenCalled();
    log.close();
  });

  it('ignores index entries written ahead of data that never reached the disk', async () => {
    const { dir, sizes } = await writeLog(20, { indexIntervalBytes: 50 });
    const file = path.join(dir, ACTIVE_LOG);
    fs.truncateSync(file, fs.statSync(file).size - sizes[19]! - sizes[18]!);
    const log = PartitionLog.open(dir, { indexIntervalBytes: 50 });
    expect(log.logEndOffset).toBe(72);
    expect(await allValues(log)).toHaveLength(72);
    log.close();
  });

  it('re-checks a closed segment whose data no longer matches its index, keeping later segments', async () => {
    const config = { segmentBytes: 1000, indexIntervalBytes: 100 };
    const { dir, sizes } = await writeLog(30, config);
    const [firstLog, secondLog] = segmentFiles(dir);
    fs.truncateSync(path.join(dir, firstLog!), fs.statSync(path.join(dir, firstLog!)).size - 7);
    const log = PartitionLog.open(dir, config);
    expect(cutLines()).toHaveLength(1);
    expect(cutLines()[0]).toMatch(new RegExp(`cut ${sizes[0]! - 7} bytes .*${firstLog}`));
    expect(log.logEndOffset).toBe(120);
    const secondBase = Number(secondLog!.slice(0, 20));
    // The lost batch leaves a gap: a read inside it returns the next segment's first batch.
    expect(splitBatches(log.read(secondBase - 1, 1)).map((b) => Number(b.readBigInt64BE(0)))).toEqual([secondBase]);
    expect(await allValues(log)).toHaveLength(116);
    log.close();
  });

  it('recovers a log whose active segment is wholly garbage', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, ACTIVE_LOG), Buffer.alloc(300, 0xab));
    const log = PartitionLog.open(dir);
    expect(log.logEndOffset).toBe(0);
    expect(log.sizeBytes()).toBe(0);
    log.append(await encodeBatch(sequentialRecords(1)));
    expect(log.logEndOffset).toBe(1);
    log.close();
  });

  it('removes leftovers of an interrupted compaction and orphan index files', async () => {
    const { dir } = await writeLog(3);
    fs.writeFileSync(path.join(dir, ACTIVE_LOG + '.cleaned'), 'partial');
    fs.writeFileSync(path.join(dir, '00000000000000000500.index'), '');
    const log = PartitionLog.open(dir);
    expect(fs.readdirSync(dir).sort()).toEqual([
      '00000000000000000000.index',
      '00000000000000000000.log',
      '00000000000000000000.timeindex',
      'high-watermark-checkpoint',
      'log-start-offset-checkpoint',
    ]);
    expect(log.logEndOffset).toBe(12);
    log.close();
  });

  it('survives an unreadable high-watermark checkpoint', async () => {
    const { dir } = await writeLog(3);
    fs.writeFileSync(path.join(dir, 'high-watermark-checkpoint'), 'nonsense');
    const log = PartitionLog.open(dir);
    expect(log.highWatermark).toBe(0);
    expect(log.logEndOffset).toBe(12);
    log.close();
  });
});
