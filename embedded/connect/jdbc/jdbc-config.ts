/**
 * The JDBC source connector's config keys (io.confluent.connect.jdbc.JdbcSourceConnector), with its groups,
 * defaults and checks, and the cross-field checks its validate() adds. Keys we accept but do not act on
 * are listed in README.md.
 */
import { atLeast, KeyList, oneOf, REQUIRED, validateKey } from '../config/config-def.ts';
import { ConfigParseException } from '../errors.ts';
import { parseJdbcUrl, JdbcUrlError } from './connection-url.ts';

export const JDBC_SOURCE_CLASS = 'io.confluent.connect.jdbc.JdbcSourceConnector';
export const JDBC_SOURCE_VERSION = '10.7.6';

export const MODES = ['', 'bulk', 'timestamp', 'incrementing', 'timestamp+incrementing'] as const;
export type Mode = Exclude<(typeof MODES)[number], ''>;

function validUrl(v: string): string | undefined {
  try {
    parseJdbcUrl(v);
    return undefined;
  } catch (error) {
    return error instanceof JdbcUrlError ? error.message : String(error);
  }
}

const D = 'Database';
const M = 'Mode';
const C = 'Connector';

export const JDBC_KEYS = new KeyList()
  .add(D, 'connection.url', 'STRING', REQUIRED, 'HIGH', 'JDBC connection URL. For example: ``jdbc:mysql://localhost:3306/demo``', {
    validate: validUrl,
    width: 'LONG',
    displayName: 'JDBC URL',
  })
  .add(D, 'connection.user', 'STRING', null, 'HIGH', 'JDBC connection user.', { width: 'LONG', displayName: 'JDBC User' })
  .add(D, 'connection.password', 'PASSWORD', null, 'HIGH', 'JDBC connection password.', { width: 'SHORT', displayName: 'JDBC Password' })
  .add(D, 'connection.attempts', 'INT', '3', 'LOW', 'Maximum number of attempts to retrieve a valid JDBC connection. Must be a positive integer.', {
    validate: atLeast(1),
    width: 'SHORT',
    displayName: 'JDBC connection attempts',
  })
  .add(D, 'connection.backoff.ms', 'LONG', '10000', 'LOW', 'Backoff time in milliseconds between connection attempts.', {
    width: 'SHORT',
    displayName: 'JDBC connection backoff in milliseconds',
  })
  .add(D, 'catalog.pattern', 'STRING', null, 'MEDIUM', 'Catalog pattern to fetch table metadata from the database.', { displayName: 'Schema pattern' })
  .add(D, 'table.whitelist', 'LIST', '', 'MEDIUM', 'List of tables to include in copying. Use a comma-separated list to specify multiple tables.', {
    width: 'LONG',
    displayName: 'Table Whitelist',
  })
  .add(D, 'table.blacklist', 'LIST', '', 'MEDIUM', 'List of tables to exclude from copying.', { width: 'LONG', displayName: 'Table Blacklist' })
  .add(D, 'table.include.list', 'LIST', '', 'MEDIUM', 'List of tables to include in copying (the newer name of table.whitelist).', {
    width: 'LONG',
    displayName: 'Table Include List',
  })
  .add(D, 'table.exclude.list', 'LIST', '', 'MEDIUM', 'List of tables to exclude from copying (the newer name of table.blacklist).', {
    width: 'LONG',
    displayName: 'Table Exclude List',
  })
  .add(D, 'schema.pattern', 'STRING', null, 'HIGH', 'Schema pattern to fetch table metadata from the database.', { displayName: 'Schema pattern' })
  .add(D, 'numeric.precision.mapping', 'BOOLEAN', 'false', 'LOW', 'Deprecated; use numeric.mapping.', {
    width: 'SHORT',
    displayName: 'Map Numeric Values By Precision (deprecated)',
  })
  .add(D, 'numeric.mapping', 'STRING', null, 'LOW', 'Map NUMERIC values by precision and optionally scale to integral or decimal types.', {
    validate: oneOf(['none', 'precision_only', 'best_fit', 'best_fit_eager_double'], true),
    recommended: ['none', 'precision_only', 'best_fit', 'best_fit_eager_double'],
    width: 'SHORT',
    displayName: 'Map Numeric Values, Integral or Decimal, By Precision and Scale',
  })
  .add(D, 'dialect.name', 'STRING', '', 'LOW', 'The name of the database dialect that should be used for this connector.', {
    validate: oneOf(['', 'MySqlDatabaseDialect', 'GenericDatabaseDialect']),
    recommended: ['', 'MySqlDatabaseDialect', 'GenericDatabaseDialect'],
    width: 'LONG',
    displayName: 'Database Dialect',
  })
  .add(D, 'table.types', 'LIST', 'TABLE', 'LOW', 'By default, the JDBC connector will only detect tables with type TABLE from the source Database.', {
    displayName: 'Table Types',
  })
  .add(
    D,
    'transaction.isolation.mode',
    'STRING',
    'DEFAULT',
    'LOW',
    'Mode to control which transaction isolation level is used when running queries against the database.',
    {
      validate: oneOf(['DEFAULT', 'READ_UNCOMMITTED', 'READ_COMMITTED', 'REPEATABLE_READ', 'SERIALIZABLE', 'SQL_SERVER_SNAPSHOT']),
      displayName: 'Transaction Isolation Mode',
    },
  )
  .add(M, 'mode', 'STRING', '', 'HIGH', 'The mode for updating a table each time it is polled: bulk, timestamp, incrementing or timestamp+incrementing.', {
    validate: oneOf([...MODES]),
    recommended: ['bulk', 'timestamp', 'incrementing', 'timestamp+incrementing'],
    dependents: ['incrementing.column.name', 'timestamp.column.name', 'validate.non.null'],
    displayName: 'Table Loading Mode',
  })
  .add(
    M,
    'incrementing.column.name',
    'STRING',
    '',
    'MEDIUM',
    'The name of the strictly incrementing column to use to detect new rows. An empty value detects the auto-increment column.',
    { width: 'MEDIUM', displayName: 'Incrementing Column Name' },
  )
  .add(
    M,
    'timestamp.column.name',
    'LIST',
    '',
    'MEDIUM',
    'Comma separated list of one or more timestamp columns to detect new or modified rows using the COALESCE SQL function.',
    { width: 'MEDIUM', displayName: 'Timestamp Column Name' },
  )
  .add(M, 'timestamp.initial', 'LONG', null, 'LOW', 'The epoch timestamp used for initial queries that use timestamp criteria. -1 means the current time.', {
    displayName: 'Unix time value of initial timestamp',
  })
  .add(
    M,
    'validate.non.null',
    'BOOLEAN',
    'true',
    'LOW',
    'By default, the JDBC connector will validate that all incrementing and timestamp tables have NOT NULL set for the columns being used as their ID/timestamp.',
    { displayName: 'Validate Non Null' },
  )
  .add(M, 'query', 'STRING', '', 'MEDIUM', 'If specified, the query to perform to select new or updated rows.', { width: 'LONG', displayName: 'Query' })
  .add(M, 'quote.sql.identifiers', 'STRING', 'ALWAYS', 'MEDIUM', 'When to quote table names, column names, and other identifiers in SQL statements.', {
    validate: oneOf(['ALWAYS', 'NEVER'], true),
    displayName: 'Quote Identifiers',
  })
  .add(M, 'query.suffix', 'STRING', '', 'LOW', 'Suffix to append at the end of the generated query.', { width: 'MEDIUM', displayName: 'Query suffix' })
  .add(M, 'query.retry.attempts', 'INT', '-1', 'LOW', 'The number of times to retry SQL exceptions encountered when executing queries.', {
    displayName: 'Query Retry Attempts',
  })
  .add(M, 'timestamp.granularity', 'STRING', 'connect_logical', 'LOW', 'Define the granularity of the Timestamp column.', {
    validate: oneOf(['connect_logical', 'nanos_long', 'nanos_string', 'nanos_iso_datetime_string'], true),
    displayName: 'Timestamp granularity for timestamp columns',
  })
  .add(C, 'poll.interval.ms', 'INT', '5000', 'HIGH', 'Frequency in ms to poll for new data in each table.', {
    width: 'SHORT',
    displayName: 'Poll Interval (ms)',
  })
  .add(C, 'batch.max.rows', 'INT', '100', 'LOW', 'Maximum number of rows to include in a single batch when polling for new data.', {
    width: 'SHORT',
    displayName: 'Max Rows Per Batch',
  })
  .add(C, 'table.poll.interval.ms', 'LONG', '60000', 'LOW', 'Frequency in ms to poll for new or removed tables.', {
    width: 'SHORT',
    displayName: 'Metadata Change Monitoring Interval (ms)',
  })
  .add(
    C,
    'topic.prefix',
    'STRING',
    '',
    'HIGH',
    'Prefix to prepend to table names to generate the name of the Kafka topic to publish data to, or in the case of a custom query, the full name of the topic to publish to.',
    { validate: validTopicPrefix, width: 'MEDIUM', displayName: 'Topic Prefix' },
  )
  .add(
    C,
    'timestamp.delay.interval.ms',
    'LONG',
    '0',
    'HIGH',
    'How long to wait after a row with certain timestamp appears before we include it in the result.',
    { width: 'MEDIUM', displayName: 'Delay Interval (ms)' },
  )
  .add(C, 'db.timezone', 'STRING', 'UTC', 'MEDIUM', 'Name of the JDBC timezone used in the connector when querying with time-based criteria.', {
    validate: validTimezone,
    width: 'MEDIUM',
    displayName: 'DB time zone',
  }).keys;

