/**
 * Windowed sinks partition by the key without its window, as Kafka Streams' WindowedStreamPartitioner
 * does: a session's tombstone and its grown successor have different windowed keys but must share a
 * partition, or a reader of the changelog sees them out of order (found by the course-activity
 * scenario: an aggregate over the sessions' changelog undercounted).
 */
import { describe, expect, it } from 'vitest';
import { encodeWindowedKey } from '../../embedded/ksqldb/formats/index.ts';
import { sinkEncoder } from '../../embedded/ksqldb/operators/sink.ts';
import { T, type Column } from '../../embedded/ksqldb/types.ts';

const col = (name: string): Column => ({ name, type: T.BIGINT, namespace: 'VALUE' }) as Column;
const schema = { key: [{ ...col('USERID'), namespace: 'KEY' } as Column], value: [col('N')] };

describe('windowed sink records', () => {
  it('carry the inner key as the partition key, for every window of the same key', () => {
    const encode = sinkEncoder({ topic: 'sessions', schema, keyFormat: 'JSON', valueFormat: 'JSON', windowType: 'SESSION' });
    const first = encode({ key: [7], row: { N: 1 }, ts: 1000, window: { start: 1000, end: 1000 } } as never)!;
    const grown = encode({ key: [7], row: { N: 2 }, ts: 2000, window: { start: 1000, end: 2000 } } as never)!;
    expect(first.key!.equals(grown.key!)).toBe(false);
    expect(first.partitionKey!.toString()).toBe('7');
    expect(grown.partitionKey!.equals(first.partitionKey!)).toBe(true);
    expect(first.key!.equals(encodeWindowedKey(Buffer.from('7'), { start: 1000, end: 1000 }, 'SESSION'))).toBe(true);
  });

  it('leave unwindowed records to the key itself', () => {
    const encode = sinkEncoder({ topic: 'plain', schema, keyFormat: 'JSON', valueFormat: 'JSON' });
    const record = encode({ key: [7], row: { N: 1 }, ts: 1000 } as never)!;
    expect(record.partitionKey).toBeUndefined();
    expect(record.key!.toString()).toBe('7');
  });
});
