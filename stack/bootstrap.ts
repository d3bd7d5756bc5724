/**
 * The bootstrap shared by `npm start` and `init.sh`, in both modes. It talks to every part only
 * through its public API (Kafka admin, MySQL, Connect REST, ksqlDB REST, Pinot controller REST) and
 * is idempotent: a second run reports every item as already there and changes nothing.
 */
import { Kafka, logLevel } from 'kafkajs';
import type { HttpAuth } from '../config/endpoints.ts';
import type { AppConfig } from '../config/index.ts';
import { kafkaConfig } from '../config/kafka-client.ts';
import { serviceClient } from '../config/http-client.ts';
import { describeStatement } from '../ksql/statements.ts';
import { connectMysql } from '../producers/sinks/mysql-users.ts';
import { withStreamSecurity } from '../pinot/stream-security.ts';
import { getScenario } from '../scenarios/index.ts';
import type { Scenario, ScenarioTargets } from '../scenarios/scenario.ts';
import { connectStarting, DEFAULT_STARTUP_RETRY, pinotStarting, whileStarting, type StartupRetry } from './startup-retry.ts';

export { DEFAULT_STARTUP_RETRY, type StartupRetry } from './startup-retry.ts';

export interface BootstrapTargets extends ScenarioTargets {
  connectUrl: string;
  /** Where connectors with worker 'debezium' go (embedded mode: the same Connect). */
  debeziumConnectUrl: string;
  ksqldbUrl: string;
  pinotControllerUrl: string;
  /** Credentials of each HTTP service (external mode); none for the embedded and docker stacks. */
  auth?: Partial<Record<'connect' | 'debeziumConnect' | 'ksqldb' | 'pinotController', HttpAuth>>;
}

export type StepStatus = 'created' | 'exists';

export interface BootstrapStep {
  item: string;
  status: StepStatus;
}

export class BootstrapError extends Error {
  override name = 'BootstrapError';
}

/** How a connector in the same process reaches the MySQL of a mysql:// URL. */
export function connectorMysqlFor(mysqlUrl: string): ScenarioTargets['connectorMysql'] {
  const parsed = new URL(mysqlUrl);
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(parsed.port || '3306'),
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
  };
}

async function ensureTopics(config: AppConfig, scenario: Scenario, targets: BootstrapTargets, steps: BootstrapStep[]): Promise<void> {
  if (scenario.topics(config).length === 0) return;
  const kafka = new Kafka(
    kafkaConfig(
      { brokers: targets.kafkaBootstrap, security: targets.kafkaSecurity },
      { clientId: 'bootstrap', logLevel: logLevel.NOTHING, retry: { retries: 10 } },
    ),
  );
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const brokers = (await admin.describeCluster()).brokers.length;
    const topics = scenario.topics(config);
    const wanted = topics.filter((t) => !existing.has(t.name));
    for (const topic of topics) if (existing.has(topic.name)) steps.push({ item: `topic ${topic.name}`, status: 'exists' });
    if (wanted.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: wanted.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions ?? config.kafka.partitions,
          replicationFactor: Math.min(config.kafka.replicationFactor, brokers),
          configEntries: Object.entries(topic.configs ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
      for (const topic of wanted) steps.push({ item: `topic ${topic.name}`, status: 'created' });
    }
  } finally {
    await admin.disconnect();
  }
}

async function ensureMysqlTables(config: AppConfig, scenario: Scenario, targets: BootstrapTargets, steps: BootstrapStep[]): Promise<void> {
  const tables = scenario.mysqlTables(config);
  if (tables.length === 0) return;
  const pool = await connectMysql({ ...connectorMysqlFor(targets.mysqlUrl), database: '', table: '' });
  try {
    for (const table of tables) {
      const [rows] = await pool.query('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [
        table.database,
        table.table,
      ]);
      const exists = Number((rows as { n: number }[])[0]!.n) > 0;
      if (!exists) await table.create(pool);
      steps.push({ item: `MySQL table ${table.database}.${table.table}`, status: exists ? 'exists' : 'created' });
    }
  } finally {
    await pool.end();
  }
}

async function ensureConnectors(
  config: AppConfig,
  scenario: Scenario,
  targets: BootstrapTargets,
  steps: BootstrapStep[],
  retry: StartupRetry,
  log: (line: string) => void,
): Promise<void> {
  const workers = {
    connect: serviceClient({ service: 'Kafka Connect', baseUrl: targets.connectUrl, auth: targets.auth?.connect }),
    debezium: serviceClient({ service: 'Kafka Connect (Debezium)', baseUrl: targets.debeziumConnectUrl, auth: targets.auth?.debeziumConnect }),
  };
  for (const { worker, ...connector } of scenario.connectors(config, targets)) {
    const connect = worker === 'debezium' ? workers.debezium : workers.connect;
    const current = await connect.request('GET', `/connectors/${encodeURIComponent(connector.name)}`);
    if (current.status === 200) {
      steps.push({ item: `connector ${connector.name}`, status: 'exists' });
      continue;
    }
    const created = await whileStarting(
      `Kafka Connect, asked for connector ${connector.name},`,
      () => connect.request('POST', '/connectors', { body: connector }),
      connectStarting,
      retry,
      log,
    );
    if ((created.status !== 201 && created.status !== 409) || connectStarting(created)) {
      throw new BootstrapError(`Kafka Connect refused connector ${connector.name}: HTTP ${created.status} ${created.text}`);
    }
    steps.push({ item: `connector ${connector.name}`, status: created.status === 409 ? 'exists' : 'created' });
  }
}

