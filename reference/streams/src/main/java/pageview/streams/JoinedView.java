package pageview.streams;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** A page view joined with its cleaned user: the columns PAGEVIEW_COUNTRY reads (sent through the repartition by country). */
record JoinedView(Integer userId, Long eventTimestamp, String country, Integer age) {
  static final Serde<JoinedView> SERDE = Serdes.serdeFrom(
      (Serializer<JoinedView>) (topic, view) -> {
        if (view == null) return null;
        byte[] country = view.country().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(4 + 9 + 5 + 4 + country.length);
        out.putInt(view.userId());
        out.put((byte) (view.eventTimestamp() == null ? 0 : 1)).putLong(view.eventTimestamp() == null ? 0 : view.eventTimestamp());
        out.put((byte) (view.age() == null ? 0 : 1)).putInt(view.age() == null ? 0 : view.age());
        out.putInt(country.length).put(country);
        return out.array();
      },
      (Deserializer<JoinedView>) (topic, bytes) -> {
        if (bytes == null) return null;
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int userId = in.getInt();
        boolean hasTs = in.get() == 1;
        long ts = in.getLong();
        boolean hasAge = in.get() == 1;
        int age = in.getInt();
        byte[] country = new byte[in.getInt()];
        in.get(country);
        return new JoinedView(userId, hasTs ? ts : null, new String(country, StandardCharsets.UTF_8), hasAge ? age : null);
      });
}
