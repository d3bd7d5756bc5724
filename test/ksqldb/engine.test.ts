import { describe, expect, it } from 'vitest';
import { KsqlEngine } from '../../embedded/ksqldb/engine.ts';
import type { SinkRecord } from '../../embedded/ksqldb/io.ts';
import { timeWindowsFor } from '../../embedded/ksqldb/operators/window.ts';
import { decodeWindowedKey } from '../../embedded/ksqldb/formats/index.ts';

function driver(sql: string) {
  const engine = new KsqlEngine();
  engine.execute(sql);
  const offsets = new Map<string, number>();
  const out: SinkRecord[] = [];
  const send = (topic: string, key: unknown, value: unknown, timestamp: number) => {
    const offset = offsets.get(topic) ?? 0;
    offsets.set(topic, offset + 1);
    const recs = engine.process({
      topic,
      partition: 0,
      offset,
      timestamp,
      key: key === null ? null : Buffer.from(JSON.stringify(key)),
      value: value === null ? null : Buffer.from(JSON.stringify(value)),
    });
    out.push(...recs);
  };
  const values = (topic: string) => out.filter((r) => r.topic === topic).map((r) => (r.value ? JSON.parse(r.value.toString()) : null));
  return { engine, send, out, values };
}

describe('windows', () => {
  it('assigns hopping windows epoch-aligned, ordered by start', () => {
    expect(timeWindowsFor(10345, 5000, 1000).map((w) => w.start)).toEqual([6000, 7000, 8000, 9000, 10000]);
    expect(timeWindowsFor(100, 5000, 1000).map((w) => w.start)).toEqual([0]);
  });
});

describe('engine', () => {
  it('aggregates with COUNT/SUM/AVG and re-emits per update', () => {
    const d = driver(
      "CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', key_format='JSON', value_format='JSON'); CREATE TABLE t AS SELECT k, COUNT(*) AS c, SUM(v) AS sm, AVG(v) AS a FROM s GROUP BY k;",
    );
    d.send('s', 'a', { v: 1 }, 1);
    d.send('s', 'a', { v: 2 }, 2);
    d.send('s', 'a', { v: null }, 3);
    expect(d.values('T')).toEqual([
      { C: 1, SM: 1, A: 1 },
      { C: 2, SM: 3, A: 1.5 },
      { C: 3, SM: 3, A: 1.5 },
    ]);
    expect(d.out.map((r) => r.timestamp)).toEqual([1, 2, 3]);
  });

  it('table aggregation retracts old rows and counts down to zero', () => {
    const d = driver(
      "CREATE TABLE u (id INT PRIMARY KEY, country STRING) WITH (kafka_topic='u', key_format='JSON', value_format='JSON'); CREATE TABLE c AS SELECT country, COUNT(*) AS n FROM u GROUP BY country;",
    );
    d.send('u', 1, { country: 'FR' }, 1);
    d.send('u', 1, { country: 'DE' }, 2);
    d.send('u', 1, null, 3);
    expect(d.out.map((r) => [JSON.parse(r.key!.toString()), JSON.parse(r.value!.toString()).N])).toEqual([
      ['FR', 1],
      ['FR', 0],
      ['DE', 1],
      ['DE', 0],
    ]);
  });

  it('session windows merge and emit tombstones for replaced sessions', () => {
    const d = driver(
      "CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', key_format='JSON', value_format='JSON'); CREATE TABLE t AS SELECT k, COUNT(*) AS c FROM s WINDOW SESSION (5 SECONDS) GROUP BY k;",
    );
    d.send('s', 'a', { v: 1 }, 0);
    d.send('s', 'a', { v: 1 }, 1000);
    const recs = d.out.map((r) => ({ w: decodeWindowedKey(r.key!, 'SESSION').window, v: r.value ? JSON.parse(r.value.toString()) : null, ts: r.timestamp }));
    expect(recs).toEqual([
      { w: { start: 0, end: 0 }, v: { C: 1 }, ts: 0 },
      { w: { start: 0, end: 0 }, v: null, ts: 0 },
      { w: { start: 0, end: 1000 }, v: { C: 2 }, ts: 1000 },
    ]);
  });

  it('drops late records after the grace period', () => {
    const d = driver(
      "CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', key_format='JSON', value_format='JSON'); CREATE TABLE t AS SELECT k, COUNT(*) AS c FROM s WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY k;",
    );
    d.send('s', 'a', { v: 1 }, 15000);
    d.send('s', 'a', { v: 1 }, 5000);
    expect(d.out).toHaveLength(1);
  });

  it('stream-table join: only stream records emit; LEFT gives nulls', () => {
    const d = driver(
      "CREATE TABLE u (id INT PRIMARY KEY, name STRING) WITH (kafka_topic='u', key_format='JSON', value_format='JSON'); CREATE STREAM pv (id INT KEY, page STRING) WITH (kafka_topic='pv', key_format='JSON', value_format='JSON'); CREATE STREAM j AS SELECT pv.id, page, name FROM pv LEFT JOIN u ON pv.id = u.id;",
    );
    d.send('u', 1, { name: 'ann' }, 1);
    d.send('pv', 1, { page: 'home' }, 2);
    d.send('pv', 2, { page: 'inbox' }, 3);
    expect(d.values('J')).toEqual([
      { PAGE: 'home', NAME: 'ann' },
      { PAGE: 'inbox', NAME: null },
    ]);
  });

  it('skips undeserializable records, logs them and keeps running', () => {
    const d = driver(
      "CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', key_format='JSON', value_format='JSON'); CREATE STREAM o AS SELECT * FROM s;",
    );
    d.engine.process({ topic: 's', partition: 0, offset: 0, timestamp: 0, key: null, value: Buffer.from('{not json') });
    d.send('s', 'a', { v: 1 }, 1);
    expect(d.engine.processingLog).toHaveLength(1);
    expect(d.values('O')).toEqual([{ V: 1 }]);
  });

  it('rejects statements with ksqlDB errors', () => {
    const e = new KsqlEngine();
    e.execute("CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON');");
    expect(() => e.execute('CREATE STREAM o AS SELECT v FROM s;')).toThrow(/Key missing from projection/);
    expect(() => e.execute('CREATE TABLE o AS SELECT k, COUNT(*) FROM s;')).toThrow();
    expect(() => e.execute("CREATE TABLE x (id INT, v INT) WITH (kafka_topic='x', value_format='JSON');")).toThrow(/PRIMARY KEY/);
  });

  it('snapshot/restore replays the command log', () => {
    const e = new KsqlEngine();
    e.execute("CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON'); CREATE STREAM o AS SELECT * FROM s;");
    const snap = JSON.parse(JSON.stringify(e.snapshot()));
    const r = KsqlEngine.restore(snap);
    expect([...r.metastore.sources.keys()]).toEqual(['S', 'O']);
    expect(r.subscribedTopics()).toEqual(['s']);
  });
});

