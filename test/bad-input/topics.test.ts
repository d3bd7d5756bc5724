/**
 * Malformed JSON and wrong types on every input topic of the running stack. ksqlDB's inputs
 * (topic1_PageView, topic2_UserSession, topic3_Users): the record is skipped, counted, and visible in
 * the processing log (the KSQL_PROCESSING_LOG stream over `default_ksql_processing_log`). Pinot's inputs
 * (topics 5-8): skipped or defaulted and counted in `GET /debug/ingestion`. Either way the good records
 * sent afterwards are processed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { AppConfig } from '../../config/index.ts';
import type { EmbeddedStack } from '../../stack/embedded-stack.ts';
import { startStack } from '../security/stack-fixture.ts';
import { run, waitFor } from '../support/kafka.ts';

let stack: EmbeddedStack;
let config: AppConfig;
let producer: Producer;
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;

beforeAll(async () => {
  ({ stack, config } = await startStack('badtopics'));
  producer = new Kafka({ clientId: 'bad-topics', brokers: stack.targets.kafkaBootstrap, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
}, 90_000);
afterAll(async () => {
  await producer?.disconnect();
  await stack?.stop();
});

async function topicValues(topic: string): Promise<string[]> {
  const r = await run(
    'kcat',
    ['-b', stack.targets.kafkaBootstrap.join(','), '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\\n'],
    undefined,
    30_000,
  );
  return r.stdout.split('\n').filter(Boolean);
}

async function queryStream(sql: string): Promise<unknown[][]> {
  const res = await fetch(`${stack.ksqldb.url}/query-stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ sql, properties: { 'auto.offset.reset': 'earliest' } }),
  });
  const body = (await res.json()) as unknown[];
  return body.slice(1) as unknown[][];
}

const BAD_VALUES = ['{"user_id": 1, "source": "Inbox", "event_timestamp": ', 'not json at all', '\u0000\u0001\u0002', '[1,2,3]', '"just a string"'];

describe('ksqlDB inputs', () => {
  it('topic1_PageView and topic3_Users: skipped, counted, in the processing log stream; later good records flow', async () => {
    const logBefore = (await topicValues('default_ksql_processing_log').catch(() => [])).length;
    await producer.send({
      topic: config.topics.users,
      messages: [
        ...BAD_VALUES.map((value) => ({ key: '901', value })),
        { key: '902', value: JSON.stringify({ user_id: 902, age: 'old', gender: 'F', country: 'NL', subscription: 'free' }) },
        { key: 'nine-o-three', value: JSON.stringify({ user_id: 903, age: 33, gender: 'F', country: 'NL', subscription: 'free' }) },
        { key: '904', value: JSON.stringify({ user_id: 904, age: 44, gender: 'M', country: 'BadInputLand', subscription: 'premium' }) },
      ],
    });
    await producer.send({
      topic: config.topics.pageview,
      messages: [
        ...BAD_VALUES.map((value) => ({ key: '904', value })),
        { key: '904', value: JSON.stringify({ user_id: 904, session_id: 's', source: 'Inbox', event_timestamp: 'yesterday' }) },
        // (user_id is the KEY column, so a wrong user_id inside the value is ignored, as in ksqlDB; a wrong
        // type in a value column is what makes a record bad.)
        { key: '904', value: JSON.stringify({ user_id: 904, session_id: 's', source: 'Inbox', event_timestamp: { at: T0 } }) },
      ],
    });
    // The good user reaches CLEANED_USERS; then a good page view of it reaches topic5 and topic6.
    await waitFor(
      'user 904 in topic4',
      async () => ((await topicValues(config.topics.cleanedUsers)).some((v) => v.includes('BadInputLand')) ? true : undefined),
      30_000,
      300,
    ).catch(async (error: Error) => {
      throw new Error(
        `${error.message}; topic4: ${(await topicValues(config.topics.cleanedUsers)).join(' | ')}; topic3: ${(await topicValues(config.topics.users)).length} records; log: ${(await topicValues('default_ksql_processing_log')).slice(0, 3).join(' | ')}`,
      );
    });
    await producer.send({
      topic: config.topics.pageview,
      messages: [{ key: '904', value: JSON.stringify({ user_id: 904, session_id: 'good', source: 'External', event_timestamp: T0 + 1_000 }) }],
    });
    await waitFor(
      'the good page view in topic5',
      async () => ((await topicValues(config.topics.pageviewCountry)).some((v) => v.includes('BadInputLand')) ? true : undefined),
      30_000,
      300,
    );
    const country = (await topicValues(config.topics.pageviewCountry))
      .map((v) => JSON.parse(v) as Record<string, unknown>)
      .filter((v) => v.country === 'BadInputLand');
    expect(country.at(-1)).toMatchObject({ view_count: 1, user_count: 1, avg_age: 44 });

    const logged = await topicValues('default_ksql_processing_log');
    expect(logged.length - logBefore).toBeGreaterThanOrEqual(BAD_VALUES.length * 2);
    const log = logged.map((v) => JSON.parse(v) as { level: string; message: { type: number; deserializationError: { topic: string } | null } });
    const byTopic = (topic: string) => log.filter((e) => e.message.deserializationError?.topic === topic).length;
    expect(byTopic(config.topics.pageview)).toBeGreaterThanOrEqual(BAD_VALUES.length);
    expect(byTopic(config.topics.users)).toBeGreaterThanOrEqual(BAD_VALUES.length);
    // Visible through ksqlDB itself: the processing log stream.
    const rows = await queryStream(`SELECT LOGGER, LEVEL FROM KSQL_PROCESSING_LOG EMIT CHANGES LIMIT ${BAD_VALUES.length * 2};`);
    expect(rows).toHaveLength(BAD_VALUES.length * 2);
    for (const row of rows) expect(row[1]).toBe('ERROR');
  });

  it('topic2_UserSession: bad records are skipped by a query over USERSESSION, good ones returned', async () => {
    await producer.send({
      topic: config.topics.userSession,
      messages: [
        ...BAD_VALUES.map((value) => ({ key: 'bad', value })),
        { key: 'typed', value: JSON.stringify({ session_id: 'typed', user_id: 'x', user_name: 'a', login_timestamp: 'noon', device: 'mobile' }) },
        { key: 'good', value: JSON.stringify({ session_id: 'good-session', user_id: 7, user_name: 'ann', login_timestamp: T0, device: 'tablet' }) },
      ],
    });
    const rows = await queryStream("SELECT SESSION_ID, DEVICE FROM USERSESSION WHERE SESSION_ID = 'good-session' EMIT CHANGES LIMIT 1;");
    expect(rows).toEqual([['good-session', 'tablet']]);
    expect(await (await fetch(`${stack.ksqldb.url}/healthcheck`)).json()).toMatchObject({ isHealthy: true });
  });
});

describe('Pinot inputs (topics 5-8)', () => {
  it('malformed messages are skipped and counted, wrong types are counted; later good rows are ingested', async () => {
    const status = async () =>
      (
        (await (await fetch(`${stack.pinot.controllerUrl}/debug/ingestion`)).json()) as {
          tables: { table: string; malformed: number; failed: number; incomplete: number; rowsIngested: number }[];
        }
      ).tables;
    const before = new Map((await status()).map((t) => [t.table, t]));
    const topics: [string, string, Record<string, unknown>, Record<string, unknown>][] = [
      [
        config.topics.pageviewCountry,
        'pageview_country',
        { country: 'Typo', avg_age: 'old', user_count: 'many', view_count: 'x', last_event_ts: 'now' },
        { country: 'GoodLand', avg_age: 40, user_count: 2, view_count: 5, last_event_ts: T0 },
      ],
      [
        config.topics.pageviewTumbling,
        'pageview_tumbling',
        { source: 'Typo', window_start: 'monday', window_end: {}, user_count: [1], view_count: true },
        { source: 'GoodSource', window_start: T0, window_end: T0 + 60_000, user_count: 1, view_count: 3 },
      ],
      [
        config.topics.pageviewHopping,
        'pageview_hopping',
        { source: 'Typo', window_start: 'x', window_end: 'y', user_count: 'z', view_count: 'w' },
        { source: 'GoodSource', window_start: T0, window_end: T0 + 120_000, user_count: 1, view_count: 4 },
      ],
      [
        config.topics.pageviewSession,
        'pageview_session',
        { source: 'Typo', window_start: null, window_end: 'y', user_count: 'z', view_count: 'w' },
        { source: 'GoodSource', window_start: T0, window_end: T0 + 30_000, user_count: 1, view_count: 6 },
      ],
    ];
    for (const [topic, , wrong] of topics) {
      await producer.send({ topic, messages: [...BAD_VALUES.map((value) => ({ key: '"bad"', value })), { key: '"typed"', value: JSON.stringify(wrong) }] });
    }
    for (const [topic, , , good] of topics) await producer.send({ topic, messages: [{ key: '"good"', value: JSON.stringify(good) }] });

    for (const [, table, , good] of topics) {
      const name = Object.keys(good)[0]!;
      await waitFor(
        `the good row in ${table}`,
        async () => {
          const r = await fetch(`${stack.pinot.brokerUrl}/query/sql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ sql: `SELECT view_count FROM ${table} WHERE ${name} = '${good[name]}'` }),
          });
          const rows = ((await r.json()) as { resultTable?: { rows: unknown[][] } }).resultTable?.rows;
          return rows?.[0]?.[0] === good.view_count ? true : undefined;
        },
        30_000,
        300,
      );
      const now = (await status()).find((t) => t.table === `${table}_REALTIME`)!;
      const was = before.get(`${table}_REALTIME`)!;
      // Pinot's JSON decoder: "[1,2,3]" and "just a string" are not records either.
      expect(now.malformed - was.malformed, `${table} malformed`).toBe(BAD_VALUES.length);
      // continueOnError=true (the project's table configs): unconvertible values become the column default, counted.
      expect(now.failed - was.failed + (now.incomplete - was.incomplete), `${table} wrong types`).toBeGreaterThanOrEqual(1);
    }
    // The problems are visible to the dashboard's data source too: Pinot still answers and the broker is healthy.
    expect((await fetch(`${stack.pinot.brokerUrl}/health`)).status).toBe(200);
  });
});
