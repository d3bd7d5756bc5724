import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptRecordError, OffsetOutOfRangeError, PartitionLog, RecordTooLargeError } from '../../../embedded/kafka/log/index.ts';
import { baseOffsetOf, decodeRecords, encodeBatch, segmentFiles, sequentialRecords, splitBatches, tempDir } from './helpers.ts';

function withoutBaseOffset(batch: Buffer): Buffer {
  return batch.subarray(8);
}

describe('PartitionLog append and read', () => {
  for (const compression of ['none', 'gzip'] as const) {
    it(`round-trips ${compression} batches byte for byte except the assigned baseOffset`, async () => {
      const log = PartitionLog.open(tempDir());
      const first = await encodeBatch(sequentialRecords(3, 'a'), { compression });
      const second = await encodeBatch(sequentialRecords(5, 'b'), { compression });
      const originals = [Buffer.from(first), Buffer.from(second)];

      const info1 = log.append(first);
      const info2 = log.append(second);
      expect(info1).toMatchObject({ firstOffset: 0, lastOffset: 2 });
      expect(info2).toMatchObject({ firstOffset: 3, lastOffset: 7 });
      expect(info2.batches[0]).toMatchObject({ baseOffset: 3, lastOffset: 7, recordsCount: 5, compression: compression === 'gzip' ? 1 : 0 });
      expect(log.logEndOffset).toBe(8);

      const fetched = splitBatches(log.read(0, 1 << 20));
      expect(fetched).toHaveLength(2);
      expect(fetched.map(baseOffsetOf)).toEqual([0, 3]);
      fetched.forEach((batch, i) => expect(withoutBaseOffset(batch).equals(withoutBaseOffset(originals[i]!))).toBe(true));

      const records = await decodeRecords(log.read(0, 1 << 20));
      expect(records.map((r) => [r.offset, r.value])).toEqual([
        [0, 'a-0'],
        [1, 'a-1'],
        [2, 'a-2'],
        [3, 'b-0'],
        [4, 'b-1'],
        [5, 'b-2'],
        [6, 'b-3'],
        [7, 'b-4'],
      ]);
      log.close();
    });
  }

  it('accepts several batches in one append and assigns consecutive offsets', async () => {
    const log = PartitionLog.open(tempDir());
    const records = Buffer.concat([await encodeBatch(sequentialRecords(2)), await encodeBatch(sequentialRecords(4)), await encodeBatch(sequentialRecords(1))]);
    const info = log.append(records);
    expect(info.batches.map((b) => [b.baseOffset, b.lastOffset])).toEqual([
      [0, 1],
      [2, 5],
      [6, 6],
    ]);
    expect(splitBatches(log.read(0, 1 << 20)).map(baseOffsetOf)).toEqual([0, 2, 6]);
    log.close();
  });

  it('continues offsets across segment rolls and reads from any segment', async () => {
    const dir = tempDir();
    const log = PartitionLog.open(dir, { segmentBytes: 1024, indexIntervalBytes: 128 });
    for (let i = 0; i < 60; i++) log.append(await encodeBatch(sequentialRecords(3, `b${i}`)));
    expect(log.logEndOffset).toBe(180);
    const files = segmentFiles(dir);
    expect(files.length).toBeGreaterThan(5);
    expect(files[0]).toBe('00000000000000000000.log');
    expect(segmentFiles(dir, '.index')).toHaveLength(files.length);
    expect(segmentFiles(dir, '.timeindex')).toHaveLength(files.length);

    const all: number[] = [];
    for (let offset = 0; offset < log.logEndOffset; ) {
      const records = await decodeRecords(log.read(offset, 700));
      expect(records.length).toBeGreaterThan(0);
      all.push(...records.map((r) => r.offset).filter((o) => o >= offset));
      offset = records[records.length - 1]!.offset + 1;
    }
    expect(all).toEqual(Array.from({ length: 180 }, (_, i) => i));
    for (const file of files) {
      const base = Number(file.slice(0, 20));
      const batches = splitBatches(log.read(base, 1 << 20));
      expect(baseOffsetOf(batches[0]!)).toBe(base);
    }
    log.close();
  });

  it('returns one whole batch even when maxBytes is smaller than it (KIP-74)', async () => {
    const log = PartitionLog.open(tempDir());
    const batch = await encodeBatch(sequentialRecords(20));
    log.append(batch);
    log.append(await encodeBatch(sequentialRecords(20)));
    const fetched = log.read(0, 10);
    expect(fetched.length).toBe(batch.length);
    expect(splitBatches(fetched)).toHaveLength(1);
    // A budget covering one and a half batches still returns whole batches only.
    expect(log.read(0, Math.floor(batch.length * 1.5)).length).toBe(batch.length);
    log.close();
  });

  it('reading from an offset in the middle of a batch returns that whole batch', async () => {
    const log = PartitionLog.open(tempDir(), { indexIntervalBytes: 64 });
    for (let i = 0; i < 10; i++) log.append(await encodeBatch(sequentialRecords(10, `b${i}`)));
    const batches = splitBatches(log.read(57, 1));
    expect(batches.map(baseOffsetOf)).toEqual([50]);
    const records = await decodeRecords(batches[0]!);
    expect(records[7]).toMatchObject({ offset: 57, value: 'b5-7' });
    log.close();
  });

  it('never returns a batch starting at or beyond maxOffset', async () => {
    const log = PartitionLog.open(tempDir());
    for (let i = 0; i < 4; i++) log.append(await encodeBatch(sequentialRecords(5)));
    expect(splitBatches(log.read(0, 1 << 20, 10)).map(baseOffsetOf)).toEqual([0, 5]);
    expect(splitBatches(log.read(7, 1 << 20, 10)).map(baseOffsetOf)).toEqual([5]);
    expect(log.read(10, 1 << 20, 10).length).toBe(0);
    expect(log.read(0, 1 << 20, 0).length).toBe(0);
    log.close();
  });

  it('returns an empty buffer at the log end and throws OffsetOutOfRangeError outside the log', async () => {
    const log = PartitionLog.open(tempDir());
    expect(log.read(0, 100).length).toBe(0);
    log.append(await encodeBatch(sequentialRecords(3)));
    expect(log.read(3, 100).length).toBe(0);
    const error = (() => {
      try {
        log.read(4, 100);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(OffsetOutOfRangeError);
    expect(error).toMatchObject({ offset: 4, logStartOffset: 0, logEndOffset: 3, errorCode: 1 });
    expect(() => log.read(-1, 100)).toThrow(OffsetOutOfRangeError);
    log.close();
  });

  describe('rejects the whole append when any batch is bad', () => {
    async function rejected(mutate: (batches: Buffer[]) => Buffer, config = {}): Promise<unknown> {
      const log = PartitionLog.open(tempDir(), config);
      log.append(await encodeBatch(sequentialRecords(2)));
      const good = await encodeBatch(sequentialRecords(2));
      const bad = await encodeBatch(sequentialRecords(2));
      const input = mutate([good, bad]);
      const snapshot = Buffer.from(input);
      let error: unknown;
      try {
        log.append(input);
      } catch (e) {
        error = e;
      }
      expect(log.logEndOffset).toBe(2);
      expect(log.sizeBytes()).toBe(good.length);
      expect(input.equals(snapshot)).toBe(true); // offsets are only assigned once everything validated
      log.close();
      return error;
    }

    it('on a CRC mismatch', async () => {
      const error = await rejected(([good, bad]) => {
        bad![bad!.length - 1]! ^= 0xff;
        return Buffer.concat([good!, bad!]);
      });
      expect(error).toBeInstanceOf(CorruptRecordError);
      expect(error).toMatchObject({ reason: 'crc-mismatch', errorCode: 2 });
    });

    it('on an unsupported magic byte', async () => {
      const error = await rejected(([good]) => {
        good![16] = 1;
        return good!;
      });
      expect(error).toMatchObject({ reason: 'unsupported-magic', position: 0 });
    });

    it('on a batchLength that runs past the buffer', async () => {
      const error = await rejected(([good, bad]) => Buffer.concat([good!, bad!.subarray(0, bad!.length - 3)]));
      expect(error).toBeInstanceOf(CorruptRecordError);
      expect(error).toMatchObject({ reason: 'truncated-batch' });
    });

    it('on a batchLength too small for a header', async () => {
      const error = await rejected(([good]) => {
        good!.writeInt32BE(10, 8);
        return good!;
      });
      expect(error).toMatchObject({ reason: 'invalid-batch-length' });
    });

    it('on a batch larger than maxMessageBytes', async () => {
      const log = PartitionLog.open(tempDir(), { maxMessageBytes: 200 });
      const big = await encodeBatch(sequentialRecords(30));
      const error = (() => {
        try {
          log.append(big);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(RecordTooLargeError);
      expect(error).toMatchObject({ batchSize: big.length, maxMessageBytes: 200, errorCode: 10 });
      expect(log.logEndOffset).toBe(0);
      log.close();
    });
  });

  it('reports an inconsistent record count on a batch with a valid CRC', async () => {
    const { crc32c } = await import('../../../embedded/kafka/protocol/crc32c.ts');
    const log = PartitionLog.open(tempDir());
    const batch = await encodeBatch(sequentialRecords(2));
    batch.writeInt32BE(5, 23);
    batch.writeUInt32BE(crc32c(batch, 21), 17);
    expect(() => log.append(batch)).toThrow(expect.objectContaining({ reason: 'inconsistent-record-count' }));
    log.close();
  });

  it('refuses from a producer an unknown codec and a record count the bytes cannot hold, CRC valid; a follower copy is not judged so', async () => {
    const { crc32c } = await import('../../../embedded/kafka/protocol/crc32c.ts');
    const resealed = (edit: (b: Buffer) => void) => async () => {
      const batch = await encodeBatch(sequentialRecords(2));
      edit(batch);
      batch.writeUInt32BE(crc32c(batch, 21), 17);
      return batch;
    };
    const unknownCodec = resealed((b) => b.writeInt16BE(7, 21));
    const tooManyRecords = resealed((b) => {
      b.writeInt32BE(999, 23);
      b.writeInt32BE(1000, 57);
    });
    const leader = PartitionLog.open(tempDir());
    await expect(unknownCodec().then((b) => leader.append(b))).rejects.toMatchObject({ reason: 'unsupported-compression', errorCode: 2 });
    await expect(tooManyRecords().then((b) => leader.append(b))).rejects.toMatchObject({ reason: 'inconsistent-record-count' });
    expect(leader.logEndOffset).toBe(0);
    leader.close();
    const follower = PartitionLog.open(tempDir());
    follower.appendAsFollower(await unknownCodec());
    expect(follower.logEndOffset).toBe(2);
    follower.close();
  });

  it('keeps the sizes, names and checkpoint files Kafka-like', async () => {
    const dir = tempDir();
    const log = PartitionLog.open(dir);
    const batch = await encodeBatch(sequentialRecords(3));
    log.append(batch);
    log.setHighWatermark(3);
    expect(log.sizeBytes()).toBe(batch.length);
    expect(fs.statSync(path.join(dir, '00000000000000000000.log')).size).toBe(batch.length);
    expect(fs.readFileSync(path.join(dir, 'high-watermark-checkpoint'), 'latin1')).toBe('0\n00000000000000000003\n');
    log.close();
  });

  it('clamps the high watermark to the log', async () => {
    const log = PartitionLog.open(tempDir());
    log.append(await encodeBatch(sequentialRecords(3)));
    log.setHighWatermark(10);
    expect(log.highWatermark).toBe(3);
    log.setHighWatermark(1);
    expect(log.highWatermark).toBe(1);
    log.close();
  });

  it('lists batch headers in order, from an offset', async () => {
    const log = PartitionLog.open(tempDir(), { segmentBytes: 300 });
    for (let i = 0; i < 10; i++) log.append(await encodeBatch(sequentialRecords(2), { producerId: 42, firstSequence: i * 2 }));
    const headers = [...log.batchHeaders()];
    expect(headers.map((h) => h.baseOffset)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(headers.map((h) => h.baseSequence)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(headers[0]).toMatchObject({ producerId: 42, producerEpoch: 0, recordsCount: 2, lastOffsetDelta: 1, isControl: false });
    expect([...log.batchHeaders(7)].map((h) => h.baseOffset)).toEqual([6, 8, 10, 12, 14, 16, 18]);
    log.close();
  });

  it('treats an empty append as a no-op', () => {
    const log = PartitionLog.open(tempDir());
    expect(log.append(Buffer.alloc(0))).toEqual({ firstOffset: 0, lastOffset: -1, maxTimestamp: -1, batches: [] });
    expect(log.logEndOffset).toBe(0);
    log.close();
  });

  it('refuses use after close', async () => {
    const log = PartitionLog.open(tempDir());
    log.close();
    expect(() => log.read(0, 10)).toThrow(/closed/);
  });
});
