package pageview.streams;

import java.util.HashMap;
import java.util.Map;

/**
 * The command line: where Kafka is, the topic names, partitions and window lengths (all from the
 * project's config/, passed by reference/streams/index.ts), and the Kafka Streams settings that matter
 * for speed and latency.
 */
record Options(
    String bootstrap,
    String applicationId,
    String stateDir,
    String pageviewTopic,
    String usersTopic,
    String cleanedUsersTopic,
    String pageviewCountryTopic,
    String tumblingTopic,
    String hoppingTopic,
    String sessionTopic,
    int partitions,
    short replicas,
    long tumblingMs,
    long hoppingMs,
    long hoppingAdvanceMs,
    long sessionGapMs,
    long commitIntervalMs,
    long cacheBytes,
    int threads) {

  static final String USAGE = String.join("\n",
      "Usage: java -cp 'lib/*' pageview.streams.Main --bootstrap HOST:PORT[,...] --application-id ID --state-dir DIR",
      "  --topic-pageview T --topic-users T --topic-cleaned-users T --topic-pageview-country T",
      "  --topic-tumbling T --topic-hopping T --topic-session T --partitions N --replicas N",
      "  --tumbling-seconds S --hopping-seconds S --hopping-advance-seconds S --session-gap-seconds S",
      "  [--commit-interval-ms MS (2000, ksqlDB's)] [--cache-bytes N (10485760, ksqlDB's)] [--threads N (1)]");

  static Options parse(String[] args) {
    Map<String, String> given = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--help") || args[i].equals("-h")) throw new IllegalArgumentException(USAGE);
      if (!args[i].startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("expected --name value, got " + args[i] + "\n" + USAGE);
      given.put(args[i].substring(2), args[++i]);
    }
    return new Options(
        required(given, "bootstrap"),
        required(given, "application-id"),
        required(given, "state-dir"),
        required(given, "topic-pageview"),
        required(given, "topic-users"),
        required(given, "topic-cleaned-users"),
        required(given, "topic-pageview-country"),
        required(given, "topic-tumbling"),
        required(given, "topic-hopping"),
        required(given, "topic-session"),
        Integer.parseInt(required(given, "partitions")),
        Short.parseShort(required(given, "replicas")),
        Long.parseLong(required(given, "tumbling-seconds")) * 1000,
        Long.parseLong(required(given, "hopping-seconds")) * 1000,
        Long.parseLong(required(given, "hopping-advance-seconds")) * 1000,
        Long.parseLong(required(given, "session-gap-seconds")) * 1000,
        Long.parseLong(given.getOrDefault("commit-interval-ms", "2000")),
        Long.parseLong(given.getOrDefault("cache-bytes", "10485760")),
        Integer.parseInt(given.getOrDefault("threads", "1")));
  }

  private static String required(Map<String, String> given, String name) {
    String value = given.get(name);
    if (value == null) throw new IllegalArgumentException("missing --" + name + "\n" + USAGE);
    return value;
  }
}
