/**
 * The clickstream's Pinot realtime tables: schema and table config files in Pinot's own JSON formats
 * (pinot/schemas/<table>.json, pinot/tables/<table>.json beside this module), one per ksql table the
 * dashboard shows, loaded with the topic from config and the broker list of the stack.
 */
import type { ClickstreamConfig, ClickstreamTopics } from '../../config/scenarios/clickstream.ts';
import { pinotTablesFromFolder, type PinotTable } from '../../pinot/tables.ts';

/** Each Pinot table and the ksql output topic it consumes. */
export const CLICKSTREAM_PINOT_TABLES = {
  events_per_min: 'eventsPerMin',
  pages_per_min: 'pagesPerMin',
  // through the session feed, so sessions merged away by late clicks are deleted (pinot/session-feed.ts)
  click_user_sessions: 'clickUserSessionsFeed',
  errors_per_min_alert: 'errorsPerMinAlert',
  errors_per_min: 'errorsPerMin',
  enriched_error_codes_count: 'enrichedErrorCodesCount',
  user_ip_activity: 'userIpActivity',
} as const satisfies Record<string, keyof ClickstreamTopics>;

export type ClickstreamPinotTable = keyof typeof CLICKSTREAM_PINOT_TABLES;

export function clickstreamPinotTables(settings: ClickstreamConfig, brokerList: string): PinotTable[] {
  const topics = Object.fromEntries(Object.entries(CLICKSTREAM_PINOT_TABLES).map(([name, topic]) => [name, settings.topics[topic]]));
  return pinotTablesFromFolder(new URL('./pinot/', import.meta.url), topics, brokerList);
}
