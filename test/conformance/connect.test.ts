/**
 * Kafka Connect conformance: our embedded Connect with its Debezium-compatible MySQL CDC source against a real
 * Kafka Connect worker with real Debezium (reference/connect/: Connect 3.7.2 + Debezium 2.7.4.Final's
 * MySqlConnector), both on one real Kafka 4.1.1, both reading the run's private MariaDB (row binlog). The same
 * connector configs are posted to both (each its own topic prefix and server id), then one workload runs (snapshot
 * of existing rows; inserts, multi-row statements, updates, deletes; a transaction touching two tables; NULLs and
 * the column types the scenarios use; ALTER TABLE ADD COLUMN; a restart of both workers) and the topics are
 * compared record for record (record-diff.ts), then the REST API call by call. Every difference must be in an
 * expected-difference list below (id and reason, also in README.md); each listed one must still differ, so the
 * lists stay honest.
 *
 * Skipped, with the reason printed, when Java, Maven or the jars are missing (as the Kafka conformance suite).
 */
import { Kafka, logLevel } from 'kafkajs';
import mysql, { type Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it, type TestContext } from 'vitest';
import { loadCourseActivityConfig } from '../../config/scenarios/course-activity.ts';
import { REFERENCE_CDC_CLASS } from '../../reference/connect/index.ts';
import { cdcConnector } from '../../scenarios/course-activity/index.ts';
import { waitFor } from '../support/kafka.ts';
import { createTestDatabase, type TestDatabase } from '../support/mariadb.ts';
import { readTopic, restartConnectTargets, rest, startConnectTargets, type ConnectTargets } from './connect-targets.ts';
import { compareRecords, diffValues, type Difference, type TopicRecord } from './record-diff.ts';
import { normaliseAnswer } from './rest-answers.ts';

interface ExpectedDifference {
  id: string;
  reason: string;
  /** Matches the paths of compareRecords' differences it explains. */
  path: RegExp;
}

/** Differences of the envelope (schemas enabled) between real Debezium 2.7.4 and ours; README.md explains each. */
const ENVELOPE_DIFFERENCES: ExpectedDifference[] = [
  {
    id: 'DBZ-VERSION',
    reason: "source.version: ours names the Debezium of the docker stack's image (2.7.3.Final); the reference is 2.7.4.Final",
    path: / value\.payload\.source\.version$/,
  },
];

/** Differences of the schema change topics (topic.prefix; with schemas and without, as the unwrap connector writes them). */
const SCHEMA_CHANGE_DIFFERENCES: ExpectedDifference[] = [{ ...ENVELOPE_DIFFERENCES[0]!, path: / value(\.payload)?\.source\.version$/ }];

/** Differences of the course-activity scenario's unwrapped records (ExtractNewRecordState, schemas disabled). */
const UNWRAP_DIFFERENCES: ExpectedDifference[] = [];

/** Differences after both workers were stopped and started again mid-stream. */
const RESTART_DIFFERENCES: ExpectedDifference[] = [
  {
    id: 'DBZ-MARIADB-RESUME',
    reason:
      "Debezium's MySQL connector resuming on MariaDB skips the first row change after its committed offset (the one written while it was stopped); ours delivers it. Debezium's MariaDB connector (not served for 2.7) is the one made for MariaDB's binlog",
    path: /typed \{"id":9\} count$/,
  },
];

/** Differences of the workers' own topics (record kinds by key, and the fields of their values). */
const INTERNAL_TOPIC_DIFFERENCES: ExpectedDifference[] = [
  {
    id: 'DBZ-OFFSET-FORMAT',
    reason:
      "the source offsets: Debezium's {file, pos, row, server_id, ts_sec} (and an offset even after a no_data start), ours {file, pos, event, row} of the event group; each resumes from its own, they are not interchangeable",
    path: /^internal\.offsets\./,
  },
];

/** Differences of the REST API's answers (status codes and bodies, names and worker ids normalised). */
const REST_DIFFERENCES: ExpectedDifference[] = [
  {
    id: 'REST-PORT-ERRORS',
    reason: "a non-numeric database.port: Debezium reports two errors on it (Connect's type check and its own field check), ours one",
    path: /^bad config\.body\.(error_count|errors\.database\.port)$/,
  },
];

const log = (line: string) => console.log(`[connect-conformance] ${line}`);

let targets: ConnectTargets = { skipReason: 'not started', stop: async () => {} };
let db: TestDatabase | undefined;
let pool: Pool | undefined;

function ready(ctx: TestContext): Required<Pick<ConnectTargets, 'kafka' | 'reference' | 'ours'>> {
  if (!targets.kafka || !targets.reference || !targets.ours) ctx.skip(`reference Kafka Connect unavailable: ${targets.skipReason}`);
  return { kafka: targets.kafka!, reference: targets.reference!, ours: targets.ours! };
}

/** The two sides: the real worker (prefix `real`) and ours (prefix `ours`). */
const SIDES = [
  { side: 'reference', prefix: 'real', serverId: 7101 },
  { side: 'ours', prefix: 'ours', serverId: 7102 },
] as const;

function connection(): { host: string; port: number; user: string; password: string } {
  const url = new URL(db!.url);
  return { host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username || 'root'), password: decodeURIComponent(url.password) };
}

