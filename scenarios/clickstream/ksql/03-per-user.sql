-- 03: per-userid tables. As in the demo, the GROUP BY column is the key (k1) and is copied into the
-- value with AS_VALUE, and the window start is copied into the value as event_ts. The columns Pinot
-- reads are back-quoted lower-case aliases, so the JSON field names are exactly the Pinot schema's
-- column names (the demo's unquoted names would be upper-cased).
--
-- EVENTS_PER_MIN carries the seed's extra: sum(bytes), the bandwidth of the user in the minute.

CREATE TABLE IF NOT EXISTS EVENTS_PER_MIN WITH (
  KAFKA_TOPIC='${TOPIC_EVENTS_PER_MIN}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS SELECT
  userid AS k1,
  AS_VALUE(userid) AS `userid`,
  WINDOWSTART AS `event_ts`,
  COUNT(*) AS `events`,
  SUM(bytes) AS `bytes`
FROM clickstream WINDOW TUMBLING (SIZE ${EVENTS_WINDOW_SECONDS} SECONDS)
GROUP BY userid
EMIT CHANGES;

-- html pages per minute for each user
CREATE TABLE IF NOT EXISTS PAGES_PER_MIN WITH (
  KAFKA_TOPIC='${TOPIC_PAGES_PER_MIN}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS SELECT
  userid AS k1,
  AS_VALUE(userid) AS `userid`,
  WINDOWSTART AS `event_ts`,
  COUNT(*) AS `pages`
FROM clickstream WINDOW HOPPING (SIZE ${PAGES_WINDOW_SECONDS} SECONDS, ADVANCE BY ${PAGES_WINDOW_ADVANCE_SECONDS} SECONDS)
WHERE request LIKE '%html%'
GROUP BY userid
EMIT CHANGES;
