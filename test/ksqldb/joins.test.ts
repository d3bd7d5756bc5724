import { describe, expect, it } from 'vitest';
import { KsqlEngine } from '../../embedded/ksqldb/engine.ts';
import type { SinkRecord } from '../../embedded/ksqldb/io.ts';

function driver(sql: string) {
  const engine = new KsqlEngine();
  engine.execute(sql);
  const offsets = new Map<string, number>();
  const out: SinkRecord[] = [];
  const send = (topic: string, key: unknown, value: unknown, timestamp: number) => {
    const offset = offsets.get(topic) ?? 0;
    offsets.set(topic, offset + 1);
    out.push(
      ...engine.process({
        topic,
        partition: 0,
        offset,
        timestamp,
        key: key === null ? null : Buffer.from(JSON.stringify(key)),
        value: value === null ? null : Buffer.from(JSON.stringify(value)),
      }),
    );
  };
  const rows = () =>
    out.map((r) => ({ key: r.key ? JSON.parse(r.key.toString()) : null, value: r.value ? JSON.parse(r.value.toString()) : null, ts: r.timestamp }));
  return { send, rows };
}

const DDL = (a: string, b: string) =>
  `CREATE ${a} L (ID INT ${a === 'TABLE' ? 'PRIMARY ' : ''}KEY, A STRING) WITH (kafka_topic='l', format='JSON');
   CREATE ${b} R (ID INT ${b === 'TABLE' ? 'PRIMARY ' : ''}KEY, B STRING) WITH (kafka_topic='r', format='JSON');`;

describe('table-table joins', () => {
  it('INNER: emits when both sides exist, tombstones on delete, ts = max', () => {
    const d = driver(DDL('TABLE', 'TABLE') + 'CREATE TABLE J AS SELECT L.ID, A, B FROM L JOIN R ON L.ID = R.ID;');
    d.send('l', 1, { A: 'a' }, 1);
    d.send('r', 1, { B: 'b' }, 5);
    d.send('l', 1, { A: 'a2' }, 3);
    d.send('r', 1, null, 6);
    expect(d.rows()).toEqual([
      { key: 1, value: { A: 'a', B: 'b' }, ts: 5 },
      { key: 1, value: { A: 'a2', B: 'b' }, ts: 5 },
      { key: 1, value: null, ts: 6 },
    ]);
  });
  it('LEFT: left rows survive without a partner', () => {
    const d = driver(DDL('TABLE', 'TABLE') + 'CREATE TABLE J AS SELECT L.ID, A, B FROM L LEFT JOIN R ON L.ID = R.ID;');
    d.send('l', 1, { A: 'a' }, 1);
    d.send('r', 1, { B: 'b' }, 2);
    d.send('r', 1, null, 3);
    expect(d.rows().map((r) => r.value)).toEqual([
      { A: 'a', B: null },
      { A: 'a', B: 'b' },
      { A: 'a', B: null },
    ]);
  });
});

describe('stream-stream joins', () => {
  it('INNER WITHIN matches records inside the window from either side', () => {
    const d = driver(DDL('STREAM', 'STREAM') + 'CREATE STREAM J AS SELECT L.ID, A, B FROM L JOIN R WITHIN 10 SECONDS ON L.ID = R.ID;');
    d.send('l', 1, { A: 'a' }, 1000);
    d.send('r', 1, { B: 'b' }, 5000);
    d.send('r', 1, { B: 'late' }, 20000);
    expect(d.rows()).toEqual([{ key: 1, value: { A: 'a', B: 'b' }, ts: 5000 }]);
  });
  it('LEFT without GRACE emits unmatched left records at once', () => {
    const d = driver(DDL('STREAM', 'STREAM') + 'CREATE STREAM J AS SELECT L.ID, A, B FROM L LEFT JOIN R WITHIN 10 SECONDS ON L.ID = R.ID;');
    d.send('l', 1, { A: 'a' }, 1000);
    d.send('r', 1, { B: 'b' }, 2000);
    expect(d.rows().map((r) => r.value)).toEqual([
      { A: 'a', B: null },
      { A: 'a', B: 'b' },
    ]);
  });
  it('LEFT with GRACE emits unmatched left records when the window closes', () => {
    const d = driver(
      DDL('STREAM', 'STREAM') + 'CREATE STREAM J AS SELECT L.ID, A, B FROM L LEFT JOIN R WITHIN 10 SECONDS GRACE PERIOD 0 SECONDS ON L.ID = R.ID;',
    );
    d.send('l', 1, { A: 'a' }, 1000);
    expect(d.rows()).toEqual([]);
    d.send('l', 2, { A: 'x' }, 30000);
    expect(d.rows()).toEqual([{ key: 1, value: { A: 'a', B: null }, ts: 1000 }]);
  });
});

describe('foreign-key and n-way joins', () => {
  it('FK join: left rows follow their referenced right row', () => {
    const d = driver(
      "CREATE TABLE O (ID INT PRIMARY KEY, CUST INT, AMT INT) WITH (kafka_topic='o', format='JSON'); CREATE TABLE C (ID INT PRIMARY KEY, NAME STRING) WITH (kafka_topic='c', format='JSON'); CREATE TABLE J AS SELECT O.ID, AMT, NAME FROM O JOIN C ON O.CUST = C.ID;",
    );
    d.send('c', 7, { NAME: 'ann' }, 1);
    d.send('o', 1, { CUST: 7, AMT: 5 }, 2);
    d.send('o', 2, { CUST: 7, AMT: 6 }, 3);
    d.send('c', 7, { NAME: 'bob' }, 4);
    expect(d.rows()).toEqual([
      { key: 1, value: { AMT: 5, NAME: 'ann' }, ts: 2 },
      { key: 2, value: { AMT: 6, NAME: 'ann' }, ts: 3 },
      { key: 1, value: { AMT: 5, NAME: 'bob' }, ts: 4 },
      { key: 2, value: { AMT: 6, NAME: 'bob' }, ts: 4 },
    ]);
  });
  it('n-way stream-table-table join on one key', () => {
    const d = driver(
      "CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', format='JSON'); CREATE TABLE A (ID INT PRIMARY KEY, X STRING) WITH (kafka_topic='a', format='JSON'); CREATE TABLE B (ID INT PRIMARY KEY, Y STRING) WITH (kafka_topic='b', format='JSON'); CREATE STREAM J AS SELECT S.ID, V, X, Y FROM S JOIN A ON S.ID = A.ID LEFT JOIN B ON S.ID = B.ID;",
    );
    d.send('a', 1, { X: 'x' }, 1);
    d.send('s', 1, { V: 10 }, 2);
    d.send('b', 1, { Y: 'y' }, 3);
    d.send('s', 1, { V: 11 }, 4);
    expect(d.rows().map((r) => r.value)).toEqual([
      { V: 10, X: 'x', Y: null },
      { V: 11, X: 'x', Y: 'y' },
    ]);
  });
  it('FULL OUTER joins expose the synthetic ROWKEY key column', () => {
    const d = driver(DDL('TABLE', 'TABLE') + 'CREATE TABLE J AS SELECT ROWKEY AS K, A, B FROM L FULL OUTER JOIN R ON L.ID = R.ID;');
    d.send('r', 3, { B: 'b' }, 1);
    expect(d.rows()).toEqual([{ key: 3, value: { A: null, B: 'b' }, ts: 1 }]);
  });
});
