package pageview.streams;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * The Kafka Streams reference of the project's ksql/ statements: creates the topics the statements
 * create (when missing), runs one topology for all five queries until SIGTERM, and prints each state
 * change as `state <NAME>` (the launcher waits for `state RUNNING`).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    createTopics(options);
    KafkaStreams streams = new KafkaStreams(topology(options), properties(options));
    CountDownLatch done = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      System.out.println("state " + now);
      if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) done.countDown();
    });
    streams.setUncaughtExceptionHandler(error -> {
      System.out.println("failed: " + error);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close(Duration.ofSeconds(10));
      done.countDown();
    }));
    streams.start();
    done.await();
  }

  static Topology topology(Options options) {
    StreamsBuilder builder = new StreamsBuilder();
    CleanedUsers.define(builder, options);
    var pageviews = Pageviews.stream(builder, options);
    PageviewCountry.define(builder, pageviews, options);
    WindowedCounts.define(pageviews, options);
    return builder.build();
  }

  private static Properties properties(Options options) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, options.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap());
    props.put(StreamsConfig.STATE_DIR_CONFIG, options.stateDir());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) options.replicas());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, options.threads());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, options.commitIntervalMs());
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, options.cacheBytes());
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    return props;
  }

  /** The topics the ksql/ statements create (PARTITIONS, REPLICAS), so the topology finds its sources. */
  private static void createTopics(Options options) throws InterruptedException, ExecutionException {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap());
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = List.of(options.pageviewTopic(), options.usersTopic(), options.cleanedUsersTopic(), options.pageviewCountryTopic(),
              options.tumblingTopic(), options.hoppingTopic(), options.sessionTopic()).stream()
          .filter(name -> !existing.contains(name))
          .map(name -> new NewTopic(name, options.partitions(), options.replicas()))
          .toList();
      try {
        admin.createTopics(missing).all().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) throw e;
      }
    }
  }
}
