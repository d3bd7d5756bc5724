package pageview.streams;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One country's aggregate in PAGEVIEW_COUNTRY: AVG(age) as ksqlDB keeps it (sum and count of the
 * non-null ages), COUNT_DISTINCT(user_id), COUNT(*) and MAX(event_timestamp).
 */
final class CountryStats {
  long ageSum;
  long ageCount;
  final DistinctCount users;
  long views;
  /** MAX(event_timestamp); null until a non-null timestamp was seen. */
  Long lastEventTs;

  CountryStats() {
    this(0, 0, new DistinctCount(), 0, null);
  }

  private CountryStats(long ageSum, long ageCount, DistinctCount users, long views, Long lastEventTs) {
    this.ageSum = ageSum;
    this.ageCount = ageCount;
    this.users = users;
    this.views = views;
    this.lastEventTs = lastEventTs;
  }

  CountryStats add(JoinedView view) {
    if (view.age() != null) {
      ageSum += view.age();
      ageCount++;
    }
    users.offer(view.userId());
    views++;
    if (view.eventTimestamp() != null && (lastEventTs == null || view.eventTimestamp() > lastEventTs)) lastEventTs = view.eventTimestamp();
    return this;
  }

  /** AVG(age) for an INT column: a DOUBLE, null while no age was seen. */
  Double averageAge() {
    return ageCount == 0 ? null : (double) ageSum / ageCount;
  }

  static final Serde<CountryStats> SERDE = Serdes.serdeFrom(
      (Serializer<CountryStats>) (topic, stats) -> {
        if (stats == null) return null;
        ByteBuffer out = ByteBuffer.allocate(33 + stats.users.bytes());
        out.putLong(stats.ageSum).putLong(stats.ageCount).putLong(stats.views);
        out.put((byte) (stats.lastEventTs == null ? 0 : 1)).putLong(stats.lastEventTs == null ? 0 : stats.lastEventTs);
        stats.users.writeTo(out);
        return out.array();
      },
      (Deserializer<CountryStats>) (topic, bytes) -> {
        if (bytes == null) return null;
        ByteBuffer in = ByteBuffer.wrap(bytes);
        long ageSum = in.getLong();
        long ageCount = in.getLong();
        long views = in.getLong();
        boolean hasLast = in.get() == 1;
        long last = in.getLong();
        return new CountryStats(ageSum, ageCount, DistinctCount.readFrom(in), views, hasLast ? last : null);
      });
}
