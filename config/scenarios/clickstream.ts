/**
 * Settings of the clickstream scenario (scenarios/clickstream/, after Confluent's clickstream demo):
 * topic names, window lengths, alert thresholds and the shape of the generated traffic. Every value
 * has an env override prefixed CLICKSTREAM_. Partitions and replicas come from the shared config.
 */
import { ConfigError, envFraction, envInt, envTopic, type Env } from '../env.ts';

export interface ClickstreamTopics {
  /** Raw clicks (the demo's `clickstream`), keyed by userid. */
  clickstream: string;
  /** HTTP status codes (`clickstream_codes`), keyed by code: the CLICKSTREAM_CODES table. */
  codes: string;
  /** Web users (`clickstream_users`), keyed by user_id: the WEB_USERS table. */
  users: string;
  userClickstream: string;
  enrichedErrorCodes: string;
  eventsPerMin: string;
  pagesPerMin: string;
  clickUserSessions: string;
  /** What Pinot's click_user_sessions reads: CLICK_USER_SESSIONS with deleted sessions as delete rows (pinot/session-feed.ts). */
  clickUserSessionsFeed: string;
  errorsPerMinAlert: string;
  errorsPerMin: string;
  enrichedErrorCodesCount: string;
  userIpActivity: string;
}

export interface ClickstreamWindows {
  /** EVENTS_PER_MIN: tumbling. */
  eventsSeconds: number;
  /** PAGES_PER_MIN: hopping. */
  pagesSeconds: number;
  pagesAdvanceSeconds: number;
  /** ERRORS_PER_MIN_ALERT: hopping. */
  errorsAlertSeconds: number;
  errorsAlertAdvanceSeconds: number;
  /** ERRORS_PER_MIN: hopping. */
  errorsSeconds: number;
  errorsAdvanceSeconds: number;
  /** ENRICHED_ERROR_CODES_COUNT: tumbling. */
  errorCodesSeconds: number;
  /** USER_IP_ACTIVITY: tumbling. */
  userIpSeconds: number;
  /** CLICK_USER_SESSIONS: session inactivity gap. */
  sessionGapSeconds: number;
}

export interface ClickstreamThresholds {
  /** ERRORS_PER_MIN_ALERT keeps a window when its error count is above this (HAVING count(*) > N). */
  errorAlert: number;
  /** ENRICHED_ERROR_CODES_COUNT keeps a window when its count is above this. */
  errorCodes: number;
  /** USER_IP_ACTIVITY keeps a window when its count is above this. */
  userIp: number;
}

export interface ClickstreamTraffic {
  /** Seed of the users (their names, cities and IPs stay the same from run to run). */
  seed: number;
  /** Clicks come from users 1..activeUsers (capped at the population), as the demo's datagen clicks come from a few users. */
  activeUsers: number;
  /** The demo's sessionize script: clicks flow for activeSeconds, then pause for pauseSeconds. */
  activeSeconds: number;
  pauseSeconds: number;
  /** Share of the minutes (of event time) that are error bursts. */
  burstShare: number;
}

export interface ClickstreamConfig {
  topics: ClickstreamTopics;
  windows: ClickstreamWindows;
  thresholds: ClickstreamThresholds;
  traffic: ClickstreamTraffic;
}

function hopping(env: Env, prefix: string, size: number, advance: number): [number, number] {
  const sizeSeconds = envInt(env, `${prefix}_SECONDS`, size, 1);
  const advanceSeconds = envInt(env, `${prefix}_ADVANCE_SECONDS`, advance, 1);
  if (advanceSeconds > sizeSeconds) {
    throw new ConfigError(`${prefix}_ADVANCE_SECONDS`, `must not exceed ${prefix}_SECONDS (${sizeSeconds}), got ${advanceSeconds}`);
  }
  return [sizeSeconds, advanceSeconds];
}

