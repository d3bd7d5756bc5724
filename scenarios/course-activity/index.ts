/**
 * The course-activity scenario (../shared/seeds/002_*): Moodle's activity log in MySQL
 * (mdl_logstore_standard_log), captured by the Debezium-compatible MySQL CDC source with the unwrap
 * transform into demo.demo.mdl_logstore_standard_log; ksqlDB finds each user's sessions (15 minutes of
 * inactivity), aggregates them per user, and filters the scoring producer's predictions into the
 * at-risk stream; Pinot serves sessions and at-risk users to the dashboard. In docker mode the connector
 * runs on Debezium's own Connect image (compose profile course-activity).
 */
import type { AppConfig } from '../../config/index.ts';
import { loadCourseActivityConfig, logTopic, type CourseActivityConfig } from '../../config/scenarios/course-activity.ts';
import { pinotStreamSecurity } from '../../pinot/stream-security.ts';
import type { Scenario, ScenarioConnector, ScenarioTargets } from '../scenario.ts';
import { courseActivityDashboard } from './dashboard.ts';
import { courseActivityPinotTables } from './pinot.ts';
import { produceCourseActivity } from './produce.ts';
import { courseActivityStatements } from './statements.ts';

/**
 * Debezium's schema history is a Kafka topic its connector reads and writes with clients of its own:
 * they reach Kafka as the servers do (in-network names in docker mode, PINOT_KAFKA_BROKER_LIST in the
 * external mode) and log in as Pinot's consumers do, with Kafka's client properties under the
 * `schema.history.internal.producer.` / `.consumer.` prefixes.
 */
function schemaHistoryKafka(targets: ScenarioTargets): Record<string, string> {
  const security = Object.entries(pinotStreamSecurity(targets.pinotKafkaSecurity));
  return {
    'schema.history.internal.kafka.bootstrap.servers': targets.pinotBrokerList,
    ...Object.fromEntries(security.map(([key, value]) => [`schema.history.internal.producer.${key}`, value])),
    ...Object.fromEntries(security.map(([key, value]) => [`schema.history.internal.consumer.${key}`, value])),
  };
}

export function cdcConnector(settings: CourseActivityConfig, targets: ScenarioTargets): ScenarioConnector {
  const db = targets.connectorMysql;
  return {
    name: 'course-activity-cdc',
    worker: 'debezium',
    config: {
      'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
      'tasks.max': '1',
      'database.hostname': db.host,
      'database.port': String(db.port),
      'database.user': db.user,
      'database.password': db.password,
      'database.server.id': '184054',
      'topic.prefix': settings.topicPrefix,
      'database.include.list': settings.database,
      'table.include.list': `${settings.database}.${settings.table}`,
      ...schemaHistoryKafka(targets),
      'schema.history.internal.kafka.topic': `schema-changes.${settings.database}`,
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'false',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      transforms: 'unwrap',
      'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
      'transforms.unwrap.drop.tombstones': 'true',
    },
  };
}

export function courseActivityScenario(fixed?: CourseActivityConfig): Scenario {
  const settings = (): CourseActivityConfig => fixed ?? loadCourseActivityConfig();
  return {
    name: 'course-activity',
    title: 'Course activity and withdrawal risk',
    description:
      "Moodle's activity log in MySQL captured by the Debezium-compatible MySQL CDC source; ksqlDB finds each " +
      "user's 15-minute sessions, aggregates them per user and filters a scoring producer's predictions into the at-risk " +
      'stream (prediction > 0.7); Pinot serves sessions and at-risk users to the dashboard.',
    // One partition, as the seed's tables had: the CDC records then reach ksqlDB in binlog (= time) order,
    // so no session is found twice and merged later (the per-user aggregate reads the sessions' changelog
    // as a stream, which skips the tombstones of merged-away sessions; Pinot gets them through the feed).
    // The session feed's topic is read by Pinot, so it exists before the table (partitions as the sessions' topic).
    topics: () => [{ name: logTopic(settings()), partitions: 1 }, { name: settings().topics.sessionsFeed }],
    mysqlTables: () => {
      const s = settings();
      return [
        {
          database: s.database,
          table: s.table,
          create: async (pool) => {
            await pool.query(`CREATE DATABASE IF NOT EXISTS \`${s.database}\``);
            await pool.query(`CREATE TABLE IF NOT EXISTS \`${s.database}\`.\`${s.table}\` (
            id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
            eventname VARCHAR(255) NOT NULL,
            userid BIGINT NOT NULL,
            timecreated BIGINT NOT NULL
          )`);
          },
        },
      ];
    },
    connectors: (_config: AppConfig, targets) => [cdcConnector(settings(), targets)],
    ksqlStatements: (config) => courseActivityStatements(config, settings()),
    pinotTables: (_config, brokerList) => courseActivityPinotTables(settings(), brokerList),
    sessionFeeds: () => {
      const { topics } = settings();
      return [
        {
          source: topics.sessions,
          target: topics.sessionsFeed,
          keyColumn: 'user_id',
          windowStartColumn: 'start_date',
          windowEndColumn: 'end_date',
          deleteColumn: 'deleted',
        },
      ];
    },
    produce: (context) => produceCourseActivity(context, settings()),
    dashboard: () => courseActivityDashboard(settings()),
  };
}

export const scenario: Scenario = courseActivityScenario();
