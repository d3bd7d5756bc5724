-- 04: users and views per source over three kinds of event-time window (PAGEVIEW's TIMESTAMP is
-- event_timestamp). Window lengths come from config/ (windows.*Seconds) and are written in SECONDS.
--
-- As in 03, the grouping column goes to the key and is copied into the value with AS_VALUE, the window
-- bounds are copied into the value with WINDOWSTART / WINDOWEND (epoch millis, BIGINT), and every
-- column Pinot reads is a back-quoted lower-case alias.

-- topic6, Pinot table pageview_tumbling
CREATE TABLE IF NOT EXISTS PAGEVIEW_TUMBLING WITH (
  KAFKA_TOPIC='${TOPIC_PAGEVIEW_TUMBLING}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS SELECT
  source AS `source_key`,
  AS_VALUE(source) AS `source`,
  COUNT_DISTINCT(user_id) AS `user_count`,
  COUNT(*) AS `view_count`,
  WINDOWSTART AS `window_start`,
  WINDOWEND AS `window_end`
FROM PAGEVIEW
WINDOW TUMBLING (SIZE ${TUMBLING_SECONDS} SECONDS)
GROUP BY source
EMIT CHANGES;

-- topic7, Pinot table pageview_hopping
CREATE TABLE IF NOT EXISTS PAGEVIEW_HOPPING WITH (
  KAFKA_TOPIC='${TOPIC_PAGEVIEW_HOPPING}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS SELECT
  source AS `source_key`,
  AS_VALUE(source) AS `source`,
  COUNT_DISTINCT(user_id) AS `user_count`,
  COUNT(*) AS `view_count`,
  WINDOWSTART AS `window_start`,
  WINDOWEND AS `window_end`
FROM PAGEVIEW
WINDOW HOPPING (SIZE ${HOPPING_SECONDS} SECONDS, ADVANCE BY ${HOPPING_ADVANCE_SECONDS} SECONDS)
GROUP BY source
EMIT CHANGES;

-- topic8, Pinot table pageview_session
CREATE TABLE IF NOT EXISTS PAGEVIEW_SESSION WITH (
  KAFKA_TOPIC='${TOPIC_PAGEVIEW_SESSION}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS SELECT
  source AS `source_key`,
  AS_VALUE(source) AS `source`,
  COUNT_DISTINCT(user_id) AS `user_count`,
  COUNT(*) AS `view_count`,
  WINDOWSTART AS `window_start`,
  WINDOWEND AS `window_end`
FROM PAGEVIEW
WINDOW SESSION (${SESSION_GAP_SECONDS} SECONDS)
GROUP BY source
EMIT CHANGES;
