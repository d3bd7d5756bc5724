/**
 * The config keys of io.debezium.connector.mysql.MySqlConnector that this connector acts on, with
 * Debezium 2.x names (the 1.x `database.server.name` is accepted for `topic.prefix`), and the keys it
 * accepts without acting on them (schema history: the schema is read from information_schema).
 */
import { atLeast, invalidValue, KeyList, oneOf, REQUIRED } from '../config/config-def.ts';
import { splitList } from '../transforms/index.ts';

export const MYSQL_CDC_CLASS = 'io.debezium.connector.mysql.MySqlConnector';
export const MYSQL_CDC_TASK_CLASS = 'io.debezium.connector.mysql.MySqlConnectorTask';
export const DEBEZIUM_VERSION = '2.7.3.Final';

export const SNAPSHOT_MODES = ['initial', 'initial_only', 'no_data', 'never', 'when_needed'] as const;
export type SnapshotMode = (typeof SNAPSHOT_MODES)[number];

const C = 'Connection';
const F = 'Filters';
const E = 'Events';

function topicPrefix(v: string): string | undefined {
  return /^[A-Za-z0-9._-]+$/.test(v) ? undefined : 'Topic prefix can only contain alphanumeric characters, dots, underscores and dashes';
}

export const MYSQL_CDC_KEYS = new KeyList()
  .add(C, 'database.hostname', 'STRING', REQUIRED, 'HIGH', 'Resolvable hostname or IP address of the database server.', { displayName: 'Hostname' })
  .add(C, 'database.port', 'INT', '3306', 'HIGH', 'Port of the database server.', { validate: atLeast(1), displayName: 'Port' })
  .add(C, 'database.user', 'STRING', REQUIRED, 'HIGH', 'Name of the database user to be used when connecting to the database.', { displayName: 'User' })
  .add(C, 'database.password', 'PASSWORD', null, 'HIGH', 'Password of the database user to be used when connecting to the database.', {
    displayName: 'Password',
  })
  // Required since Debezium 2.x (1.x picked a random id).
  .add(C, 'database.server.id', 'LONG', REQUIRED, 'HIGH', 'A numeric ID of this database client, unique among the replication clients of the server.', {
    validate: atLeast(1),
    displayName: 'Cluster ID',
  })
  .add(C, 'topic.prefix', 'STRING', null, 'HIGH', 'Topic prefix that identifies and provides a namespace for the database server whose events are captured.', {
    validate: topicPrefix,
    displayName: 'Topic prefix',
  })
  .add(C, 'database.server.name', 'STRING', null, 'LOW', '(Debezium 1.x) the former name of topic.prefix.', {
    validate: topicPrefix,
    displayName: 'Server name',
  })
  .add(C, 'connect.timeout.ms', 'INT', '30000', 'MEDIUM', 'Maximum time to wait after trying to connect to the database server before timing out.', {
    validate: atLeast(1),
    displayName: 'Connection timeout (ms)',
  })
  .add(F, 'database.include.list', 'LIST', '', 'HIGH', 'The databases for which changes are to be captured.', { displayName: 'Include Databases' })
  .add(F, 'database.exclude.list', 'LIST', '', 'MEDIUM', 'The databases for which changes are not to be captured.', { displayName: 'Exclude Databases' })
  .add(F, 'table.include.list', 'LIST', '', 'HIGH', 'The tables (databaseName.tableName) for which changes are to be captured.', {
    displayName: 'Include Tables',
  })
  .add(F, 'table.exclude.list', 'LIST', '', 'MEDIUM', 'The tables for which changes are not to be captured.', { displayName: 'Exclude Tables' })
  .add(E, 'snapshot.mode', 'STRING', 'initial', 'LOW', 'The criteria for running a snapshot upon startup of the connector.', {
    validate: oneOf([...SNAPSHOT_MODES], true),
    displayName: 'Snapshot mode',
  })
  .add(
    E,
    'tombstones.on.delete',
    'BOOLEAN',
    'true',
    'MEDIUM',
    'Whether delete operations should be represented by a delete event and a subsequent tombstone event (true) or only by a delete event (false).',
    { displayName: 'Change the behaviour of Debezium with regards to delete operations' },
  )
  .add(E, 'decimal.handling.mode', 'STRING', 'precise', 'MEDIUM', 'How DECIMAL and NUMERIC columns are represented: precise, double or string.', {
    validate: oneOf(['precise', 'double', 'string'], true),
    displayName: 'Decimal Handling',
  })
  .add(
    E,
    'include.schema.changes',
    'BOOLEAN',
    'true',
    'MEDIUM',
    'Whether the connector should publish changes in the database schema to a Kafka topic with the same name as the topic prefix.',
    { displayName: 'Include database schema changes' },
  )
  .add(E, 'max.batch.size', 'INT', '2048', 'MEDIUM', 'Maximum size of each batch of source records.', {
    validate: atLeast(1),
    displayName: 'Change event batch size',
  })
  .add(E, 'poll.interval.ms', 'LONG', '500', 'MEDIUM', 'Time to wait for new change events to appear after receiving no events.', {
    validate: atLeast(1),
    displayName: 'Poll interval (ms)',
  })
  .add(
    'History Storage',
    'schema.history.internal.kafka.bootstrap.servers',
    'STRING',
    null,
    'LOW',
    'Accepted for compatibility: the schema is read from information_schema.',
    { displayName: 'Kafka broker addresses' },
  )
  .add(
    'History Storage',
    'schema.history.internal.kafka.topic',
    'STRING',
    null,
    'LOW',
    'Accepted for compatibility: the schema is read from information_schema.',
    { displayName: 'Database schema history topic name' },
  ).keys;

