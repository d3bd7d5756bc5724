-- 01: the Moodle log as the CDC source writes it: Debezium's MySQL connector with the unwrap transform
-- (flat rows) on <topic.prefix>.<database>.mdl_logstore_standard_log. timecreated (epoch ms) is the
-- event time. The seed read AVRO with KEY='id'; here the connector writes JSON and the key is not needed.

CREATE STREAM IF NOT EXISTS moodle_logs (
  id BIGINT,
  eventname VARCHAR,
  userid BIGINT,
  timecreated BIGINT
) WITH (
  KAFKA_TOPIC='${TOPIC_LOGS}',
  VALUE_FORMAT='JSON',
  TIMESTAMP='timecreated',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
);
