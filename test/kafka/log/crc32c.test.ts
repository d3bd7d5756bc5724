import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../embedded/kafka/log/crc32c.ts';

const kafkajsCrc32c = createRequire(import.meta.url)('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number;

describe('crc32c', () => {
  it('matches the standard test vector', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it('agrees with kafkajs on random data of every length modulo 8, and over sub-ranges', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = crypto.randomBytes(length + 5);
      expect(crc32c(bytes, 3, 3 + length)).toBe(kafkajsCrc32c(bytes.subarray(3, 3 + length)) >>> 0);
    }
  });
});
