/**
 * The JDBC source (`io.confluent.connect.jdbc.JdbcSourceConnector`) against Confluent's documentation and source,
 * mode by mode. Confluent's plugin is not on Maven Central, so no real one runs here (test/conformance/README.md):
 * each expectation below names the documented behaviour it checks, from the connector's docs
 * (docs.confluent.io/kafka-connectors/jdbc, "JDBC Source Connector" and its configuration reference) or, where the
 * docs are silent, from its 10.7 source (github.com/confluentinc/kafka-connect-jdbc, tag v10.7.6: JdbcSourceTask,
 * TimestampIncrementingTableQuerier, TimestampTableQuerier, BulkTableQuerier, TimestampIncrementingCriteria,
 * TimestampIncrementingOffset, TableMonitorThread, JdbcSourceConnector, JdbcSourceConnectorConfig,
 * GenericDatabaseDialect). Our worker runs on our embedded Kafka (one broker) and reads the run's private MariaDB;
 * topics (and the worker's offsets topic, with the `__connect.source.offset` header our worker adds to each
 * record: the record's source offset) are read with kafkajs.
 */
import { Kafka, logLevel } from 'kafkajs';
import mysql, { type Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startConnect, type ConnectHandle } from '../../embedded/connect/index.ts';
import { readRanges, topicRanges, type TopicMessage } from '../../embedded/common/topic-reader.ts';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { startNodeScript } from '../faults/processes.ts';
import { startTestCluster, waitFor } from '../support/kafka.ts';
import { createTestDatabase, type TestDatabase } from '../support/mariadb.ts';

const CLASS = 'io.confluent.connect.jdbc.JdbcSourceConnector';
const TOPICS = { configs: 'jdbc-configs', offsets: 'jdbc-offsets', status: 'jdbc-status' };

let cluster: KafkaCluster;
let kafka: Kafka;
let db: TestDatabase;
let pool: Pool;
let connect: ConnectHandle;

