/**
 * The clickstream ksql statement files (ksql/ beside this module), rendered with the same `${NAME}`
 * mechanism as the PageView statements (ksql/statements.ts) and split into single statements.
 */
import type { AppConfig } from '../../config/index.ts';
import type { ClickstreamConfig } from '../../config/scenarios/clickstream.ts';
import { renderStatementFiles } from '../../ksql/statements.ts';

/** In the order they must be applied. */
export const CLICKSTREAM_STATEMENT_FILES = [
  '01-sources.sql',
  '02-enriched-streams.sql',
  '03-per-user.sql',
  '04-sessions.sql',
  '05-errors.sql',
  '06-user-ip-activity.sql',
] as const;

export function clickstreamStatementVariables(config: AppConfig, settings: ClickstreamConfig): Record<string, string> {
  const { topics, windows, thresholds } = settings;
  const values: Record<string, number | string> = {
    TOPIC_CLICKSTREAM: topics.clickstream,
    TOPIC_CODES: topics.codes,
    TOPIC_USERS: topics.users,
    TOPIC_USER_CLICKSTREAM: topics.userClickstream,
    TOPIC_ENRICHED_ERROR_CODES: topics.enrichedErrorCodes,
    TOPIC_EVENTS_PER_MIN: topics.eventsPerMin,
    TOPIC_PAGES_PER_MIN: topics.pagesPerMin,
    TOPIC_CLICK_USER_SESSIONS: topics.clickUserSessions,
    TOPIC_ERRORS_PER_MIN_ALERT: topics.errorsPerMinAlert,
    TOPIC_ERRORS_PER_MIN: topics.errorsPerMin,
    TOPIC_ENRICHED_ERROR_CODES_COUNT: topics.enrichedErrorCodesCount,
    TOPIC_USER_IP_ACTIVITY: topics.userIpActivity,
    PARTITIONS: config.kafka.partitions,
    REPLICAS: config.kafka.replicationFactor,
    EVENTS_WINDOW_SECONDS: windows.eventsSeconds,
    PAGES_WINDOW_SECONDS: windows.pagesSeconds,
    PAGES_WINDOW_ADVANCE_SECONDS: windows.pagesAdvanceSeconds,
    ERRORS_ALERT_WINDOW_SECONDS: windows.errorsAlertSeconds,
    ERRORS_ALERT_WINDOW_ADVANCE_SECONDS: windows.errorsAlertAdvanceSeconds,
    ERRORS_WINDOW_SECONDS: windows.errorsSeconds,
    ERRORS_WINDOW_ADVANCE_SECONDS: windows.errorsAdvanceSeconds,
    ERROR_CODES_WINDOW_SECONDS: windows.errorCodesSeconds,
    USER_IP_WINDOW_SECONDS: windows.userIpSeconds,
    SESSION_GAP_SECONDS: windows.sessionGapSeconds,
    ERROR_ALERT_THRESHOLD: thresholds.errorAlert,
    ERROR_CODES_THRESHOLD: thresholds.errorCodes,
    USER_IP_THRESHOLD: thresholds.userIp,
  };
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, String(value)]));
}

/** Every statement of every file, rendered, in the order to send them, each ending with `;`. */
export function clickstreamStatements(config: AppConfig, settings: ClickstreamConfig): string[] {
  const variables = clickstreamStatementVariables(config, settings);
  return renderStatementFiles(new URL('./ksql/', import.meta.url), CLICKSTREAM_STATEMENT_FILES, variables);
}