export function mysqlCdcCrossChecks(config: Record<string, string>): Map<string, string[]> {
  const errors = new Map<string, string[]>();
  const prefix = config['topic.prefix'] ?? config['database.server.name'];
  if (prefix === undefined || prefix.trim() === '') {
    errors.set('topic.prefix', [invalidValue('', 'topic.prefix', "The 'topic.prefix' value is invalid: A value is required")]);
  }
  const both = (a: string, b: string): void => {
    if (splitList(config[a]).length > 0 && splitList(config[b]).length > 0) {
      const message = `"${b}" is already specified`;
      errors.set(a, [message]);
    }
  };
  both('database.exclude.list', 'database.include.list');
  both('table.exclude.list', 'table.include.list');
  for (const table of splitList(config['table.include.list'])) {
    if (!table.includes('.'))
      errors.set('table.include.list', [
        invalidValue(config['table.include.list']!, 'table.include.list', `Table ${table} must be written as databaseName.tableName`),
      ]);
  }
  return errors;
}

export interface CdcSettings {
  hostname: string;
  port: number;
  user: string;
  password: string;
  serverId: number;
  topicPrefix: string;
  databaseInclude: string[];
  databaseExclude: string[];
  tableInclude: string[];
  tableExclude: string[];
  snapshotMode: SnapshotMode;
  tombstonesOnDelete: boolean;
  /** Schema change events to the topic named topic.prefix (include.schema.changes). */
  includeSchemaChanges: boolean;
  decimalMode: 'precise' | 'double' | 'string';
  maxBatchSize: number;
  pollIntervalMs: number;
  connectTimeoutMs: number;
}

/** The settings of a validated config (defaults filled in). */
export function cdcSettings(config: Record<string, string>): CdcSettings {
  return {
    hostname: config['database.hostname']!.trim(),
    port: Number(config['database.port'] ?? 3306),
    user: config['database.user']!,
    password: config['database.password'] ?? '',
    serverId: Number(config['database.server.id']),
    topicPrefix: (config['topic.prefix'] ?? config['database.server.name'] ?? '').trim(),
    databaseInclude: splitList(config['database.include.list']),
    databaseExclude: splitList(config['database.exclude.list']),
    tableInclude: splitList(config['table.include.list']),
    tableExclude: splitList(config['table.exclude.list']),
    snapshotMode: (config['snapshot.mode'] ?? 'initial').trim().toLowerCase() as SnapshotMode,
    tombstonesOnDelete: (config['tombstones.on.delete'] ?? 'true').trim().toLowerCase() === 'true',
    includeSchemaChanges: (config['include.schema.changes'] ?? 'true').trim().toLowerCase() === 'true',
    decimalMode: (config['decimal.handling.mode'] ?? 'precise').trim().toLowerCase() as CdcSettings['decimalMode'],
    maxBatchSize: Number(config['max.batch.size'] ?? 2048),
    pollIntervalMs: Number(config['poll.interval.ms'] ?? 500),
    connectTimeoutMs: Number(config['connect.timeout.ms'] ?? 30_000),
  };
}

/** The index of the first table.include.list pattern `database.table` matches (0 for every table without a list). */
export function includeRank(settings: CdcSettings, database: string, table: string): number {
  const rank = settings.tableInclude.findIndex((p) => new RegExp(`^(?:${p})$`, 'i').test(`${database}.${table}`));
  return rank === -1 ? settings.tableInclude.length : rank;
}

/** Debezium's database filter (database.include.list / exclude.list, regular expressions, whole-name match). */
export function databasePasses(settings: CdcSettings, database: string): boolean {
  const matches = (patterns: string[]): boolean => patterns.some((p) => new RegExp(`^(?:${p})$`, 'i').test(database));
  if (settings.databaseInclude.length > 0 && !matches(settings.databaseInclude)) return false;
  return !matches(settings.databaseExclude);
}

/** Debezium's filters: a table is captured when its database and itself pass the lists (regular expressions, whole-name match). */
export function capturesTable(settings: CdcSettings, database: string, table: string): boolean {
  const matches = (patterns: string[], name: string): boolean => patterns.some((p) => new RegExp(`^(?:${p})$`, 'i').test(name));
  if (['mysql', 'performance_schema', 'sys', 'information_schema'].includes(database.toLowerCase())) return false;
  if (settings.databaseInclude.length > 0 && !matches(settings.databaseInclude, database)) return false;
  if (matches(settings.databaseExclude, database)) return false;
  const full = `${database}.${table}`;
  if (settings.tableInclude.length > 0 && !matches(settings.tableInclude, full)) return false;
  return !matches(settings.tableExclude, full);
}
