import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Pool } from 'mysql2/promise';
import {
  api,
  connectorConfig,
  createTestDatabase,
  insertUsers,
  kcatRead,
  recordsThroughMarker,
  startTestCluster,
  startWorker,
  usersTable,
  waitForCount,
} from './helpers.ts';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import type { TestDatabase } from '../support/mariadb.ts';
import type { ConnectHandle } from '../../embedded/connect/index.ts';

function expectExactly(records: { key: string | null }[], n: number): void {
  const ids = records.map((r) => Number(r.key));
  expect(ids.length).toBe(n);
  expect(new Set(ids).size).toBe(n);
  expect(Math.min(...ids)).toBe(1);
  expect(Math.max(...ids)).toBe(n);
}

describe('restart and crash mid-stream: no duplicate, no gap', () => {
  let cluster: KafkaCluster;
  let db: TestDatabase;
  let pool: Pool;
  let connect: ConnectHandle | undefined;

  beforeAll(async () => {
    cluster = await startTestCluster();
    db = await createTestDatabase(inject('mysqlUrl'), 'connect_resume');
    pool = await usersTable(db);
  });

  afterAll(async () => {
    await connect?.stop();
    await pool?.end();
    await db?.drop();
    await cluster?.stop();
  });

  it('graceful restarts while rows keep arriving', async () => {
    connect = await startWorker(cluster);
    expect((await api(connect, 'POST', '/connectors', { name: 'jdbc-source-connector', config: connectorConfig(db, { 'batch.max.rows': '50' }) })).status).toBe(
      201,
    );
    let inserted = 0;
    const writer = (async () => {
      for (let i = 0; i < 30; i++) {
        await insertUsers(pool, 200, inserted);
        inserted += 200;
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    for (let restarts = 0; restarts < 2; restarts++) {
      await new Promise((r) => setTimeout(r, 500));
      await connect.stop();
      connect = await startWorker(cluster);
      expect((await api(connect, 'GET', '/connectors')).body).toEqual(['jdbc-source-connector']);
    }
    await writer;
    const records = await waitForCount(cluster, 'topic3_Users', inserted);
    expect(records.length).toBeGreaterThanOrEqual(inserted);
    // and one marker row: once it is written, every row before it is, each once
    expectExactly(await recordsThroughMarker(cluster, 'topic3_Users', pool), inserted + 1);
  });

  it('a crash after records were written but before their offsets were committed re-sends nothing', async () => {
    await connect!.stop();
    // Offsets are committed only at a clean stop; this worker "crashes" (no final commit).
    connect = await startWorker(cluster, { offsetFlushIntervalMs: 3_600_000 });
    const before = (await kcatRead(cluster, 'topic3_Users')).length;
    await insertUsers(pool, 3000, before);
    await waitForCount(cluster, 'topic3_Users', before + 3000);
    await connect.stop({ commitOffsets: false });
    await insertUsers(pool, 500, before + 3000);
    connect = await startWorker(cluster);
    await waitForCount(cluster, 'topic3_Users', before + 3500);
    expectExactly(await recordsThroughMarker(cluster, 'topic3_Users', pool), before + 3501);
    // the rows re-read from the last committed offset were recognised as already in the topic
    const [counters] = connect.herder.taskCounters('jdbc-source-connector');
    expect(counters.skipped).toBeGreaterThanOrEqual(3000);
    expect(counters.sent).toBe(501); // the 500 and the marker
  });
});

describe('converters: JsonConverter with schemas, StringConverter, NULL columns, SMTs', () => {
  let cluster: KafkaCluster;
  let db: TestDatabase;
  let pool: Pool;
  let connect: ConnectHandle;

  beforeAll(async () => {
    cluster = await startTestCluster();
    db = await createTestDatabase(inject('mysqlUrl'), 'connect_conv');
    pool = await usersTable(db);
    await insertUsers(pool, 20);
    await pool.query(`CREATE TABLE Orders (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, amount DECIMAL(10,2), placed DATETIME(3) NOT NULL,
      note TEXT, flag BIT(1), price DOUBLE, day DATE)`);
    await pool.query(
      "INSERT INTO Orders (amount, placed, note, flag, price, day) VALUES (12.34, '2024-01-02 03:04:05.678', NULL, b'1', 1.5, '2024-01-02'), (NULL, '2024-01-02 03:04:06.000', 'x', b'0', 2, NULL)",
    );
    connect = await startWorker(cluster);
  });

  afterAll(async () => {
    await connect?.stop();
    await pool?.end();
    await db?.drop();
    await cluster?.stop();
  });

  it('schemas.enable=true writes the Connect envelope for key and value; NULL is JSON null', async () => {
    const config = connectorConfig(db, {
      'topic.prefix': 'withschema_',
      'key.converter.schemas.enable': 'true',
      'value.converter.schemas.enable': 'true',
    });
    expect((await api(connect, 'POST', '/connectors', { name: 'schemas', config })).status).toBe(201);
    const records = await waitForCount(cluster, 'withschema_Users', 20);
    const first = records.find((r) => JSON.parse(r.key!).payload === 1)!;
    expect(JSON.parse(first.key!)).toEqual({ schema: { type: 'int64', optional: false }, payload: 1 });
    expect(JSON.parse(first.payload!)).toEqual({
      schema: {
        type: 'struct',
        fields: [
          { type: 'int64', optional: false, field: 'user_id' },
          { type: 'int32', optional: true, field: 'age' },
          { type: 'string', optional: true, field: 'gender' },
          { type: 'string', optional: true, field: 'country' },
          { type: 'string', optional: true, field: 'subscription' },
        ],
        optional: false,
        name: 'Users',
      },
      payload: { user_id: 1, age: null, gender: 'M', country: 'country-0', subscription: 'premium' },
    });
    // field order of the payload follows the schema
    expect(first.payload!.indexOf('"user_id"')).toBeLessThan(first.payload!.indexOf('"subscription"'));
  });

  it('logical types, timestamp+incrementing, Cast, ReplaceField and StringConverter', async () => {
    const config = connectorConfig(db, {
      'table.whitelist': 'Orders',
      mode: 'timestamp+incrementing',
      'incrementing.column.name': 'id',
      'timestamp.column.name': 'placed',
      'topic.prefix': 'ord_',
      transforms: 'createKey,extractKey,cast,drop',
      'transforms.createKey.fields': 'id',
      'transforms.extractKey.field': 'id',
      'transforms.cast.type': 'org.apache.kafka.connect.transforms.Cast$Value',
      'transforms.cast.spec': 'price:string,flag:int8',
      'transforms.drop.type': 'org.apache.kafka.connect.transforms.ReplaceField$Value',
      'transforms.drop.exclude': 'note',
      'transforms.drop.renames': 'amount:total',
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter.schemas.enable': 'true',
    });
    expect((await api(connect, 'POST', '/connectors', { name: 'orders', config })).status).toBe(201);
    const records = await waitForCount(cluster, 'ord_Orders', 2);
    const one = records.find((r) => r.key === '1')!;
    const value = JSON.parse(one.payload!);
    expect(value.payload).toEqual({ id: 1, total: 'BNI=', placed: Date.UTC(2024, 0, 2, 3, 4, 5, 678), flag: 1, price: '1.5', day: 19724 });
    const fields = Object.fromEntries(value.schema.fields.map((f: { field: string }) => [f.field, f]));
    expect(fields.total).toEqual({
      type: 'bytes',
      optional: true,
      name: 'org.apache.kafka.connect.data.Decimal',
      version: 1,
      parameters: { scale: '2', 'connect.decimal.precision': '10' },
      field: 'total',
    });
    expect(fields.placed).toEqual({ type: 'int64', optional: false, name: 'org.apache.kafka.connect.data.Timestamp', version: 1, field: 'placed' });
    expect(fields.price).toEqual({ type: 'string', optional: true, field: 'price' });
    expect(fields.note).toBeUndefined();
    const two = JSON.parse(records.find((r) => r.key === '2')!.payload!).payload;
    expect(two.total).toBeNull();
    expect(two.day).toBeNull();
    const tasks = await api(connect, 'GET', '/connectors/orders/tasks');
    expect(tasks.body[0].config.tables).toBe(`\`${db.name}\`.\`Orders\``);
  });
});
