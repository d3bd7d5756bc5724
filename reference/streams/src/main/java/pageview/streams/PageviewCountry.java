package pageview.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * ksql/03-pageview-country.sql: page views (keyed by user id) inner-joined with CLEANED_USERS read back
 * from its topic (so the join sees the table as ksqlDB's query does), re-keyed by country and aggregated.
 * Key: the country as a JSON string; value: {"country","avg_age","user_count","view_count","last_event_ts"}.
 */
final class PageviewCountry {
  private PageviewCountry() {}

  static void define(StreamsBuilder builder, KStream<JsonNode, JsonNode> pageviews, Options options) {
    var cleanedUsers = builder.table(options.cleanedUsersTopic(), Consumed.with(Json.NODE, Json.NODE));
    pageviews
        .join(cleanedUsers,
            (userKey, view, user) -> new JoinedView(Pageviews.userId(userKey), Json.whole(view, "event_timestamp"), Json.text(user, "COUNTRY"), age(user)),
            Joined.with(Json.NODE, Json.NODE, Json.NODE))
        .filter((userKey, joined) -> joined.country() != null)
        .groupBy((userKey, joined) -> joined.country(), Grouped.with("by-country", Json.STRING, JoinedView.SERDE))
        .aggregate(CountryStats::new, (country, joined, stats) -> stats.add(joined),
            Materialized.<String, CountryStats, KeyValueStore<Bytes, byte[]>>as("country-stats").withKeySerde(Json.STRING).withValueSerde(CountryStats.SERDE))
        .toStream()
        .mapValues(PageviewCountry::row)
        .to(options.pageviewCountryTopic(), Produced.with(Json.STRING, Json.NODE));
  }

  private static Integer age(JsonNode user) {
    Long age = Json.whole(user, "AGE");
    return age == null ? null : age.intValue();
  }

  private static JsonNode row(String country, CountryStats stats) {
    ObjectNode row = Json.MAPPER.createObjectNode();
    row.put("country", country);
    row.put("avg_age", stats.averageAge());
    row.put("user_count", stats.users.estimate());
    row.put("view_count", stats.views);
    row.put("last_event_ts", stats.lastEventTs);
    return row;
  }
}