/** The envelope connector: Debezium's MySQL connector with the JSON converter writing schemas, as a consumer without a registry sees it. */
function envelopeConfig(prefix: string, serverId: number, bootstrap: string): Record<string, string> {
  const c = connection();
  return {
    'connector.class': REFERENCE_CDC_CLASS,
    'tasks.max': '1',
    'database.hostname': c.host,
    'database.port': String(c.port),
    'database.user': c.user,
    'database.password': c.password,
    'database.server.id': String(serverId),
    'topic.prefix': prefix,
    'database.include.list': db!.name,
    'table.include.list': `${db!.name}\\.typed,${db!.name}\\.orders`,
    'schema.history.internal.kafka.bootstrap.servers': bootstrap,
    'schema.history.internal.kafka.topic': `schema-changes.${prefix}`,
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable': 'true',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'true',
  };
}

/** The course-activity scenario's own connector config (scenarios/course-activity), pointed at this run's database. */
function unwrapConfig(prefix: string, serverId: number, bootstrap: string): { name: string; config: Record<string, string> } {
  const settings = { ...loadCourseActivityConfig({}), database: db!.name, topicPrefix: `${prefix}u` };
  const scenario = cdcConnector(settings, {
    mode: 'embedded',
    kafkaBootstrap: [bootstrap],
    mysqlUrl: db!.url,
    connectorMysql: connection(),
    pinotBrokerList: bootstrap,
  });
  return {
    name: `${prefix}-${scenario.name}`,
    config: { ...scenario.config, 'database.server.id': String(serverId + 100), 'schema.history.internal.kafka.topic': `schema-changes.${prefix}u` },
  };
}

const TYPED_COLUMNS = `(id, big, price, name, notes, at, at_ms, stamp, day, flag, doc, kind)`;

/** The tables before the connectors start: the snapshot reads these rows. */
async function createTables(p: Pool): Promise<void> {
  await p.query(`CREATE TABLE typed (
    id INT NOT NULL PRIMARY KEY, big BIGINT, price DECIMAL(10,2), name VARCHAR(100), notes TEXT,
    at DATETIME, at_ms DATETIME(3), stamp TIMESTAMP NULL DEFAULT NULL, day DATE, flag BOOLEAN, doc JSON,
    kind ENUM('viewed','submitted','graded'))`);
  await p.query('CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, typed_id INT NOT NULL, qty INT NOT NULL)');
  await p.query(`INSERT INTO typed ${TYPED_COLUMNS} VALUES
    (1, 42, 19.99, 'first', 'some text', '2024-03-01 10:00:00', '2024-03-01 10:00:00.250', '2024-03-01 10:00:00', '2024-03-01', TRUE, '{"a": 1}', 'viewed'),
    (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (3, -9007199254740993, -0.05, 'zürich ✓', '', '1969-12-31 23:59:59', '1970-01-01 00:00:00.001', '2038-01-19 03:14:07', '1969-12-31', FALSE, '[1, "two", null]', 'graded')`);
  await p.query('INSERT INTO orders VALUES (1, 1, 3)');
  const settings = { ...loadCourseActivityConfig({}), database: db!.name };
  await p.query(`CREATE TABLE \`${settings.table}\` (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, eventname VARCHAR(255) NOT NULL, userid BIGINT NOT NULL, timecreated BIGINT NOT NULL)`);
  await p.query(`INSERT INTO \`${settings.table}\` (eventname, userid, timecreated) VALUES ('viewed', 1, 1700000000), ('submitted', 2, 1700000060)`);
}

/** Records each table's topic must end with on both sides: snapshot rows, then the workload's changes. */
const expected = { typed: 3, orders: 1 };

/** Inserts, a multi-row insert, updates (one touching two rows), deletes, a transaction over two tables, ALTER TABLE ADD COLUMN. */
async function runWorkload(p: Pool, bootstrap: string): Promise<void> {
  await p.query(`INSERT INTO typed ${TYPED_COLUMNS} VALUES
    (4, 9007199254740993, 12345678.90, 'fourth', REPEAT('x', 300), '2025-12-31 23:59:59', '2025-12-31 23:59:59.999', '2025-06-15 12:30:45', '2025-12-31', TRUE, '{"nested": {"k": [true, false]}}', 'submitted')`);
  await p.query(`INSERT INTO typed ${TYPED_COLUMNS} VALUES
    (5, 0, 0.00, 'five', NULL, '2000-02-29 00:00:00', NULL, NULL, '2000-02-29', FALSE, NULL, 'viewed'),
    (6, 1, 1.00, NULL, 'six', NULL, '2001-01-01 01:01:01.001', '2001-01-01 01:01:01', NULL, NULL, '{}', NULL)`);
  expected.typed += 3;
  await p.query("UPDATE typed SET name = 'renamed', price = NULL WHERE id = 1");
  await p.query('UPDATE typed SET flag = NOT flag WHERE id IN (4, 5)');
  expected.typed += 3;
  await p.query('DELETE FROM typed WHERE id = 2');
  expected.typed += 2; // the delete and its tombstone
  const tx = await p.getConnection();
  try {
    await tx.beginTransaction();
    await tx.query('INSERT INTO orders VALUES (10, 4, 2)');
    await tx.query("UPDATE typed SET notes = 'ordered' WHERE id = 4");
    await tx.commit();
  } finally {
    tx.release();
  }
  expected.orders += 1;
  expected.typed += 1;
  await p.query('DELETE FROM orders WHERE id = 1');
  expected.orders += 2;
  // A schema change mid-stream: the rows after it carry the new column, the rows before it do not.
  await p.query("ALTER TABLE typed ADD COLUMN extra VARCHAR(20) NULL DEFAULT 'none'");
  await p.query("INSERT INTO typed (id, name, extra) VALUES (7, 'seventh', 'added')");
  await p.query("UPDATE typed SET extra = 'changed' WHERE id = 3");
  expected.typed += 2;
  // DDL of a table the connectors do not capture, in a captured database: schema change events all the same.
  await p.query(
    "CREATE TABLE scratch (id INT UNSIGNED NOT NULL AUTO_INCREMENT, label CHAR(3) NOT NULL DEFAULT 'abc' COMMENT 'a label', tags SET('x','y','z'), amount DOUBLE DEFAULT -1.5, made TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), doc JSON, PRIMARY KEY (id)) COMMENT 'scratch table'",
  );
  // Ours describes a table from information_schema when it reads the statement (README: DBZ-DDL-DESCRIBED-LATER):
  // the next DDL waits until every connector has the CREATE, so the table is still as the CREATE made it.
  for (const prefix of ['real', 'ours', 'realu', 'oursu']) {
    await waitFor(
      `the CREATE TABLE in ${prefix}'s schema change topic`,
      async () => ((await readTopic(bootstrap, prefix)).some((r) => (r.payload ?? '').includes('CREATE TABLE scratch')) ? true : undefined),
      90_000,
      250,
    );
  }
  await p.query('ALTER TABLE scratch ADD COLUMN note TINYTEXT CHARACTER SET latin1, MODIFY amount DECIMAL(8,3) UNSIGNED');
  for (const prefix of ['real', 'ours', 'realu', 'oursu']) {
    await waitFor(
      `the ALTER TABLE scratch in ${prefix}'s schema change topic`,
      async () => ((await readTopic(bootstrap, prefix)).some((r) => (r.payload ?? '').includes('ALTER TABLE scratch')) ? true : undefined),
      90_000,
      250,
    );
  }
  await p.query('CREATE INDEX scratch_label ON scratch (label)');
  await p.query('DROP TABLE scratch');
}

