-- 03: the seed's prediction stream (written by the scoring producer, scoring.ts) and the users at
-- risk of withdrawal (prediction over the threshold, 0.7 in the seed). The seed's SELECT * is spelled
-- out, with the lower-case names Pinot's schema reads.

CREATE STREAM IF NOT EXISTS moodle_logs_prediction (
  userid BIGINT,
  prediction DOUBLE,
  created_date BIGINT
) WITH (
  KAFKA_TOPIC='${TOPIC_PREDICTION}',
  VALUE_FORMAT='JSON',
  TIMESTAMP='created_date',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
);

CREATE STREAM IF NOT EXISTS moodle_logs_prediction_in_risk WITH (
  KAFKA_TOPIC='${TOPIC_IN_RISK}',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS SELECT
  userid AS `userid`,
  prediction AS `prediction`,
  created_date AS `created_date`
FROM moodle_logs_prediction
WHERE prediction > ${RISK_THRESHOLD}
EMIT CHANGES;
