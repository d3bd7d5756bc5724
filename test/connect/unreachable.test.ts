/**
 * A JDBC source whose database cannot be reached, as Confluent's connector behaves: the connector opens a
 * first connection at start and is FAILED (with the cause as its trace) when the port is closed; a running
 * task whose database stops answering (packets dropped: the cached connection hangs rather than errors) is
 * FAILED once its validity check (or, for a statement already on its way, Connector/J's `socketTimeout`) and
 * `connection.attempts` reconnections fail; a restart brings either
 * back once the database answers, with no gap and no duplicate. The database sits behind a TCP proxy this
 * test opens, closes and blackholes.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Pool } from 'mysql2/promise';
import { api, connectorConfig, createTestDatabase, insertUsers, startTestCluster, startWorker, usersTable, waitForCount, waitForState } from './helpers.ts';
import { waitFor } from '../support/kafka.ts';
import type { TestDatabase } from '../support/mariadb.ts';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import type { ConnectHandle } from '../../embedded/connect/index.ts';

/** A TCP proxy to the database: forwarding, closed (connection refused) or blackholed (nothing gets through). */
class DbProxy {
  private server: net.Server | undefined;
  private readonly pairs = new Set<net.Socket>();
  private blackholed = false;
  private blackholeAtQuery = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    this.blackholed = false;
    this.blackholeAtQuery = false;
    const server = net.createServer((client) => {
      this.pairs.add(client);
      client.on('close', () => this.pairs.delete(client));
      client.on('error', () => undefined);
      if (this.blackholed) return;
      const upstream = net.connect(this.target);
      this.pairs.add(upstream);
      upstream.on('close', () => this.pairs.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      client.on('data', (d) => {
        // a MySQL packet is a 3-byte length, a sequence byte, then the command: 0x03 is COM_QUERY
        if (this.blackholeAtQuery && d.length > 4 && d[4] === 0x03) this.blackholed = true;
        if (!this.blackholed) upstream.write(d);
      });
      upstream.on('data', (d) => {
        if (!this.blackholed) client.write(d);
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Connections are accepted, but nothing reaches the database or comes back. */
  blackhole(): void {
    this.blackholed = true;
  }

  /** Everything goes through until the next statement (COM_QUERY) is sent, which is held, and nothing after it. */
  blackholeAtNextQuery(): void {
    this.blackholeAtQuery = true;
  }

  /** The port refuses connections; open ones are cut. */
  async close(): Promise<void> {
    for (const socket of this.pairs) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

describe('a JDBC source that cannot reach its database', () => {
  let cluster: KafkaCluster;
  let connect: ConnectHandle;
  let db: TestDatabase;
  let pool: Pool;
  let proxy: DbProxy;

  beforeAll(async () => {
    cluster = await startTestCluster();
    connect = await startWorker(cluster);
    db = await createTestDatabase(inject('mysqlUrl'), 'connect_unreachable');
    pool = await usersTable(db);
    await insertUsers(pool, 5);
    const u = new URL(db.url);
    proxy = new DbProxy({ host: u.hostname, port: Number(u.port || 3306) });
  });

  afterAll(async () => {
    await connect?.stop();
    await proxy?.close();
    await pool?.end();
    await db?.drop();
    await cluster?.stop();
  });

  function config(topicPrefix: string): Record<string, string> {
    const direct = connectorConfig(db, { 'topic.prefix': topicPrefix, 'connection.attempts': '2', 'connection.backoff.ms': '100' });
    return { ...direct, 'connection.url': `jdbc:mysql://127.0.0.1:${proxy.port}/${db.name}?useSSL=false&connectTimeout=500&socketTimeout=1000` };
  }

  it('port closed at creation: the connector is FAILED with the cause; restart once it answers: RUNNING, rows flow', async () => {
    await proxy.open();
    await proxy.close();
    expect((await api(connect, 'POST', '/connectors', { name: 'closed', config: config('closed_') })).status).toBe(201);
    const failed = await waitFor(
      'connector FAILED',
      async () => {
        const s = await api(connect, 'GET', '/connectors/closed/status');
        return s.body?.connector?.state === 'FAILED' ? s.body : undefined;
      },
      20_000,
      100,
    );
    expect(failed.connector.trace).toMatch(
      new RegExp(
        `^org\\.apache\\.kafka\\.connect\\.errors\\.ConnectException: Couldn't open connection to mysql://127\\.0\\.0\\.1:${proxy.port}: .*ECONNREFUSED.* \\(after 2 attempt\\(s\\)\\)`,
      ),
    );
    expect(failed.tasks).toEqual([]);

    await proxy.open();
    expect((await api(connect, 'POST', '/connectors/closed/restart')).status).toBe(204);
    await waitForState(connect, 'closed', 'RUNNING');
    expect((await api(connect, 'GET', '/connectors/closed/status')).body.connector.state).toBe('RUNNING');
    await waitForCount(cluster, 'closed_Users', 5);
    await api(connect, 'DELETE', '/connectors/closed');
  });

  async function stopsAnsweringThenRestarts(name: string, stop: () => void): Promise<void> {
    const [[{ n }]] = (await pool.query('SELECT COUNT(*) AS n FROM Users')) as unknown as [[{ n: number }]];
    const before = Number(n);
    await proxy.close();
    await proxy.open();
    expect((await api(connect, 'POST', '/connectors', { name, config: config(`${name}_`) })).status).toBe(201);
    await waitForState(connect, name, 'RUNNING');
    await waitForCount(cluster, `${name}_Users`, before);

    stop();
    const failed = await waitForState(connect, name, 'FAILED', 20_000);
    expect(failed.tasks[0].trace).toMatch(
      /^org\.apache\.kafka\.connect\.errors\.ConnectException: Couldn't open connection to mysql:\/\/127\.0\.0\.1:\d+: .*(ETIMEDOUT|connect).* \(after 2 attempt\(s\)\)/,
    );
    expect(failed.connector.state).toBe('RUNNING');

    await proxy.close();
    await proxy.open();
    await insertUsers(pool, 3, before);
    expect((await api(connect, 'POST', `/connectors/${name}/tasks/0/restart`)).status).toBe(204);
    await waitForState(connect, name, 'RUNNING');
    const records = await waitForCount(cluster, `${name}_Users`, before + 3);
    expect(records.map((r) => Number(r.key)).sort((a, b) => a - b)).toEqual(Array.from({ length: before + 3 }, (_, i) => i + 1));
    await api(connect, 'DELETE', `/connectors/${name}`);
  }

  it('database stops answering while idle: the validity check and reconnections fail, the task is FAILED with a trace; task restart once it answers: RUNNING, no gap, no duplicate', async () => {
    await stopsAnsweringThenRestarts('hung', () => proxy.blackhole());
  }, 60_000);

  it('database stops answering during a statement: socketTimeout cuts it, reconnections fail, the task is FAILED; restart: RUNNING, no gap, no duplicate', async () => {
    await stopsAnsweringThenRestarts('hung_statement', () => proxy.blackholeAtNextQuery());
  }, 60_000);
});
