package pageview.streams;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * PAGEVIEW's TIMESTAMP='event_timestamp': a page view's event time is its event_timestamp field. A page
 * view without one gets -1, which Kafka Streams skips, as ksqlDB skips a row whose TIMESTAMP column is null.
 */
final class EventTimestamp implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    Long ts = record.value() instanceof JsonNode value ? Json.whole(value, "event_timestamp") : null;
    return ts == null ? -1 : ts;
  }
}
