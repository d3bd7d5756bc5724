/**
 * The Debezium-compatible MySQL CDC source (io.debezium.connector.mysql.MySqlConnector) on our Connect
 * and Kafka, against the private MariaDB with its row binlog: the snapshot, inserts, updates and
 * deletes as Debezium change events (checked field by field against what the test wrote), the unwrap
 * transform, restarts and a crash in the middle of a stream of writes (every change exactly once, in
 * order), bad configs, and a server without a binlog.
 */
import type { Pool } from 'mysql2/promise';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ConnectHandle } from '../../embedded/connect/index.ts';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { startMariaDb, type TestDatabase } from '../support/mariadb.ts';
import { api, createTestDatabase, startTestCluster, startWorker, waitForCount, waitForState, type KcatRecord } from './helpers.ts';

const CDC = 'io.debezium.connector.mysql.MySqlConnector';

function cdcConfig(db: TestDatabase, overrides: Record<string, string> = {}): Record<string, string> {
  const url = new URL(db.url);
  return {
    'connector.class': CDC,
    'database.hostname': url.hostname,
    'database.port': url.port,
    'database.user': decodeURIComponent(url.username || 'root'),
    'database.password': decodeURIComponent(url.password),
    'database.server.id': String(5000 + Math.floor(Math.random() * 1000)),
    'topic.prefix': 'demo',
    'database.include.list': db.name,
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable': 'false',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
    'poll.interval.ms': '50',
    ...overrides,
  };
}

interface Envelope {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  op: string;
  source: Record<string, unknown>;
}

function parsed(records: KcatRecord[]): { key: Record<string, unknown> | null; value: Envelope | null }[] {
  return records.map((r) => ({ key: r.key === null ? null : JSON.parse(r.key), value: r.payload === null ? null : JSON.parse(r.payload) }));
}

let cluster: KafkaCluster;
let connect: ConnectHandle | undefined;

beforeAll(async () => {
  cluster = await startTestCluster();
  connect = await startWorker(cluster);
});

afterAll(async () => {
  await connect?.stop();
  await cluster?.stop();
});

