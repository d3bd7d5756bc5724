package pageview.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON serdes as ksqlDB's KEY_FORMAT / VALUE_FORMAT 'JSON' write them: a key is one JSON value (the
 * number 42, the string "Inbox"), a value one JSON object; and ksqlDB's case-insensitive field lookup.
 */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** Any JSON document (a record that does not parse fails the task, as a broken input should). */
  static final Serde<JsonNode> NODE = Serdes.serdeFrom(
      (Serializer<JsonNode>) (topic, node) -> node == null ? null : write(node),
      (Deserializer<JsonNode>) (topic, bytes) -> bytes == null ? null : read(bytes));

  /** A JSON string key ("Inbox", with its quotes). */
  static final Serde<String> STRING = Serdes.serdeFrom(
      (Serializer<String>) (topic, text) -> text == null ? null : write(text),
      (Deserializer<String>) (topic, bytes) -> bytes == null ? null : read(bytes).asText());

  static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new SerializationException("cannot write JSON", e);
    }
  }

  static JsonNode read(byte[] bytes) {
    try {
      return MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new SerializationException("not JSON: " + new String(bytes, java.nio.charset.StandardCharsets.UTF_8), e);
    }
  }

  /** The field whose name equals `name` ignoring case (ksqlDB's JSON columns), or null when absent or JSON null. */
  static JsonNode field(JsonNode object, String name) {
    if (object == null || !object.isObject()) return null;
    JsonNode exact = object.get(name);
    if (exact != null) return exact.isNull() ? null : exact;
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (entry.getKey().equalsIgnoreCase(name)) return entry.getValue().isNull() ? null : entry.getValue();
    }
    return null;
  }

  /** An INT/BIGINT column: a JSON number, or null when absent, null or not a whole number. */
  static Long whole(JsonNode object, String name) {
    JsonNode node = field(object, name);
    return node != null && node.canConvertToLong() && node.isIntegralNumber() ? node.longValue() : null;
  }

  /** A VARCHAR column: the text of a JSON string (other scalars as their JSON text), or null. */
  static String text(JsonNode object, String name) {
    JsonNode node = field(object, name);
    if (node == null || node.isContainerNode()) return null;
    return node.asText();
  }
}
