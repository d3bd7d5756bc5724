package pageview.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Window;
import org.apache.kafka.streams.kstream.WindowedSerdes;

/**
 * ksql/04-windows.sql: COUNT_DISTINCT(user_id) and COUNT(*) per source over tumbling, hopping and session
 * windows of event time. Without a GRACE PERIOD, ksqlDB gives a window Kafka Streams' former default: 24 h
 * less the window size (less the gap for sessions); later records are dropped. Keys are written as ksqlDB
 * writes windowed JSON keys (the source as a JSON string, then the window start; for sessions the end,
 * then the start, as 8-byte big-endian longs); merged-away sessions become tombstones. Value:
 * {"source","user_count","view_count","window_start","window_end"}.
 */
final class WindowedCounts {
  private static final long DAY_MS = 24 * 3600 * 1000L;

  private WindowedCounts() {}

  static void define(KStream<JsonNode, JsonNode> pageviews, Options options) {
    // One repartition by source feeds all three windowed aggregates; the value is the user key (JSON null when absent).
    KGroupedStream<String, JsonNode> bySource = pageviews
        .filter((userKey, view) -> Json.text(view, "source") != null)
        .map((userKey, view) -> KeyValue.pair(Json.text(view, "source"), userKey == null ? (JsonNode) NullNode.getInstance() : userKey))
        .groupByKey(Grouped.with("by-source", Json.STRING, Json.NODE));

    long tumbling = options.tumblingMs();
    bySource.windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(tumbling), Duration.ofMillis(defaultGrace(tumbling))))
        .aggregate(ViewCounts::new, (source, userKey, counts) -> counts.add(Pageviews.userId(userKey)), Materialized.with(Json.STRING, ViewCounts.SERDE))
        .toStream()
        .mapValues((window, counts) -> row(window.key(), counts, window.window()))
        .to(options.tumblingTopic(), Produced.with(new WindowedSerdes.TimeWindowedSerde<>(Json.STRING, tumbling), Json.NODE));

    long hopping = options.hoppingMs();
    bySource.windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(hopping), Duration.ofMillis(defaultGrace(hopping))).advanceBy(Duration.ofMillis(options.hoppingAdvanceMs())))
        .aggregate(ViewCounts::new, (source, userKey, counts) -> counts.add(Pageviews.userId(userKey)), Materialized.with(Json.STRING, ViewCounts.SERDE))
        .toStream()
        .mapValues((window, counts) -> row(window.key(), counts, window.window()))
        .to(options.hoppingTopic(), Produced.with(new WindowedSerdes.TimeWindowedSerde<>(Json.STRING, hopping), Json.NODE));

    long gap = options.sessionGapMs();
    bySource.windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(gap), Duration.ofMillis(defaultGrace(gap))))
        .aggregate(ViewCounts::new, (source, userKey, counts) -> counts.add(Pageviews.userId(userKey)), (source, a, b) -> a.merge(b),
            Materialized.with(Json.STRING, ViewCounts.SERDE))
        .toStream()
        .mapValues((window, counts) -> counts == null ? null : row(window.key(), counts, window.window()))
        .to(options.sessionTopic(), Produced.with(new WindowedSerdes.SessionWindowedSerde<>(Json.STRING), Json.NODE));
  }

  private static long defaultGrace(long sizeMs) {
    return Math.max(DAY_MS - sizeMs, 0);
  }

  private static JsonNode row(String source, ViewCounts counts, Window window) {
    ObjectNode row = Json.MAPPER.createObjectNode();
    row.put("source", source);
    row.put("user_count", counts.users.estimate());
    row.put("view_count", counts.views);
    row.put("window_start", window.start());
    row.put("window_end", window.end());
    return row;
  }
}
