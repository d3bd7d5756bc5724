import { describe, expect, it } from 'vitest';
import { PartitionLog } from '../../../embedded/kafka/log/index.ts';
import { encodeBatch, tempDir } from './helpers.ts';

/** A sanity run, not a benchmark: 100k records through append, read, reopen and a timestamp lookup. */
describe('PartitionLog throughput', () => {
  it('appends and reads back 100k records', async () => {
    const dir = tempDir();
    const config = { segmentBytes: 1024 * 1024 };
    const log = PartitionLog.open(dir, config);
    const template = await encodeBatch(
      Array.from({ length: 100 }, (_, i) => ({ key: `user-${i}`, value: JSON.stringify({ page: `/p/${i}`, ms: i }), timestamp: 1_700_000_000_000 + i })),
    );

    const appendStart = performance.now();
    for (let i = 0; i < 1000; i++) log.append(Buffer.from(template));
    const appendMs = performance.now() - appendStart;
    expect(log.logEndOffset).toBe(100_000);

    const readStart = performance.now();
    let batches = 0;
    for (let offset = 0; offset < log.logEndOffset; ) {
      const bytes = log.read(offset, 256 * 1024);
      for (let pos = 0; pos < bytes.length; pos += 12 + bytes.readInt32BE(pos + 8)) batches++;
      offset = Number(bytes.readBigInt64BE(bytes.length - template.length)) + 100;
    }
    const readMs = performance.now() - readStart;
    expect(batches).toBe(1000);
    log.close();

    const reopenStart = performance.now();
    const reopened = PartitionLog.open(dir, config);
    const reopenMs = performance.now() - reopenStart;
    expect(reopened.logEndOffset).toBe(100_000);
    expect(reopened.offsetForTimestamp(1_700_000_000_000 + 50)?.offset).toBe(50);
    reopened.close();
    console.log(
      `[throughput] ${((template.length * 1000) / 1e6).toFixed(1)} MB, 100k records: append ${appendMs.toFixed(0)} ms, ` +
        `read ${readMs.toFixed(0)} ms, reopen ${reopenMs.toFixed(0)} ms`,
    );
  });

  it('appends 100k single-record batches, one call each', async () => {
    const log = PartitionLog.open(tempDir(), { segmentBytes: 1024 * 1024 });
    const template = await encodeBatch([{ key: 'user-1', value: '{"page":"/home"}', timestamp: 1_700_000_000_000 }]);
    const start = performance.now();
    for (let i = 0; i < 100_000; i++) {
      log.append(Buffer.from(template));
      log.setHighWatermark(log.logEndOffset);
    }
    const appendMs = performance.now() - start;
    expect(log.logEndOffset).toBe(100_000);
    expect(log.read(99_999, 1).length).toBe(template.length);
    log.close();
    console.log(`[throughput] 100k one-record appends with a high-watermark update each: ${appendMs.toFixed(0)} ms`);
  });
});
