/**
 * ksqlDB's port answers cleartext HTTP/2 with prior knowledge next to HTTP/1.1, as ksqlDB's server does
 * for its Java client: curl --http2-prior-knowledge and Node's http2 client run pull and push queries on
 * /query-stream, and a push query ends when its HTTP/2 stream is cancelled.
 */
import http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { startKsqlDb, type KsqlDbHandle } from '../../embedded/ksqldb/index.ts';
import { kafkaClient, run, startTestCluster, waitFor } from '../support/kafka.ts';
import { caughtUp, postJson } from './pipeline-support.ts';

type J = Record<string, any>;

describe('ksqlDB over HTTP/2 (h2c, prior knowledge)', () => {
  let cluster: KafkaCluster;
  let server: KsqlDbHandle;

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
    server = await startKsqlDb({ port: 0, bootstrap: cluster.bootstrap(), properties: { 'ksql.streams.auto.offset.reset': 'earliest' } });
    const r = await postJson(`${server.url}/ksql`, {
      ksql:
        "CREATE STREAM HITS (ID INT KEY, PAGE VARCHAR) WITH (KAFKA_TOPIC='hits', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=1);" +
        'CREATE TABLE PER_PAGE AS SELECT PAGE, COUNT(*) AS N FROM HITS GROUP BY PAGE;',
    });
    expect(r.status, r.text).toBe(200);
    const producer = kafkaClient(cluster).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: 'hits', messages: ['a', 'b', 'a'].map((page, i) => ({ key: String(i), value: JSON.stringify({ page }) })) });
    await producer.disconnect();
    await caughtUp(server);
  });

  afterAll(async () => {
    await server?.stop();
    await cluster?.stop();
  });

  const DELIMITED = 'application/vnd.ksqlapi.delimited.v1';
  const FROM_EARLIEST = { 'auto.offset.reset': 'earliest' };
  /** curl over cleartext HTTP/2 with prior knowledge: GET `path`, or POST `body` as JSON (asking for the delimited format) */
  const curlH2 = (path: string, body?: object, after: string[] = []) =>
    run('curl', [
      '-sS',
      '--http2-prior-knowledge',
      ...(body ? ['-X', 'POST', '-H', `content-type: ${DELIMITED}`, '-d', JSON.stringify(body)] : []),
      `${server.url}${path}`,
      ...after,
    ]);

  it('answers curl --http2-prior-knowledge on /query-stream (pull and push) and /info', async () => {
    const pull = await curlH2('/query-stream', { sql: "SELECT PAGE, N FROM PER_PAGE WHERE PAGE = 'a';" }, ['-w', '\n%{http_version} %{http_code}\n']);
    expect(pull.code, pull.stderr).toBe(0);
    const lines = pull.stdout.trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ columnNames: ['PAGE', 'N'] });
    expect(lines[1]).toBe('["a",2]');
    expect(lines.at(-1)).toBe('2 200');

    const push = await curlH2('/query-stream', { sql: 'SELECT PAGE FROM HITS EMIT CHANGES LIMIT 3;', properties: FROM_EARLIEST });
    expect(push.code, push.stderr).toBe(0);
    expect(push.stdout.trim().split('\n').slice(1)).toEqual(['["a"]', '["b"]', '["a"]']);

    const info = await curlH2('/info');
    expect((JSON.parse(info.stdout) as J).KsqlServerInfo.version).toBe('0.29.0');
  });

  it('ends a push query when the client cancels its HTTP/2 stream; HTTP/1.1 still works beside it', async () => {
    const session = http2.connect(server.url);
    try {
      const stream = session.request({
        ':method': 'POST',
        ':path': '/query-stream',
        'content-type': DELIMITED,
        accept: DELIMITED,
      });
      stream.end(JSON.stringify({ sql: 'SELECT * FROM HITS EMIT CHANGES;', properties: FROM_EARLIEST }));
      let text = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        text += chunk;
      });
      await waitFor('the header and three rows', () => (text.split('\n').length >= 5 ? true : undefined), 20_000, 50);
      const queryId = (JSON.parse(text.split('\n')[0]!) as { queryId: string }).queryId;
      const listed = async () => ((await postJson(`${server.url}/ksql`, { ksql: 'SHOW QUERIES;' })).json() as J[])[0]!.queries.map((q: J) => q.id) as string[];
      expect(await listed()).toContain(queryId);
      stream.close(http2.constants.NGHTTP2_CANCEL);
      await waitFor('the cancelled push query to end', async () => (!(await listed()).includes(queryId) ? true : undefined), 10_000, 100);
    } finally {
      session.close();
    }
  });
});
