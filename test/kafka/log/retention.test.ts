import { describe, expect, it } from 'vitest';
import { OffsetOutOfRangeError, PartitionLog } from '../../../embedded/kafka/log/index.ts';
import { BASE_TIME, decodeRecords, encodeBatch, segmentFiles, sequentialRecords, tempDir } from './helpers.ts';

const HOUR = 3_600_000;

/** Ten segments of one 10-record batch each; segment s has timestamps around BASE_TIME + s hours. */
async function hourlySegments(config = {}): Promise<{ log: PartitionLog; dir: string; batchSize: number }> {
  const dir = tempDir();
  const log = PartitionLog.open(dir, { segmentBytes: 1, retentionMs: -1, ...config });
  let batchSize = 0;
  for (let s = 0; s < 10; s++) {
    const batch = await encodeBatch(sequentialRecords(10, `s${s}`, BASE_TIME + s * HOUR));
    batchSize = batch.length;
    log.append(batch);
  }
  log.setHighWatermark(log.logEndOffset);
  expect(segmentFiles(dir)).toHaveLength(10);
  return { log, dir, batchSize };
}

describe('PartitionLog retention', () => {
  it('deletes segments whose newest timestamp is older than retentionMs', async () => {
    const { log, dir } = await hourlySegments({ retentionMs: 3 * HOUR });
    log.enforceRetention(BASE_TIME + 6 * HOUR + 30 * 60_000);
    // Segments 0..3 have max timestamps more than 3 h before now.
    expect(segmentFiles(dir)[0]).toBe('00000000000000000040.log');
    expect(log.logStartOffset).toBe(40);
    expect(() => log.read(39, 100)).toThrow(OffsetOutOfRangeError);
    expect((await decodeRecords(log.read(40, 1)))[0]).toMatchObject({ offset: 40, value: 's4-0' });
    log.close();
    const reopened = PartitionLog.open(dir);
    expect(reopened.logStartOffset).toBe(40);
    reopened.close();
  });

  it('never deletes the active segment', async () => {
    const { log, dir } = await hourlySegments({ retentionMs: 1 });
    log.enforceRetention(BASE_TIME + 100 * HOUR);
    expect(segmentFiles(dir)).toEqual(['00000000000000000090.log']);
    expect(log.logStartOffset).toBe(90);
    expect(log.logEndOffset).toBe(100);
    log.close();
  });

  it('deletes the oldest segments beyond retentionBytes, never going below the limit', async () => {
    const { log, dir, batchSize } = await hourlySegments();
    log.close();
    const reopen = (retentionBytes: number): PartitionLog => PartitionLog.open(dir, { segmentBytes: 1, retentionMs: -1, retentionBytes });

    // As in Kafka, only whole segments that fit in the excess go: 10 s − (3 s + 10) leaves 4 segments.
    const loose = reopen(batchSize * 3 + 10);
    loose.enforceRetention();
    expect(segmentFiles(dir)[0]).toBe('00000000000000000060.log');
    expect(loose.sizeBytes()).toBe(batchSize * 4);
    loose.close();

    const exact = reopen(batchSize * 3);
    exact.enforceRetention();
    expect(segmentFiles(dir)).toEqual(['00000000000000000070.log', '00000000000000000080.log', '00000000000000000090.log']);
    expect(exact.sizeBytes()).toBe(batchSize * 3);
    expect(exact.logStartOffset).toBe(70);
    exact.close();
  });

  it('leaves a compact-only log alone', async () => {
    const { log, dir } = await hourlySegments({ retentionMs: 1, retentionBytes: 0, cleanupPolicy: 'compact' });
    log.enforceRetention(BASE_TIME + 100 * HOUR);
    expect(segmentFiles(dir)).toHaveLength(10);
    log.close();
  });

  it('deleteRecordsBefore moves the log start and deletes whole segments below it', async () => {
    const { log, dir } = await hourlySegments();
    log.deleteRecordsBefore(35);
    expect(log.logStartOffset).toBe(35);
    expect(segmentFiles(dir)[0]).toBe('00000000000000000030.log');
    expect(() => log.read(34, 100)).toThrow(OffsetOutOfRangeError);
    const records = await decodeRecords(log.read(35, 1));
    expect(records[0]!.offset).toBe(30); // the whole batch containing 35; consumers skip below their offset
    log.deleteRecordsBefore(20); // never backwards
    expect(log.logStartOffset).toBe(35);
    log.close();
    const reopened = PartitionLog.open(dir);
    expect(reopened.logStartOffset).toBe(35);
    reopened.close();
  });

  it('deleteRecordsBefore refuses to pass the high watermark, and at the log end frees everything', async () => {
    const { log, dir } = await hourlySegments();
    log.setHighWatermark(50);
    expect(() => log.deleteRecordsBefore(51)).toThrow(OffsetOutOfRangeError);
    log.setHighWatermark(100);
    log.deleteRecordsBefore(100);
    expect(segmentFiles(dir)).toEqual(['00000000000000000100.log']);
    expect(log.sizeBytes()).toBe(0);
    expect(log.read(100, 100).length).toBe(0);
    log.append(await encodeBatch(sequentialRecords(1)));
    expect(log.logEndOffset).toBe(101);
    log.close();
  });
});
