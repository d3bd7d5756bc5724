/**
 * The default scenario: the PageView pipeline of ../shared/BRIEF.md, made of the top-level ksql/,
 * pinot/, config/connector-config.json, producers/ and the dashboard's own page. This module only
 * says which of those the shared bootstrap and `npm start` use.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { allTopics, type AppConfig } from '../../config/index.ts';
import type { KafkaSecurity } from '../../config/kafka-security.ts';
import { renderedStatements } from '../../ksql/statements.ts';
import { pinotTables } from '../../pinot/tables.ts';
import { producePageViews, produceSessions, produceUsers } from '../../producers/index.ts';
import { ensureUsersTable, mysqlTarget } from '../../producers/sinks/mysql-users.ts';
import { ksqlConsumedToEnd, topicEndOffset } from '../topic-offsets.ts';
import type { Scenario, ScenarioConnector, ScenarioProduceContext, ScenarioTargets } from '../scenario.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The JDBC source connector of config/connector-config.json. In docker mode it is posted as it is
 * (`mysql-server` resolves in the compose network); in embedded mode its connection names the local MySQL.
 */
export function jdbcConnector(config: AppConfig, targets: ScenarioTargets): ScenarioConnector {
  const file = JSON.parse(fs.readFileSync(path.join(root, 'config', 'connector-config.json'), 'utf8')) as ScenarioConnector;
  if (targets.mode === 'docker') return file;
  const db = targets.connectorMysql;
  return {
    name: file.name,
    config: {
      ...file.config,
      'connection.url': `jdbc:mysql://${db.host}:${db.port}/${config.mysql.database}?useSSL=false`,
      'connection.user': db.user,
      'connection.password': db.password,
    },
  };
}

async function usersInTable(url: string, config: AppConfig): Promise<number> {
  const connection = await mysql.createConnection({ uri: url });
  try {
    const [rows] = await connection.query(`SELECT COUNT(*) AS n FROM \`${config.mysql.database}\`.\`${config.mysql.table}\``);
    return Number((rows as { n: number }[])[0]!.n);
  } finally {
    await connection.end();
  }
}

/** How long page views wait for ksqlDB to read the users through (no ksqlDB or no statements: they start anyway). */
const CLEANED_USERS_WAIT_MS = 120_000;

/**
 * Waits until `target` users are on topic3 and ksqlDB has read topic3 and topic4 to their ends, so
 * they are in CLEANED_USERS and in the join's table (at most `waitMs` for the second part).
 */
export async function waitForUsersInJoin(
  brokers: string[],
  config: AppConfig,
  target: number,
  signal: AbortSignal,
  waitMs = CLEANED_USERS_WAIT_MS,
  security?: KafkaSecurity,
): Promise<void> {
  const pause = () => new Promise((r) => setTimeout(r, 250));
  while (!signal.aborted && (await topicEndOffset(brokers, config.topics.users, security)) < target) await pause();
  const deadline = Date.now() + waitMs;
  const read = [config.topics.users, config.topics.cleanedUsers];
  while (!signal.aborted && Date.now() < deadline && !(await ksqlConsumedToEnd(brokers, read, security))) await pause();
}

/**
 * Users first, and page views only once the users are in the join's table: through topic3 (the JDBC
 * source), then read by ksqlDB's CLEANED_USERS query into topic4 and by the join from topic4. A page
 * view whose user is not in the table yet finds no match and is dropped, as in ksqlDB; topic3 alone
 * is not enough, since CLEANED_USERS and the join lag it by a commit or two.
 */
async function produce(context: ScenarioProduceContext): Promise<void> {
  const { config, targets, signal } = context;
  const have = await usersInTable(targets.mysqlUrl, config);
  if (have < context.population) {
    await produceUsers({ count: context.population - have, url: targets.mysqlUrl, database: config.mysql.database, config, signal });
  }
  const target = await usersInTable(targets.mysqlUrl, config);
  context.progress('users', target);
  const brokers = targets.kafkaBootstrap;
  await waitForUsersInJoin(brokers, config, target, signal, CLEANED_USERS_WAIT_MS, targets.kafkaSecurity);
  if (signal.aborted) return;
  const common = {
    count: 0,
    rate: context.rate,
    url: targets.mysqlUrl,
    database: config.mysql.database,
    brokers,
    kafkaSecurity: targets.kafkaSecurity,
    config,
    signal,
    createTopics: false,
  };
  await Promise.all([
    producePageViews({ ...common, onProgress: (p) => context.progress('page views', p.done) }),
    produceSessions({ ...common, onProgress: (p) => context.progress('sessions', p.done) }),
  ]);
}

export const scenario: Scenario = {
  name: 'pageview',
  title: 'PageView analytics',
  description:
    'Users from MySQL through the JDBC source, page views and sessions from the producers; ksqlDB cleans users, ' +
    'joins them with page views and counts per country and per tumbling, hopping and session window; Pinot serves the ' +
    'four result tables to the dashboard (../shared/BRIEF.md).',
  topics: (config) => allTopics(config.topics).map((name) => ({ name })),
  mysqlTables: (config) => {
    const target = mysqlTarget(config.mysql, { database: config.mysql.database });
    return [
      {
        database: target.database,
        table: target.table,
        create: (pool) => ensureUsersTable(pool, target),
      },
    ];
  },
  connectors: (config, targets) => [jdbcConnector(config, targets)],
  ksqlStatements: (config) => renderedStatements(config),
  pinotTables: (config, brokerList) => pinotTables(config, { brokerList }),
  sessionFeeds: (config) => [
    {
      source: config.topics.pageviewSession,
      target: config.topics.pageviewSessionFeed,
      keyColumn: 'source',
      windowStartColumn: 'window_start',
      windowEndColumn: 'window_end',
      deleteColumn: 'deleted',
    },
  ],
  produce,
};
