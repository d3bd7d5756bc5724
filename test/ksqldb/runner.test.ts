import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPaths } from '../../embedded/ksqldb/qtt/cli.ts';
import { valuesMatch, recordMismatch } from '../../embedded/ksqldb/qtt/compare.ts';

describe('QTT comparator', () => {
  it('follows ExpectedRecordComparator rules', () => {
    expect(valuesMatch({ count: 1 }, { COUNT: 1 })).toBe(true);
    expect(valuesMatch({ A: 1 }, { A: 1, B: 2 })).toBe(false);
    expect(valuesMatch(1.5, 1.5000000001)).toBe(true);
    expect(valuesMatch(null, 0)).toBe(false);
    expect(recordMismatch({ key: 1, value: null }, { key: 1, value: null, timestamp: 5 })).toBeUndefined();
    expect(recordMismatch({ key: 1, value: null, timestamp: 4 }, { key: 1, value: null, timestamp: 5 })).toBe('timestamp');
    expect(recordMismatch({ value: 1 }, { key: 'x', value: 1 })).toBe('key');
  });
});

describe('QTT runner', () => {
  it('passes, fails and skips cases and reports why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qtt-'));
    const stmt = "CREATE STREAM I (K STRING KEY, V INT) WITH (kafka_topic='i', value_format='JSON');";
    writeFileSync(
      join(dir, 'sample.json'),
      JSON.stringify({
        tests: [
          {
            name: 'ok',
            statements: [stmt, 'CREATE STREAM O AS SELECT K, V * 2 AS D FROM I;'],
            inputs: [{ topic: 'i', key: 'a', value: { V: 2 }, timestamp: 7 }],
            outputs: [{ topic: 'O', key: 'a', value: { D: 4 }, timestamp: 7 }],
          },
          {
            name: 'wrong',
            statements: [stmt, 'CREATE STREAM O AS SELECT K, V AS D FROM I;'],
            inputs: [{ topic: 'i', key: 'a', value: { V: 2 } }],
            outputs: [{ topic: 'O', key: 'a', value: { D: 4 } }],
          },
          { name: 'error', statements: [stmt, 'CREATE STREAM O AS SELECT V FROM I;'], expectedException: { message: 'Key missing from projection' } },
          { name: 'avro', statements: ["CREATE STREAM I (K STRING KEY, V INT) WITH (kafka_topic='i', value_format='AVRO');"], inputs: [], outputs: [] },
        ],
      }),
    );
    const results = runPaths([dir]);
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['sample - ok', 'passed'],
      ['sample - wrong', 'failed'],
      ['sample - error', 'passed'],
      ['sample - avro', 'skipped'],
    ]);
    expect(results[1]!.detail).toContain('"D":2');
    expect(results[3]!.reason).toBe('format AVRO');
  });
});