describe('MySQL CDC source: change events', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase(inject('mysqlUrl'), 'cdc_events');
    pool = mysql.createPool({ uri: db.url, connectionLimit: 2 });
    await pool.query(
      'CREATE TABLE log (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, eventname VARCHAR(100), userid BIGINT, timecreated BIGINT, at DATETIME(3), amount DECIMAL(8,2))',
    );
    await pool.query(
      "INSERT INTO log (eventname, userid, timecreated, at, amount) VALUES ('viewed', 2, 1561975200000, '2019-07-01 10:00:00.250', 1.50), ('viewed', 3, 1561975300000, NULL, NULL)",
    );
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('snapshots existing rows (op r), then streams inserts, updates and deletes with a tombstone', async () => {
    const topic = `demo.${db.name}.log`;
    const created = await api(connect!, 'POST', '/connectors', { name: 'cdc-events', config: cdcConfig(db) });
    expect(created.status, created.text).toBe(201);
    await waitForState(connect!, 'cdc-events', 'RUNNING');
    const snapshot = parsed(await waitForCount(cluster, topic, 2)).sort((a, b) => Number(a.key!.id) - Number(b.key!.id));
    expect(snapshot.map((r) => [r.key, r.value!.op])).toEqual([
      [{ id: 1 }, 'r'],
      [{ id: 2 }, 'r'],
    ]);
    // the snapshot's last row says so
    expect(snapshot.map((r) => r.value!.source.snapshot).sort()).toEqual(['first', 'last']);
    expect(snapshot[0]!.value!.after).toEqual({
      id: 1,
      eventname: 'viewed',
      userid: 2,
      timecreated: 1561975200000,
      at: Date.parse('2019-07-01T10:00:00.250Z'),
      amount: 'AJY=',
    });
    expect(snapshot[0]!.value!.before).toBeNull();
    expect(snapshot[1]!.value!.after).toMatchObject({ id: 2, at: null, amount: null });

    await pool.query("INSERT INTO log (eventname, userid, timecreated) VALUES ('submitted', 4, 1561975400000)");
    await pool.query("UPDATE log SET eventname = 'graded' WHERE id = 1");
    await pool.query('DELETE FROM log WHERE id = 2');
    const all = parsed(await waitForCount(cluster, topic, 6));
    // Kafka keeps order per key (one partition per key): each key's events in the order they happened
    const byKey = (id: number) => all.filter((r) => r.key!.id === id).map((r) => r.value);
    expect(byKey(1).map((v) => v!.op)).toEqual(['r', 'u']);
    expect(byKey(2).map((v) => v?.op ?? 'tombstone')).toEqual(['r', 'd', 'tombstone']);
    expect(byKey(3).map((v) => v!.op)).toEqual(['c']);
    const [inserted] = byKey(3);
    const updated = byKey(1)[1]!;
    const deleted = byKey(2)[1]!;
    expect(inserted!.after).toMatchObject({ id: 3, eventname: 'submitted', userid: 4, timecreated: 1561975400000 });
    expect(updated.before).toMatchObject({ id: 1, eventname: 'viewed' });
    expect(updated.after).toMatchObject({ id: 1, eventname: 'graded' });
    expect(deleted.before).toMatchObject({ id: 2, eventname: 'viewed', userid: 3 });
    expect(deleted.after).toBeNull();
    const source = inserted!.source;
    expect(source).toMatchObject({ connector: 'mysql', name: 'demo', db: db.name, table: 'log', snapshot: 'false', server_id: 1 });
    expect(String(source.file)).toMatch(/^mysql-bin\.\d+$/);
    expect(Number(source.pos)).toBeGreaterThan(0);
    const status = await api(connect!, 'GET', '/connectors/cdc-events/tasks');
    expect(status.body[0].config['task.class']).toBe('io.debezium.connector.mysql.MySqlConnectorTask');
  });

  it('with schemas.enable, names the schemas as Debezium does', async () => {
    const created = await api(connect!, 'POST', '/connectors', {
      name: 'cdc-schemas',
      config: cdcConfig(db, {
        'topic.prefix': 'withschema',
        'value.converter.schemas.enable': 'true',
        'key.converter.schemas.enable': 'true',
        'snapshot.mode': 'initial',
      }),
    });
    expect(created.status, created.text).toBe(201);
    const records = await waitForCount(cluster, `withschema.${db.name}.log`, 2);
    const first = records.find((r) => JSON.parse(r.key!).payload.id === 1)!;
    const value = JSON.parse(first.payload!);
    const key = JSON.parse(first.key!);
    expect(value.schema.name).toBe(`withschema.${db.name}.log.Envelope`);
    expect(value.schema.fields.map((f: { field: string }) => f.field)).toEqual(['before', 'after', 'source', 'transaction', 'op', 'ts_ms', 'ts_us', 'ts_ns']);
    expect(value.schema.fields[1].name).toBe(`withschema.${db.name}.log.Value`);
    expect(value.schema.fields[2].name).toBe('io.debezium.connector.mysql.Source');
    const at = value.schema.fields[1].fields.find((f: { field: string }) => f.field === 'at');
    expect(at).toMatchObject({ type: 'int64', name: 'io.debezium.time.Timestamp', optional: true });
    const amount = value.schema.fields[1].fields.find((f: { field: string }) => f.field === 'amount');
    expect(amount).toMatchObject({ type: 'bytes', name: 'org.apache.kafka.connect.data.Decimal', parameters: { scale: '2' } });
    expect(key.schema.name).toBe(`withschema.${db.name}.log.Key`);
    expect(key.payload).toEqual({ id: 1 });
    await api(connect!, 'DELETE', '/connectors/cdc-schemas');
  });

  it('the unwrap transform gives flat rows; rewrite marks deletes with __deleted and adds the fields asked for', async () => {
    const created = await api(connect!, 'POST', '/connectors', {
      name: 'cdc-unwrap',
      config: cdcConfig(db, {
        'topic.prefix': 'flat',
        transforms: 'unwrap',
        'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
        'transforms.unwrap.delete.handling.mode': 'rewrite',
        'transforms.unwrap.add.fields': 'op,table,source.ts_ms',
      }),
    });
    expect(created.status, created.text).toBe(201);
    const topic = `flat.${db.name}.log`;
    const rows = await waitForCount(cluster, topic, 2);
    const flat = rows.map((r) => JSON.parse(r.payload!));
    const first = flat.find((r) => r.id === 1);
    expect(first, JSON.stringify(flat)).toMatchObject({ id: 1, eventname: 'graded', __op: 'r', __table: 'log', __deleted: 'false' });
    expect(first.__source_ts_ms).toBeTypeOf('number');
    await pool.query('DELETE FROM log WHERE id = 3');
    const after = (await waitForCount(cluster, topic, 3)).map((r) => (r.payload === null ? null : JSON.parse(r.payload)));
    // rewrite: the delete is the old row with __deleted=true; the tombstone is dropped (drop.tombstones=true)
    expect(after).toHaveLength(3);
    expect(after.find((r) => r.__op === 'd')).toMatchObject({ id: 3, eventname: 'submitted', __deleted: 'true' });
    // Nothing more for the delete (its tombstone dropped): once a marker row written after it is there, the
    // topic holds the three records and the marker only (kcat reads partitions in no global order).
    await pool.query("INSERT INTO log (eventname, userid, timecreated) VALUES ('marker', 9, 1561975500000)");
    const throughMarker = (await waitForCount(cluster, topic, 4)).map((r) => (r.payload === null ? null : JSON.parse(r.payload)));
    expect(throughMarker).toHaveLength(4);
    expect(throughMarker.filter((r) => r?.eventname === 'marker')).toMatchObject([{ eventname: 'marker', __op: 'c' }]);
    await api(connect!, 'DELETE', '/connectors/cdc-unwrap');
  });
});

