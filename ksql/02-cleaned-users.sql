-- 02: USERS without any NULL column (topic4). Read only by ksqlDB (the join in 03), so its columns
-- keep ksqlDB's default upper-case names. The key stays USER_ID (JSON number), the same bytes as the
-- PAGEVIEW key, so stream and table are co-partitioned for the join.

CREATE TABLE IF NOT EXISTS CLEANED_USERS WITH (
  KAFKA_TOPIC='${TOPIC_CLEANED_USERS}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS SELECT
  user_id,
  age,
  gender,
  country,
  subscription
FROM USERS
WHERE age IS NOT NULL
  AND gender IS NOT NULL
  AND country IS NOT NULL
  AND subscription IS NOT NULL
EMIT CHANGES;
