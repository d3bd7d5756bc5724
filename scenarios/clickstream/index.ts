/**
 * The clickstream scenario, after Confluent's clickstream demo (../shared/seeds/000_*, 001_*): clicks,
 * web users and HTTP status codes produced to Kafka; the demo's ksql statements (events and pages per
 * minute, status codes joined in, error counts with an alert over a threshold, clicks enriched with
 * users, user IP activity, user sessions) plus the seed's extras (bytes per minute and per session);
 * Pinot serves the tables the dashboard draws.
 *
 * Settings come from config/scenarios/clickstream.ts, read when a function is called (so a bad
 * CLICKSTREAM_* variable surfaces where it is caught); tests pass their own with clickstreamScenario().
 */
import { loadClickstreamConfig, type ClickstreamConfig } from '../../config/scenarios/clickstream.ts';
import type { Scenario } from '../scenario.ts';
import { clickstreamDashboard } from './dashboard.ts';
import { clickstreamPinotTables } from './pinot.ts';
import { produceClickstream } from './produce.ts';
import { clickstreamStatements } from './statements.ts';

export function clickstreamScenario(fixed?: ClickstreamConfig): Scenario {
  const settings = (): ClickstreamConfig => fixed ?? loadClickstreamConfig();
  return {
    name: 'clickstream',
    title: 'Clickstream analysis',
    description:
      "Confluent's clickstream demo: generated clicks, web users and HTTP status codes on Kafka; ksqlDB counts " +
      'events and pages per minute, errors per status with an alert over a threshold, status codes joined in, clicks ' +
      'enriched with users, user IP activity and 30 s user sessions, with bytes per minute and per session; Pinot ' +
      'serves the tables to the dashboard.',
    topics: () => {
      const { topics } = settings();
      return [
        { name: topics.clickstream },
        // Tables' topics: the latest row per key is all that counts.
        { name: topics.codes, configs: { 'cleanup.policy': 'compact' } },
        { name: topics.users, configs: { 'cleanup.policy': 'compact' } },
        // Read by Pinot, so it must exist before the table is created (as many partitions as CLICK_USER_SESSIONS).
        { name: topics.clickUserSessionsFeed },
      ];
    },
    mysqlTables: () => [],
    connectors: () => [],
    ksqlStatements: (config) => clickstreamStatements(config, settings()),
    pinotTables: (_config, brokerList) => clickstreamPinotTables(settings(), brokerList),
    sessionFeeds: () => {
      const { topics } = settings();
      return [
        {
          source: topics.clickUserSessions,
          target: topics.clickUserSessionsFeed,
          keyColumn: 'username',
          windowStartColumn: 'session_start',
          windowEndColumn: 'event_ts',
          deleteColumn: 'deleted',
        },
      ];
    },
    produce: (context) => produceClickstream(context, settings()),
    dashboard: () => clickstreamDashboard(settings()),
  };
}

export const scenario: Scenario = clickstreamScenario();
