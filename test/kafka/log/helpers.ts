/**
 * Test support: temp directories, and record batches built by kafkajs's real encoder (and decoded by
 * its real decoder) so the log is checked against bytes a client actually produces.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

const require = createRequire(import.meta.url);
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js');
const Decoder = require('kafkajs/src/protocol/decoder.js');
const Long = require('kafkajs/src/utils/long.js');
const { Types: CompressionTypes } = require('kafkajs/src/protocol/message/compression/index.js');

const createdDirs: string[] = [];

/** A fresh directory under os.tmpdir(), removed after the test. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-log-test-'));
  createdDirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of createdDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

export interface TestRecord {
  key?: string | null;
  value: string | null;
  timestamp?: number;
}

export interface BatchOptions {
  compression?: 'none' | 'gzip';
  producerId?: number;
  producerEpoch?: number;
  firstSequence?: number;
}

export const BASE_TIME = 1_700_000_000_000;

/** One RecordBatch v2 exactly as kafkajs's producer would encode it (baseOffset 0). */
export async function encodeBatch(records: TestRecord[], options: BatchOptions = {}): Promise<Buffer> {
  const timestamps = records.map((r) => r.timestamp ?? BASE_TIME);
  const firstTimestamp = timestamps[0]!;
  const encoder = await RecordBatch({
    compression: options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
    firstTimestamp,
    maxTimestamp: Math.max(...timestamps),
    lastOffsetDelta: records.length - 1,
    producerId: Long.fromValue(options.producerId ?? -1),
    producerEpoch: options.producerEpoch ?? 0,
    firstSequence: options.firstSequence ?? 0,
    records: records.map((r, i) =>
      Record({
        offsetDelta: i,
        timestampDelta: timestamps[i]! - firstTimestamp,
        key: r.key === undefined ? null : r.key,
        value: r.value,
      }),
    ),
  });
  return encoder.buffer as Buffer;
}

/** `count` single-value records "<prefix>-<i>", with timestamps BASE_TIME + i unless given. */
export function sequentialRecords(count: number, prefix = 'v', firstTimestamp = BASE_TIME): TestRecord[] {
  return Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `${prefix}-${i}`, timestamp: firstTimestamp + i }));
}

export interface DecodedRecord {
  offset: number;
  key: string | null;
  value: string | null;
  timestamp: number;
}

/** Decodes fetched bytes with kafkajs's own batch decoder. */
export async function decodeRecords(bytes: Buffer): Promise<DecodedRecord[]> {
  const out: DecodedRecord[] = [];
  for (const batch of splitBatches(bytes)) {
    const decoded = await decodeRecordBatch(new Decoder(batch));
    for (const r of decoded.records) {
      out.push({
        offset: Number(r.offset),
        key: r.key === null ? null : r.key.toString(),
        value: r.value === null ? null : r.value.toString(),
        timestamp: Number(r.timestamp),
      });
    }
  }
  return out;
}

/** Whole batches in a buffer, by their batchLength fields. */
export function splitBatches(bytes: Buffer): Buffer[] {
  const batches: Buffer[] = [];
  for (let pos = 0; pos < bytes.length; ) {
    const size = 12 + bytes.readInt32BE(pos + 8);
    batches.push(bytes.subarray(pos, pos + size));
    pos += size;
  }
  return batches;
}

export function baseOffsetOf(batch: Buffer): number {
  return Number(batch.readBigInt64BE(0));
}

export function segmentFiles(dir: string, suffix = '.log'): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .sort();
}
