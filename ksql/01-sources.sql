-- 01: the three source collections over the raw topics.
--
-- The dollar-brace placeholders are filled from config/ by ksql/statements.ts (renderStatements).
-- They use ksqlDB's own variable syntax, so the file also runs unrendered in the ksqlDB CLI once
-- every name in statementVariables() has been given a value with DEFINE.
--
-- Identifiers: source and intermediate columns are unquoted, so ksqlDB upper-cases them
-- (USER_ID, SOURCE, ...); the JSON deserializer matches the producers' lower-case field names
-- case-insensitively. Only the columns of the topics Pinot reads (05 and 06-08) are quoted.
--
-- Key formats:
--   PAGEVIEW  key = user_id written by the producer as its decimal text, e.g. the bytes 42, which is
--             also the JSON number 42, so KEY_FORMAT='JSON' reads it as an INT. Declaring it as the
--             key means the join in 03 needs no repartition (the stream is already keyed by user_id).
--   USERS     key = user_id written by the JDBC source through ValueToKey + ExtractField$Key and
--             JsonConverter (schemas off): the JSON number 42. KEY_FORMAT='JSON' again.
--   USERSESSION declares no key column: the session_id it is keyed by is also in the value, and
--             nothing downstream joins on it, so the key bytes are never parsed.

CREATE STREAM IF NOT EXISTS PAGEVIEW (
  user_id INT KEY,
  session_id VARCHAR,
  source VARCHAR,
  event_timestamp BIGINT
) WITH (
  KAFKA_TOPIC='${TOPIC_PAGEVIEW}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  TIMESTAMP='event_timestamp',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
);

CREATE STREAM IF NOT EXISTS USERSESSION (
  session_id VARCHAR,
  user_id INT,
  user_name VARCHAR,
  login_timestamp BIGINT,
  device VARCHAR
) WITH (
  KAFKA_TOPIC='${TOPIC_USER_SESSION}',
  VALUE_FORMAT='JSON',
  TIMESTAMP='login_timestamp',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
);

CREATE TABLE IF NOT EXISTS USERS (
  user_id INT PRIMARY KEY,
  age INT,
  gender VARCHAR,
  country VARCHAR,
  subscription VARCHAR
) WITH (
  KAFKA_TOPIC='${TOPIC_USERS}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
);
