/**
 * ksql.max.push.queries: a server holds at most that many push queries (each holds a consumer and its
 * connections); one more is refused with ksqlDB's message, and SHOW QUERIES lists the running ones as PUSH.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { startKsqlDb, type KsqlDbHandle } from '../../embedded/ksqldb/index.ts';
import { startTestCluster, waitFor } from '../support/kafka.ts';
import { postJson } from './pipeline-support.ts';

type J = Record<string, any>;

describe('push query limit', () => {
  let cluster: KafkaCluster;
  let server: KsqlDbHandle;
  const open: AbortController[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
    server = await startKsqlDb({ port: 0, bootstrap: cluster.bootstrap(), properties: { 'ksql.max.push.queries': '2' } });
    const r = await postJson(`${server.url}/ksql`, {
      ksql: "CREATE STREAM EVENTS (ID INT KEY, N INT) WITH (KAFKA_TOPIC='events', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=1);",
    });
    expect(r.status, r.text).toBe(200);
  });

  afterAll(async () => {
    for (const c of open) c.abort();
    await server?.stop();
    await cluster?.stop();
  });

  /** Starts a push query and returns once its header line arrived (the query is registered). */
  async function startPush(): Promise<{ queryId: string; controller: AbortController }> {
    const controller = new AbortController();
    open.push(controller);
    const res = await fetch(`${server.url}/query-stream`, {
      method: 'POST',
      signal: controller.signal,
      headers: { 'content-type': 'application/vnd.ksqlapi.delimited.v1', accept: 'application/vnd.ksqlapi.delimited.v1' },
      body: JSON.stringify({ sql: 'SELECT * FROM EVENTS EMIT CHANGES;' }),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
    return { queryId: (JSON.parse(text.split('\n')[0]!) as { queryId: string }).queryId, controller };
  }

  async function pushQueriesListed(): Promise<J[]> {
    const r = await postJson(`${server.url}/ksql`, { ksql: 'SHOW QUERIES;' });
    return ((r.json() as J[])[0]!.queries as J[]).filter((q) => q.queryType === 'PUSH');
  }

  it('refuses the push query over the limit with ksqlDB’s message, lists the running ones, and frees a slot on close', async () => {
    const first = await startPush();
    const second = await startPush();
    const listed = await pushQueriesListed();
    expect(listed.map((q) => q.id).sort()).toEqual([first.queryId, second.queryId].sort());
    expect(listed[0]).toMatchObject({ queryString: 'SELECT * FROM EVENTS EMIT CHANGES;', state: 'RUNNING', statusCount: { RUNNING: 1 }, sinks: [] });

    const refused = await postJson(`${server.url}/query-stream`, { sql: 'SELECT * FROM EVENTS EMIT CHANGES;' }, 'application/vnd.ksqlapi.delimited.v1');
    expect(refused.status).toBe(400);
    expect(refused.json()).toMatchObject({
      '@type': 'statement_error',
      message:
        'Not executing statement(s) as it would cause the number of active, push queries to exceed the configured limit. ' +
        "Terminate existing PUSH queries, or increase the 'ksql.max.push.queries' setting via the 'ksql-server.properties' file. " +
        'Current push query count: 2. Configured limit: 2.',
    });
    // Pull queries are not push queries: still answered.
    expect((await postJson(`${server.url}/query-stream`, { sql: 'SHOW STREAMS;' })).status).not.toBe(500);

    first.controller.abort();
    await waitFor('the closed push query to leave SHOW QUERIES', async () => ((await pushQueriesListed()).length === 1 ? true : undefined), 10_000, 100);
    const third = await startPush();
    expect((await pushQueriesListed()).map((q) => q.id).sort()).toEqual([second.queryId, third.queryId].sort());
  });
});
