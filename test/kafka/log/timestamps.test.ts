import { describe, expect, it } from 'vitest';
import { PartitionLog } from '../../../embedded/kafka/log/index.ts';
import { BASE_TIME, encodeBatch, segmentFiles, sequentialRecords, tempDir } from './helpers.ts';

describe('PartitionLog.offsetForTimestamp', () => {
  it('finds the first record at or after a timestamp through the time index, across segments', async () => {
    const log = PartitionLog.open(tempDir(), { segmentBytes: 1500, indexIntervalBytes: 100 });
    // 50 batches of 5 records; record i has timestamp BASE_TIME + 10 * i.
    for (let b = 0; b < 50; b++) {
      const records = Array.from({ length: 5 }, (_, r) => ({ key: 'k', value: `v${b * 5 + r}`, timestamp: BASE_TIME + 10 * (b * 5 + r) }));
      log.append(await encodeBatch(records));
    }
    expect(log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: BASE_TIME });
    expect(log.offsetForTimestamp(BASE_TIME + 10 * 123)).toEqual({ offset: 123, timestamp: BASE_TIME + 1230 });
    expect(log.offsetForTimestamp(BASE_TIME + 10 * 123 - 5)).toEqual({ offset: 123, timestamp: BASE_TIME + 1230 });
    expect(log.offsetForTimestamp(BASE_TIME + 10 * 249)).toEqual({ offset: 249, timestamp: BASE_TIME + 2490 });
    expect(log.offsetForTimestamp(BASE_TIME + 10 * 249 + 1)).toBeNull();
    for (let i = 0; i < 250; i += 7) {
      expect(log.offsetForTimestamp(BASE_TIME + 10 * i)?.offset).toBe(i);
    }
    log.close();
  });

  it('handles timestamps that go backwards between batches', async () => {
    const log = PartitionLog.open(tempDir(), { indexIntervalBytes: 1 });
    log.append(await encodeBatch([{ value: 'a', timestamp: BASE_TIME + 100 }]));
    log.append(await encodeBatch([{ value: 'b', timestamp: BASE_TIME + 50 }]));
    log.append(await encodeBatch([{ value: 'c', timestamp: BASE_TIME + 300 }]));
    log.append(await encodeBatch([{ value: 'd', timestamp: BASE_TIME + 200 }]));
    expect(log.offsetForTimestamp(BASE_TIME + 60)).toEqual({ offset: 0, timestamp: BASE_TIME + 100 });
    expect(log.offsetForTimestamp(BASE_TIME + 150)).toEqual({ offset: 2, timestamp: BASE_TIME + 300 });
    expect(log.offsetForTimestamp(BASE_TIME + 250)).toEqual({ offset: 2, timestamp: BASE_TIME + 300 });
    log.close();
  });

  it('searches inside gzip batches too', async () => {
    const log = PartitionLog.open(tempDir());
    log.append(await encodeBatch(sequentialRecords(10, 'g', BASE_TIME), { compression: 'gzip' }));
    expect(log.offsetForTimestamp(BASE_TIME + 4)).toEqual({ offset: 4, timestamp: BASE_TIME + 4 });
    log.close();
  });

  it('answers from the log start offset on', async () => {
    const log = PartitionLog.open(tempDir());
    log.append(await encodeBatch(sequentialRecords(10, 'v', BASE_TIME)));
    log.setHighWatermark(10);
    log.deleteRecordsBefore(6);
    expect(log.offsetForTimestamp(BASE_TIME)).toEqual({ offset: 6, timestamp: BASE_TIME + 6 });
    log.close();
  });

  it('rolls a segment once record timestamps span segmentMs', async () => {
    const dir = tempDir();
    const log = PartitionLog.open(dir, { segmentMs: 1000 });
    log.append(await encodeBatch(sequentialRecords(2, 'a', BASE_TIME)));
    log.append(await encodeBatch(sequentialRecords(2, 'b', BASE_TIME + 900)));
    expect(segmentFiles(dir)).toHaveLength(1);
    log.append(await encodeBatch(sequentialRecords(2, 'c', BASE_TIME + 1500)));
    expect(segmentFiles(dir)).toEqual(['00000000000000000000.log', '00000000000000000004.log']);
    log.close();
  });
});
