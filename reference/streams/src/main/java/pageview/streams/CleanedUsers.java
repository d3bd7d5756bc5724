package pageview.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * ksql/02-cleaned-users.sql: the USERS table (key: the user id as a JSON number) without the users that
 * have a NULL column. A user that does not pass the filter becomes a tombstone, as KTable.filter emits
 * it in ksqlDB. The value's columns keep ksqlDB's upper-case names: {"AGE":…,"GENDER":…,"COUNTRY":…,"SUBSCRIPTION":…}.
 */
final class CleanedUsers {
  private CleanedUsers() {}

  static void define(StreamsBuilder builder, Options options) {
    builder.table(options.usersTopic(), Consumed.with(Json.NODE, Json.NODE))
        .mapValues(CleanedUsers::row)
        .toStream()
        .to(options.cleanedUsersTopic(), Produced.with(Json.NODE, Json.NODE));
  }

  /** The projected row, or null when a column is NULL (or the value is a tombstone). */
  private static JsonNode row(JsonNode user) {
    Long age = Json.whole(user, "age");
    String gender = Json.text(user, "gender");
    String country = Json.text(user, "country");
    String subscription = Json.text(user, "subscription");
    if (age == null || gender == null || country == null || subscription == null) return null;
    if (age < Integer.MIN_VALUE || age > Integer.MAX_VALUE) return null;
    ObjectNode row = Json.MAPPER.createObjectNode();
    row.put("AGE", age.intValue());
    row.put("GENDER", gender);
    row.put("COUNTRY", country);
    row.put("SUBSCRIPTION", subscription);
    return row;
  }
}
