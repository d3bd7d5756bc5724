import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../embedded/kafka/protocol/crc32c.ts';
import { ErrorCode, ProtocolError } from '../../../embedded/kafka/protocol/errors.ts';
import {
  BATCH_HEADER_BYTES,
  buildRecordBatch,
  computeBatchCrc,
  decodeRecordBatch,
  decodeRecordBatches,
  readBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
  splitRecordBatches,
  TimestampType,
  validateRecordBatches,
} from '../../../embedded/kafka/protocol/record-batch/index.ts';
import { kjsModule } from './helpers.ts';

const { RecordBatch } = kjsModule('protocol/recordBatch/v0/index.js');
const KjsRecord = kjsModule('protocol/recordBatch/record/v0/index.js');
const kjsCrc32C = kjsModule('protocol/recordBatch/crc32C/index.js');
const kjsBatchDecoder = kjsModule('protocol/recordBatch/v0/decoder.js');
const KjsDecoder = kjsModule('protocol/decoder.js');
const { Types: KjsCompression } = kjsModule('protocol/message/compression/index.js');
const Long = kjsModule('utils/long.js');

const T0 = 1_700_000_000_000;

/** A batch made by kafkajs's own encoder, exactly as its producer does. */
async function kafkajsBatch(opts: { compression?: number; transactional?: boolean } = {}): Promise<Buffer> {
  const messages = [
    { key: 'k1', value: 'v1', headers: { h: 'x' }, timestamp: T0 },
    { key: null, value: 'second value', timestamp: T0 + 5 },
    { key: Buffer.from([0, 1, 2]), value: Buffer.alloc(300, 7), headers: { a: '1', b: '2' }, timestamp: T0 + 9 },
  ];
  const records = messages.map((m, i) => KjsRecord({ ...m, offsetDelta: i, timestampDelta: m.timestamp - T0 }));
  const enc = await RecordBatch({
    compression: opts.compression ?? KjsCompression.None,
    records,
    firstTimestamp: T0,
    maxTimestamp: T0 + 9,
    producerId: Long.fromValue(-1),
    producerEpoch: 0,
    firstSequence: 0,
    transactional: !!opts.transactional,
    lastOffsetDelta: records.length - 1,
  });
  return Buffer.from(enc.buffer);
}

describe('crc32c', () => {
  it('matches the Castagnoli test vector', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it('agrees with kafkajs for many lengths and alignments, and chains', () => {
    const data = Buffer.alloc(2000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
    for (const [start, end] of [
      [0, 1],
      [1, 9],
      [3, 17],
      [0, 64],
      [5, 1999],
      [0, 2000],
    ] as const) {
      expect(crc32c(data, start, end), `${start}-${end}`).toBe(kjsCrc32C(data.subarray(start, end)));
    }
    expect(crc32c(data, 700, 2000, crc32c(data, 0, 700))).toBe(crc32c(data));
  });

  it('agrees with kafkajs on random data of every length modulo 8, and over sub-ranges', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = crypto.randomBytes(length + 5);
      expect(crc32c(bytes, 3, 3 + length)).toBe(kjsCrc32C(bytes.subarray(3, 3 + length)) >>> 0);
    }
  });
});

describe('record batch header', () => {
  it('parses every field of a kafkajs-encoded batch', async () => {
    const batch = await kafkajsBatch({ transactional: true });
    const h = readBatchHeader(batch);
    expect(h).toMatchObject({
      baseOffset: 0,
      batchLength: batch.length - 12,
      partitionLeaderEpoch: 0,
      magic: 2,
      compression: 0,
      timestampType: TimestampType.CreateTime,
      isTransactional: true,
      isControl: false,
      lastOffsetDelta: 2,
      baseTimestamp: T0,
      maxTimestamp: T0 + 9,
      producerId: -1,
      producerEpoch: 0,
      baseSequence: 0,
      recordsCount: 3,
    });
    expect(h.attributes).toBe(0x10);
    expect(h.crc).toBe(computeBatchCrc(batch));
  });

  it('throws ProtocolError on a truncated header', () => {
    expect(() => readBatchHeader(Buffer.alloc(60))).toThrow(ProtocolError);
  });
});