function validTimezone(v: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v });
    return undefined;
  } catch {
    return 'Invalid time zone identifier';
  }
}

/** JdbcSourceConnectorConfig's check of topic.prefix (trimmed): a topic name's length and characters. */
function validTopicPrefix(v: string): string | undefined {
  const trimmed = v.trim();
  if (trimmed.length > 249) return 'Topic prefix length must not exceed max topic name length, 249 chars';
  if (/[^a-zA-Z0-9._-]/.test(trimmed)) return "Topic prefix must not contain any character other than ASCII alphanumerics, '.', '_' and '-'.";
  return undefined;
}

/** The keys whose visibility JdbcSourceConnectorConfig's ModeDependentsRecommender decides from `mode`. */
const MODE_DEPENDENTS = ['incrementing.column.name', 'timestamp.column.name', 'timestamp.initial', 'validate.non.null'];

/**
 * What JdbcSourceConnector.validate() adds to ConfigDef's per-key checks (10.7):
 * - it builds a JdbcSourceConnectorConfig from the config, whose strict parse throws at the first invalid or
 *   missing value: Connect answers that ConfigException with HTTP 500 (not a 400 listing errors), see
 *   ConfigParseException for the message of each endpoint;
 * - the mode's dependents (incrementing.column.name, timestamp.column.name, timestamp.initial, validate.non.null)
 *   ask the mode for their visibility, which fails with "Query mode must be specified" when `mode` is empty or
 *   absent: one error on each of the four keys (none on `mode` itself, for which "" is a valid value).
 * Exclusive table filters and `query` with a table filter are not validation errors: the connector fails at start.
 */
export function jdbcCrossChecks(config: Record<string, string>): Map<string, string[]> {
  for (const key of JDBC_KEYS) {
    const [first] = validateKey(key, config[key.name]);
    if (first !== undefined) throw new ConfigParseException(first);
  }
  const errors = new Map<string, string[]>();
  const mode = config.mode ?? '';
  if (mode === '') for (const key of MODE_DEPENDENTS) errors.set(key, ['Query mode must be specified']);
  return errors;
}
