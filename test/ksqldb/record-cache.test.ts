import { describe, expect, it } from 'vitest';
import { latestPerTableKey } from '../../embedded/ksqldb/runtime/runtime.ts';
import type { SinkRecord } from '../../embedded/ksqldb/io.ts';

const rec = (topic: string, key: string, value: string | null, timestamp = 0): SinkRecord => ({
  topic,
  key: Buffer.from(key),
  value: value === null ? null : Buffer.from(value),
  timestamp,
});

describe('the record cache (latest value per table key per flush)', () => {
  it('keeps the last record of each table key, in the order of those last records, and every stream record', () => {
    const records = [
      rec('table', 'a', '1', 1),
      rec('stream', 'a', 's1'),
      rec('table', 'b', '1', 2),
      rec('table', 'a', '2', 3),
      rec('stream', 'a', 's2'),
      rec('table', 'b', null, 4),
      rec('other-table', 'a', 'x'),
    ];
    const out = latestPerTableKey(records, new Set(['table', 'other-table']));
    expect(out.map((r) => `${r.topic}:${r.key}:${r.value === null ? 'null' : r.value}`)).toEqual([
      'stream:a:s1',
      'table:a:2',
      'stream:a:s2',
      'table:b:null',
      'other-table:a:x',
    ]);
  });

  it('changes nothing when no topic is a table', () => {
    const records = [rec('s', 'a', '1'), rec('s', 'a', '2')];
    expect(latestPerTableKey(records, new Set())).toEqual(records);
  });
});
