-- 04: categories over time for the dashboard: searches per stay category in tumbling windows of
-- event time (the search's date_time, carried as ROWTIME from the `expedia` records), with the
-- distinct hotels searched in the window. Window start and category are copied into the value for Pinot.

CREATE TABLE IF NOT EXISTS stay_categories_per_window WITH (
  KAFKA_TOPIC='${TOPIC_STAY_CATEGORIES_PER_WINDOW}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS SELECT
  stay_category,
  AS_VALUE(stay_category) AS `stay_category`,
  WINDOWSTART AS `event_ts`,
  COUNT(*) AS `searches`,
  COUNT_DISTINCT(hotel_id) AS `hotels`
FROM expedia_ext WINDOW TUMBLING (SIZE ${WINDOW_SECONDS} SECONDS)
GROUP BY stay_category
EMIT CHANGES;
