-- 03: the seed's ksqlDB part, over `expedia_ext` (the seed read the same two fields from its
-- `expedia_test` side topic, which held only hotel_id and stay_category).
--
-- Changes from the seed, in the WITH clauses and the projection of STAY_COUNTS only:
--   * KAFKA_TOPIC/PARTITIONS/REPLICAS from config, so the names are configurable and ksqlDB can
--     create a missing topic.
--   * STAY_COUNTS copies its GROUP BY column into the value with AS_VALUE and gives the columns Pinot
--     reads back-quoted lower-case names: ksqlDB puts GROUP BY columns in the Kafka key, Pinot reads
--     only the value.
-- STAY_COUNTS aggregates a table: when a hotel's count in a category moves from n to n+1, ksqlDB
-- retracts the old row (COUNT -1, SUM -n) and adds the new one (COUNT +1, SUM +n+1), so
-- count_distinct stays the number of hotels and count_all the number of searches.

CREATE STREAM IF NOT EXISTS expedia_stay_stream (
  stay_category VARCHAR,
  hotel_id BIGINT
) WITH (
  KAFKA_TOPIC='${TOPIC_EXPEDIA_EXT}',
  VALUE_FORMAT='JSON',
  KEY_FORMAT='JSON'
);

CREATE OR REPLACE TABLE hotel_stay_cat_counts WITH (
  KAFKA_TOPIC='${TOPIC_HOTEL_STAY_CAT_COUNTS}',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS
SELECT stay_category, hotel_id, COUNT(*) AS stays
FROM expedia_stay_stream
GROUP BY stay_category, hotel_id
EMIT CHANGES;

CREATE OR REPLACE TABLE stay_counts WITH (
  KAFKA_TOPIC='${TOPIC_STAY_COUNTS}',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS
SELECT stay_category, AS_VALUE(stay_category) AS `stay_category`, COUNT(*) AS `count_distinct`, SUM(stays) AS `count_all`
FROM hotel_stay_cat_counts GROUP BY stay_category
EMIT CHANGES;
