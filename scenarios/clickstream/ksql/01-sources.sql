-- 01: the demo's three sources (Confluent's clickstream demo, statements.sql).
--
-- Rendered by scenarios/clickstream/statements.ts: the dollar-brace placeholders (ksqlDB's own variable
-- syntax) are filled from config/scenarios/clickstream.ts and the shared partition and replica counts.
--
-- Changes from the demo, all in the WITH clauses:
--   * TIMESTAMP='_time': the click's own event time drives every window, so windows do not depend on
--     when a click reached Kafka (the demo used the record timestamp datagen set to the same time).
--   * KEY_FORMAT='JSON' everywhere (the demo's datagen keyed codes and users with IntegerConverter):
--     USER_IP_ACTIVITY and ENRICHED_ERROR_CODES_COUNT group by several columns, which ksqlDB can only
--     put in a key of a multi-column format, and one key format keeps the joins free of format changes.
--   * PARTITIONS/REPLICAS from config, so ksqlDB can create a missing topic.
-- The click's status and bytes arrive as strings ("407", "4196"), as datagen writes them; the JSON
-- deserializer reads them as the declared INT and BIGINT.

CREATE STREAM IF NOT EXISTS clickstream (
  _time BIGINT,
  time VARCHAR,
  ip VARCHAR,
  request VARCHAR,
  status INT,
  userid INT,
  bytes BIGINT,
  agent VARCHAR
) WITH (
  KAFKA_TOPIC='${TOPIC_CLICKSTREAM}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  TIMESTAMP='_time',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
);

-- error code lookup table
CREATE TABLE IF NOT EXISTS clickstream_codes (
  code INT PRIMARY KEY,
  definition VARCHAR
) WITH (
  KAFKA_TOPIC='${TOPIC_CODES}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
);

-- users lookup table
CREATE TABLE IF NOT EXISTS WEB_USERS (
  user_id INT PRIMARY KEY,
  registered_At BIGINT,
  username VARCHAR,
  first_name VARCHAR,
  last_name VARCHAR,
  city VARCHAR,
  level VARCHAR
) WITH (
  KAFKA_TOPIC='${TOPIC_USERS}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
);
