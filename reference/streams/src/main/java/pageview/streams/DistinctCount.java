package pageview.streams;

import com.clearspring.analytics.hash.MurmurHash;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * COUNT_DISTINCT as ksqlDB computes it: a HyperLogLog of 2^14 registers over the MurmurHash of each
 * value's Java object (stream-lib's HyperLogLog.offer and cardinality, so the estimates are ksqlDB's).
 * The registers are kept sparse: a sorted array of (index << 5 | rank) for the registers set, which is
 * a few hundred entries per window here instead of 16384.
 */
final class DistinctCount {
  private static final int LOG2M = 14;
  private static final int M = 1 << LOG2M;
  private static final double ALPHA_MM = (0.7213 / (1 + 1.079 / M)) * M * M;

  /** (index << 5 | rank) of the registers set, sorted by index, in entries[0..size). */
  private int[] entries;
  private int size;

  DistinctCount() {
    this(new int[8], 0);
  }

  private DistinctCount(int[] entries, int size) {
    this.entries = entries;
    this.size = size;
  }

  /** Counts one value (an Integer, a Long, a String: hashed as stream-lib hashes that type). */
  void offer(Object value) {
    if (value == null) return;
    int hash = MurmurHash.hash(value);
    int index = hash >>> (Integer.SIZE - LOG2M);
    int rank = Integer.numberOfLeadingZeros((hash << LOG2M) | (1 << (LOG2M - 1)) + 1) + 1;
    raise(index, rank);
  }

  /** The register-wise maximum with another count (two sessions merged into one). */
  void merge(DistinctCount other) {
    for (int i = 0; i < other.size; i++) raise(other.entries[i] >>> 5, other.entries[i] & 31);
  }

  private void raise(int index, int rank) {
    int at = find(index);
    if (at < size && entries[at] >>> 5 == index) {
      if ((entries[at] & 31) < rank) entries[at] = (index << 5) | rank;
      return;
    }
    if (size == entries.length) entries = Arrays.copyOf(entries, size * 2);
    System.arraycopy(entries, at, entries, at + 1, size - at);
    entries[at] = (index << 5) | rank;
    size++;
  }

  /** The first position whose register index is >= index. */
  private int find(int index) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (entries[mid] >>> 5 < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** HyperLogLog.cardinality(): linear counting while the raw estimate is at most 2.5 m. */
  long estimate() {
    double sum = M - size;
    for (int i = 0; i < size; i++) sum += 1.0 / (1 << (entries[i] & 31));
    double raw = ALPHA_MM / sum;
    double zeros = M - size;
    if (raw <= 2.5 * M) return Math.round(M * Math.log(M / zeros));
    return Math.round(raw);
  }

  int bytes() {
    return 4 + 4 * size;
  }

  void writeTo(ByteBuffer out) {
    out.putInt(size);
    for (int i = 0; i < size; i++) out.putInt(entries[i]);
  }

  static DistinctCount readFrom(ByteBuffer in) {
    int size = in.getInt();
    int[] entries = new int[Math.max(8, size + size / 2)];
    for (int i = 0; i < size; i++) entries[i] = in.getInt();
    return new DistinctCount(entries, size);
  }
}
