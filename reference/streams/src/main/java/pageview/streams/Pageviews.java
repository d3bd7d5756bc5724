package pageview.streams;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;

/**
 * ksql/01-sources.sql's PAGEVIEW stream: the key is USER_ID (a JSON number, INT), the event time is
 * event_timestamp. A key that is not an INT fails ksqlDB's key deserializer, which skips the record.
 */
final class Pageviews {
  private Pageviews() {}

  static KStream<JsonNode, JsonNode> stream(StreamsBuilder builder, Options options) {
    return builder.stream(options.pageviewTopic(), Consumed.with(Json.NODE, Json.NODE).withTimestampExtractor(new EventTimestamp()))
        .filter((userKey, view) -> view != null && (userKey == null || userKey.isNull() || userKey.isInt()));
  }

  /** USER_ID: the key's JSON number, or null for a null key. */
  static Integer userId(JsonNode userKey) {
    return userKey != null && userKey.isInt() ? userKey.intValue() : null;
  }
}
