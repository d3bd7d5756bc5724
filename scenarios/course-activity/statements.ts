/** The course-activity ksql statement files (ksql/ beside this module), rendered from config and split. */
import type { AppConfig } from '../../config/index.ts';
import { logTopic, type CourseActivityConfig } from '../../config/scenarios/course-activity.ts';
import { renderStatementFiles } from '../../ksql/statements.ts';

export const COURSE_ACTIVITY_STATEMENT_FILES = ['01-moodle-logs.sql', '02-sessions.sql', '03-prediction.sql'] as const;

export function courseActivityStatements(config: AppConfig, settings: CourseActivityConfig): string[] {
  const variables: Record<string, string> = {
    TOPIC_LOGS: logTopic(settings),
    TOPIC_SESSIONS: settings.topics.sessions,
    TOPIC_SESSIONS_LATEST: settings.topics.sessionsLatest,
    TOPIC_PREDICTION_AGG: settings.topics.predictionAgg,
    TOPIC_PREDICTION: settings.topics.prediction,
    TOPIC_IN_RISK: settings.topics.inRisk,
    PARTITIONS: String(config.kafka.partitions),
    REPLICAS: String(config.kafka.replicationFactor),
    SESSION_GAP_MINUTES: String(settings.sessionGapMinutes),
    RISK_THRESHOLD: String(settings.riskThreshold),
  };
  return renderStatementFiles(new URL('./ksql/', import.meta.url), COURSE_ACTIVITY_STATEMENT_FILES, variables);
}
