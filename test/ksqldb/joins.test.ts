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
    out.push(...engine.process({ topic, partition: 0, offset, timestamp, key: key === null ? null : Buffer.from(JSON.stringify(key)), value: value === null ? null : Buffer.from(JSON.stringify(value)) }));
  };
  const rows = () => out.map((r) => ({ key: r.key ? JSON.parse(r.key.toString()) : null, value: r.value ? JSON.parse(r.value.toString()) : null, ts: r.timestamp }));
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
    expect(d.rows().map((r) => r.value)).toEqual([{ A: 'a', B: null }, { A: 'a', B: 'b' }, { A: 'a', B: null }]);
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
    expect(d.rows().map((r) => r.value)).toEqual([{ A: 'a', B: null }, { A: 'a', B: 'b' }]);
  });
  it('LEFT with GRACE emits unmatched left records when the window closes', () => {
    const d = driver(DDL('STREAM', 'STREAM') + 'CREATE STREAM J AS SELECT L.ID, A, B FROM L LEFT JOIN R WITHIN 10 SECONDS GRACE PERIOD 0 SECONDS ON L.ID = R.ID;');
    d.send('l', 1, { A: 'a' }, 1000);
    expect(d.rows()).toEqual([]);
    d.send('l', 2, { A: 'x' }, 30000);
    expect(d.rows()).toEqual([{ key: 1, value: { A: 'a', B: null }, ts: 1000 }]);
  });
});
