/**
 * The bootstrap shared by `npm start` and `init.sh`, in both modes. It talks to every part only
 * through its public API (Kafka admin, MySQL, Connect REST, ksqlDB REST, Pinot controller REST) and
 * is idempotent: a second run reports every item as already there and changes nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { allTopics, type AppConfig } from '../config/index.ts';
import { describeStatement, renderedStatements } from '../ksql/statements.ts';
import { pinotTables } from '../pinot/tables.ts';
import { connectMysql, ensureUsersTable, mysqlTarget, qualifiedTable } from '../producers/sinks/mysql-users.ts';
import { httpJson } from './http.ts';

export interface BootstrapTargets {
  kafkaBootstrap: string[];
  /** mysql://user:password@host:port as seen from here (the Users table is created through it). */
  mysqlUrl: string;
  connectUrl: string;
  ksqldbUrl: string;
  pinotControllerUrl: string;
  /** The broker list Pinot consumes from (docker: in-network listeners). */
  pinotBrokerList: string;
  /**
   * Replaces the connector's JDBC connection (embedded mode: the local MySQL); absent = post
   * config/connector-config.json as it is (docker mode, where `mysql-server` resolves in-network).
   */
  connectorDatabase?: { url: string; user: string; password: string };
}

export type StepStatus = 'created' | 'exists';

export interface BootstrapStep {
  item: string;
  status: StepStatus;
}

export class BootstrapError extends Error {
  override name = 'BootstrapError';
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function connectorConfig(targets: BootstrapTargets): { name: string; config: Record<string, string> } {
  const file = JSON.parse(fs.readFileSync(path.join(root, 'config', 'connector-config.json'), 'utf8')) as { name: string; config: Record<string, string> };
  if (!targets.connectorDatabase) return file;
  const db = targets.connectorDatabase;
  return {
    name: file.name,
    config: { ...file.config, 'connection.url': db.url, 'connection.user': db.user, 'connection.password': db.password },
  };
}

/** The JDBC URL for a mysql:// URL, as the connector needs it. */
export function jdbcUrlFor(mysqlUrl: string, database: string): { url: string; user: string; password: string } {
  const parsed = new URL(mysqlUrl);
  return {
    url: `jdbc:mysql://${parsed.hostname}:${parsed.port || '3306'}/${database}?useSSL=false`,
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
  };
}

async function ensureTopics(config: AppConfig, targets: BootstrapTargets, steps: BootstrapStep[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'bootstrap', brokers: targets.kafkaBootstrap, logLevel: logLevel.NOTHING, retry: { retries: 10 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const brokers = (await admin.describeCluster()).brokers.length;
    const wanted = allTopics(config.topics).filter((t) => !existing.has(t));
    for (const topic of allTopics(config.topics)) if (existing.has(topic)) steps.push({ item: `topic ${topic}`, status: 'exists' });
    if (wanted.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: wanted.map((topic) => ({ topic, numPartitions: config.kafka.partitions, replicationFactor: Math.min(config.kafka.replicationFactor, brokers) })),
      });
      for (const topic of wanted) steps.push({ item: `topic ${topic}`, status: 'created' });
    }
  } finally {
    await admin.disconnect();
  }
}

