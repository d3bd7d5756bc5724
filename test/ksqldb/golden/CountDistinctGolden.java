// Prints the golden values of test/ksqldb/count-distinct-hll.test.ts: what ksqlDB 0.29's COUNT_DISTINCT
// computes. ksqlDB's CountDistinct UDAF offers each value to clearspring stream-lib 2.9.5's
// HyperLogLog(log2m = 14) over a RegisterSet of 2^14 registers, merges with RegisterSet.merge and answers
// cardinality(); this program calls the same classes from the real jar.
// Regenerate (Java and Maven needed; the jar stays outside the repository):
//   mvn -q dependency:copy -Dartifact=com.clearspring.analytics:stream:2.9.5 -DoutputDirectory=/tmp/hll
//   javac -cp /tmp/hll/stream-2.9.5.jar -d /tmp/hll CountDistinctGolden.java
//   java -Dfile.encoding=UTF-8 -cp /tmp/hll/stream-2.9.5.jar:/tmp/hll CountDistinctGolden
// (-Dfile.encoding=UTF-8: String.getBytes() uses the default charset; ksqlDB's images run with LANG=C.UTF-8.)
import com.clearspring.analytics.hash.MurmurHash;
import com.clearspring.analytics.stream.cardinality.HyperLogLog;
import com.clearspring.analytics.stream.cardinality.RegisterSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

public class CountDistinctGolden {
  static final int M = 1 << 14;

  @SuppressWarnings("deprecation")
  static HyperLogLog hll(RegisterSet s) { return new HyperLogLog(14, s); }

  static RegisterSet set(int from, int to, IntFunction<Object> f) {
    RegisterSet s = new RegisterSet(M);
    HyperLogLog h = hll(s);
    for (int i = from; i <= to; i++) h.offer(f.apply(i));
    return s;
  }

  static void card(String name, int from, int to, IntFunction<Object> f) {
    System.out.println("  ['" + name + "', " + from + ", " + to + ", " + hll(set(from, to, f)).cardinality() + "],");
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) b.append(c < 0x80 ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    return b.toString();
  }

  public static void main(String[] args) {
    System.out.println("// hashes: [kind, value, MurmurHash.hash(value)]");
    Object[] hashed = { 0, 1, -1, 42, Integer.MAX_VALUE, Integer.MIN_VALUE, 0L, 1L, -1L, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE,
      -9007199254740993L, 0.0, -0.0, 1.5, 0.1, -2.75, 1e300, "", "a", "ab", "abc", "abcd", "abcde", "hello world",
      "\u00e9", "\u00fc\u00df", "\u65e5\u672c\u8a9e", "\ud83d\ude00", "x\u00e9", "Vi\u1ec7t Nam", true, false,
      new ArrayList<>(Arrays.asList(1, 2, 3)), new ArrayList<>(Arrays.asList("a", null)), new ArrayList<>(Arrays.asList(1.5, 2.0)) };
    for (Object o : hashed) {
      String kind = o.getClass().getSimpleName();
      String v = o instanceof String ? "'" + esc((String) o) + "'" : o.toString();
      System.out.println("  ['" + kind + "', " + v + ", " + MurmurHash.hash(o) + "],");
    }
    System.out.println("// cardinalities: [series, from, to, cardinality]");
    for (int n : new int[] { 1, 2, 10, 100, 127, 128, 200, 739, 1000, 5000, 20000, 40000, 41000, 45000, 100000 }) card("int", 1, n, i -> i);
    for (int n : new int[] { 1, 50, 1000 }) card("int", -n, -1, i -> i);
    card("int", -500, 500, i -> i);
    for (int n : new int[] { 10, 1000, 30000 }) card("bigint", 1, n, i -> (long) i * 1_000_000_007L + (1L << 40));
    for (int n : new int[] { 10, 1000 }) card("bigint-huge", 1, n, i -> Long.MAX_VALUE - (long) i * 9_999_991L);
    for (int n : new int[] { 10, 1000 }) card("bigint-neg", 1, n, i -> Long.MIN_VALUE + (long) i * 7_777_777_777L);
    for (int n : new int[] { 100, 1000, 20000 }) card("double", 1, n, i -> i * 0.1);
    card("double-half", -300, 300, i -> i + 0.5);
    for (int n : new int[] { 10, 300, 5000 }) card("string", 1, n, i -> "user-" + i);
    card("string-latin", 1, 300, i -> "\u00fc" + i + "\u00e9");
    card("string-cjk", 1, 300, i -> "\u65e5\u672c" + i);
    card("string-emoji", 1, 300, i -> "\ud83d\ude00" + i);
    card("boolean", 0, 1, i -> i == 1);
    card("array", 1, 500, i -> new ArrayList<>(Arrays.asList(i, i + 1)));
    System.out.println("// merges: [seriesA, fromA, toA, seriesB, fromB, toB, cardinality of RegisterSet.merge]");
    int[][] merges = { { 1, 600, 400, 1200 }, { 1, 100, 101, 200 }, { 1, 30000, 20000, 60000 }, { 1, 5, 1, 5 } };
    for (int[] mm : merges) {
      RegisterSet a = set(mm[0], mm[1], i -> i);
      a.merge(set(mm[2], mm[3], i -> i));
      System.out.println("  ['int', " + mm[0] + ", " + mm[1] + ", 'int', " + mm[2] + ", " + mm[3] + ", " + hll(a).cardinality() + "],");
    }
    RegisterSet a = set(1, 300, i -> "user-" + i);
    a.merge(set(1, 300, i -> "\u65e5\u672c" + i));
    System.out.println("  ['string', 1, 300, 'string-cjk', 1, 300, " + hll(a).cardinality() + "],");
  }
}