export function loadClickstreamConfig(env: Env = process.env): ClickstreamConfig {
  const topic = (name: string, fallback: string): string => envTopic(env, `CLICKSTREAM_TOPIC_${name}`, fallback);
  const [pagesSeconds, pagesAdvanceSeconds] = hopping(env, 'CLICKSTREAM_PAGES_WINDOW', 60, 5);
  const [errorsAlertSeconds, errorsAlertAdvanceSeconds] = hopping(env, 'CLICKSTREAM_ERRORS_ALERT_WINDOW', 60, 20);
  const [errorsSeconds, errorsAdvanceSeconds] = hopping(env, 'CLICKSTREAM_ERRORS_WINDOW', 60, 5);
  return {
    // The demo's topic names: its three datagen topics, and ksqlDB's default (the upper-cased name) for the rest.
    topics: {
      clickstream: topic('CLICKSTREAM', 'clickstream'),
      codes: topic('CODES', 'clickstream_codes'),
      users: topic('USERS', 'clickstream_users'),
      userClickstream: topic('USER_CLICKSTREAM', 'USER_CLICKSTREAM'),
      enrichedErrorCodes: topic('ENRICHED_ERROR_CODES', 'ENRICHED_ERROR_CODES'),
      eventsPerMin: topic('EVENTS_PER_MIN', 'EVENTS_PER_MIN'),
      pagesPerMin: topic('PAGES_PER_MIN', 'PAGES_PER_MIN'),
      clickUserSessions: topic('CLICK_USER_SESSIONS', 'CLICK_USER_SESSIONS'),
      clickUserSessionsFeed: topic('CLICK_USER_SESSIONS_FEED', 'CLICK_USER_SESSIONS_PINOT'),
      errorsPerMinAlert: topic('ERRORS_PER_MIN_ALERT', 'ERRORS_PER_MIN_ALERT'),
      errorsPerMin: topic('ERRORS_PER_MIN', 'ERRORS_PER_MIN'),
      enrichedErrorCodesCount: topic('ENRICHED_ERROR_CODES_COUNT', 'ENRICHED_ERROR_CODES_COUNT'),
      userIpActivity: topic('USER_IP_ACTIVITY', 'USER_IP_ACTIVITY'),
    },
    windows: {
      eventsSeconds: envInt(env, 'CLICKSTREAM_EVENTS_WINDOW_SECONDS', 60, 1),
      pagesSeconds,
      pagesAdvanceSeconds,
      errorsAlertSeconds,
      errorsAlertAdvanceSeconds,
      errorsSeconds,
      errorsAdvanceSeconds,
      errorCodesSeconds: envInt(env, 'CLICKSTREAM_ERROR_CODES_WINDOW_SECONDS', 30, 1),
      userIpSeconds: envInt(env, 'CLICKSTREAM_USER_IP_WINDOW_SECONDS', 60, 1),
      sessionGapSeconds: envInt(env, 'CLICKSTREAM_SESSION_GAP_SECONDS', 30, 1),
    },
    thresholds: {
      errorAlert: envInt(env, 'CLICKSTREAM_ERROR_ALERT_THRESHOLD', 5, 0),
      errorCodes: envInt(env, 'CLICKSTREAM_ERROR_CODES_THRESHOLD', 1, 0),
      userIp: envInt(env, 'CLICKSTREAM_USER_IP_THRESHOLD', 1, 0),
    },
    traffic: {
      seed: envInt(env, 'CLICKSTREAM_SEED', 20200320, 0, 0xffff_ffff),
      activeUsers: envInt(env, 'CLICKSTREAM_ACTIVE_USERS', 40, 1),
      activeSeconds: envInt(env, 'CLICKSTREAM_ACTIVE_SECONDS', 90, 1),
      pauseSeconds: envInt(env, 'CLICKSTREAM_PAUSE_SECONDS', 35, 0),
      burstShare: envFraction(env, 'CLICKSTREAM_BURST_SHARE', 0.25),
    },
  };
}