async function topicRecords(bootstrap: string, prefix: string, table: string): Promise<TopicRecord[]> {
  return readTopic(bootstrap, `${prefix}.${db!.name}.${table}`);
}

/** Waits until `topic` of every side holds `count` records; then returns them per side. */
async function waitForRecords(
  bootstrap: string,
  table: string,
  count: number,
  prefixOf: (p: string) => string = (p) => p,
  sides: readonly string[] = ['reference', 'ours'],
): Promise<Record<string, TopicRecord[]>> {
  const out: Record<string, TopicRecord[]> = {};
  for (const { side, prefix } of SIDES.filter((s) => sides.includes(s.side))) {
    let have: TopicRecord[] = [];
    out[side] = await waitFor(
      `${count} records in ${prefixOf(prefix)}.${db!.name}.${table} (${side})`,
      async () => {
        const records = await topicRecords(bootstrap, prefixOf(prefix), table);
        have = records;
        return records.length >= count ? records : undefined;
      },
      90_000,
      500,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; have ${have.length}: ${summary(have)}`);
    });
  }
  return out;
}

/**
 * An internal topic as `normalised key → sorted field names of its latest value` (`null` once deleted): the
 * connector names' prefix and numbers in keys (task ids, binlog positions) are replaced so both sides line up.
 */
function recordShapes(records: TopicRecord[], prefix: string): Record<string, string[] | null> {
  const out: Record<string, string[] | null> = {};
  for (const r of [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    const key = String(r.key).replace(new RegExp(`\\b${prefix}`, 'g'), '<prefix>');
    const value = r.payload === null ? null : (JSON.parse(r.payload) as Record<string, unknown>);
    out[key] = value === null ? null : Object.keys(value).sort();
  }
  return out;
}

/** `id:op` of each record (`id:-` for a tombstone), in partition and offset order: what a timeout message shows. */
function summary(records: TopicRecord[]): string {
  return [...records]
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset)
    .map((r) => {
      const key = r.key === null ? null : JSON.parse(r.key);
      const value = r.payload === null ? null : JSON.parse(r.payload);
      return `${JSON.stringify(key?.payload ?? key)}:${value?.payload?.op ?? value?.op ?? '-'}`;
    })
    .join(' ');
}

/** Every difference is explained by exactly the listed ones, and each listed one still happens. */
/** The same call on both workers (`{c}` in the path: each side's connector); the differences of their answers. */
async function sameCall(
  urls: Record<'reference' | 'ours', string>,
  label: string,
  method: string,
  path: string,
  body?: (prefix: string) => unknown,
  shape: (body: any) => unknown = (b) => b,
): Promise<Difference[]> {
  const answers: Record<string, unknown> = {};
  for (const { side, prefix } of SIDES) {
    const answer = await rest(urls[side], method, path.replace('{c}', `${prefix}-rest`), body?.(prefix));
    answers[side] = normaliseAnswer({ status: answer.status, body: shape(answer.body) }, prefix);
  }
  return diffValues(answers.reference, answers.ours, label);
}

function expectOnlyListed(differences: Difference[], listed: ExpectedDifference[]): void {
  const unexplained = differences.filter((d) => !listed.some((e) => e.path.test(d.path)));
  for (const e of listed) {
    const seen = differences.filter((d) => e.path.test(d.path));
    log(
      `${e.id}: ${seen.length} difference(s), e.g. ${seen[0] ? `${seen[0].path}: real ${JSON.stringify(seen[0].reference)} vs ours ${JSON.stringify(seen[0].ours)}` : '(none)'}`,
    );
  }
  // One line per kind of unexplained difference (the path after the record's key and index), with a count.
  const kinds = new Map<string, { count: number; example: Difference }>();
  for (const d of unexplained) {
    const kind = d.path.replace(/^.* #\d+ /, '');
    const seen = kinds.get(kind) ?? { count: 0, example: d };
    seen.count++;
    kinds.set(kind, seen);
  }
  for (const [kind, { count, example }] of kinds) {
    log(`UNEXPLAINED ${kind} (${count}x), e.g. ${example.path}: real ${JSON.stringify(example.reference)} vs ours ${JSON.stringify(example.ours)}`);
  }
  expect(unexplained.map((d) => d.path)).toEqual([]);
  for (const e of listed) {
    expect(
      differences.some((d) => e.path.test(d.path)),
      `${e.id} no longer differs (fixed?): delete it from the list and README.md`,
    ).toBe(true);
  }
}

async function waitRunning(url: string, name: string): Promise<void> {
  await waitFor(
    `${name} RUNNING at ${url}`,
    async () => {
      const status = await rest(url, 'GET', `/connectors/${name}/status`);
      if (status.status !== 200) return undefined;
      const failed = [status.body.connector, ...status.body.tasks].find((s: { state: string }) => s.state === 'FAILED');
      if (failed) throw new Error(`${name} FAILED at ${url}: ${failed.trace?.split('\n').slice(0, 16).join(' | ')}`);
      return status.body.tasks.length > 0 && status.body.tasks.every((t: { state: string }) => t.state === 'RUNNING') ? true : undefined;
    },
    90_000,
    250,
  );
}

/** Starts both workers again on the same Kafka and internal topics (after a stop); their new URLs. */
async function restartWorkers(bootstrap: string): Promise<Record<'reference' | 'ours', string>> {
  const again = await restartConnectTargets(targets, bootstrap, log);
  targets = again;
  return { reference: again.reference!.url, ours: again.ours!.url };
}

beforeAll(async () => {
  targets = await startConnectTargets(log);
  if (targets.skipReason) {
    console.warn(
      `\n[connect-conformance] SKIPPED: reference Kafka Connect unavailable: ${targets.skipReason}\n` +
        '  Needs java 17+ and mvn (or a filled .reference/ cache: npm run kafka:reference -- --fetch-only; npm run connect:reference -- --fetch-only).\n',
    );
    return;
  }
  db = await createTestDatabase(inject('mysqlUrl'), 'connect_conf');
  pool = mysql.createPool({ uri: db.url, connectionLimit: 2 });
  await createTables(pool);
}, 300_000);

afterAll(async () => {
  await pool?.end();
  await targets.stop();
  await db?.drop();
}, 120_000);

describe('Kafka Connect conformance with real Debezium', () => {
  it('the real worker and ours are up (otherwise every test below is skipped, with the reason)', async (ctx) => {
    const { reference, ours } = ready(ctx);
    const plugins = (await rest(reference.url, 'GET', '/connector-plugins')).body as { class: string }[];
    expect(plugins.map((p) => p.class)).toContain(REFERENCE_CDC_CLASS);
    expect((await rest(ours.url, 'GET', '/connectors')).status).toBe(200);
  });

  it("the same configs start on both: the envelope connector and the course-activity scenario's", async (ctx) => {
    const { kafka, reference, ours } = ready(ctx);
    const urls = { reference: reference.url, ours: ours.url };
    for (const { side, prefix, serverId } of SIDES) {
      const envelope = await rest(urls[side], 'POST', '/connectors', { name: `${prefix}-envelope`, config: envelopeConfig(prefix, serverId, kafka.bootstrap) });
      expect(envelope.status, JSON.stringify(envelope.body)).toBe(201);
      const unwrap = await rest(urls[side], 'POST', '/connectors', unwrapConfig(prefix, serverId, kafka.bootstrap));
      expect(unwrap.status, JSON.stringify(unwrap.body)).toBe(201);
    }
    for (const { side, prefix } of SIDES) {
      await waitRunning(urls[side], `${prefix}-envelope`);
      await waitRunning(urls[side], `${prefix}-course-activity-cdc`);
    }
  }, 240_000);

  it('change events (schemas enabled): snapshot, inserts, updates, deletes, tombstones, a transaction — record for record', async (ctx) => {
    const { kafka } = ready(ctx);
    // The snapshot first, on both sides, so the workload lands in the binlog after it.
    await waitForRecords(kafka.bootstrap, 'typed', expected.typed);
    await waitForRecords(kafka.bootstrap, 'orders', expected.orders);
    await runWorkload(pool!, kafka.bootstrap);
    const differences: Difference[] = [];
    for (const table of ['typed', 'orders'] as const) {
      const records = await waitForRecords(kafka.bootstrap, table, expected[table]);
      expect(records.reference!.length).toBe(expected[table]);
      expect(records.ours!.length).toBe(expected[table]);
      differences.push(...compareRecords(records.reference!, records.ours!, { referencePrefix: 'real', oursPrefix: 'ours', partitions: false }));
    }
    expectOnlyListed(differences, ENVELOPE_DIFFERENCES);
  }, 240_000);

  it("schema change events (include.schema.changes): the snapshot's schema read and the DDL streamed after it, record for record; include.schema.changes=false writes none", async (ctx) => {
    const { kafka, reference, ours } = ready(ctx);
    // The workload (the test above) ends with DDL: both sides' topics hold its last statement once their connector read it.
    const lastDdl = (records: TopicRecord[]): boolean =>
      records.some((r) => {
        const value = r.payload === null ? null : JSON.parse(r.payload);
        return /^DROP TABLE .*scratch/.test((value?.payload ?? value)?.ddl ?? '');
      });
    const differences: Difference[] = [];
    for (const suffix of ['', 'u']) {
      const bySide: Record<string, TopicRecord[]> = {};
      for (const { side, prefix } of SIDES) {
        let have: TopicRecord[] = [];
        bySide[side] = await waitFor(
          `the DROP TABLE in ${prefix}${suffix}'s schema change topic`,
          async () => {
            have = await readTopic(kafka.bootstrap, `${prefix}${suffix}`);
            return lastDdl(have) ? have : undefined;
          },
          90_000,
          500,
        ).catch((error: Error) => {
          throw new Error(
            `${error.message}; have ${have.length}: ${have.map((r) => JSON.stringify((JSON.parse(r.payload ?? 'null')?.payload ?? JSON.parse(r.payload ?? 'null'))?.ddl)).join(' ')}`,
          );
        });
      }
      // Partitions too: the key has no prefix-named schema, so both sides' keys are the same bytes (Debezium writes partition 0).
      differences.push(...compareRecords(bySide.reference!, bySide.ours!, { referencePrefix: `real${suffix}`, oursPrefix: `ours${suffix}`, partitions: true }));
    }
    expectOnlyListed(differences, SCHEMA_CHANGE_DIFFERENCES);
    // include.schema.changes=false: no schema change topic records and no such active topic, on either side.
    const urls = { reference: reference.url, ours: ours.url };
    try {
      for (const { side, prefix, serverId } of SIDES) {
        const created = await rest(urls[side], 'PUT', `/connectors/${prefix}-noschema/config`, {
          ...envelopeConfig(`${prefix}n`, serverId + 300, kafka.bootstrap),
          'include.schema.changes': 'false',
          'snapshot.mode': 'no_data',
          'table.include.list': `${db!.name}\\.orders`,
        });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
      }
      for (const { side, prefix } of SIDES) await waitRunning(urls[side], `${prefix}-noschema`);
      // Debezium reports its task RUNNING before its no_data snapshot has taken the binlog position it streams from
      // (and commits no offset before it sends a record): a row is written until each side has streamed one.
      let id = 20;
      const streamed = async (prefix: string): Promise<boolean> => (await topicRecords(kafka.bootstrap, `${prefix}n`, 'orders')).length > 0;
      await waitFor(
        'both include.schema.changes=false connectors streaming',
        async () => {
          if ((await streamed('real')) && (await streamed('ours'))) return true;
          await pool!.query('INSERT INTO orders VALUES (?, 1, 1)', [id++]);
          return undefined;
        },
        90_000,
        2_000,
      );
      await pool!.query("ALTER TABLE orders COMMENT 'after include.schema.changes=false'");
      const marker = id++;
      await pool!.query('INSERT INTO orders VALUES (?, 1, 1)', [marker]);
      for (const { side, prefix } of SIDES) {
        await waitFor(
          `order ${marker} in ${prefix}n's orders topic`,
          async () =>
            (await topicRecords(kafka.bootstrap, `${prefix}n`, 'orders')).some((r) => r.key !== null && JSON.parse(r.key).payload.id === marker)
              ? true
              : undefined,
          90_000,
          500,
        );
        expect(await readTopic(kafka.bootstrap, `${prefix}n`), `${side}: records in the schema change topic with include.schema.changes=false`).toEqual([]);
        const topics = await rest(urls[side], 'GET', `/connectors/${prefix}-noschema/topics`);
        expect(topics.body[`${prefix}-noschema`].topics, side).toEqual([`${prefix}n.${db!.name}.orders`]);
      }
    } finally {
      for (const { side, prefix } of SIDES) await rest(urls[side], 'DELETE', `/connectors/${prefix}-noschema`);
    }
  }, 300_000);

  it('the REST API answers alike: status, expand=status, validation errors, pause/resume, restart, delete', async (ctx) => {
    const { kafka, reference, ours } = ready(ctx);
    const urls = { reference: reference.url, ours: ours.url };
    const config = (prefix: string) => ({
      ...envelopeConfig(`${prefix}r`, SIDES.find((s) => s.prefix === prefix)!.serverId + 200, kafka.bootstrap),
      'snapshot.mode': 'no_data',
    });
    const differences: Difference[] = [];
    differences.push(...(await sameCall(urls, 'create', 'PUT', '/connectors/{c}/config', config)));
    const stateIs = (state: string) => async () => {
      for (const { side, prefix } of SIDES) {
        await waitFor(
          `${prefix}-rest ${state} (${side})`,
          async () => {
            const status = await rest(urls[side], 'GET', `/connectors/${prefix}-rest/status`);
            return status.status === 200 &&
              status.body.connector.state === state &&
              status.body.tasks.length > 0 &&
              status.body.tasks.every((t: { state: string }) => t.state === state)
              ? true
              : undefined;
          },
          90_000,
          250,
        );
      }
    };
    await stateIs('RUNNING')();
    differences.push(...(await sameCall(urls, 'status', 'GET', '/connectors/{c}/status')));
    // KIP-558 topic tracking: the connector's active topics, an unknown connector's (none, no 404), and a reset
    await waitFor(
      'the real worker tracking its schema change topic',
      async () => {
        const topics = await rest(urls.reference, 'GET', '/connectors/real-rest/topics');
        return topics.body?.['real-rest']?.topics?.length > 0 ? true : undefined;
      },
      30_000,
      250,
    );
    differences.push(...(await sameCall(urls, 'topics', 'GET', '/connectors/{c}/topics')));
    differences.push(...(await sameCall(urls, 'unknown topics', 'GET', '/connectors/nope/topics')));
    differences.push(...(await sameCall(urls, 'reset topics', 'PUT', '/connectors/{c}/topics/reset')));
    await waitFor(
      'the reset read back by the real worker',
      async () => {
        const topics = await rest(urls.reference, 'GET', '/connectors/real-rest/topics');
        return topics.body?.['real-rest']?.topics?.length === 0 ? true : undefined;
      },
      30_000,
      250,
    );
    differences.push(...(await sameCall(urls, 'topics after reset', 'GET', '/connectors/{c}/topics')));
    const expanded = async (label: string): Promise<Difference[]> => {
      const answers: Record<string, unknown> = {};
      for (const { side, prefix } of SIDES) {
        const all = await rest(urls[side], 'GET', '/connectors?expand=status&expand=info');
        answers[side] = normaliseAnswer({ status: all.status, body: { [`${prefix}-rest`]: all.body[`${prefix}-rest`] } }, prefix);
      }
      return diffValues(answers.reference, answers.ours, label);
    };
    differences.push(...(await expanded('expand')));
    differences.push(...(await sameCall(urls, 'pause', 'PUT', '/connectors/{c}/pause')));
    await stateIs('PAUSED')();
    differences.push(...(await sameCall(urls, 'paused status', 'GET', '/connectors/{c}/status')));
    differences.push(...(await sameCall(urls, 'resume', 'PUT', '/connectors/{c}/resume')));
    await stateIs('RUNNING')();
    differences.push(...(await sameCall(urls, 'restart', 'POST', '/connectors/{c}/restart')));
    await stateIs('RUNNING')();
    differences.push(...(await sameCall(urls, 'restart with tasks', 'POST', '/connectors/{c}/restart?includeTasks=true&onlyFailed=true')));
    differences.push(
      ...(await sameCall(
        urls,
        'bad config',
        'PUT',
        '/connector-plugins/MySqlConnector/config/validate',
        () => ({
          'connector.class': REFERENCE_CDC_CLASS,
          'database.port': 'not-a-port',
          'database.user': 'root',
        }),
        (body: { name: string; error_count: number; configs: { value: { name: string; errors: string[] } }[] }) => ({
          // What a client acts on: the count and which keys are in error (the key lists and their docs differ by design).
          name: body.name,
          error_count: body.error_count,
          errors: Object.fromEntries(
            body.configs
              .filter((c) => c.value.errors.length > 0)
              .map((c) => [c.value.name, c.value.errors.length])
              .sort(),
          ),
        }),
      )),
    );
    // Creating a connector with a value its config cannot parse (Debezium's own key, Connect's own key): the status
    // code and the {error_code, message} shape (message texts normalised; REST-PORT-ERRORS makes them differ).
    for (const [label, bad] of [
      ['bad port', { 'database.port': 'not-a-port' }],
      ['bad tasks.max', { 'tasks.max': 'many' }],
    ] as const) {
      differences.push(...(await sameCall(urls, `create with ${label}`, 'PUT', '/connectors/{c}-bad/config', (prefix) => ({ ...config(prefix), ...bad }))));
    }
    differences.push(...(await sameCall(urls, 'delete', 'DELETE', '/connectors/{c}')));
    // Real Connect answers the status of a just-deleted connector (UNASSIGNED) until its status topic catches up.
    for (const { side, prefix } of SIDES) {
      await waitFor(
        `${prefix}-rest gone (${side})`,
        async () => ((await rest(urls[side], 'GET', `/connectors/${prefix}-rest/status`)).status === 404 ? true : undefined),
        60_000,
        250,
      );
    }
    differences.push(...(await sameCall(urls, 'deleted status', 'GET', '/connectors/{c}/status')));
    expectOnlyListed(differences, REST_DIFFERENCES);
  }, 300_000);

  it('ExtractNewRecordState as the course-activity scenario configures it (schemas disabled): record for record, partitions too', async (ctx) => {
    const { kafka } = ready(ctx);
    const table = loadCourseActivityConfig({}).table;
    await waitForRecords(kafka.bootstrap, table, 2, (p) => `${p}u`);
    await pool!.query(`INSERT INTO \`${table}\` (eventname, userid, timecreated) VALUES ('graded', 3, 1700000120), ('viewed', 3, 1700000180)`);
    await pool!.query(`UPDATE \`${table}\` SET eventname = 'regraded' WHERE id = 3`);
    await pool!.query(`DELETE FROM \`${table}\` WHERE id = 1`);
    const [marker] = (await pool!.query(`INSERT INTO \`${table}\` (eventname, userid, timecreated) VALUES ('marker', 9, 1700000240)`)) as unknown as [
      { insertId: number },
    ];
    // Every change's record (the delete of row 1 has none: delete.handling.mode=drop, drop.tombstones=true): the
    // records go to several partitions, which a producer sends independently, so the marker alone is not enough.
    const expectedPerId = new Map([
      [1, 1],
      [2, 1],
      [3, 2],
      [4, 1],
      [marker.insertId, 1],
    ]);
    const bySide: Record<string, TopicRecord[]> = {};
    for (const { side, prefix } of SIDES) {
      bySide[side] = await waitFor(
        `every change in ${prefix}u's topic`,
        async () => {
          const records = await topicRecords(kafka.bootstrap, `${prefix}u`, table);
          const perId = new Map<number, number>();
          for (const r of records) if (r.key !== null) perId.set(JSON.parse(r.key).id, (perId.get(JSON.parse(r.key).id) ?? 0) + 1);
          return [...expectedPerId].every(([id, n]) => (perId.get(id) ?? 0) >= n) ? records : undefined;
        },
        90_000,
        500,
      );
    }
    const differences = compareRecords(bySide.reference!, bySide.ours!, { referencePrefix: 'realu', oursPrefix: 'oursu', partitions: true });
    expectOnlyListed(differences, UNWRAP_DIFFERENCES);
  }, 240_000);

  it('a restart of both workers mid-stream resumes where it stopped: no gap, no duplicate', async (ctx) => {
    const { kafka } = ready(ctx);
    await pool!.query(`INSERT INTO typed (id, name) VALUES (8, 'before the restart')`);
    expected.typed += 1;
    await waitForRecords(kafka.bootstrap, 'typed', expected.typed);
    // Both stop cleanly (offsets committed); changes happen while nobody reads; both start again on the same topics.
    await Promise.all([targets.reference!.stop(), targets.ours!.stop()]);
    await pool!.query(`INSERT INTO typed (id, name) VALUES (9, 'while stopped')`);
    await pool!.query(`UPDATE typed SET name = 'changed while stopped' WHERE id = 8`);
    expected.typed += 2;
    const restarted = await restartWorkers(kafka.bootstrap);
    for (const { side, prefix } of SIDES) await waitRunning(restarted[side], `${prefix}-envelope`);
    await pool!.query(`INSERT INTO typed (id, name) VALUES (10, 'after the restart')`);
    expected.typed += 1;
    // Ours: every change exactly once. The reference: up to the row written after the restart (the last change), then compared.
    const ours = await waitForRecords(kafka.bootstrap, 'typed', expected.typed, undefined, ['ours']);
    expect(ours.ours!.length).toBe(expected.typed);
    const reference = await waitFor(
      'row 10 in the reference topic',
      async () => {
        const records = await topicRecords(kafka.bootstrap, 'real', 'typed');
        return records.some((r) => r.key !== null && JSON.parse(r.key).payload.id === 10) ? records : undefined;
      },
      90_000,
      500,
    );
    const differences = compareRecords(reference, ours.ours!, { referencePrefix: 'real', oursPrefix: 'ours', partitions: false });
    expectOnlyListed(differences, [...ENVELOPE_DIFFERENCES, ...RESTART_DIFFERENCES]);
  }, 300_000);

  it('a crash (SIGKILL) of both workers mid-stream: the restart resumes from the committed offsets, no gap; ours sends nothing twice, Debezium may (at-least-once)', async (ctx) => {
    const { kafka } = ready(ctx);
    const FIRST = 1000;
    const MARKER = 100_000;
    /** How many records each order id of the stream (and the marker) has on a side: creates only (op "c"). */
    const created = (records: TopicRecord[]): Map<number, number> => {
      const out = new Map<number, number>();
      for (const r of records) {
        if (r.key === null || r.payload === null || JSON.parse(r.payload).payload.op !== 'c') continue;
        const id = Number(JSON.parse(r.key).payload.id);
        if (id >= FIRST) out.set(id, (out.get(id) ?? 0) + 1);
      }
      return out;
    };
    // A stream of one-row transactions (paced), read by both workers as it comes; it goes on through the crash
    // and stops 100 rows after it.
    // Progress is read from the topics' high watermarks (kcat -e may chase a partition's end while it keeps growing).
    const admin = new Kafka({ clientId: 'connect-conformance', brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const ends = async (): Promise<number[]> =>
      Promise.all(
        SIDES.map(async ({ prefix }) => {
          const offsets = await admin.fetchTopicOffsets(`${prefix}.${db!.name}.orders`);
          return offsets.reduce((n, o) => n + Number(o.high), 0);
        }),
      );
    const before = await ends();
    let written = 0;
    let stopAt = Number.POSITIVE_INFINITY;
    const writer = (async () => {
      while (written < stopAt) {
        await pool!.query('INSERT INTO orders VALUES (?, 1, ?)', [FIRST + written, written]);
        written++;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    try {
      await waitFor(
        'both workers part-way through the stream',
        async () => {
          const counts = (await ends()).map((end, i) => end - before[i]!);
          return counts.every((c) => c >= 20) ? counts : undefined;
        },
        90_000,
        100,
      );
      // The crash: no final offset commit, no clean leave of the group.
      await Promise.all([targets.reference!.kill(), targets.ours!.kill()]);
    } finally {
      stopAt = written + 100;
      await admin.disconnect();
    }
    const atCrash = written;
    await writer;
    const COUNT = written;
    log(`crash after ${atCrash} of the stream's ${COUNT} rows were written`);
    const restarted = await restartWorkers(kafka.bootstrap);
    for (const { side, prefix } of SIDES) await waitRunning(restarted[side], `${prefix}-envelope`);
    await pool!.query('INSERT INTO orders VALUES (?, 1, 0)', [MARKER]);
    const ids = [...Array.from({ length: COUNT }, (_, i) => FIRST + i), MARKER];
    for (const { side, prefix } of SIDES) {
      // The topic has 5 partitions and a producer sends each partition's batch on its own, so the marker can be
      // there before rows of other partitions: wait for the marker and the rows the assertion below allows to miss
      // (none for ours, DBZ-MARIADB-RESUME's one for Debezium), or for the time out, then assert on what is there.
      const allowed = side === 'ours' ? 0 : 1;
      let counts = new Map<number, number>();
      await waitFor(
        `the marker row and the stream in ${prefix}'s orders topic`,
        async () => {
          counts = created(await topicRecords(kafka.bootstrap, prefix, 'orders').catch(() => []));
          return counts.has(MARKER) && ids.filter((id) => !counts.has(id)).length <= allowed ? true : undefined;
        },
        120_000,
        500,
      ).catch(() => undefined);
      expect(counts.has(MARKER), `the marker row in ${prefix}'s orders topic`).toBe(true);
      const missing = ids.filter((id) => !counts.has(id));
      const twice = ids.filter((id) => (counts.get(id) ?? 0) > 1);
      log(
        `after the crash, ${side}: ${missing.length} row(s) missing, ${twice.length} sent more than once${twice.length > 0 ? ` (ids ${twice[0]}..${twice.at(-1)})` : ''}`,
      );
      // Ours: every row written before, during and after the crash is there (no gap). Debezium's MySQL connector
      // on MariaDB may skip the one row change after its committed offset when it resumes (DBZ-MARIADB-RESUME, seen
      // in the restart test every time and after a crash now and then): at most that one.
      if (side === 'ours') expect(missing, 'ours: rows never delivered').toEqual([]);
      else expect(missing.length, `reference: rows never delivered (${missing.join(', ')}), more than DBZ-MARIADB-RESUME's one`).toBeLessThanOrEqual(1);
      // Ours: exactly once (the restart re-reads from the committed offset and skips what the topic already holds).
      // Debezium: at-least-once — the rows after its last committed offset are sent again (not asserted).
      if (side === 'ours') expect(twice, 'ours: rows delivered twice').toEqual([]);
    }
  }, 420_000);

  it('the internal topics (configs, offsets, status) hold the same kinds of records', async (ctx) => {
    const { kafka } = ready(ctx);
    const shapes: Record<string, unknown> = {};
    for (const { side, prefix } of SIDES) {
      const group = side === 'reference' ? 'reference-connect' : 'ours-connect';
      shapes[side] = Object.fromEntries(
        await Promise.all(
          ['configs', 'offsets', 'status'].map(async (kind) => [kind, recordShapes(await readTopic(kafka.bootstrap, `${group}-${kind}`), prefix)]),
        ),
      );
    }
    expectOnlyListed(diffValues(shapes.reference, shapes.ours, 'internal'), INTERNAL_TOPIC_DIFFERENCES);
  }, 120_000);

  it('our JDBC source on the real Kafka: its config, offset and status records have the kinds and fields the real worker writes', async (ctx) => {
    const { kafka } = ready(ctx);
    // The JDBC source has no real counterpart here (Confluent's plugin is not on Maven Central): its records in our
    // internal topics are compared by kind with the real worker's records of its Debezium connector.
    await pool!.query('CREATE TABLE jdbc_users (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL)');
    await pool!.query("INSERT INTO jdbc_users (name) VALUES ('a'), ('b')");
    const c = connection();
    const created = await rest(targets.ours!.url, 'PUT', '/connectors/ours-jdbc/config', {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
      'tasks.max': '1',
      'connection.url': `jdbc:mysql://${c.host}:${c.port}/${db!.name}`,
      'connection.user': c.user,
      'connection.password': c.password,
      'table.whitelist': 'jdbc_users',
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      'topic.prefix': 'oursj_',
      'poll.interval.ms': '200',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await waitFor(
      '2 records in oursj_jdbc_users',
      async () => ((await readTopic(kafka.bootstrap, 'oursj_jdbc_users')).length >= 2 ? true : undefined),
      60_000,
      250,
    );
    const offsets = await waitFor(
      'the JDBC offset committed',
      async () => {
        const records = (await readTopic(kafka.bootstrap, 'ours-connect-offsets')).filter((r) => JSON.parse(String(r.key))[0] === 'ours-jdbc');
        return records.at(-1)?.payload === '{"incrementing":2}' ? records : undefined;
      },
      30_000,
      250,
    );
    // Offset protocol 1 of the JDBC source: [connector, {protocol, table}] -> {incrementing}
    expect(offsets.at(-1)!.key).toBe(`["ours-jdbc",{"protocol":"1","table":"${db!.name}.jdbc_users"}]`);
    /** A connector's records by kind (its name as <c>, topic names as <topic>, task numbers kept) -> field names. */
    const kinds = async (topic: string, connector: string): Promise<Record<string, string[] | null>> => {
      const all = recordShapes(await readTopic(kafka.bootstrap, topic), '\u0000');
      return Object.fromEntries(
        Object.entries(all)
          .filter(([key]) => key.endsWith(`-${connector}`) || key.includes(`-${connector}-`) || key === 'session-key')
          .map(([key, fields]) => [key.replace(connector, '<c>').replace(/^status-topic-.*:connector-/, 'status-topic-<topic>:connector-'), fields]),
      );
    };
    const real = { ...(await kinds('reference-connect-configs', 'real-envelope')), ...(await kinds('reference-connect-status', 'real-envelope')) };
    const ours = { ...(await kinds('ours-connect-configs', 'ours-jdbc')), ...(await kinds('ours-connect-status', 'ours-jdbc')) };
    log(`record kinds of the real worker's connector: ${JSON.stringify(real)}`);
    expect(ours).toEqual(real);
  }, 180_000);
});
