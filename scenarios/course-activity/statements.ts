/** The course-activity ksql statement files (ksql/ beside this module), rendered from config and split. */
import { readFileSync } from 'node:fs';
import type { AppConfig } from '../../config/index.ts';
import { logTopic, type CourseActivityConfig } from '../../config/scenarios/course-activity.ts';
import { renderTemplate, splitStatements } from '../../ksql/statements.ts';

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
  return COURSE_ACTIVITY_STATEMENT_FILES.flatMap((file) => {
    const text = readFileSync(new URL(`ksql/${file}`, import.meta.url), 'utf8');
    return splitStatements(renderTemplate(text, variables, `scenarios/course-activity/ksql/${file}`));
  });
}