describe('validateRecordBatches', () => {
  it('accepts kafkajs batches (uncompressed and gzip) with valid CRCs', async () => {
    for (const compression of [KjsCompression.None, KjsCompression.GZIP]) {
      const batch = await kafkajsBatch({ compression });
      const v = validateRecordBatches(batch);
      expect(v.ok).toBe(true);
      if (v.ok) {
        expect(v.batches).toHaveLength(1);
        expect(v.batches[0]!.header.compression).toBe(compression);
        expect(v.batches[0]!.header.recordsCount).toBe(3);
      }
    }
  });

  it('rejects every single corrupted byte inside the CRC range', async () => {
    const batch = await kafkajsBatch();
    for (let i = 21; i < batch.length; i += 7) {
      const bad = Buffer.from(batch);
      bad[i] ^= 0x01;
      const v = validateRecordBatches(bad);
      expect(v.ok, `byte ${i}`).toBe(false);
    }
    const bad = Buffer.from(batch);
    bad[batch.length - 1] ^= 0xff;
    const v = validateRecordBatches(bad);
    expect(v).toMatchObject({ ok: false, errorCode: ErrorCode.CORRUPT_MESSAGE });
    if (!v.ok) expect(v.reason).toMatch(/CRC mismatch/);
  });

  it('splits several batches and checks each', async () => {
    const a = buildRecordBatch([{ value: 'a' }], { timestamp: T0 });
    const b = await kafkajsBatch();
    const blob = Buffer.concat([a, b, a]);
    const v = validateRecordBatches(blob);
    expect(v.ok).toBe(true);
    if (v.ok)
      expect(v.batches.map((x) => [x.position, x.buffer.length])).toEqual([
        [0, a.length],
        [a.length, b.length],
        [a.length + b.length, a.length],
      ]);
    expect(splitRecordBatches(blob).map((x) => x.length)).toEqual([a.length, b.length, a.length]);
  });

  it('gives clear reasons for malformed input', async () => {
    const good = buildRecordBatch([{ value: 'v' }], { timestamp: T0 });
    const cases: Array<[Buffer, RegExp, number]> = [
      [Buffer.alloc(0), /empty/, ErrorCode.CORRUPT_MESSAGE],
      [good.subarray(0, 40), /truncated/, ErrorCode.CORRUPT_MESSAGE],
      [Buffer.concat([good, good.subarray(0, good.length - 3)]), /batch 1 .*exceeds/, ErrorCode.CORRUPT_MESSAGE],
      [withInt32(good, 8, 10), /smaller than the header/, ErrorCode.CORRUPT_MESSAGE],
      [withInt32(good, 8, 0x7fffffff), /exceeds/, ErrorCode.CORRUPT_MESSAGE],
      [withInt32(good, 8, -5), /smaller than the header/, ErrorCode.CORRUPT_MESSAGE],
      [withByte(good, 16, 1), /unsupported magic 1/, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT],
      [withByte(good, 16, 7), /invalid magic 7/, ErrorCode.CORRUPT_MESSAGE],
      [withInt32(good, 57, 0), /invalid record count 0/, ErrorCode.CORRUPT_MESSAGE],
      [withInt32(good, 57, 1_000_000), /does not fit/, ErrorCode.CORRUPT_MESSAGE],
      [withByte(good, 22, 7), /unknown compression codec 7/, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE],
    ];
    for (const [buf, reason, code] of cases) {
      const v = validateRecordBatches(buf);
      expect(v.ok, String(reason)).toBe(false);
      if (!v.ok) {
        expect(v.reason).toMatch(reason);
        expect(v.errorCode).toBe(code);
      }
    }
    expect(() => splitRecordBatches(good.subarray(0, good.length - 3))).toThrow(ProtocolError);
    expect(splitRecordBatches(Buffer.concat([good, good.subarray(0, good.length - 3)]), true)).toHaveLength(1);
  });
});

describe('rewriting offsets in place', () => {
  it('sets baseOffset and partitionLeaderEpoch without breaking the CRC', async () => {
    const blob = Buffer.concat([await kafkajsBatch(), buildRecordBatch([{ value: 'x' }, { value: 'y' }], { timestamp: T0 })]);
    const v = validateRecordBatches(blob);
    if (!v.ok) throw new Error(v.reason);
    setBaseOffset(blob, 2 ** 40 + 5, v.batches[0]!.position);
    setBaseOffset(blob, 2 ** 40 + 8, v.batches[1]!.position);
    setPartitionLeaderEpoch(v.batches[1]!.buffer, 7);
    const again = validateRecordBatches(blob);
    expect(again.ok).toBe(true);
    if (again.ok) {
      expect(again.batches.map((b) => b.header.baseOffset)).toEqual([2 ** 40 + 5, 2 ** 40 + 8]);
      expect(again.batches[1]!.header.partitionLeaderEpoch).toBe(7);
    }
    const decoded = decodeRecordBatches(blob);
    expect(decoded.flatMap((b) => b.records.map((r) => r.offset))).toEqual([2 ** 40 + 5, 2 ** 40 + 6, 2 ** 40 + 7, 2 ** 40 + 8, 2 ** 40 + 9]);
  });
});