describe('transient push queries', () => {
  it('streams projected rows (key columns included) and stops at LIMIT', () => {
    const d = driver("CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', key_format='JSON', value_format='JSON');");
    const rows: unknown[][] = [];
    let ended = false;
    const q = d.engine.executeQuery(
      'SELECT v * 10 AS x, k FROM s WHERE v > 1 EMIT CHANGES LIMIT 2;',
      (r) => rows.push(r.values),
      () => (ended = true),
    );
    expect(q.columns).toEqual([
      { name: 'X', type: 'INTEGER' },
      { name: 'K', type: 'STRING' },
    ]);
    d.send('s', 'a', { v: 1 }, 1);
    d.send('s', 'b', { v: 2 }, 2);
    d.send('s', 'c', { v: 3 }, 3);
    d.send('s', 'd', { v: 4 }, 4);
    expect(rows).toEqual([
      [20, 'b'],
      [30, 'c'],
    ]);
    expect(ended).toBe(true);
    expect(q.done).toBe(true);
  });
  it('aggregates in a transient query emit per update', () => {
    const d = driver("CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', key_format='JSON', value_format='JSON');");
    const rows: unknown[][] = [];
    d.engine.executeQuery('SELECT k, COUNT(*) AS n FROM s GROUP BY k EMIT CHANGES;', (r) => rows.push(r.values));
    d.send('s', 'a', { v: 1 }, 1);
    d.send('s', 'a', { v: 1 }, 2);
    expect(rows).toEqual([
      ['a', 1],
      ['a', 2],
    ]);
  });
});

describe('pull queries', () => {
  it('read the current rows of a CTAS table, filtered by WHERE', () => {
    const d = driver(
      "CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', key_format='JSON', value_format='JSON'); CREATE TABLE t AS SELECT k, COUNT(*) AS n, SUM(v) AS total FROM s GROUP BY k;",
    );
    d.send('s', 'a', { v: 1 }, 1);
    d.send('s', 'b', { v: 2 }, 2);
    d.send('s', 'a', { v: 3 }, 3);
    const all: unknown[][] = [];
    const q = d.engine.executeQuery('SELECT * FROM t;', (r) => all.push(r.values));
    expect(q.columns.map((c) => c.name)).toEqual(['K', 'N', 'TOTAL']);
    expect(all).toEqual([
      ['a', 2, 4],
      ['b', 1, 2],
    ]);
    const one: unknown[][] = [];
    d.engine.executeQuery("SELECT total * 10 AS x FROM t WHERE k = 'a';", (r) => one.push(r.values));
    expect(one).toEqual([[40]]);
    expect(() => d.engine.executeQuery('SELECT * FROM s;', () => undefined)).toThrow(/Pull queries/);
  });
});
