/**
 * A scenario is one pipeline run on the shared stack: its topics, MySQL tables, connectors, ksql
 * statements, Pinot tables, producers and dashboard page. The shared bootstrap (stack/bootstrap.ts)
 * creates what a scenario declares, through the parts' public APIs, in both modes; `npm start --
 * --scenario <name>` runs its producers; the dashboard draws its panels.
 *
 * The PageView pipeline is the default scenario (scenarios/pageview/); the others live in
 * scenarios/<name>/ and are listed in scenarios/index.ts.
 */
import type { Pool } from 'mysql2/promise';
import type { AppConfig } from '../config/index.ts';
import type { KafkaSecurity } from '../config/kafka-security.ts';
import type { SessionFeedSpec } from '../pinot/session-feed.ts';
import type { PinotTable } from '../pinot/tables.ts';

/** Where the bootstrap and the producers reach each part of a running stack, as seen from this process. */
export interface ScenarioTargets {
  mode: 'embedded' | 'docker' | 'external';
  kafkaBootstrap: string[];
  /** How clients authenticate to Kafka (TLS, SASL); default PLAINTEXT. */
  kafkaSecurity?: KafkaSecurity;
  /** mysql://user:password@host:port as seen from here. */
  mysqlUrl: string;
  /**
   * How a connector reaches MySQL: in embedded mode the same server as mysqlUrl; in docker mode the
   * compose service (`mysql-server:3306`, user/password of docker-compose.yml).
   */
  connectorMysql: { host: string; port: number; user: string; password: string };
  /** The broker list Pinot consumes from (docker: in-network listeners; external: PINOT_KAFKA_BROKER_LIST). */
  pinotBrokerList: string;
  /** How Pinot authenticates to Kafka, as stream properties (external mode with SASL/TLS); default none. */
  pinotKafkaSecurity?: KafkaSecurity;
}

export interface ScenarioTopic {
  name: string;
  /** Default: config.kafka.partitions. */
  partitions?: number;
  /** Extra topic configs, e.g. { 'cleanup.policy': 'compact' }. */
  configs?: Record<string, string>;
}

/** A MySQL table the scenario needs; `create` must be idempotent-safe to call only when missing. */
export interface ScenarioMysqlTable {
  database: string;
  table: string;
  create(pool: Pool): Promise<void>;
}

export interface ScenarioConnector {
  name: string;
  config: Record<string, string>;
  /**
   * Which Connect worker runs it in docker mode: the stack's (`connect`, with the JDBC plugin) or the
   * Debezium image of the compose profile. The embedded Connect runs both kinds.
   */
  worker?: 'default' | 'debezium';
}

/** What the producers of `npm start` are told. */
export interface ScenarioProduceContext {
  config: AppConfig;
  targets: ScenarioTargets;
  /** Events per second per generator (the --rate flag). */
  rate: number;
  /** Size of the reference data set where there is one (the --users flag: users, hotels, ...). */
  population: number;
  signal: AbortSignal;
  /** Called with a label and a running total, e.g. ('clicks', 1200); shown on the status line. */
  progress(label: string, done: number): void;
}

/** One chart or table on the scenario's dashboard page. */
export interface DashboardPanel {
  id: string;
  title: string;
  /** Pinot SQL run against the Pinot broker every poll (read-only SELECT). */
  sql: string;
  /**
   * line: x column (epoch ms) against one or more y columns, one line per distinct `series` value;
   * bar: label column against y columns; table: the rows as they come; stat: first row's y[0] as a big number.
   */
  kind: 'line' | 'bar' | 'table' | 'stat';
  x?: string;
  y?: string[];
  series?: string;
  /** One line under the title saying what the panel shows. */
  description?: string;
  /** A caption under the panel, as text: what explains the data (e.g. where a chart's swings come from). */
  note?: string;
  /**
   * Line charts with a series column: only the N series with the largest totals get a line (and a
   * legend entry); the others are drawn as grey points in one "others (k)" entry, each point naming its
   * series in the tooltip. A legend of 20+ entries is unreadable and squeezes the plot.
   */
  topSeries?: number;
  /** Table columns holding epoch ms, shown as the browser's local time (the charts' time axis is local too). */
  clock?: string[];
}

export interface ScenarioDashboard {
  title: string;
  panels: DashboardPanel[];
}

export interface Scenario {
  /** The --scenario / SCENARIO= value. */
  name: string;
  title: string;
  /** One paragraph: what the pipeline does, where it comes from. */
  description: string;
  topics(config: AppConfig): ScenarioTopic[];
  mysqlTables(config: AppConfig): ScenarioMysqlTable[];
  connectors(config: AppConfig, targets: ScenarioTargets): ScenarioConnector[];
  /** Single statements in the order to send them, each ending with `;`. */
  ksqlStatements(config: AppConfig): string[];
  pinotTables(config: AppConfig, brokerList: string): PinotTable[];
  /**
   * The session-windowed tables Pinot reads through a session feed (pinot/session-feed.ts): the feed
   * turns ksqlDB's tombstones of merged-away sessions into Pinot deletes. Run by the embedded stack, by
   * the `session-feed` service of docker-compose.yml, and by `npm run session-feed` next to other clusters.
   */
  sessionFeeds?(config: AppConfig): SessionFeedSpec[];
  /** Runs the producers until the signal aborts (unbounded) — what `npm start` does after the bootstrap. */
  produce(context: ScenarioProduceContext): Promise<void>;
  /** Absent: the scenario has its own page (the PageView dashboard). */
  dashboard?(config: AppConfig): ScenarioDashboard;
}