describe('MySQL CDC source: restarts and a crash mid-stream', () => {
  it('delivers every row change exactly once, in order per key', async () => {
    const db = await createTestDatabase(inject('mysqlUrl'), 'cdc_restart');
    const pool = mysql.createPool({ uri: db.url, connectionLimit: 2 });
    try {
      await pool.query('CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT NOT NULL)');
      await pool.query('INSERT INTO t VALUES (1, 0), (2, 0)');
      expect(
        (await api(connect!, 'POST', '/connectors', { name: 'cdc-restart', config: cdcConfig(db, { 'topic.prefix': 'rs', 'max.batch.size': '7' }) })).status,
      ).toBe(201);
      const topic = `rs.${db.name}.t`;
      await waitForCount(cluster, topic, 2);
      // Each write: a multi-row insert (several rows in one binlog event) and updates of earlier rows.
      let nextId = 3;
      const expected = new Map<number, string[]>([
        [1, ['r']],
        [2, ['r']],
      ]);
      const writer = (async () => {
        for (let i = 0; i < 40; i++) {
          const ids = [nextId, nextId + 1, nextId + 2];
          nextId += 3;
          await pool.query('INSERT INTO t VALUES ?', [ids.map((id) => [id, 0])]);
          for (const id of ids) expected.set(id, ['c']);
          const target = 1 + (i % 2);
          await pool.query('UPDATE t SET v = v + 1 WHERE id = ?', [target]);
          expected.get(target)!.push('u');
          await new Promise((r) => setTimeout(r, 15));
        }
      })();
      await new Promise((r) => setTimeout(r, 200));
      await connect!.stop();
      connect = await startWorker(cluster);
      await new Promise((r) => setTimeout(r, 250));
      await connect.stop({ commitOffsets: false });
      connect = await startWorker(cluster);
      await writer;
      const total = [...expected.values()].reduce((n, ops) => n + ops.length, 0);
      await waitForCount(cluster, topic, total, 40_000);
      // A marker row after the last write: once it is there, any duplicate of the writes would be too.
      await pool.query('INSERT INTO t VALUES (100000, 0)');
      const records = parsed(await waitForCount(cluster, topic, total + 1, 40_000)).filter((r) => r.key!.id !== 100000);
      expect(records).toHaveLength(total);
      const seen = new Map<number, string[]>();
      for (const r of records) {
        const id = Number(r.key!.id);
        seen.set(id, [...(seen.get(id) ?? []), r.value!.op]);
      }
      expect(seen).toEqual(expected);
      // updates of one key arrive in the order they were made: v counts up by one
      const vs = records.filter((r) => r.key!.id === 1 && r.value!.op === 'u').map((r) => r.value!.after!.v);
      expect(vs).toEqual(Array.from({ length: vs.length }, (_, i) => i + 1));
    } finally {
      await api(connect!, 'DELETE', '/connectors/cdc-restart');
      await pool.end();
      await db.drop();
    }
  });
});

describe('MySQL CDC source: bad configs and servers', () => {
  it('refuses configs with missing or bad values, naming each key', async () => {
    const db = { name: 'x', url: 'mysql://root@127.0.0.1:3306/x' } as TestDatabase;
    const missing = cdcConfig(db);
    delete (missing as Record<string, string>)['database.hostname'];
    delete (missing as Record<string, string>)['topic.prefix'];
    const response = await api(connect!, 'POST', '/connectors', {
      name: 'cdc-bad',
      config: { ...missing, 'snapshot.mode': 'sometimes', 'database.port': '0' },
    });
    expect(response.status).toBe(400);
    for (const key of ['database.hostname', 'topic.prefix', 'snapshot.mode', 'database.port']) expect(response.body.message, key).toContain(key);
    const validated = await api(connect!, 'PUT', `/connector-plugins/${CDC}/config/validate`, {
      ...cdcConfig(db),
      name: 'cdc-validate',
      'table.include.list': 'nodot',
    });
    expect(validated.status).toBe(200);
    expect(validated.body.error_count, JSON.stringify(validated.body.configs.filter((c: { value: { errors: string[] } }) => c.value.errors.length))).toBe(1);
    const entry = validated.body.configs.find((c: { value: { name: string } }) => c.value.name === 'table.include.list');
    expect(entry.value.errors[0]).toContain('databaseName.tableName');
  });

  it('fails the task with a trace naming the cause and the fix when the server has no binlog', async () => {
    const plain = await startMariaDb({ ignoreEnv: true, binlog: false });
    try {
      const url = new URL(plain.url);
      const config = {
        ...cdcConfig({ name: 'mysql', url: plain.url } as TestDatabase),
        'database.hostname': url.hostname,
        'database.port': url.port,
        'topic.prefix': 'nobinlog',
      };
      expect((await api(connect!, 'POST', '/connectors', { name: 'cdc-nobinlog', config })).status).toBe(201);
      const status = await waitForState(connect!, 'cdc-nobinlog', 'FAILED');
      expect(status.tasks[0].trace).toMatch(/log_bin is OFF.*--log-bin --binlog-format=ROW/s);
      await api(connect!, 'DELETE', '/connectors/cdc-nobinlog');
    } finally {
      await plain.stop();
    }
  });
});
