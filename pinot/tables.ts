/**
 * The four Pinot realtime tables: schema and table config files in Pinot's own JSON formats
 * (pinot/schemas/<table>.json, pinot/tables/<table>.json), loaded with the topic names and the
 * Kafka broker list taken from config.
 *
 * The files carry the docker-network broker list (DOCKER_BROKER_LIST) and the default topic names;
 * pinotTables() replaces both, so the same files serve the compose stack and the embedded one.
 */
import { readFileSync } from 'node:fs';
import type { AppConfig, TopicNames } from '../config/index.ts';

/** The table names, in pipeline order (topic5 … topic8). */
export const PINOT_TABLE_NAMES = ['pageview_country', 'pageview_tumbling', 'pageview_hopping', 'pageview_session'] as const;

export type PinotTableName = (typeof PINOT_TABLE_NAMES)[number];

/**
 * Which config topic each table consumes. The session table reads its session feed (topic8's rows plus
 * a deleted-row for each session ksqlDB deletes; pinot/session-feed.ts), not topic8 itself.
 */
export const PINOT_TABLE_TOPICS: Readonly<Record<PinotTableName, keyof TopicNames>> = {
  pageview_country: 'pageviewCountry',
  pageview_tumbling: 'pageviewTumbling',
  pageview_hopping: 'pageviewHopping',
  pageview_session: 'pageviewSessionFeed',
};

/** The brokers' in-network listeners in docker-compose.yml, which the table files name. */
export const DOCKER_BROKER_LIST = 'kafka1:29092,kafka2:29092,kafka3:29092';

export interface PinotFieldSpec {
  name: string;
  dataType: 'INT' | 'LONG' | 'FLOAT' | 'DOUBLE' | 'BIG_DECIMAL' | 'BOOLEAN' | 'TIMESTAMP' | 'STRING' | 'JSON' | 'BYTES';
  singleValueField?: boolean;
  defaultNullValue?: string | number | boolean;
}

export interface PinotDateTimeFieldSpec extends PinotFieldSpec {
  format: string;
  granularity: string;
}

export interface PinotSchema {
  schemaName: string;
  dimensionFieldSpecs?: PinotFieldSpec[];
  metricFieldSpecs?: PinotFieldSpec[];
  dateTimeFieldSpecs?: PinotDateTimeFieldSpec[];
  primaryKeyColumns?: string[];
  [key: string]: unknown;
}

export interface PinotTableConfig {
  tableName: string;
  tableType: 'REALTIME' | 'OFFLINE';
  segmentsConfig: {
    schemaName?: string;
    timeColumnName: string;
    replication: string;
    replicasPerPartition?: string;
    [key: string]: unknown;
  };
  tableIndexConfig: {
    streamConfigs: Record<string, string>;
    [key: string]: unknown;
  };
  upsertConfig?: { mode: 'FULL' | 'PARTIAL' | 'NONE'; comparisonColumns?: string[]; [key: string]: unknown };
  routing?: { instanceSelectorType?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface PinotTable {
  /** Raw table name (no _REALTIME suffix), also the schema name. */
  name: string;
  /** The Kafka topic the table consumes, from config. */
  topic: string;
  /** Body for POST /schemas. */
  schema: PinotSchema;
  /** Body for POST /tables, with topic and broker list filled in. */
  tableConfig: PinotTableConfig;
}

export interface PinotTablesOptions {
  /**
   * The broker list Pinot's consumers connect to. Defaults to config.kafka.bootstrap (right for the
   * embedded stack); pass DOCKER_BROKER_LIST when the tables go to the Pinot of docker-compose.yml,
   * whose containers reach the brokers on their in-network listeners.
   */
  brokerList?: string;
}

/** Every column a schema defines, in file order. */
export function schemaColumns(schema: PinotSchema): string[] {
  return [...(schema.dimensionFieldSpecs ?? []), ...(schema.metricFieldSpecs ?? []), ...(schema.dateTimeFieldSpecs ?? [])].map((spec) => spec.name);
}

/** The schema file of one table, as stored. */
export function readPinotSchema(name: PinotTableName): PinotSchema {
  return readJson(new URL(`schemas/${name}.json`, import.meta.url)) as PinotSchema;
}

/** The table config file of one table, as stored (docker broker list, default topic). */
export function readPinotTableConfig(name: PinotTableName): PinotTableConfig {
  return readJson(new URL(`tables/${name}.json`, import.meta.url)) as PinotTableConfig;
}

/** All four tables with their topics and the broker list taken from config (fresh objects each call). */
export function pinotTables(config: AppConfig, options: PinotTablesOptions = {}): PinotTable[] {
  const brokerList = options.brokerList ?? config.kafka.bootstrap.join(',');
  const folder = new URL('./', import.meta.url);
  return PINOT_TABLE_NAMES.map((name) => pinotTableFromFiles(folder, name, config.topics[PINOT_TABLE_TOPICS[name]], brokerList));
}

/**
 * One table from `<folder>/schemas/<name>.json` and `<folder>/tables/<name>.json` (Pinot's own formats),
 * with its stream's topic and broker list replaced: how every scenario ships its tables.
 */
export function pinotTableFromFiles(folder: URL, name: string, topic: string, brokerList: string): PinotTable {
  const tableConfig = readJson(new URL(`tables/${name}.json`, folder)) as PinotTableConfig;
  const streamConfigs = tableConfig.tableIndexConfig.streamConfigs;
  streamConfigs['stream.kafka.topic.name'] = topic;
  streamConfigs['stream.kafka.broker.list'] = brokerList;
  return { name, topic, schema: readJson(new URL(`schemas/${name}.json`, folder)) as PinotSchema, tableConfig };
}

/** Every table of a scenario's folder: table name -> the topic it consumes. */
export function pinotTablesFromFolder(folder: URL, topicOfTable: Record<string, string>, brokerList: string): PinotTable[] {
  return Object.entries(topicOfTable).map(([name, topic]) => pinotTableFromFiles(folder, name, topic, brokerList));
}

function readJson(url: URL): unknown {
  try {
    return JSON.parse(readFileSync(url, 'utf8'));
  } catch (error) {
    throw new Error(`${url.pathname}: ${(error as Error).message}`);
  }
}
