-- 02: the demo's materialized streams: clicks enriched with their user, and with their status code's
-- definition. A click whose user (or code) is not in the table yet keeps NULLs (LEFT JOIN), so the
-- producers load users and codes before clicks.

CREATE STREAM IF NOT EXISTS USER_CLICKSTREAM WITH (
  KAFKA_TOPIC='${TOPIC_USER_CLICKSTREAM}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS SELECT
  userid,
  u.username,
  ip,
  u.city,
  request,
  status,
  bytes
FROM clickstream c
  LEFT JOIN web_users u ON c.userid = u.user_id
EMIT CHANGES;

CREATE STREAM IF NOT EXISTS ENRICHED_ERROR_CODES WITH (
  KAFKA_TOPIC='${TOPIC_ENRICHED_ERROR_CODES}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS SELECT
  code,
  definition
FROM clickstream
  LEFT JOIN clickstream_codes ON clickstream.status = clickstream_codes.code
EMIT CHANGES;
