-- 02: the seed's Kafka Streams (Faust) enrichment, as ksql: the stay length in days between the
-- requested check-in (srch_ci) and check-out (srch_co), and the stay category, into `expedia_ext`.
--
-- The seed's rules: a length that cannot be computed (a missing or unparsable date) or is <= 0 days is
-- "Erroneous data"; 1-4 days "Short stay"; 5-10 "Standard stay"; 11-14 "Standard extended stay"; more
-- "Long stay".
--
-- Two steps, on purpose. STRINGTOTIMESTAMP throws on a missing or unparsable date; ksqlDB turns an
-- error in a SELECT expression into NULL for that whole column (and a processing-log entry). Computed
-- inside the CASE, the error would make the category itself NULL; computed as its own column first,
-- it makes STAY_DAYS NULL, which the CASE of the second step files under "Erroneous data".
-- Neither stream has a key column (the searches' key is never read), so neither names a key format.
-- Every field of the search is carried through by name (the bootstrap reads each statement's columns).
-- Both dates are read as UTC midnights (the explicit 'UTC' keeps a server in a DST zone from making a
-- day 23 or 25 hours long), so their difference is a whole number of days.

CREATE STREAM IF NOT EXISTS expedia_stay WITH (
  KAFKA_TOPIC='${TOPIC_EXPEDIA_STAY}',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS SELECT
  id,
  date_time,
  site_name,
  posa_continent,
  user_location_country,
  user_location_region,
  user_location_city,
  orig_destination_distance,
  user_id,
  is_mobile,
  is_package,
  channel,
  srch_ci,
  srch_co,
  srch_adults_cnt,
  srch_children_cnt,
  srch_rm_cnt,
  srch_destination_id,
  srch_destination_type_id,
  hotel_id,
  (STRINGTOTIMESTAMP(srch_co, 'yyyy-MM-dd', 'UTC') - STRINGTOTIMESTAMP(srch_ci, 'yyyy-MM-dd', 'UTC')) / 86400000 AS stay_days
FROM expedia
EMIT CHANGES;

CREATE STREAM IF NOT EXISTS expedia_ext WITH (
  KAFKA_TOPIC='${TOPIC_EXPEDIA_EXT}',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS SELECT
  id,
  date_time,
  site_name,
  posa_continent,
  user_location_country,
  user_location_region,
  user_location_city,
  orig_destination_distance,
  user_id,
  is_mobile,
  is_package,
  channel,
  srch_ci,
  srch_co,
  srch_adults_cnt,
  srch_children_cnt,
  srch_rm_cnt,
  srch_destination_id,
  srch_destination_type_id,
  hotel_id,
  stay_days,
  CASE
    WHEN stay_days IS NULL OR stay_days <= 0 THEN 'Erroneous data'
    WHEN stay_days <= 4 THEN 'Short stay'
    WHEN stay_days <= 10 THEN 'Standard stay'
    WHEN stay_days <= 14 THEN 'Standard extended stay'
    ELSE 'Long stay'
  END AS stay_category
FROM expedia_stay
EMIT CHANGES;
