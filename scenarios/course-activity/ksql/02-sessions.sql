-- 02: the seed's user sessions (session window, 15 minutes of inactivity) and its per-user aggregate
-- over them. WindowStart()/WindowEnd() of the seed's older ksql are WINDOWSTART/WINDOWEND today; the
-- user id and the window bounds are copied into the value for Pinot, which reads only values, under the
-- lower-case names of its schema (back-quoted: unquoted names are upper-cased).

CREATE TABLE IF NOT EXISTS moodle_logs_sessions_per_15mins WITH (
  KAFKA_TOPIC='${TOPIC_SESSIONS}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS SELECT
  userid,
  AS_VALUE(userid) AS `user_id`,
  COUNT(*) AS `activities`,
  WINDOWSTART AS `start_date`,
  WINDOWEND AS `end_date`,
  (WINDOWEND - WINDOWSTART) / 1000 AS `duration`
FROM moodle_logs WINDOW SESSION (${SESSION_GAP_MINUTES} MINUTES)
GROUP BY userid
EMIT CHANGES;

-- The seed aggregated the session table directly; ksqlDB (0.10+) refuses that ("KSQL does not support
-- persistent queries on windowed tables"), so the sessions' changelog is read back as a stream of
-- session updates, reduced to the latest row per (user, session start), and aggregated per user from
-- that table (an aggregation over a table: a session that grows replaces its old contribution).
-- Limit: a merge of two sessions (out-of-order activity) leaves the merged-away session counted.

CREATE STREAM IF NOT EXISTS moodle_session_updates (
  user_id BIGINT,
  activities BIGINT,
  start_date BIGINT,
  end_date BIGINT,
  duration BIGINT
) WITH (
  KAFKA_TOPIC='${TOPIC_SESSIONS}',
  VALUE_FORMAT='JSON'
);

CREATE TABLE IF NOT EXISTS moodle_sessions_latest WITH (
  KAFKA_TOPIC='${TOPIC_SESSIONS_LATEST}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS SELECT
  user_id,
  start_date,
  LATEST_BY_OFFSET(activities) AS activities,
  LATEST_BY_OFFSET(duration) AS duration
FROM moodle_session_updates
GROUP BY user_id, start_date
EMIT CHANGES;

CREATE TABLE IF NOT EXISTS moodle_logs_prediction_agg WITH (
  KAFKA_TOPIC='${TOPIC_PREDICTION_AGG}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS SELECT
  user_id,
  AS_VALUE(user_id) AS `userid_value`,
  SUM(activities) AS activities,
  SUM(duration) / COUNT(*) AS duration,
  COUNT(*) AS sessions
FROM moodle_sessions_latest
GROUP BY user_id
EMIT CHANGES;