async function ensureUsers(config: AppConfig, targets: BootstrapTargets, steps: BootstrapStep[]): Promise<void> {
  const target = mysqlTarget(config.mysql, { url: targets.mysqlUrl, database: config.mysql.database });
  const pool = await connectMysql(target);
  try {
    const [rows] = await pool.query('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [target.database, target.table]);
    const exists = Number((rows as { n: number }[])[0].n) > 0;
    if (!exists) await ensureUsersTable(pool, target);
    steps.push({ item: `MySQL table ${qualifiedTable(target)}`, status: exists ? 'exists' : 'created' });
  } finally {
    await pool.end();
  }
}

async function ensureConnector(targets: BootstrapTargets, steps: BootstrapStep[]): Promise<void> {
  const connector = connectorConfig(targets);
  const current = await httpJson('GET', `${targets.connectUrl}/connectors/${encodeURIComponent(connector.name)}`);
  if (current.status === 200) {
    steps.push({ item: `connector ${connector.name}`, status: 'exists' });
    return;
  }
  const created = await httpJson('POST', `${targets.connectUrl}/connectors`, connector);
  if (created.status !== 201 && created.status !== 409) {
    throw new BootstrapError(`Kafka Connect refused connector ${connector.name}: HTTP ${created.status} ${created.text}`);
  }
  steps.push({ item: `connector ${connector.name}`, status: created.status === 409 ? 'exists' : 'created' });
}

interface KsqlListEntity {
  '@type'?: string;
  streams?: { name: string }[];
  tables?: { name: string }[];
}

async function ensureKsql(config: AppConfig, targets: BootstrapTargets, steps: BootstrapStep[]): Promise<void> {
  const listed = await httpJson('POST', `${targets.ksqldbUrl}/ksql`, { ksql: 'SHOW STREAMS; SHOW TABLES;', streamsProperties: {} });
  if (listed.status !== 200 || !Array.isArray(listed.body)) throw new BootstrapError(`ksqlDB could not list sources: HTTP ${listed.status} ${listed.text}`);
  const existing = new Set<string>();
  for (const entity of listed.body as KsqlListEntity[]) {
    for (const s of [...(entity.streams ?? []), ...(entity.tables ?? [])]) existing.add(s.name.toUpperCase());
  }
  for (const statement of renderedStatements(config)) {
    const created = describeStatement(statement);
    if (!created) continue;
    const label = `ksql ${created.kind.toLowerCase()} ${created.name}`;
    if (existing.has(created.name.toUpperCase())) {
      steps.push({ item: label, status: 'exists' });
      continue;
    }
    const result = await httpJson('POST', `${targets.ksqldbUrl}/ksql`, {
      ksql: statement,
      streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest' },
    });
    if (result.status !== 200) throw new BootstrapError(`ksqlDB refused ${created.name}: HTTP ${result.status} ${result.text}`);
    steps.push({ item: label, status: 'created' });
  }
}

async function ensurePinot(config: AppConfig, targets: BootstrapTargets, steps: BootstrapStep[]): Promise<void> {
  for (const table of pinotTables(config, { brokerList: targets.pinotBrokerList })) {
    const schema = await httpJson('GET', `${targets.pinotControllerUrl}/schemas/${table.name}`);
    if (schema.status === 200) {
      steps.push({ item: `Pinot schema ${table.name}`, status: 'exists' });
    } else {
      const posted = await httpJson('POST', `${targets.pinotControllerUrl}/schemas`, table.schema);
      if (posted.status !== 200) throw new BootstrapError(`Pinot refused schema ${table.name}: HTTP ${posted.status} ${posted.text}`);
      steps.push({ item: `Pinot schema ${table.name}`, status: 'created' });
    }
    const existing = await httpJson('GET', `${targets.pinotControllerUrl}/tables/${table.name}`);
    const hasTable = existing.status === 200 && typeof existing.body === 'object' && existing.body !== null && Object.keys(existing.body).length > 0;
    if (hasTable) {
      steps.push({ item: `Pinot table ${table.name}`, status: 'exists' });
      continue;
    }
    const posted = await httpJson('POST', `${targets.pinotControllerUrl}/tables`, table.tableConfig);
    if (posted.status !== 200) throw new BootstrapError(`Pinot refused table ${table.name}: HTTP ${posted.status} ${posted.text}`);
    steps.push({ item: `Pinot table ${table.name}`, status: 'created' });
  }
}

/** Creates whatever is missing, in pipeline order, reporting each item. */
export async function bootstrap(config: AppConfig, targets: BootstrapTargets, log: (line: string) => void = () => {}): Promise<BootstrapStep[]> {
  const steps: BootstrapStep[] = [];
  const phases: [string, () => Promise<void>][] = [
    ['Kafka topics', () => ensureTopics(config, targets, steps)],
    ['MySQL Users table', () => ensureUsers(config, targets, steps)],
    ['JDBC source connector', () => ensureConnector(targets, steps)],
    ['ksql statements', () => ensureKsql(config, targets, steps)],
    ['Pinot schemas and tables', () => ensurePinot(config, targets, steps)],
  ];
  for (const [name, run] of phases) {
    const before = steps.length;
    await run();
    const done = steps.slice(before);
    const created = done.filter((s) => s.status === 'created').length;
    log(`bootstrap: ${name}: ${created} created, ${done.length - created} already there`);
  }
  return steps;
}
