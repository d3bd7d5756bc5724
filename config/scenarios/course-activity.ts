/**
 * Settings of the course-activity scenario (scenarios/course-activity/, after ../shared/seeds/002_*):
 * the Moodle log table in MySQL, the CDC connector's topic prefix, the session gap, the at-risk
 * threshold and the shape of the generated activity. Every value has an env override prefixed
 * COURSE_ACTIVITY_. Partitions and replicas come from the shared config.
 */
import { envFraction, envInt, envString, envTopic, type Env } from '../env.ts';

export interface CourseActivityConfig {
  /** MySQL database of the log table (the seed's `demo`). */
  database: string;
  table: string;
  /** The CDC connector's topic.prefix: the log topic is <prefix>.<database>.<table> (the seed's demo.demo.mdl_logstore_standard_log). */
  topicPrefix: string;
  /** sessionsFeed: what Pinot's moodle_sessions reads, the sessions with deleted ones as delete rows (pinot/session-feed.ts). */
  topics: { sessions: string; sessionsFeed: string; sessionsLatest: string; predictionAgg: string; prediction: string; inRisk: string };
  sessionGapMinutes: number;
  /** prediction > this is at risk (the seed's 0.7). */
  riskThreshold: number;
  /** How often the scoring producer scores the users whose aggregate changed. */
  scoringIntervalMs: number;
  seed: number;
}

export function logTopic(settings: CourseActivityConfig): string {
  return `${settings.topicPrefix}.${settings.database}.${settings.table}`;
}

export function loadCourseActivityConfig(env: Env = process.env): CourseActivityConfig {
  const topic = (name: string, fallback: string): string => envTopic(env, `COURSE_ACTIVITY_TOPIC_${name}`, fallback);
  return {
    database: envString(env, 'COURSE_ACTIVITY_DATABASE', 'demo'),
    table: envString(env, 'COURSE_ACTIVITY_TABLE', 'mdl_logstore_standard_log'),
    topicPrefix: envTopic(env, 'COURSE_ACTIVITY_TOPIC_PREFIX', 'demo'),
    // ksqlDB's default topic names (the upper-cased source names), as in the seed.
    topics: {
      sessions: topic('SESSIONS', 'MOODLE_LOGS_SESSIONS_PER_15MINS'),
      sessionsFeed: topic('SESSIONS_FEED', 'MOODLE_LOGS_SESSIONS_PER_15MINS_PINOT'),
      sessionsLatest: topic('SESSIONS_LATEST', 'MOODLE_SESSIONS_LATEST'),
      predictionAgg: topic('PREDICTION_AGG', 'MOODLE_LOGS_PREDICTION_AGG'),
      prediction: topic('PREDICTION', 'MOODLE_LOGS_PREDICTION'),
      inRisk: topic('IN_RISK', 'MOODLE_LOGS_PREDICTION_IN_RISK'),
    },
    sessionGapMinutes: envInt(env, 'COURSE_ACTIVITY_SESSION_GAP_MINUTES', 15, 1),
    riskThreshold: envFraction(env, 'COURSE_ACTIVITY_RISK_THRESHOLD', 0.7),
    scoringIntervalMs: envInt(env, 'COURSE_ACTIVITY_SCORING_INTERVAL_MS', 2_000, 10),
    seed: envInt(env, 'COURSE_ACTIVITY_SEED', 20190701, 0, 0xffff_ffff),
  };
}
