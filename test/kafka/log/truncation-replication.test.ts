import { describe, expect, it } from 'vitest';
import { CorruptRecordError, PartitionLog, UnexpectedAppendOffsetError } from '../../../embedded/kafka/log/index.ts';
import { decodeRecords, encodeBatch, segmentFiles, sequentialRecords, tempDir } from './helpers.ts';

async function values(log: PartitionLog, from = log.logStartOffset): Promise<string[]> {
  return (await decodeRecords(log.read(from, 1 << 30))).filter((r) => r.offset >= from).map((r) => r.value!);
}

describe('PartitionLog truncation and follower appends', () => {
  it('truncateTo drops everything from an offset and appends continue there', async () => {
    const dir = tempDir();
    const log = PartitionLog.open(dir, { indexIntervalBytes: 50 });
    for (let i = 0; i < 10; i++) log.append(await encodeBatch(sequentialRecords(3, `old${i}`)));
    log.setHighWatermark(30);
    log.truncateTo(15);
    expect(log.logEndOffset).toBe(15);
    expect(log.highWatermark).toBe(15);
    expect(log.offsetForTimestamp(Number.MAX_SAFE_INTEGER)).toBeNull();
    const info = log.append(await encodeBatch(sequentialRecords(2, 'new')));
    expect(info).toMatchObject({ firstOffset: 15, lastOffset: 16 });
    expect((await values(log, 12)).slice(-5)).toEqual(['old4-0', 'old4-1', 'old4-2', 'new-0', 'new-1']);
    log.close();
    const reopened = PartitionLog.open(dir);
    expect(reopened.logEndOffset).toBe(17);
    expect(reopened.highWatermark).toBe(15);
    reopened.close();
  });

  it('truncateTo across segments deletes the later ones', async () => {
    const dir = tempDir();
    const log = PartitionLog.open(dir, { segmentBytes: 400 });
    for (let i = 0; i < 20; i++) log.append(await encodeBatch(sequentialRecords(3, `b${i}`)));
    const segmentsBefore = segmentFiles(dir).length;
    log.truncateTo(9);
    expect(segmentFiles(dir).length).toBeLessThan(segmentsBefore);
    expect(log.logEndOffset).toBe(9);
    log.append(await encodeBatch(sequentialRecords(1, 'x')));
    expect(await values(log)).toEqual(['b0-0', 'b0-1', 'b0-2', 'b1-0', 'b1-1', 'b1-2', 'b2-0', 'b2-1', 'b2-2', 'x-0']);
    log.close();
  });

  it('truncateTo inside a batch drops the whole batch (logEndOffset becomes the target, as in Kafka)', async () => {
    const log = PartitionLog.open(tempDir());
    log.append(await encodeBatch(sequentialRecords(3, 'a')));
    log.append(await encodeBatch(sequentialRecords(3, 'b')));
    log.truncateTo(4);
    expect(log.logEndOffset).toBe(4);
    expect([...log.batchHeaders()].map((h) => h.baseOffset)).toEqual([0]);
    log.truncateTo(10); // beyond the end: nothing to do
    expect(log.logEndOffset).toBe(4);
    log.close();
  });

  it('truncateFullyAndStartAt empties the log and restarts at an offset', async () => {
    const dir = tempDir();
    const log = PartitionLog.open(dir);
    log.append(await encodeBatch(sequentialRecords(3)));
    log.truncateFullyAndStartAt(500);
    expect([log.logStartOffset, log.logEndOffset, log.highWatermark]).toEqual([500, 500, 500]);
    expect(segmentFiles(dir)).toEqual(['00000000000000000500.log']);
    expect(log.append(await encodeBatch(sequentialRecords(1))).firstOffset).toBe(500);
    log.close();
  });

  it('a follower copies the leader byte for byte', async () => {
    const leader = PartitionLog.open(tempDir(), { segmentBytes: 700 });
    const follower = PartitionLog.open(tempDir(), { segmentBytes: 700 });
    for (let i = 0; i < 12; i++) leader.append(await encodeBatch(sequentialRecords(4, `b${i}`), { compression: i % 2 ? 'gzip' : 'none' }));
    while (follower.logEndOffset < leader.logEndOffset) {
      const chunk = leader.read(follower.logEndOffset, 500);
      const info = follower.appendAsFollower(Buffer.from(chunk));
      expect(info.firstOffset).toBe(Number(chunk.readBigInt64BE(0)));
    }
    expect(follower.logEndOffset).toBe(48);
    expect(follower.read(0, 1 << 20).equals(leader.read(0, 1 << 20))).toBe(true);
    leader.close();
    follower.close();
  });

  it('appendAsFollower rejects a gap, a rewind and out-of-order batches', async () => {
    const leader = PartitionLog.open(tempDir());
    const follower = PartitionLog.open(tempDir());
    for (let i = 0; i < 3; i++) leader.append(await encodeBatch(sequentialRecords(2)));
    follower.appendAsFollower(leader.read(0, 1));

    const gap = (() => {
      try {
        follower.appendAsFollower(leader.read(4, 1));
      } catch (e) {
        return e;
      }
    })();
    expect(gap).toBeInstanceOf(UnexpectedAppendOffsetError);
    expect(gap).toMatchObject({ expectedOffset: 2, actualOffset: 4 });
    expect(() => follower.appendAsFollower(leader.read(0, 1))).toThrow(UnexpectedAppendOffsetError);

    const second = Buffer.from(leader.read(2, 1));
    const swapped = Buffer.concat([second, Buffer.from(leader.read(0, 1))]);
    expect(() => follower.appendAsFollower(swapped)).toThrow(CorruptRecordError);
    expect(follower.logEndOffset).toBe(2);

    const corrupt = Buffer.from(second);
    corrupt[corrupt.length - 1]! ^= 1;
    expect(() => follower.appendAsFollower(corrupt)).toThrow(CorruptRecordError);
    follower.appendAsFollower(second);
    expect(follower.logEndOffset).toBe(4);
    leader.close();
    follower.close();
  });

  it('deleteLog removes the directory', async () => {
    const dir = tempDir();
    const log = PartitionLog.open(dir);
    log.append(await encodeBatch(sequentialRecords(1)));
    log.deleteLog();
    const fs = await import('node:fs');
    expect(fs.existsSync(dir)).toBe(false);
  });
});
