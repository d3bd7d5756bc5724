package pageview.streams;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** One window's aggregate for a source: COUNT_DISTINCT(user_id) and COUNT(*). */
final class ViewCounts {
  final DistinctCount users;
  long views;

  ViewCounts() {
    this(new DistinctCount(), 0);
  }

  private ViewCounts(DistinctCount users, long views) {
    this.users = users;
    this.views = views;
  }

  ViewCounts add(Integer userId) {
    users.offer(userId);
    views++;
    return this;
  }

  /** Two sessions become one (SESSION windows): the union of the users, the sum of the views. */
  ViewCounts merge(ViewCounts other) {
    users.merge(other.users);
    views += other.views;
    return this;
  }

  static final Serde<ViewCounts> SERDE = Serdes.serdeFrom(
      (Serializer<ViewCounts>) (topic, counts) -> {
        if (counts == null) return null;
        ByteBuffer out = ByteBuffer.allocate(8 + counts.users.bytes());
        out.putLong(counts.views);
        counts.users.writeTo(out);
        return out.array();
      },
      (Deserializer<ViewCounts>) (topic, bytes) -> {
        if (bytes == null) return null;
        ByteBuffer in = ByteBuffer.wrap(bytes);
        long views = in.getLong();
        return new ViewCounts(DistinctCount.readFrom(in), views);
      });
}