describe('buildRecordBatch / decodeRecordBatch', () => {
  it('round-trips keys, values, headers, offsets and timestamps', () => {
    const batch = buildRecordBatch(
      [
        {
          key: 'user-1',
          value: '{"a":1}',
          headers: [
            { key: 'h', value: 'x' },
            { key: 'h', value: null },
          ],
          timestamp: T0 + 10,
        },
        { key: null, value: null, timestamp: T0 },
        { key: Buffer.from([1, 2]), value: Buffer.alloc(1000, 3), headers: { trace: 'abc' }, timestamp: T0 + 2 ** 33 },
      ],
      { baseOffset: 42, producerId: 9n, producerEpoch: 1, baseSequence: 5, isTransactional: true },
    );
    expect(validateRecordBatches(batch).ok).toBe(true);
    const { header, records } = decodeRecordBatch(batch);
    expect(header).toMatchObject({
      baseOffset: 42,
      lastOffsetDelta: 2,
      recordsCount: 3,
      baseTimestamp: T0 + 10,
      maxTimestamp: T0 + 2 ** 33,
      producerId: 9,
      producerEpoch: 1,
      baseSequence: 5,
      isTransactional: true,
      partitionLeaderEpoch: -1,
    });
    expect(records.map((r) => r.offset)).toEqual([42, 43, 44]);
    expect(records.map((r) => r.timestamp)).toEqual([T0 + 10, T0, T0 + 2 ** 33]);
    expect(records[0]!.key!.toString()).toBe('user-1');
    expect(records[0]!.value!.toString()).toBe('{"a":1}');
    expect(records[0]!.headers.map((h) => [h.key, h.value?.toString() ?? null])).toEqual([
      ['h', 'x'],
      ['h', null],
    ]);
    expect(records[1]!.key).toBeNull();
    expect(records[1]!.value).toBeNull();
    expect(records[2]!.key).toEqual(Buffer.from([1, 2]));
    expect(records[2]!.value).toEqual(Buffer.alloc(1000, 3));
    expect(records[2]!.headers).toEqual([{ key: 'trace', value: Buffer.from('abc') }]);
  });

  it('builds byte-identical batches to kafkajs for the same input', async () => {
    const kjs = await kafkajsBatch();
    const ours = buildRecordBatch(
      [
        { key: 'k1', value: 'v1', headers: { h: 'x' }, timestamp: T0 },
        { key: null, value: 'second value', timestamp: T0 + 5 },
        { key: Buffer.from([0, 1, 2]), value: Buffer.alloc(300, 7), headers: { a: '1', b: '2' }, timestamp: T0 + 9 },
      ],
      { partitionLeaderEpoch: 0, producerEpoch: 0, baseSequence: 0 },
    );
    expect(ours.toString('hex')).toBe(kjs.toString('hex'));
  });

  it("is readable by kafkajs's batch decoder", async () => {
    const batch = buildRecordBatch(
      [
        { key: 'a', value: 'b', headers: { x: 'y' }, timestamp: T0 },
        { value: 'c', timestamp: T0 + 1 },
      ],
      { baseOffset: 100 },
    );
    const out = await kjsBatchDecoder(new KjsDecoder(batch));
    expect(out.firstOffset).toBe('100');
    expect(out.records.map((r: { offset: string }) => r.offset)).toEqual(['100', '101']);
    expect(out.records[0].key.toString()).toBe('a');
    expect(out.records[0].headers.x.toString()).toBe('y');
    expect(out.records[1].timestamp).toBe(String(T0 + 1));
  });

  it('uses maxTimestamp for LogAppendTime batches', () => {
    const batch = buildRecordBatch(
      [
        { value: 'a', timestamp: T0 },
        { value: 'b', timestamp: T0 + 3 },
      ],
      { timestampType: TimestampType.LogAppendTime },
    );
    expect(decodeRecordBatch(batch).records.map((r) => r.timestamp)).toEqual([T0 + 3, T0 + 3]);
  });

  it('opens gzip batches into the same records as uncompressed ones', async () => {
    const plain = decodeRecordBatch(await kafkajsBatch());
    const gzip = decodeRecordBatch(await kafkajsBatch({ compression: KjsCompression.GZIP }));
    expect(gzip.header.compression).toBe(KjsCompression.GZIP);
    const facts = (b: typeof plain) => b.records.map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers }));
    expect(facts(gzip)).toEqual(facts(plain));
    expect(plain.records).toHaveLength(3);
  });

  it('refuses snappy/lz4/zstd and malformed batches with ProtocolError', () => {
    const good = buildRecordBatch([{ value: 'v' }]);
    for (const codec of [2, 3, 4]) expect(() => decodeRecordBatch(withByte(good, 22, codec))).toThrow(/compressed batch \(codec/);
    expect(() => decodeRecordBatch(good.subarray(0, good.length - 1))).toThrow(ProtocolError);
    expect(() => decodeRecordBatch(withInt32(good, 57, 5000))).toThrow(ProtocolError);
    const badLen = Buffer.from(good);
    badLen[BATCH_HEADER_BYTES] = 0x7f; // record length varint far beyond the batch
    expect(() => decodeRecordBatch(badLen)).toThrow(ProtocolError);
    expect(() => buildRecordBatch([])).toThrow(ProtocolError);
  });
});

function withInt32(b: Buffer, at: number, v: number): Buffer {
  const c = Buffer.from(b);
  c.writeInt32BE(v, at);
  return c;
}

function withByte(b: Buffer, at: number, v: number): Buffer {
  const c = Buffer.from(b);
  c[at] = v;
  return c;
}
