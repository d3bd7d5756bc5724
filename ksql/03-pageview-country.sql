-- 03: page views joined with their (cleaned) user, aggregated per country (topic5, Pinot table
-- pageview_country). A page view whose user is not in CLEANED_USERS yet finds no match and is dropped.
--
-- GROUP BY puts the country in the Kafka key, and Pinot reads only the value, so the country is copied
-- into the value with AS_VALUE. Every column Pinot reads is a back-quoted lower-case alias, so the JSON
-- field names are exactly the Pinot schema's column names (unquoted aliases would be upper-cased).

CREATE TABLE IF NOT EXISTS PAGEVIEW_COUNTRY WITH (
  KAFKA_TOPIC='${TOPIC_PAGEVIEW_COUNTRY}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS SELECT
  C.country AS `country_key`,
  AS_VALUE(C.country) AS `country`,
  AVG(C.age) AS `avg_age`,
  COUNT_DISTINCT(P.user_id) AS `user_count`,
  COUNT(*) AS `view_count`,
  MAX(P.event_timestamp) AS `last_event_ts`
FROM PAGEVIEW P
  INNER JOIN CLEANED_USERS C ON P.user_id = C.user_id
GROUP BY C.country
EMIT CHANGES;
