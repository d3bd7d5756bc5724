/** The shared partitioner's 32-bit murmur2 equals kafkajs's (Java's) on keys of every tail length, so partitions match other clients'. */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { murmur2 } from '../../embedded/kafka/partitioner.ts';

const kafkajsMurmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer) => number;

describe('murmur2', () => {
  it('matches kafkajs on 5000 pseudo-random keys of 0-40 bytes and on known keys', () => {
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16;
    for (let i = 0; i < 5000; i++) {
      const key = Buffer.from(Array.from({ length: i % 41 }, () => next() & 0xff));
      expect(murmur2(key), key.toString('hex')).toBe(kafkajsMurmur2(key));
    }
    for (const text of ['', '1', '42', 'Inbox', '"Inbox"', 'user-1000', 'ü€']) expect(murmur2(Buffer.from(text)), text).toBe(kafkajsMurmur2(Buffer.from(text)));
  });
});