function startWorker(): Promise<ConnectHandle> {
  return startConnect({
    port: 0,
    host: '127.0.0.1',
    bootstrap: cluster.bootstrap(),
    topics: TOPICS,
    internalPartitions: { configs: 1, offsets: 5, status: 3 },
  });
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${connect.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** The connector config every test starts from: the run's database, JSON with schemas (the record's `schema` is compared). */
function config(overrides: Record<string, string>): Record<string, string> {
  const u = new URL(db.url);
  return {
    'connector.class': CLASS,
    'tasks.max': '1',
    'connection.url': `jdbc:mysql://${u.hostname}:${u.port || 3306}/${db.name}`,
    'connection.user': decodeURIComponent(u.username) || 'root',
    'connection.password': decodeURIComponent(u.password),
    'poll.interval.ms': '100',
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'true',
    ...overrides,
  };
}

async function create(name: string, overrides: Record<string, string>): Promise<void> {
  const res = await api('PUT', `/connectors/${name}/config`, config(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function remove(name: string): Promise<void> {
  expect((await api('DELETE', `/connectors/${name}`)).status).toBe(204);
}

/** Waits until the connector's tasks are all in `state` (and it has some); returns its status. */
async function taskState(name: string, state: string): Promise<any> {
  return waitFor(
    `${name} tasks ${state}`,
    async () => {
      const s = await api('GET', `/connectors/${name}/status`);
      return s.status === 200 && s.body.tasks.length > 0 && s.body.tasks.every((t: { state: string }) => t.state === state) ? s.body : undefined;
    },
    30_000,
    100,
  );
}

interface Record_ {
  key: unknown;
  schema: any;
  payload: any;
  /** The record's source offset (our worker's `__connect.source.offset` header: [connector, partition, offset]). */
  sourceOffset: unknown;
}

async function messages(topic: string): Promise<TopicMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return [];
    return await readRanges(kafka, new Map([[topic, await topicRanges(admin, topic)]]), 30_000, 'jdbc-conformance');
  } finally {
    await admin.disconnect();
  }
}

async function records(topic: string): Promise<Record_[]> {
  return (await messages(topic)).map((m) => {
    const value = m.value === null ? null : JSON.parse(m.value.toString('utf8'));
    const header = m.headers['__connect.source.offset'];
    return {
      key: m.key === null ? null : JSON.parse(m.key.toString('utf8')),
      schema: value?.schema,
      payload: value?.payload,
      sourceOffset: header === undefined ? undefined : JSON.parse(header.toString('utf8'))[2],
    };
  });
}

/** Waits until `topic` holds at least `n` records; returns them. */
async function atLeast(topic: string, n: number): Promise<Record_[]> {
  let have: Record_[] = [];
  return waitFor(
    `${n} records in ${topic}`,
    async () => {
      have = await records(topic);
      return have.length >= n ? have : undefined;
    },
    30_000,
    200,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; have ${have.length}: ${JSON.stringify(have.map((r) => r.payload))}`);
  });
}

/** The worker's offsets topic as raw key -> value texts, in write order (a tombstone's value is null). */
async function offsetRecords(connector: string): Promise<{ key: string; value: string | null }[]> {
  return (await messages(TOPICS.offsets))
    .map((m) => ({ key: m.key!.toString('utf8'), value: m.value === null ? null : m.value.toString('utf8') }))
    .filter((r) => JSON.parse(r.key)[0] === connector);
}

/** Milliseconds since the epoch of a UTC "YYYY-MM-DD hh:mm:ss[.fff]" text (how the JDBC source reads DATETIME with db.timezone UTC). */
function utcMillis(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

beforeAll(async () => {
  // one partition per topic: the records' order is the order the connector sent them (its keys are null)
  cluster = await startTestCluster({ brokers: 1, defaultReplicationFactor: 1, defaultPartitions: 1 });
  kafka = new Kafka({ clientId: 'jdbc-conformance', brokers: [cluster.bootstrap()], logLevel: logLevel.NOTHING });
  db = await createTestDatabase(inject('mysqlUrl'), 'jdbc_source');
  // one connection, its session in UTC: DATETIME/TIMESTAMP literals and NOW() read as the connector's UTC session does
  pool = mysql.createPool({ uri: db.url, connectionLimit: 1, timezone: 'Z' });
  pool.on('connection', (c) => {
    c.query("SET time_zone = '+00:00'");
  });
  connect = await startWorker();
}, 120_000);

afterAll(async () => {
  await connect?.stop();
  await pool?.end();
  await db?.drop();
  await cluster?.stop();
});

describe("JDBC source connector, checked against Confluent's documentation and source", () => {
  it('the record: schema named after the table, each column type as the MySQL dialect maps it, payload', async () => {
    await pool.query(`CREATE TABLE typed (
      id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, big BIGINT, price DECIMAL(10,2), name VARCHAR(100) NOT NULL, notes TEXT,
      at DATETIME(3), stamp TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), day DATE, flag BOOLEAN, wide INT UNSIGNED)`);
    await pool.query(`INSERT INTO typed (big, price, name, notes, at, stamp, day, flag, wide) VALUES
      (9007199254740993, 19.99, 'first', 'some text', '2024-03-01 10:00:00.250', '2024-03-01 10:00:00.500', '2024-03-01', TRUE, 4000000000),
      (NULL, -0.05, 'second', NULL, NULL, '1999-12-31 23:59:59.000', NULL, NULL, NULL)`);
    // numeric.mapping=best_fit: documented for NUMERIC columns; MySQL reports DECIMAL (JDBC DECIMAL, not NUMERIC),
    // so the DECIMAL column stays Decimal (GenericDatabaseDialect.addFieldToSchema; kafka-connect-jdbc issue #563).
    await create('types', {
      'table.whitelist': 'typed',
      mode: 'incrementing',
      'incrementing.column.name': '',
      'topic.prefix': 'types_',
      'numeric.mapping': 'best_fit',
    });
    const [first, second] = await atLeast('types_typed', 2);
    // Docs: "the schema name is the table name" (SchemaMapping.create(tableName…)); a struct, not optional; the key is null.
    expect(first!.key).toBeNull();
    const logical = (name: string) => ({ name: `org.apache.kafka.connect.data.${name}`, version: 1 });
    expect(first!.schema).toEqual({
      type: 'struct',
      optional: false,
      name: 'typed',
      fields: [
        // NOT NULL -> required, NULL -> optional (ResultSetMetaData.isNullable)
        { field: 'id', type: 'int32', optional: false },
        { field: 'big', type: 'int64', optional: true },
        // DECIMAL -> Connect Decimal (bytes), scale and precision as parameters
        { field: 'price', type: 'bytes', optional: true, ...logical('Decimal'), parameters: { scale: '2', 'connect.decimal.precision': '10' } },
        { field: 'name', type: 'string', optional: false },
        { field: 'notes', type: 'string', optional: true },
        // DATETIME and TIMESTAMP are JDBC TIMESTAMP -> Connect Timestamp (timestamp.granularity=connect_logical)
        { field: 'at', type: 'int64', optional: true, ...logical('Timestamp') },
        { field: 'stamp', type: 'int64', optional: false, ...logical('Timestamp') },
        { field: 'day', type: 'int32', optional: true, ...logical('Date') },
        // BOOLEAN is TINYINT(1), which Connector/J reports as JDBC BIT -> int8
        { field: 'flag', type: 'int8', optional: true },
        // INT UNSIGNED widens to int64 (isSignedNumber false)
        { field: 'wide', type: 'int64', optional: true },
      ],
    });
    // Payload: Decimal as the unscaled value's big-endian two's complement bytes (base64 in JSON), Timestamp as
    // epoch millis, Date as days since the epoch, int8 1/0 for BOOLEAN, NULL as null.
    const unscaled = (n: bigint) => Buffer.from(n.toString(16).padStart(4, '0'), 'hex').toString('base64');
    expect(first!.payload).toEqual({
      id: 1,
      big: 9007199254740993,
      price: unscaled(1999n),
      name: 'first',
      notes: 'some text',
      at: utcMillis('2024-03-01 10:00:00.250'),
      stamp: utcMillis('2024-03-01 10:00:00.500'),
      day: utcMillis('2024-03-01 00:00:00') / 86_400_000,
      flag: 1,
      wide: 4_000_000_000,
    });
    expect(second!.payload).toMatchObject({
      id: 2,
      big: null,
      price: Buffer.from([0xfb]).toString('base64'),
      notes: null,
      at: null,
      day: null,
      flag: null,
      wide: null,
    });
    await remove('types');
  });

  it('incrementing: new rows only (not updates or deletes); offset {"incrementing":N} under {"protocol":"1","table":"db.table"}; a restart resumes after it', async () => {
    await pool.query('CREATE TABLE inc (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20) NOT NULL)');
    await pool.query("INSERT INTO inc (v) VALUES ('a'), ('b'), ('c')");
    await create('inc', { 'table.whitelist': 'inc', mode: 'incrementing', 'incrementing.column.name': 'id', 'topic.prefix': 'inc_' });
    await atLeast('inc_inc', 3);
    // Docs (incrementing): "detects only new rows"; updates to existing rows and deletes are not captured.
    await pool.query("UPDATE inc SET v = 'changed' WHERE id = 1");
    await pool.query('DELETE FROM inc WHERE id = 2');
    await pool.query("INSERT INTO inc (v) VALUES ('d')");
    const all = await atLeast('inc_inc', 4);
    expect(all.map((r) => [r.payload.id, r.payload.v])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
      [4, 'd'],
    ]);
    // Each record's source offset is its id (TimestampIncrementingOffset.toMap: only "incrementing" in this mode).
    expect(all.map((r) => r.sourceOffset)).toEqual([{ incrementing: 1 }, { incrementing: 2 }, { incrementing: 3 }, { incrementing: 4 }]);
    // The worker stops cleanly (offsets committed) and starts again: the task resumes from its offset (JdbcSourceTask
    // reads the offset of its partition at start), so nothing is sent again; a row written meanwhile follows.
    await connect.stop();
    await pool.query("INSERT INTO inc (v) VALUES ('while stopped')");
    connect = await startWorker();
    await taskState('inc', 'RUNNING');
    await pool.query("INSERT INTO inc (v) VALUES ('after')");
    const after = await waitFor(
      'row 6 in inc_inc',
      async () => {
        const r = await records('inc_inc');
        return r.some((x) => x.payload.id === 6) ? r : undefined;
      },
      30_000,
      200,
    );
    expect(after.map((r) => r.payload.id)).toEqual([1, 2, 3, 4, 5, 6]);
    // The offsets topic, as Connect writes it: key [connector, source partition], value the offset map, with the
    // keys in the order Java's HashMap gives them (protocol before table).
    const committed = await waitFor(
      'offset 6 committed (offset.flush.interval.ms)',
      async () => {
        const last = (await offsetRecords('inc')).at(-1);
        return last?.value === '{"incrementing":6}' ? last : undefined;
      },
      10_000,
      200,
    );
    expect(committed.key).toBe(`["inc",{"protocol":"1","table":"${db.name}.inc"}]`);
    // Connect's topic tracking (KIP-558), kept across the restart: the topics the connector has written to
    expect((await api('GET', '/connectors/inc/topics')).body).toEqual({ inc: { topics: ['inc_inc'] } });
    await remove('inc');
  });

  it('timestamp: new and updated rows; the offset moves to a timestamp only once all its rows were read; timestamp.delay.interval.ms holds back recent rows', async () => {
    await pool.query('CREATE TABLE ts (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL, changed DATETIME(6) NOT NULL)');
    await pool.query(`INSERT INTO ts VALUES (1, 'a', '2024-01-01 00:00:01.000001'), (2, 'b', '2024-01-01 00:00:02.000002'),
      (3, 'c', '2024-01-01 00:00:02.000002'), (4, 'd', '2024-01-01 00:00:03.000003')`);
    await create('ts', { 'table.whitelist': 'ts', mode: 'timestamp', 'timestamp.column.name': 'changed', 'topic.prefix': 'ts_' });
    const first = await atLeast('ts_ts', 4);
    // Query: WHERE changed > offset AND changed < now ORDER BY changed (TimestampIncrementingCriteria.timestampWhereClause).
    expect(first.map((r) => r.payload.id)).toEqual([1, 2, 3, 4]);
    // TimestampTableQuerier: a row's offset becomes its timestamp only when the next row is later (or it is the last
    // row read); row 2 shares its timestamp with row 3, so it carries row 1's. Offset keys: timestamp_nanos, timestamp.
    const at = (text: string, nanos: number) => ({ timestamp_nanos: nanos, timestamp: utcMillis(text) });
    expect(first.map((r) => r.sourceOffset)).toEqual([
      at('2024-01-01 00:00:01', 1_000),
      at('2024-01-01 00:00:01', 1_000),
      at('2024-01-01 00:00:02', 2_000),
      at('2024-01-01 00:00:03', 3_000),
    ]);
    // Docs (timestamp): "detects new and modified rows"; an update that moves the timestamp is sent again, a delete is not seen.
    await pool.query("UPDATE ts SET v = 'a2', changed = '2024-01-01 00:00:04.000004' WHERE id = 1");
    await pool.query('DELETE FROM ts WHERE id = 4');
    const updated = await atLeast('ts_ts', 5);
    expect(updated.map((r) => [r.payload.id, r.payload.v])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
      [4, 'd'],
      [1, 'a2'],
    ]);
    await waitFor(
      'the offset of the update committed',
      async () => {
        const last = (await offsetRecords('ts')).at(-1);
        return last?.value === `{"timestamp_nanos":4000,"timestamp":${utcMillis('2024-01-01 00:00:04')}}` ? true : undefined;
      },
      10_000,
      200,
    );
    expect((await offsetRecords('ts')).at(-1)!.key).toBe(`["ts",{"protocol":"1","table":"${db.name}.ts"}]`);
    await remove('ts');

    // timestamp.delay.interval.ms: "How long to wait after a row with certain timestamp appears before we include
    // it in the result" — the query's upper bound is the database's time minus the delay.
    await pool.query('CREATE TABLE held (id INT NOT NULL PRIMARY KEY, changed DATETIME(6) NOT NULL)');
    await pool.query('INSERT INTO held VALUES (1, NOW(6) - INTERVAL 2 HOUR), (2, NOW(6))');
    await create('delayed', {
      'table.whitelist': 'held',
      mode: 'timestamp',
      'timestamp.column.name': 'changed',
      'topic.prefix': 'd_',
      'timestamp.delay.interval.ms': '3600000',
    });
    const held = await atLeast('d_held', 1);
    // Both rows existed before the first query: the one query that returned row 1 left row 2 out.
    expect(held.map((r) => r.payload.id)).toEqual([1]);
    await remove('delayed');
  });

  it('db.timezone: DATETIME and TIME read, and timestamp criteria compared, in that zone; DATE in UTC', async () => {
    // Docs: db.timezone is the "Name of the JDBC timezone used in the connector when querying with time-based
    // criteria"; the 10.7.6 source reads every JDBC TIMESTAMP and TIME with a Calendar of it
    // (GenericDatabaseDialect: rs.getTimestamp(col, cal), rs.getTime(col, cal)), binds the criteria with it
    // (TimestampIncrementingCriteria: stmt.setTimestamp(i, ts, cal)), and reads DATE in UTC (its dateTimeZone).
    // January: America/New_York is UTC-5 all day. (A TIMESTAMP column is not checked here: Connector/J 8 keeps its
    // instant through its own connection time zone, which depends on the JVM; README.md.)
    await pool.query('CREATE TABLE zoned (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, changed DATETIME(6) NOT NULL, at_time TIME, day DATE)');
    await pool.query("INSERT INTO zoned (changed, at_time, day) VALUES ('2024-01-15 10:00:00.123456', '10:00:00', '2024-01-15')");
    await create('zoned', {
      'table.whitelist': 'zoned',
      mode: 'timestamp',
      'timestamp.column.name': 'changed',
      'topic.prefix': 'zoned_',
      'db.timezone': 'America/New_York',
    });
    const [first] = await atLeast('zoned_zoned', 1);
    // The wall clock 10:00 read in New York is 15:00 UTC; TIME 10:00 is 15:00 UTC on 1970-01-01; DATE stays the day.
    expect(first!.payload).toEqual({
      id: 1,
      changed: utcMillis('2024-01-15 15:00:00.123'),
      at_time: 15 * 3_600_000,
      day: utcMillis('2024-01-15 00:00:00') / 86_400_000,
    });
    // The offset is the instant (TimestampIncrementingOffset: getTime() and getNanos()).
    expect(first!.sourceOffset).toEqual({ timestamp_nanos: 123_456_000, timestamp: utcMillis('2024-01-15 15:00:00.123') });
    // The next query binds that offset as New York's wall clock (10:00:00.123456): a row at 12:00 is later (read as
    // UTC, the offset would be 15:00 and the row left out); the first row is not read again.
    await pool.query("INSERT INTO zoned (changed) VALUES ('2024-01-15 12:00:00'), ('2024-01-15 13:30:00.5')");
    const all = await atLeast('zoned_zoned', 3);
    expect(all.map((r) => [r.payload.id, r.payload.changed])).toEqual([
      [1, utcMillis('2024-01-15 15:00:00.123')],
      [2, utcMillis('2024-01-15 17:00:00')],
      [3, utcMillis('2024-01-15 18:30:00.500')],
    ]);
    await waitFor(
      'the offset of row 3 committed',
      async () => {
        const last = (await offsetRecords('zoned')).at(-1);
        return last?.value === `{"timestamp_nanos":500000000,"timestamp":${utcMillis('2024-01-15 18:30:00.500')}}` ? true : undefined;
      },
      10_000,
      200,
    );
    await remove('zoned');
  });

  it('timestamp.granularity: connect_logical, nanos_long, nanos_string, nanos_iso_datetime_string (schema and value), the offsets alike', async () => {
    // Docs (timestamp.granularity): "connect_logical (default): represents timestamp values using Kafka Connect's
    // built-in representations; nanos_long: ... as nanos since epoch; nanos_string: ... as nanos since epoch in
    // string; nanos_iso_datetime_string: uses iso format 'yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'". Source
    // (JdbcSourceConnectorConfig.TimestampGranularity, DateTimeUtils): nanos_long is an int64 without a logical
    // name, the strings are strings, optional as the column; the ISO form is the instant in db.timezone.
    await pool.query('CREATE TABLE gran (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, changed DATETIME(6) NOT NULL, opt TIMESTAMP(6) NULL)');
    await pool.query("INSERT INTO gran (changed, opt) VALUES ('2024-01-15 10:00:00.123456', NULL)");
    const epochNanos = BigInt(Date.UTC(2024, 0, 15, 15, 0, 0) / 1000) * 1_000_000_000n + 123_456_000n;
    const expected = {
      connect_logical: {
        schema: { type: 'int64', name: 'org.apache.kafka.connect.data.Timestamp', version: 1 },
        raw: String(utcMillis('2024-01-15 15:00:00.123')),
      },
      nanos_long: { schema: { type: 'int64' }, raw: String(epochNanos) },
      nanos_string: { schema: { type: 'string' }, raw: `"${epochNanos}"` },
      nanos_iso_datetime_string: { schema: { type: 'string' }, raw: '"2024-01-15T10:00:00.123456000"' },
    };
    for (const [granularity, { schema, raw }] of Object.entries(expected)) {
      const name = `gran-${granularity.replace(/_/g, '-')}`;
      const topic = `g_${granularity}_gran`;
      await create(name, {
        'table.whitelist': 'gran',
        mode: 'timestamp',
        'timestamp.column.name': 'changed',
        'topic.prefix': `g_${granularity}_`,
        'db.timezone': 'America/New_York',
        'timestamp.granularity': granularity,
      });
      const [record] = await atLeast(topic, 1);
      const fields = record!.schema.fields as { field: string }[];
      expect(
        fields.find((f) => f.field === 'changed'),
        granularity,
      ).toEqual({ field: 'changed', optional: false, ...schema });
      expect(
        fields.find((f) => f.field === 'opt'),
        granularity,
      ).toEqual({ field: 'opt', optional: true, ...schema });
      expect(record!.payload.opt, granularity).toBeNull();
      // the value's exact text (nanos_long is past 2^53, which JSON.parse would round)
      const [message] = await messages(topic);
      expect(message!.value!.toString('utf8'), granularity).toContain(`"changed":${raw},`);
      // The offset is the same instant whatever the granularity (TimestampIncrementingCriteria.extractOffsetTimestamp
      // turns the field back into a Timestamp).
      expect(record!.sourceOffset, granularity).toEqual({ timestamp_nanos: 123_456_000, timestamp: utcMillis('2024-01-15 15:00:00.123') });
      await remove(name);
    }
  });

  it('timestamp+incrementing: new and updated rows, rows of one timestamp in id order; offset {"timestamp_nanos","incrementing","timestamp"}; restart without duplicates', async () => {
    await pool.query('CREATE TABLE tsi (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20) NOT NULL, changed DATETIME(3) NOT NULL)');
    await pool.query(
      `INSERT INTO tsi (v, changed) VALUES ('a', '2024-01-01 00:00:05.000'), ('b', '2024-01-01 00:00:01.000'), ('c', '2024-01-01 00:00:01.000')`,
    );
    await create('tsi', {
      'table.whitelist': 'tsi',
      mode: 'timestamp+incrementing',
      'timestamp.column.name': 'changed',
      'incrementing.column.name': 'id',
      'topic.prefix': 'tsi_',
    });
    // ORDER BY changed, id (TimestampIncrementingCriteria.timestampIncrementingWhereClause)
    const first = await atLeast('tsi_tsi', 3);
    expect(first.map((r) => r.payload.id)).toEqual([2, 3, 1]);
    const off = (text: string, id: number) => ({ timestamp_nanos: 0, incrementing: id, timestamp: utcMillis(text) });
    expect(first.map((r) => r.sourceOffset)).toEqual([off('2024-01-01 00:00:01', 2), off('2024-01-01 00:00:01', 3), off('2024-01-01 00:00:05', 1)]);
    // Docs: "uses two columns … to detect new and modified rows": an update with a later timestamp, and a new row
    // with the offset's timestamp and a higher id ((changed = ? AND id > ?) OR changed > ?), are both sent.
    await pool.query("UPDATE tsi SET v = 'b2', changed = '2024-01-01 00:00:06.000' WHERE id = 2");
    await pool.query("INSERT INTO tsi (v, changed) VALUES ('d', '2024-01-01 00:00:06.000')");
    const more = await atLeast('tsi_tsi', 5);
    expect(more.slice(3).map((r) => [r.payload.id, r.payload.v])).toEqual([
      [2, 'b2'],
      [4, 'd'],
    ]);
    await connect.stop();
    connect = await startWorker();
    await taskState('tsi', 'RUNNING');
    await pool.query("INSERT INTO tsi (v, changed) VALUES ('e', '2024-01-01 00:00:07.000')");
    const after = await waitFor(
      'row 5 in tsi_tsi',
      async () => {
        const r = await records('tsi_tsi');
        return r.some((x) => x.payload.id === 5) ? r : undefined;
      },
      30_000,
      200,
    );
    expect(after.map((r) => r.payload.id)).toEqual([2, 3, 1, 2, 4, 5]);
    await waitFor(
      'the last offset committed',
      async () => {
        const last = (await offsetRecords('tsi')).at(-1);
        return last?.value === `{"timestamp_nanos":0,"incrementing":5,"timestamp":${utcMillis('2024-01-01 00:00:07')}}` ? true : undefined;
      },
      10_000,
      200,
    );
    await remove('tsi');
  });

  it('bulk: the whole table on every poll (deleted rows gone); partition {"table":"<name>"}, no offset kept (a tombstone)', async () => {
    await pool.query('CREATE TABLE bulk (id INT NOT NULL PRIMARY KEY, v VARCHAR(20))');
    await pool.query("INSERT INTO bulk VALUES (1, 'a'), (2, 'b')");
    await create('bulk', { 'table.whitelist': 'bulk', mode: 'bulk', 'topic.prefix': 'bulk_', 'poll.interval.ms': '200' });
    // Docs (bulk): "perform a bulk load of the entire table each time it is polled".
    const twice = await atLeast('bulk_bulk', 4);
    expect(twice.slice(0, 4).map((r) => r.payload.id)).toEqual([1, 2, 1, 2]);
    // BulkTableQuerier: source partition {"table": unqualified name}, source offset null.
    expect(twice[0]!.sourceOffset).toBeNull();
    await pool.query('DELETE FROM bulk WHERE id = 1');
    await waitFor(
      'a poll without row 1',
      async () => {
        const r = await records('bulk_bulk');
        return r.length >= 2 && r.at(-1)!.payload.id === 2 && r.at(-2)!.payload.id === 2 ? true : undefined;
      },
      30_000,
      200,
    );
    // Connect commits the null offset: a tombstone under the partition's key (OffsetStorageWriter writes null values).
    const offsets = await waitFor(
      'the bulk partition in the offsets topic',
      async () => {
        const o = await offsetRecords('bulk');
        return o.length > 0 ? o : undefined;
      },
      10_000,
      200,
    );
    expect(new Set(offsets.map((o) => `${o.key} -> ${o.value}`))).toEqual(new Set(['["bulk",{"table":"bulk"}] -> null']));
    // poll.interval.ms: "Frequency in ms to poll for new data in each table". A bulk connector polling once an hour
    // sends the table once; the connector above, polling every 200 ms, is the clock: three more of its rounds
    // after the slow one's first, and the slow one has still sent just one.
    await create('hourly', { 'table.whitelist': 'bulk', mode: 'bulk', 'topic.prefix': 'hourly_', 'poll.interval.ms': '3600000' });
    await atLeast('hourly_bulk', 1);
    const rounds = (await records('bulk_bulk')).length;
    await atLeast('bulk_bulk', rounds + 3);
    expect((await records('hourly_bulk')).map((r) => r.payload.id)).toEqual([2]);
    await remove('hourly');
    await remove('bulk');
  });

  it('query mode (incrementing, timestamp, bulk): topic = topic.prefix, schema without a name, partition {"query":"query"}', async () => {
    await pool.query('CREATE TABLE q (id INT NOT NULL PRIMARY KEY, v VARCHAR(20), changed DATETIME(3) NOT NULL, extra INT)');
    await pool.query("INSERT INTO q VALUES (1, 'a', '2024-01-01 00:00:01', 7), (2, NULL, '2024-01-01 00:00:02', 8)");
    // Docs: "query: … the full name of the topic to publish to" is topic.prefix; the custom query's columns only.
    await create('q-inc', { query: 'SELECT id, v FROM q', mode: 'incrementing', 'incrementing.column.name': 'id', 'topic.prefix': 'q_inc' });
    await create('q-ts', { query: 'SELECT id, changed FROM q', mode: 'timestamp', 'timestamp.column.name': 'changed', 'topic.prefix': 'q_ts' });
    await create('q-bulk', { query: 'SELECT id FROM q', mode: 'bulk', 'topic.prefix': 'q_bulk' });
    const inc = await atLeast('q_inc', 2);
    // SchemaMapping.create(null, …) in query mode: the struct has no name
    expect(inc[0]!.schema).toEqual({
      type: 'struct',
      optional: false,
      fields: [
        { field: 'id', type: 'int32', optional: false },
        { field: 'v', type: 'string', optional: true },
      ],
    });
    expect(inc.map((r) => r.payload)).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: null },
    ]);
    expect(inc.map((r) => r.sourceOffset)).toEqual([{ incrementing: 1 }, { incrementing: 2 }]);
    const ts = await atLeast('q_ts', 2);
    expect(ts.map((r) => r.payload.id)).toEqual([1, 2]);
    const bulk = await atLeast('q_bulk', 2);
    expect(bulk[0]!.sourceOffset).toBeNull();
    await waitFor(
      'query partitions in the offsets topic',
      async () => {
        const keys = new Set([...(await offsetRecords('q-inc')), ...(await offsetRecords('q-ts')), ...(await offsetRecords('q-bulk'))].map((o) => o.key));
        return keys.size === 3 ? true : undefined;
      },
      10_000,
      200,
    );
    expect((await offsetRecords('q-inc')).at(-1)).toEqual({ key: '["q-inc",{"query":"query"}]', value: '{"incrementing":2}' });
    expect((await offsetRecords('q-bulk')).at(-1)).toEqual({ key: '["q-bulk",{"query":"query"}]', value: null });
    // validate.non.null is checked for tables only ("custom query mode doesn't allow this to be looked up")
    await pool.query('CREATE TABLE qnull (id INT NULL)');
    await pool.query('INSERT INTO qnull VALUES (1)');
    await create('q-null', { query: 'SELECT id FROM qnull', mode: 'incrementing', 'incrementing.column.name': 'id', 'topic.prefix': 'q_null' });
    expect((await atLeast('q_null', 1))[0]!.payload).toEqual({ id: 1 });
    // Docs (query): "in order to properly construct the incremental query, it must be possible to append a WHERE
    // clause to this query (i.e. no WHERE clauses may be used)": with one, the incremental modes fail; bulk appends nothing.
    const filtered = 'SELECT id, v FROM q WHERE extra > 7';
    await create('q-where', { query: filtered, mode: 'incrementing', 'incrementing.column.name': 'id', 'topic.prefix': 'q_where' });
    expect((await taskState('q-where', 'FAILED')).tasks[0].trace).toMatch(/SQL syntax/);
    await create('q-where-bulk', { query: filtered, mode: 'bulk', 'topic.prefix': 'q_where_bulk' });
    expect((await atLeast('q_where_bulk', 1))[0]!.payload).toEqual({ id: 2, v: null });
    for (const name of ['q-inc', 'q-ts', 'q-bulk', 'q-null', 'q-where', 'q-where-bulk']) await remove(name);
  });

  it('query.suffix comes last in the statement: a LIMIT there reads that many rows per query, each row once', async () => {
    await pool.query('CREATE TABLE suffixed (id INT NOT NULL PRIMARY KEY)');
    await pool.query('INSERT INTO suffixed VALUES (1), (2), (3)');
    // Docs: "query.suffix: Suffix to append at the end of the generated query."
    await create('suffixed', {
      'table.whitelist': 'suffixed',
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      'topic.prefix': 's_',
      'query.suffix': 'LIMIT 1',
    });
    expect((await atLeast('s_suffixed', 3)).map((r) => r.payload.id)).toEqual([1, 2, 3]);
    await remove('suffixed');
  });

  it('batch.max.rows pages a backlog: every row once, in order', async () => {
    await pool.query('CREATE TABLE backlog (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, changed DATETIME NOT NULL)');
    await pool.query(
      `INSERT INTO backlog (changed) VALUES ${Array.from({ length: 250 }, (_, i) => `('2024-01-01 00:00:${String(i % 60).padStart(2, '0')}')`).join(', ')}`,
    );
    // batch.max.rows: "Maximum number of rows to include in a single batch when polling for new data" — a limit per
    // poll, not on what is sent: the whole backlog arrives.
    await create('pages', {
      'table.whitelist': 'backlog',
      mode: 'timestamp+incrementing',
      'timestamp.column.name': 'changed',
      'incrementing.column.name': 'id',
      'topic.prefix': 'p_',
      'batch.max.rows': '7',
    });
    const all = await atLeast('p_backlog', 250);
    const expected = Array.from({ length: 250 }, (_, i) => i + 1).sort((a, b) => ((a - 1) % 60) - ((b - 1) % 60) || a - b);
    expect(all.map((r) => r.payload.id)).toEqual(expected);
    await remove('pages');
  });

  it("validate.non.null and missing columns fail the task at start with Confluent's messages", async () => {
    await pool.query('CREATE TABLE nullable (id INT NULL, changed DATETIME NULL)');
    const fails = async (name: string, overrides: Record<string, string>, trace: string) => {
      await create(name, { 'table.whitelist': 'nullable', 'topic.prefix': `${name}_`, ...overrides });
      const status = await taskState(name, 'FAILED');
      expect(status.tasks[0].trace.split('\n')[0]).toBe(trace);
      await remove(name);
    };
    const table = `\`${db.name}\`.\`nullable\``;
    // JdbcSourceTask.validateNonNullable (validate.non.null=true, the default)
    await fails(
      'nn-inc',
      { mode: 'incrementing', 'incrementing.column.name': 'id' },
      `org.apache.kafka.connect.errors.ConnectException: Cannot make incremental queries using incrementing column id on ${table} because this column is nullable.`,
    );
    await fails(
      'nn-ts',
      { mode: 'timestamp', 'timestamp.column.name': 'changed' },
      `org.apache.kafka.connect.errors.ConnectException: Cannot make incremental queries using timestamp columns changed on ${table} because all of these columns are nullable.`,
    );
    // JdbcSourceTask.validateColumnsExist
    await fails(
      'nn-col',
      { mode: 'incrementing', 'incrementing.column.name': 'nope' },
      'org.apache.kafka.common.config.ConfigException: Incrementing column: nope does not exist.',
    );
    await fails(
      'nn-tscol',
      { mode: 'timestamp', 'timestamp.column.name': 'nope,changed' },
      'org.apache.kafka.common.config.ConfigException: Timestamp columns: nope do not exist.',
    );
    // validate.non.null=false: "the JDBC connector will validate … NOT NULL … unless this is set to false"
    await pool.query('INSERT INTO nullable VALUES (1, NOW())');
    await create('nn-off', {
      'table.whitelist': 'nullable',
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      'validate.non.null': 'false',
      'topic.prefix': 'nn_off_',
    });
    expect((await atLeast('nn_off_nullable', 1))[0]!.payload.id).toBe(1);
    await remove('nn-off');
  });

  it("table.whitelist / table.include.list: the listed tables that exist, in the database's order, split over tasks.max; none -> the task is killed until one appears (table.poll.interval.ms); with a blacklist -> the connector fails", async () => {
    for (const t of ['wa', 'wb', 'wc']) {
      await pool.query(`CREATE TABLE ${t} (id INT NOT NULL PRIMARY KEY)`);
      await pool.query(`INSERT INTO ${t} VALUES (1)`);
    }
    // TableMonitorThread keeps the database's tables the list names (by name or qualified); a missing one is left out.
    await create('wl', { 'table.whitelist': `wc,${db.name}.wa,missing,wb`, mode: 'bulk', 'topic.prefix': 'wl_', 'tasks.max': '2' });
    await taskState('wl', 'RUNNING');
    const tasks = (await api('GET', '/connectors/wl/tasks')).body as { config: Record<string, string> }[];
    // ConnectorUtils.groupPartitions: contiguous groups; tables written as the dialect quotes them
    expect(tasks.map((t) => [t.config.tables, t.config['tables.fetched']])).toEqual([
      [`\`${db.name}\`.\`wa\`,\`${db.name}\`.\`wb\``, 'true'],
      [`\`${db.name}\`.\`wc\``, 'true'],
    ]);
    // Docs: topic = topic.prefix + table name
    for (const t of ['wa', 'wb', 'wc']) await atLeast(`wl_${t}`, 1);
    await remove('wl');
    await create('il', { 'table.include.list': 'wb', mode: 'bulk', 'topic.prefix': 'il_' });
    await atLeast('il_wb', 1);
    await remove('il');
    // JdbcSourceTask.start: no table assigned in table mode
    await create('none', { 'table.whitelist': 'missing', mode: 'bulk', 'topic.prefix': 'none_' });
    const none = await taskState('none', 'FAILED');
    expect(none.tasks[0].trace.split('\n')[0]).toMatch(
      /^org\.apache\.kafka\.common\.config\.ConfigException: Task is being killed because it was not assigned a table nor a query to execute\./,
    );
    await remove('none');
    // TableMonitorThread reads the table list again every table.poll.interval.ms; a table that appears reconfigures
    // the tasks ("may result in updated task configurations to start polling for data in added tables")
    await create('later', { 'table.whitelist': 'later', mode: 'bulk', 'topic.prefix': 'later_', 'table.poll.interval.ms': '300' });
    await taskState('later', 'FAILED');
    await pool.query('CREATE TABLE later (id INT NOT NULL PRIMARY KEY)');
    await pool.query('INSERT INTO later VALUES (1)');
    expect((await atLeast('later_later', 1))[0]!.payload).toEqual({ id: 1 });
    expect((await taskState('later', 'RUNNING')).tasks).toHaveLength(1);
    await remove('later');
    // JdbcSourceConnector.start: exclusive lists fail the connector (not a validation error)
    await create('both', { 'table.whitelist': 'wa', 'table.blacklist': 'wb', mode: 'bulk', 'topic.prefix': 'both_' });
    const both = await waitFor(
      'both FAILED',
      async () => {
        const s = await api('GET', '/connectors/both/status');
        return s.body?.connector?.state === 'FAILED' ? s.body : undefined;
      },
      30_000,
      100,
    );
    expect(both.connector.trace.split('\n')[0]).toBe('org.apache.kafka.connect.errors.ConnectException: table.whitelist and table.blacklist are exclusive.');
    await remove('both');
  });

  it('mode: missing -> "Query mode must be specified" on its four dependents (400); an unparsable value (a mode not in the list, a non-number, a non-boolean) -> the config parse fails: 500 with the ConfigException, on create and on validate', async () => {
    const base = config({ 'table.whitelist': 'wa', 'topic.prefix': 'm_' });
    const validated = await api('PUT', `/connector-plugins/${CLASS}/config/validate`, { ...base, name: 'm' });
    expect(validated.status).toBe(200);
    const errors = Object.fromEntries(
      (validated.body.configs as { value: { name: string; errors: string[] } }[])
        .filter((c) => c.value.errors.length > 0)
        .map((c) => [c.value.name, c.value.errors]),
    );
    // JdbcSourceConnectorConfig.ModeDependentsRecommender.visible throws for the mode "" (a valid value of `mode`)
    expect(errors).toEqual(
      Object.fromEntries(
        ['incrementing.column.name', 'timestamp.column.name', 'timestamp.initial', 'validate.non.null'].map((k) => [k, ['Query mode must be specified']]),
      ),
    );
    expect((await api('PUT', '/connectors/m/config', base)).status).toBe(400);
    // JdbcSourceConnector.validate (10.7.6) constructs JdbcSourceConnectorConfig, whose parse (ConfigDef.parse) throws a
    // ConfigException at the first value it cannot take: ValidString's message, or parseType's for a non-number INT.
    // Connect 3.7's AbstractHerder hands that exception to the request's callback and ConnectExceptionMapper answers
    // 500 {error_code, message}: POST/PUT /connectors with the ConfigException's message (HerderRequestHandler
    // rethrows the cause), the validate endpoint with the ExecutionException's, `<exception class>: <message>`
    // (ConnectorPluginsResource.validateConfigs does not unwrap it; both read in connect-runtime 3.7.2's classes).
    const unparsable = [
      {
        overrides: { mode: 'sometimes' },
        message: 'Invalid value sometimes for configuration mode: String must be one of: , bulk, timestamp, incrementing, timestamp+incrementing',
      },
      { overrides: { mode: 'bulk', 'poll.interval.ms': 'often' }, message: 'Invalid value often for configuration poll.interval.ms: Not a number of type INT' },
      {
        overrides: { mode: 'bulk', 'validate.non.null': 'maybe' },
        message: 'Invalid value maybe for configuration validate.non.null: Expected value to be either true or false',
      },
    ];
    for (const { overrides, message } of unparsable) {
      expect(await api('PUT', '/connectors/m/config', { ...base, ...overrides })).toEqual({ status: 500, body: { error_code: 500, message } });
      expect(await api('POST', '/connectors', { name: 'm', config: { ...base, ...overrides } })).toEqual({ status: 500, body: { error_code: 500, message } });
      expect(await api('PUT', `/connector-plugins/${CLASS}/config/validate`, { ...base, ...overrides, name: 'm' })).toEqual({
        status: 500,
        body: { error_code: 500, message: `org.apache.kafka.common.config.ConfigException: ${message}` },
      });
    }
    expect((await api('GET', '/connectors')).body).not.toContain('m');
  });

  it('a crash (SIGKILL) of the worker mid-stream: incrementing and timestamp+incrementing resume with no gap and no duplicate; timestamp with no gap, rows re-sent (at-least-once)', async () => {
    // Docs: the connector delivers at least once. TimestampIncrementingTableQuerier: with both columns each update has
    // a unique offset ("recovery can occur no matter when offsets were committed"); with timestamps only, "stream
    // offsets will not be unique so failures may cause duplicates": it sends again what follows its committed offset.
    await pool.query('CREATE TABLE stream (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, changed DATETIME(3) NOT NULL)');
    const topics = ['--config-topic', 'crash-configs', '--offset-topic', 'crash-offsets', '--status-topic', 'crash-status'];
    const start = () =>
      startNodeScript(
        'embedded/connect/cli.ts',
        ['--port', '0', '--bootstrap', cluster.bootstrap(), '--quiet', ...topics],
        /REST API ready at (http:\/\/\S+)/,
        60_000,
      );
    let worker = await start();
    try {
      const modes = {
        inc: { mode: 'incrementing', 'incrementing.column.name': 'id' },
        ts: { mode: 'timestamp', 'timestamp.column.name': 'changed' },
        tsi: { mode: 'timestamp+incrementing', 'incrementing.column.name': 'id', 'timestamp.column.name': 'changed' },
      };
      for (const [name, settings] of Object.entries(modes)) {
        const res = await fetch(`${worker.match[1]}/connectors/crash-${name}/config`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(config({ 'table.whitelist': 'stream', 'topic.prefix': `crash_${name}_`, ...settings })),
        });
        expect(res.status).toBe(201);
      }
      // Rows three to a timestamp, each three in one statement, every 5 ms, going on through the crash and 100 rows
      // past it. One statement: timestamp mode reads `ts > last` and so, as the docs warn, misses a row committed
      // after a poll that already read others of its timestamp; that is the mode's limit, not the crash's.
      let written = 0;
      let stopAt = Number.POSITIVE_INFINITY;
      const writer = (async () => {
        while (written < stopAt) {
          const second = written / 3;
          await pool.query(
            "INSERT INTO stream (changed) VALUES ('2024-01-01 00:00:00' + INTERVAL ? SECOND), ('2024-01-01 00:00:00' + INTERVAL ? SECOND), ('2024-01-01 00:00:00' + INTERVAL ? SECOND)",
            [second, second, second],
          );
          written += 3;
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      try {
        await waitFor(
          'every mode part-way through the stream',
          async () => {
            const counts = await Promise.all(Object.keys(modes).map(async (name) => (await messages(`crash_${name}_stream`)).length));
            return counts.every((c) => c >= 30) ? counts : undefined;
          },
          60_000,
          100,
        );
        await worker.kill9();
      } finally {
        stopAt = written + 100;
      }
      await writer;
      const total = written;
      worker = await start();
      const [marker] = (await pool.query("INSERT INTO stream (changed) VALUES ('2024-06-01 00:00:00')")) as unknown as [{ insertId: number }];
      for (const name of Object.keys(modes)) {
        const all = await waitFor(
          `the marker in crash_${name}_stream`,
          async () => {
            const r = await records(`crash_${name}_stream`);
            return r.some((x) => x.payload.id === marker.insertId) ? r : undefined;
          },
          60_000,
          200,
        );
        const counts = new Map<number, number>();
        for (const r of all) counts.set(r.payload.id, (counts.get(r.payload.id) ?? 0) + 1);
        const ids = Array.from({ length: total }, (_, i) => i + 1);
        const missing = ids.filter((id) => !counts.has(id));
        const twice = ids.filter((id) => counts.get(id)! > 1);
        console.log(
          `[jdbc-conformance] crash, ${modes[name as keyof typeof modes].mode}: ${total} rows, ${missing.length} missing, ${twice.length} sent twice`,
        );
        expect(missing, `${name}: rows never sent`).toEqual([]);
        if (name !== 'ts') expect(twice, `${name}: rows sent twice`).toEqual([]);
      }
    } finally {
      await worker.kill9();
    }
  }, 180_000);
});
