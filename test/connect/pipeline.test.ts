import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Pool } from 'mysql2/promise';
import {
  api,
  connectorConfig,
  createTestDatabase,
  insertUsers,
  recordsThroughMarker,
  startTestCluster,
  startWorker,
  usersTable,
  waitForCount,
  waitForState,
} from './helpers.ts';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import type { TestDatabase } from '../support/mariadb.ts';
import type { ConnectHandle } from '../../embedded/connect/index.ts';

describe('JDBC source: demo.Users -> topic3_Users', () => {
  let cluster: KafkaCluster;
  let db: TestDatabase;
  let pool: Pool;
  let connect: ConnectHandle;

  beforeAll(async () => {
    cluster = await startTestCluster();
    db = await createTestDatabase(inject('mysqlUrl'), 'connect_pipe');
    pool = await usersTable(db);
    await insertUsers(pool, 10_000);
    connect = await startWorker(cluster);
  });

  afterAll(async () => {
    await connect?.stop();
    await pool?.end();
    await db?.drop();
    await cluster?.stop();
  });

  it('streams 10k users as key = user_id JSON number and the plain row as value, then rows added later', async () => {
    const created = await api(connect, 'POST', '/connectors', { name: 'jdbc-source-connector', config: connectorConfig(db) });
    expect(created.status).toBe(201);
    const records = await waitForCount(cluster, 'topic3_Users', 10_000);
    // row 10,001 is the marker: once it is on the topic, every row before it is too, and only once
    const all = await recordsThroughMarker(cluster, 'topic3_Users', pool);
    expect(all.length).toBe(10_001);
    const keys = new Set(all.map((r) => r.key));
    expect(keys.size).toBe(10_001);
    const byId = new Map(all.map((r) => [Number(r.key), JSON.parse(r.payload!)]));
    for (let id = 1; id <= 10_000; id++) expect(byId.has(id)).toBe(true);
    expect(byId.get(1)).toEqual({ user_id: 1, age: null, gender: 'M', country: 'country-0', subscription: 'premium' });
    expect(byId.get(2)).toEqual({ user_id: 2, age: 21, gender: 'F', country: 'country-1', subscription: 'free' });
    expect(records[0].key).toMatch(/^\d+$/);

    const started = Date.now();
    await insertUsers(pool, 5, 10_000);
    const more = await waitForCount(cluster, 'topic3_Users', 10_006, 10_000);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(new Set(more.map((r) => r.key)).size).toBe(10_006);
    const status = await waitForState(connect, 'jdbc-source-connector', 'RUNNING');
    expect(status.connector.state).toBe('RUNNING');
  });
});
