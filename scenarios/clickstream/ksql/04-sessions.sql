-- 04: user sessions: a user's clicks belong to one session until the user is inactive for the
-- session gap (the demo's 30 seconds). EVENT_TS is the session's end, as in the demo; the seed's
-- extra adds the session's bandwidth, sum(bytes).
--
-- One addition: `session_start` (WINDOWSTART). The session's key is (username, start); the demo's
-- Elasticsearch sink took it from the Kafka key, Pinot reads only the value, so the start is copied
-- into it and Pinot upserts each session on (username, session_start).

CREATE TABLE IF NOT EXISTS CLICK_USER_SESSIONS WITH (
  KAFKA_TOPIC='${TOPIC_CLICK_USER_SESSIONS}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS SELECT
  username AS K,
  AS_VALUE(username) AS `username`,
  WINDOWSTART AS `session_start`,
  WINDOWEND AS `event_ts`,
  COUNT(*) AS `events`,
  SUM(bytes) AS `bytes`
FROM USER_CLICKSTREAM WINDOW SESSION (${SESSION_GAP_SECONDS} SECONDS)
GROUP BY username
EMIT CHANGES;
