-- 01: the raw hotel searches (the seed's `expedia` topic, which its Azure Blob source connector filled
-- from the Expedia data set), with the data set's fields.
--
-- Rendered by scenarios/stay-categories/statements.ts: the dollar-brace placeholders (ksqlDB's own
-- variable syntax) are filled from config/scenarios/stay-categories.ts and the shared partition and
-- replica counts. The producer sets each record's Kafka timestamp to the search's date_time, so ROWTIME
-- is the event time.

CREATE STREAM IF NOT EXISTS expedia (
  id BIGINT,
  date_time VARCHAR,
  site_name INT,
  posa_continent INT,
  user_location_country INT,
  user_location_region INT,
  user_location_city INT,
  orig_destination_distance DOUBLE,
  user_id INT,
  is_mobile INT,
  is_package INT,
  channel INT,
  srch_ci VARCHAR,
  srch_co VARCHAR,
  srch_adults_cnt INT,
  srch_children_cnt INT,
  srch_rm_cnt INT,
  srch_destination_id INT,
  srch_destination_type_id INT,
  hotel_id BIGINT
) WITH (
  KAFKA_TOPIC='${TOPIC_EXPEDIA}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
);
