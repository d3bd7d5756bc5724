-- 06: which user clicks from which address, and where the user lives: clicks per (username, ip,
-- city) per window, kept when more than the threshold (the demo's HAVING COUNT(*) > 1).

CREATE TABLE IF NOT EXISTS USER_IP_ACTIVITY WITH (
  KAFKA_TOPIC='${TOPIC_USER_IP_ACTIVITY}',
  KEY_FORMAT='JSON',
  VALUE_FORMAT='JSON',
  PARTITIONS=${PARTITIONS},
  REPLICAS=${REPLICAS}
) AS SELECT
  username AS k1,
  ip AS k2,
  city AS k3,
  AS_VALUE(username) AS `username`,
  WINDOWSTART AS `event_ts`,
  AS_VALUE(ip) AS `ip`,
  AS_VALUE(city) AS `city`,
  COUNT(*) AS `count`
FROM USER_CLICKSTREAM WINDOW TUMBLING (SIZE ${USER_IP_WINDOW_SECONDS} SECONDS)
GROUP BY username, ip, city
HAVING COUNT(*) > ${USER_IP_THRESHOLD}
EMIT CHANGES;
