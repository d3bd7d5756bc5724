/**
 * ASSERT TOPIC / ASSERT SCHEMA as ksqlDB documents and answers them: the statement's grammar, the
 * checks (a topic's existence, its PARTITIONS and REPLICAS), the retry until TIMEOUT, and the REST
 * answers: an assert_topic / assert_schema entity, or 417 with error code 41700 and ksqlDB's message.
 * The topics live on a real (embedded) Kafka cluster; one is created while an assertion waits for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { topicAssertionFailure, type TopicAssertion } from '../../embedded/ksqldb/assertions.ts';
import { startKsqlDb, type KsqlDbHandle } from '../../embedded/ksqldb/index.ts';
import { parseStatements } from '../../embedded/ksqldb/parser/parser.ts';
import { kafkaClient, startTestCluster } from '../support/kafka.ts';
import { postJson } from './pipeline-support.ts';

type J = Record<string, any>;

describe('ASSERT statements: grammar', () => {
  it('parses ASSERT [NOT EXISTS] TOPIC with properties and a timeout, names as identifiers or strings', () => {
    expect(parseStatements('ASSERT TOPIC clicks WITH (PARTITIONS=3, replicas=1) TIMEOUT 5 SECONDS;')[0]).toMatchObject({
      kind: 'assertTopic',
      topic: 'CLICKS',
      exists: true,
      props: { PARTITIONS: { value: 3 }, REPLICAS: { value: 1 } },
      timeoutMs: 5000,
    });
    expect(parseStatements("ASSERT NOT EXISTS TOPIC 'lower_case';")[0]).toMatchObject({
      kind: 'assertTopic',
      topic: 'lower_case',
      exists: false,
      timeoutMs: undefined,
    });
  });

  it('parses ASSERT [NOT EXISTS] SCHEMA with a subject, an id or both', () => {
    expect(parseStatements("ASSERT SCHEMA SUBJECT 'clicks-value' ID 12 TIMEOUT 2 SECONDS;")[0]).toMatchObject({
      kind: 'assertSchema',
      subject: 'clicks-value',
      id: 12,
      exists: true,
      timeoutMs: 2000,
    });
    expect(parseStatements('ASSERT NOT EXISTS SCHEMA ID 3;')[0]).toMatchObject({ kind: 'assertSchema', subject: undefined, id: 3, exists: false });
    expect(() => parseStatements('ASSERT SCHEMA TIMEOUT 1 SECOND;')).toThrow('ASSERT SCHEMA statements much include a subject name or an id');
    expect(() => parseStatements("ASSERT SCHEMA ID 'x';")).toThrow('ID must be an integer');
  });

  it("rejects the test-only ASSERT VALUES with ksqlDB's syntax error", () => {
    expect(() => parseStatements('ASSERT VALUES foo (id INT) VALUES (123);')).toThrow("Syntax error at or near 'VALUES' at line 1:8");
  });
});

describe('ASSERT TOPIC: the check', () => {
  const a = (over: Partial<TopicAssertion>): TopicAssertion => ({ kind: 'topic', topic: 't', exists: true, properties: {}, timeoutMs: 0, ...over });
  const topics = [{ name: 't', replicaInfo: [1, 1, 1] }];
  it('holds, or names what differs as ksqlDB does', () => {
    expect(topicAssertionFailure(a({}), topics)).toBeUndefined();
    expect(topicAssertionFailure(a({ properties: { PARTITIONS: 3, REPLICAS: 1 } }), topics)).toBeUndefined();
    expect(topicAssertionFailure(a({ topic: 'u' }), topics)).toBe('Topic u does not exist');
    expect(topicAssertionFailure(a({ exists: false }), topics)).toBe('Topic t exists');
    expect(topicAssertionFailure(a({ exists: false, topic: 'u', properties: { PARTITIONS: 9 } }), topics)).toBeUndefined();
    expect(topicAssertionFailure(a({ properties: { PARTITIONS: 2, REPLICAS: 3, CLEANUP_POLICY: 'compact' } }), topics)).toBe(
      [
        'Mismatched configuration for topic t: For config partitions, expected 2 got 3',
        'Mismatched configuration for topic t: For config replicas, expected 3 got 1',
        'Cannot assert unknown topic property: CLEANUP_POLICY',
      ].join('\n'),
    );
  });
});

describe('ASSERT statements over REST', () => {
  let cluster: KafkaCluster;
  let server: KsqlDbHandle;
  const ksql = async (text: string) => postJson(`${server.url}/ksql`, { ksql: text });

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
    server = await startKsqlDb({ port: 0, bootstrap: cluster.bootstrap() });
    const admin = kafkaClient(cluster).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'present', numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
  });

  afterAll(async () => {
    await server?.stop();
    await cluster?.stop();
  });

  it('answers assert_topic when the topic is there (and its properties match)', async () => {
    const r = await ksql("ASSERT TOPIC 'present' WITH (PARTITIONS=2, REPLICAS=1);");
    expect(r.status, r.text).toBe(200);
    expect(r.json()).toEqual([
      { '@type': 'assert_topic', statementText: "ASSERT TOPIC 'present' WITH (PARTITIONS=2, REPLICAS=1);", topicName: 'present', exists: true, warnings: [] },
    ]);
    const absent = await ksql("ASSERT NOT EXISTS TOPIC 'absent';");
    expect(absent.status, absent.text).toBe(200);
    expect((absent.json() as J[])[0]).toMatchObject({ '@type': 'assert_topic', topicName: 'absent', exists: false });
  });

  it('answers 417 with the reason once the timeout has passed', async () => {
    const started = Date.now();
    const r = await ksql("ASSERT TOPIC 'absent' TIMEOUT 500 MILLISECONDS;");
    expect(r.status, r.text).toBe(417);
    expect(r.json()).toEqual({ '@type': 'generic_error', error_code: 41700, message: 'Topic absent does not exist' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    const mismatch = await ksql("ASSERT TOPIC 'present' WITH (PARTITIONS=5) TIMEOUT 0 SECONDS;");
    expect(mismatch.status, mismatch.text).toBe(417);
    expect((mismatch.json() as J).message).toBe('Mismatched configuration for topic present: For config partitions, expected 5 got 2');
  });

  it('waits for a topic created while it is asserted', async () => {
    const asserted = ksql("ASSERT TOPIC 'arriving' TIMEOUT 20 SECONDS;");
    const admin = kafkaClient(cluster).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'arriving', numPartitions: 1, replicationFactor: 1 }] });
    await admin.disconnect();
    const r = await asserted;
    expect(r.status, r.text).toBe(200);
    expect((r.json() as J[])[0]).toMatchObject({ '@type': 'assert_topic', topicName: 'arriving', exists: true });
  });

  it('ASSERT SCHEMA fails as ksqlDB without a schema registry does', async () => {
    const r = await ksql("ASSERT NOT EXISTS SCHEMA SUBJECT 'x-value' TIMEOUT 0 SECONDS;");
    expect(r.status, r.text).toBe(417);
    expect((r.json() as J).message).toBe(
      'Cannot check schema existence: KSQL is not configured to use a schema registry. To enable it, please set ksql.schema.registry.url',
    );
  });
});
