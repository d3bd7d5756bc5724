import { describe, expect, it, vi } from 'vitest';
import { KsqlEngine } from '../../embedded/ksqldb/engine.ts';
import { decodeWindowedKey } from '../../embedded/ksqldb/formats/index.ts';
import { latestPerTableKey } from '../../embedded/ksqldb/runtime/runtime.ts';
import type { SinkRecord } from '../../embedded/ksqldb/io.ts';

const rec = (topic: string, key: string, value: string | null, timestamp = 0, created = false): SinkRecord => ({
  topic,
  key: Buffer.from(key),
  value: value === null ? null : Buffer.from(value),
  timestamp,
  ...(created ? { created } : {}),
});

const show = (records: SinkRecord[]) => records.map((r) => `${r.topic}:${r.key}:${r.value === null ? 'null' : r.value}`);

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

  it('drops the tombstone of a key whose first record in the flush was created: its value never left the cache', () => {
    const records = [
      rec('table', 'new', '1', 1, true),
      rec('table', 'old', null, 2),
      rec('table', 'new', null, 3),
      rec('table', 'grown', '1', 4, true),
      rec('table', 'grown', null, 5),
      rec('table', 'grown', '2', 6, true),
      rec('table', 'kept', '1', 7),
      rec('table', 'kept', null, 8),
    ];
    expect(show(latestPerTableKey(records, new Set(['table'])))).toEqual(['table:old:null', 'table:grown:2', 'table:kept:null']);
  });

  it('reduces a session table to the sessions that survive the flush: merged-away sessions leave no record', () => {
    // the record cache on: values are serialized when read, and the cache reads none of them
    const engine = new KsqlEngine({ config: { 'ksql.streams.cache.max.bytes.buffering': '10000000' } });
    engine.execute(
      "CREATE STREAM pv (src STRING KEY, u INT) WITH (kafka_topic='pv', key_format='JSON', value_format='JSON');" +
        'CREATE TABLE s AS SELECT src, COUNT(*) AS n FROM pv WINDOW SESSION (10 SECONDS) GROUP BY src;',
    );
    const out: SinkRecord[] = [];
    const send = (offset: number, src: string, ts: number) =>
      out.push(...engine.process({ topic: 'pv', partition: 0, offset, timestamp: ts, key: Buffer.from(JSON.stringify(src)), value: Buffer.from('{"u":1}') }));
    send(0, 'a', 1000);
    send(1, 'a', 2000);
    send(2, 'b', 3000);
    send(3, 'a', 4000);
    const valueGetter = vi.spyOn(Object.getPrototypeOf(out[0]!), 'value', 'get');
    const reduced = latestPerTableKey(out, new Set(['S']));
    expect(valueGetter).not.toHaveBeenCalled();
    valueGetter.mockRestore();
    // every update is emitted by the engine: each growth deletes the session before it
    expect(out.map((r) => [r.value === null ? null : JSON.parse(r.value.toString()).N, r.created === true])).toEqual([
      [1, true],
      [null, false],
      [2, true],
      [1, true],
      [null, false],
      [3, true],
    ]);
    const session = (r: SinkRecord) => {
      const { inner, window } = decodeWindowedKey(r.key!, 'SESSION');
      return `${inner.toString()}[${window.start},${window.end}]=${r.value === null ? null : JSON.parse(r.value.toString()).N}`;
    };
    expect(reduced.map(session)).toEqual(['"b"[3000,3000]=1', '"a"[1000,4000]=3']);
    // flushed after the first two records: the next flush deletes the session written before it
    expect(latestPerTableKey(out.slice(0, 3), new Set(['S'])).map(session)).toEqual(['"a"[1000,2000]=2']);
    expect(latestPerTableKey(out.slice(3), new Set(['S'])).map(session)).toEqual(['"b"[3000,3000]=1', '"a"[1000,2000]=null', '"a"[1000,4000]=3']);
  });
});