interface KsqlListEntity {
  '@type'?: string;
  streams?: { name: string }[];
  tables?: { name: string }[];
}

async function ensureKsql(config: AppConfig, scenario: Scenario, targets: BootstrapTargets, steps: BootstrapStep[]): Promise<void> {
  const statements = scenario.ksqlStatements(config);
  if (statements.length === 0) return;
  const ksqldb = serviceClient({ service: 'ksqlDB', baseUrl: targets.ksqldbUrl, auth: targets.auth?.ksqldb });
  const listed = await ksqldb.request('POST', '/ksql', { body: { ksql: 'SHOW STREAMS; SHOW TABLES;', streamsProperties: {} } });
  if (listed.status !== 200 || !Array.isArray(listed.body)) throw new BootstrapError(`ksqlDB could not list sources: HTTP ${listed.status} ${listed.text}`);
  const existing = new Set<string>();
  for (const entity of listed.body as KsqlListEntity[]) {
    for (const s of [...(entity.streams ?? []), ...(entity.tables ?? [])]) existing.add(s.name.toUpperCase());
  }
  for (const statement of statements) {
    const created = describeStatement(statement);
    if (!created) continue;
    const label = `ksql ${created.kind.toLowerCase()} ${created.name}`;
    if (existing.has(created.name.toUpperCase())) {
      steps.push({ item: label, status: 'exists' });
      continue;
    }
    const result = await ksqldb.request('POST', '/ksql', {
      body: { ksql: statement, streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest' } },
    });
    if (result.status !== 200) throw new BootstrapError(`ksqlDB refused ${created.name}: HTTP ${result.status} ${result.text}`);
    steps.push({ item: label, status: 'created' });
  }
}

async function ensurePinot(
  config: AppConfig,
  scenario: Scenario,
  targets: BootstrapTargets,
  steps: BootstrapStep[],
  retry: StartupRetry,
  log: (line: string) => void,
): Promise<void> {
  const controller = serviceClient({ service: 'Pinot controller', baseUrl: targets.pinotControllerUrl, auth: targets.auth?.pinotController });
  for (const table of scenario.pinotTables(config, targets.pinotBrokerList)) {
    const schema = await controller.request('GET', `/schemas/${table.name}`);
    if (schema.status === 200) {
      steps.push({ item: `Pinot schema ${table.name}`, status: 'exists' });
    } else {
      const posted = await controller.request('POST', '/schemas', { body: table.schema });
      if (posted.status !== 200) throw new BootstrapError(`Pinot refused schema ${table.name}: HTTP ${posted.status} ${posted.text}`);
      steps.push({ item: `Pinot schema ${table.name}`, status: 'created' });
    }
    const existing = await controller.request('GET', `/tables/${table.name}`);
    const hasTable = existing.status === 200 && typeof existing.body === 'object' && existing.body !== null && Object.keys(existing.body).length > 0;
    if (hasTable) {
      steps.push({ item: `Pinot table ${table.name}`, status: 'exists' });
      continue;
    }
    const body = withStreamSecurity(table.tableConfig, targets.pinotKafkaSecurity);
    const posted = await whileStarting(
      `Pinot, asked for table ${table.name},`,
      () => controller.request('POST', '/tables', { body }),
      pinotStarting,
      retry,
      log,
    );
    if (posted.status !== 200) throw new BootstrapError(`Pinot refused table ${table.name}: HTTP ${posted.status} ${posted.text}`);
    steps.push({ item: `Pinot table ${table.name}`, status: 'created' });
  }
}

export interface BootstrapOptions {
  /** Default: the PageView pipeline. */
  scenario?: Scenario;
  log?: (line: string) => void;
  /** How long to keep asking a server that refuses while starting (default 2 minutes, from 1 s). */
  retry?: StartupRetry;
}

/** Creates whatever the scenario needs and is missing, in pipeline order, reporting each item. */
export async function bootstrap(config: AppConfig, targets: BootstrapTargets, options: BootstrapOptions = {}): Promise<BootstrapStep[]> {
  const scenario = options.scenario ?? getScenario();
  const log = options.log ?? (() => {});
  const steps: BootstrapStep[] = [];
  const phases: [string, () => Promise<void>][] = [
    ['Kafka topics', () => ensureTopics(config, scenario, targets, steps)],
    ['MySQL tables', () => ensureMysqlTables(config, scenario, targets, steps)],
    ['connectors', () => ensureConnectors(config, scenario, targets, steps, options.retry ?? DEFAULT_STARTUP_RETRY, log)],
    ['ksql statements', () => ensureKsql(config, scenario, targets, steps)],
    ['Pinot schemas and tables', () => ensurePinot(config, scenario, targets, steps, options.retry ?? DEFAULT_STARTUP_RETRY, log)],
  ];
  for (const [name, run] of phases) {
    const before = steps.length;
    await run();
    const done = steps.slice(before);
    const created = done.filter((s) => s.status === 'created').length;
    log(`bootstrap (${scenario.name}): ${name}: ${created} created, ${done.length - created} already there`);
  }
  return steps;
}
