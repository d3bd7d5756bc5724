/**
 * The one place for ports, topic names, sizes and window lengths. Every part of the stack imports
 * `config` (or calls `loadConfig` with its own environment in tests); every value has an env override.
 */
import { endpointsFromEnv, type Endpoints } from './endpoints.ts';
import { ConfigError, envChoice, envFraction, envHostPorts, envInt, envList, envPort, envString, envTopic, redactUrl, type Env } from './env.ts';
import { kafkaSecurityFromEnv, type KafkaSecurity } from './kafka-security.ts';

export { ConfigError } from './env.ts';
export type { Endpoints, HttpAuth, HttpEndpoint } from './endpoints.ts';
export type { KafkaSecurity } from './kafka-security.ts';

/**
 * Which stack the commands talk to: `embedded` (npm start), `docker` (docker-compose.yml), `external`
 * (clusters of the user's own, at the endpoints of config/endpoints.ts; nothing is started), or `auto`
 * (init.sh: docker when a Docker engine answers, else embedded).
 */
export const STACK_CHOICES = ['auto', 'embedded', 'docker', 'external'] as const;

/**
 * Events per second per generator when PRODUCER_RATE is not set: the one default behind `npm start`,
 * `npm run scenario`, the producers init.sh starts in docker mode and every help text that names it.
 */
export const DEFAULT_PRODUCER_RATE = 20;

/** Where the embedded stack keeps its data when DATA_DIR is not set; each scenario gets a folder in it. */
export const DEFAULT_DATA_DIR = '.data';

export interface TopicNames {
  pageview: string;
  userSession: string;
  users: string;
  cleanedUsers: string;
  pageviewCountry: string;
  pageviewTumbling: string;
  pageviewHopping: string;
  pageviewSession: string;
  /**
   * What Pinot's pageview_session table reads: topic8's session rows, and for each session ksqlDB
   * deleted (a tombstone: merged into another or moved) a row that marks it deleted (pinot/session-feed.ts).
   */
  pageviewSessionFeed: string;
}

export interface AppConfig {
  bindHost: string;
  /** The root of the embedded stack's data (DATA_DIR): `npm start` keeps each scenario in its own folder of it. */
  dataDir: string;
  stack: (typeof STACK_CHOICES)[number];
  kafka: {
    bootstrap: string[];
    /** How clients authenticate (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_SSL_*); PLAINTEXT by default. */
    security: KafkaSecurity;
    brokerCount: number;
    firstPort: number;
    partitions: number;
    replicationFactor: number;
    minInsyncReplicas: number;
    /** Topic default retention.ms, in hours (Kafka's log.retention.hours, 168 = 7 days). */
    retentionHours: number;
    /** Topic default segment.bytes, in MiB: only closed segments are deleted or compacted. */
    segmentMb: number;
    /** The embedded brokers' caps, named as startKafkaCluster's options (each costs file descriptors of the one process). */
    limits: {
      /** max.connections of each broker's listener (KAFKA_MAX_CONNECTIONS); a new connection beyond it is closed. */
      maxConnections: number;
      /** max.connections.per.ip of each broker (KAFKA_MAX_CONNECTIONS_PER_IP). */
      maxConnectionsPerIp: number;
      /** Partitions of one topic (KAFKA_MAX_PARTITIONS_PER_TOPIC); more is refused with INVALID_PARTITIONS. */
      maxPartitionsPerTopic: number;
      /** Partitions of all topics (KAFKA_MAX_PARTITIONS_TOTAL); more is refused with POLICY_VIOLATION. */
      maxPartitionsTotal: number;
      /** Files the partition logs keep open at most, least recently used closed first (KAFKA_MAX_OPEN_LOG_FILES). */
      maxOpenLogFiles: number;
    };
  };
  ports: {
    connect: number;
    /** Debezium's Connect worker of the compose profile `course-activity` (docker mode only). */
    debeziumConnect: number;
    ksqldb: number;
    pinotController: number;
    pinotBroker: number;
    dashboard: number;
    mysql: number;
  };
  /** The HTTP services' URLs and credentials, and the servers' own addresses of MySQL and Kafka. */
  endpoints: Endpoints;
  mysql: {
    /** Set only when MYSQL_URL is given; otherwise host/port/user/password below apply. */
    url: string | undefined;
    host: string;
    port: number;
    user: string;
    password: string;
    database: string;
    table: string;
  };
  topics: TopicNames;
  windows: {
    tumblingSeconds: number;
    hoppingSeconds: number;
    hoppingAdvanceSeconds: number;
    sessionGapSeconds: number;
  };
  dashboard: { pollIntervalMs: number };
  /**
   * Who may talk to the HTTP servers (Connect, ksqlDB, Pinot, the dashboard) besides localhost, IP
   * addresses and BIND_HOST: more host names (ALLOWED_HOSTS; `.example.com` for a domain, `*` for any),
   * and web page origins allowed to change data (ALLOWED_ORIGINS, e.g. http://localhost:3000; `*` for any).
   */
  http: { allowedHosts: string[]; allowedOrigins: string[] };
  /** Bounds on queries to the embedded Pinot's broker. */
  pinot: {
    /**
     * The broker's query timeout, ms (Pinot's pinot.broker.timeoutMs), and the most a query's timeoutMs
     * may ask for (PINOT_QUERY_TIMEOUT_MS); at it DuckDB is interrupted and the query answers 250.
     */
    queryTimeoutMs: number;
    /** The longest string lpad, rpad, repeat, concat, replace … may build, characters (PINOT_MAX_STRING_LENGTH); past it 245. */
    maxStringLength: number;
    /**
     * Queries running in DuckDB at once (PINOT_MAX_RUNNING_QUERIES); the others wait their turn, 240 if
     * still waiting at their timeout. Each holds one of Node's 4 libuv threads, which Kafka's files need too.
     */
    maxRunningQueries: number;
    /** The most bytes of rows a query may return (PINOT_MAX_RESPONSE_MB, in MiB); past it 503. */
    maxResponseBytes: number;
  };
  /** Memory of the embedded stack's parts (docker mode sizes its containers in docker-compose.yml). */
  memory: {
    /** DuckDB buffer limit behind the embedded Pinot, MB (DuckDB spills to disk beyond it) */
    pinotMemoryLimitMb: number;
    /** DuckDB threads per query in the embedded Pinot */
    pinotThreads: number;
    /** V8 young generation of the ksqlDB worker thread, MB (see stack/ksqldb-worker.ts) */
    ksqldbYoungGenerationMb: number;
    /**
     * Heap limit of the ksqlDB worker thread, MB (KSQLDB_MAX_HEAP_MB): past it only that thread ends
     * (ERR_WORKER_OUT_OF_MEMORY) and the supervisor starts it again (stack/supervisor.ts). The limit also
     * sets V8's pace: under 2048 MB V8 grows the heap in smaller steps and collects more often (256 MB
     * cost the pipeline bench a third of its throughput, p99 freshness 1.1 -> 9.5 s); 2048 keeps the pace
     * of an unlimited thread (its live data stays under 50 MB at 5k events/s). 0 leaves V8's own limit
     * for the thread (a runaway still ends only the thread).
     */
    ksqldbMaxHeapMb: number;
    /** Heap limit of the Kafka Connect worker thread, MB (CONNECT_MAX_HEAP_MB), as KSQLDB_MAX_HEAP_MB */
    connectMaxHeapMb: number;
    /** Heap limit of the embedded Pinot's process, MB (PINOT_MAX_HEAP_MB; DuckDB's memory is PINOT_MEMORY_LIMIT_MB); 0 = V8's own */
    pinotMaxHeapMb: number;
    /** How often each part checks its heap for dead objects to give back, ms (HEAP_TRIM_INTERVAL_MS; 0 = V8's own pace; stack/heap-trim.ts) */
    heapTrimIntervalMs: number;
    /** Dead objects a part's heap may hold before a full collection, MB (HEAP_TRIM_SLACK_MB) */
    heapTrimSlackMb: number;
  };
  /** How the embedded stack's supervisor restarts a part whose thread died (stack/supervisor.ts). */
  supervisor: {
    /** first wait before a restart, ms (SUPERVISOR_BACKOFF_MS); doubles per failed start */
    backoffMs: number;
    /** longest wait between two starts, ms (SUPERVISOR_MAX_BACKOFF_MS) */
    maxBackoffMs: number;
    /** a part up this long starts over at the first wait, ms (SUPERVISOR_STABLE_MS) */
    stableMs: number;
    /** a restart not serving within this has failed, ms (SUPERVISOR_START_TIMEOUT_MS) */
    startTimeoutMs: number;
    /** a part's thread answering no ping this long is ended and restarted, ms (SUPERVISOR_HANG_MS; 0: never) */
    hangMs: number;
  };
  producer: {
    nullRate: number;
    batchSize: number;
    /** Events per second per generator of a continuous run (PRODUCER_RATE); 0 = as fast as possible. */
    rate: number;
    jitterMs: number;
    lateRate: number;
    lateMs: number;
    sessionsPerUser: number;
  };
}

export function loadConfig(env: Env = process.env): AppConfig {
  const brokerCount = envInt(env, 'KAFKA_BROKERS', 3, 1, 16);
  const firstPort = envPort(env, 'KAFKA_PORT', 9092);
  const defaultBootstrap = Array.from({ length: brokerCount }, (_, i) => `127.0.0.1:${firstPort + i}`).join(',');
  const replicationFactor = envInt(env, 'KAFKA_REPLICATION_FACTOR', Math.min(3, brokerCount), 1, brokerCount);
  const minInsyncReplicas = envInt(env, 'KAFKA_MIN_INSYNC_REPLICAS', Math.min(2, replicationFactor), 1, replicationFactor);
  const hoppingSeconds = envInt(env, 'WINDOW_HOPPING_SECONDS', 120, 1);
  const hoppingAdvanceSeconds = envInt(env, 'WINDOW_HOPPING_ADVANCE_SECONDS', 30, 1);
  if (hoppingAdvanceSeconds > hoppingSeconds) {
    throw new ConfigError('WINDOW_HOPPING_ADVANCE_SECONDS', `must not exceed WINDOW_HOPPING_SECONDS (${hoppingSeconds}), got ${hoppingAdvanceSeconds}`);
  }
  const mysqlUrl = env.MYSQL_URL?.trim() || undefined;
  if (mysqlUrl !== undefined && !/^mysql:\/\//.test(mysqlUrl)) {
    throw new ConfigError('MYSQL_URL', `must look like mysql://user:password@host:port, got "${redactUrl(mysqlUrl)}"`);
  }
  const ports = {
    connect: envPort(env, 'CONNECT_PORT', 8083),
    debeziumConnect: envPort(env, 'DEBEZIUM_CONNECT_PORT', 8084),
    ksqldb: envPort(env, 'KSQLDB_PORT', 8088),
    pinotController: envPort(env, 'PINOT_CONTROLLER_PORT', 9000),
    pinotBroker: envPort(env, 'PINOT_BROKER_PORT', 8099),
    dashboard: envPort(env, 'DASHBOARD_PORT', 8501),
    mysql: envPort(env, 'MYSQL_PORT', 3306),
  };

  return {
    bindHost: envString(env, 'BIND_HOST', '127.0.0.1'),
    dataDir: envString(env, 'DATA_DIR', DEFAULT_DATA_DIR),
    stack: envChoice(env, 'STACK', 'auto', STACK_CHOICES),
    kafka: {
      bootstrap: envHostPorts(env, 'KAFKA_BOOTSTRAP_SERVERS', defaultBootstrap),
      security: kafkaSecurityFromEnv(env),
      brokerCount,
      firstPort,
      partitions: envInt(env, 'KAFKA_PARTITIONS', 5, 1, 10_000),
      replicationFactor,
      minInsyncReplicas,
      retentionHours: envInt(env, 'KAFKA_RETENTION_HOURS', 168, 1, 1_000_000),
      segmentMb: envInt(env, 'KAFKA_SEGMENT_MB', 64, 1, 1024),
      limits: {
        maxConnections: envInt(env, 'KAFKA_MAX_CONNECTIONS', 1000, 1, 1_000_000),
        maxConnectionsPerIp: envInt(env, 'KAFKA_MAX_CONNECTIONS_PER_IP', 1000, 1, 1_000_000),
        maxPartitionsPerTopic: envInt(env, 'KAFKA_MAX_PARTITIONS_PER_TOPIC', 1000, 1, 1_000_000),
        maxPartitionsTotal: envInt(env, 'KAFKA_MAX_PARTITIONS_TOTAL', 5000, 1, 10_000_000),
        maxOpenLogFiles: envInt(env, 'KAFKA_MAX_OPEN_LOG_FILES', 2048, 16, 1_000_000),
      },
    },
    ports,
    endpoints: endpointsFromEnv(env, ports),
    mysql: {
      url: mysqlUrl,
      host: envString(env, 'MYSQL_HOST', '127.0.0.1'),
      port: envPort(env, 'MYSQL_PORT', 3306),
      user: envString(env, 'MYSQL_USER', 'root'),
      password: env.MYSQL_PASSWORD ?? '',
      database: envString(env, 'MYSQL_DATABASE', 'demo'),
      table: envString(env, 'MYSQL_TABLE', 'Users'),
    },
    topics: {
      pageview: envTopic(env, 'TOPIC_PAGEVIEW', 'topic1_PageView'),
      userSession: envTopic(env, 'TOPIC_USER_SESSION', 'topic2_UserSession'),
      users: envTopic(env, 'TOPIC_USERS', 'topic3_Users'),
      cleanedUsers: envTopic(env, 'TOPIC_CLEANED_USERS', 'topic4'),
      pageviewCountry: envTopic(env, 'TOPIC_PAGEVIEW_COUNTRY', 'topic5'),
      pageviewTumbling: envTopic(env, 'TOPIC_PAGEVIEW_TUMBLING', 'topic6'),
      pageviewHopping: envTopic(env, 'TOPIC_PAGEVIEW_HOPPING', 'topic7'),
      pageviewSession: envTopic(env, 'TOPIC_PAGEVIEW_SESSION', 'topic8'),
      pageviewSessionFeed: envTopic(env, 'TOPIC_PAGEVIEW_SESSION_FEED', 'topic8_pinot'),
    },
    windows: {
      tumblingSeconds: envInt(env, 'WINDOW_TUMBLING_SECONDS', 60, 1),
      hoppingSeconds,
      hoppingAdvanceSeconds,
      sessionGapSeconds: envInt(env, 'WINDOW_SESSION_GAP_SECONDS', 30, 1),
    },
    dashboard: { pollIntervalMs: envInt(env, 'DASHBOARD_POLL_MS', 15_000, 100) },
    http: {
      allowedHosts: envList(env, 'ALLOWED_HOSTS', (h) => h === '*' || /^\.?[a-z0-9_.:[\]-]+$/i.test(h), 'host names (.domain for its subdomains, * for any)'),
      allowedOrigins: envList(env, 'ALLOWED_ORIGINS', (o) => o === '*' || /^https?:\/\/[^/\s]+$/i.test(o), 'origins such as http://localhost:3000 (* for any)'),
    },
    pinot: {
      queryTimeoutMs: envInt(env, 'PINOT_QUERY_TIMEOUT_MS', 10_000, 1, 3_600_000),
      maxStringLength: envInt(env, 'PINOT_MAX_STRING_LENGTH', 16_384, 1, 100_000_000),
      maxRunningQueries: envInt(env, 'PINOT_MAX_RUNNING_QUERIES', 2, 1, 64),
      maxResponseBytes: envInt(env, 'PINOT_MAX_RESPONSE_MB', 64, 1, 65_536) * 1024 * 1024,
    },
    memory: {
      pinotMemoryLimitMb: envInt(env, 'PINOT_MEMORY_LIMIT_MB', 128, 32, 1_000_000),
      pinotThreads: envInt(env, 'PINOT_THREADS', 1, 1, 256),
      ksqldbYoungGenerationMb: envInt(env, 'KSQLDB_YOUNG_GENERATION_MB', 12, 1, 1024),
      ksqldbMaxHeapMb: envInt(env, 'KSQLDB_MAX_HEAP_MB', 2048, 0, 1_000_000),
      connectMaxHeapMb: envInt(env, 'CONNECT_MAX_HEAP_MB', 128, 16, 1_000_000),
      pinotMaxHeapMb: envInt(env, 'PINOT_MAX_HEAP_MB', 512, 0, 1_000_000),
      heapTrimIntervalMs: envInt(env, 'HEAP_TRIM_INTERVAL_MS', 2_000, 0, 3_600_000),
      heapTrimSlackMb: envInt(env, 'HEAP_TRIM_SLACK_MB', 16, 1, 1_000_000),
    },
    supervisor: {
      backoffMs: envInt(env, 'SUPERVISOR_BACKOFF_MS', 500, 1, 3_600_000),
      maxBackoffMs: envInt(env, 'SUPERVISOR_MAX_BACKOFF_MS', 30_000, 1, 3_600_000),
      stableMs: envInt(env, 'SUPERVISOR_STABLE_MS', 60_000, 0, 86_400_000),
      startTimeoutMs: envInt(env, 'SUPERVISOR_START_TIMEOUT_MS', 120_000, 1_000, 3_600_000),
      hangMs: envInt(env, 'SUPERVISOR_HANG_MS', 30_000, 0, 3_600_000),
    },
    producer: {
      nullRate: envFraction(env, 'PRODUCER_NULL_RATE', 0.1),
      batchSize: envInt(env, 'PRODUCER_BATCH_SIZE', 1000, 1, 100_000),
      rate: envInt(env, 'PRODUCER_RATE', DEFAULT_PRODUCER_RATE, 0),
      jitterMs: envInt(env, 'PRODUCER_JITTER_MS', 5_000, 0),
      lateRate: envFraction(env, 'PRODUCER_LATE_RATE', 0),
      lateMs: envInt(env, 'PRODUCER_LATE_MS', 60_000, 0),
      sessionsPerUser: envInt(env, 'PRODUCER_SESSIONS_PER_USER', 1, 1, 1000),
    },
  };
}

/** One port the embedded stack listens on, and the variable that moves it. */
export interface StackPort {
  port: number;
  variable: string;
  /** What listens there, e.g. "Kafka broker 2". */
  service: string;
}

/** The embedded Pinot's limits as startPinot takes them: DuckDB's memory and threads, and the bounds on its queries. */
export function pinotLimits(config: AppConfig) {
  return {
    storageLimits: { memoryLimitMb: config.memory.pinotMemoryLimitMb, threads: config.memory.pinotThreads },
    queryLimits: {
      timeoutMs: config.pinot.queryTimeoutMs,
      maxStringLength: config.pinot.maxStringLength,
      maxRunningQueries: config.pinot.maxRunningQueries,
      maxResponseBytes: config.pinot.maxResponseBytes,
    },
  };
}

/**
 * Every port `npm start` binds, with the variable that sets it: the brokers (KAFKA_PORT is the first,
 * broker i listens on KAFKA_PORT + i - 1), Connect, ksqlDB, Pinot's controller and broker, the dashboard.
 * MySQL is not among them: a server already answering on MYSQL_PORT is used, not a conflict.
 */
export function stackPorts(config: AppConfig): StackPort[] {
  const brokers = Array.from({ length: config.kafka.brokerCount }, (_, i) => ({
    port: config.kafka.firstPort + i,
    variable: 'KAFKA_PORT',
    service: `Kafka broker ${i + 1}`,
  }));
  return [
    ...brokers,
    { port: config.ports.connect, variable: 'CONNECT_PORT', service: 'Kafka Connect' },
    { port: config.ports.ksqldb, variable: 'KSQLDB_PORT', service: 'ksqlDB' },
    { port: config.ports.pinotController, variable: 'PINOT_CONTROLLER_PORT', service: 'Pinot controller' },
    { port: config.ports.pinotBroker, variable: 'PINOT_BROKER_PORT', service: 'Pinot broker' },
    { port: config.ports.dashboard, variable: 'DASHBOARD_PORT', service: 'dashboard' },
  ];
}

/** All topics in pipeline order, as create-topics and the compose file list them. */
export function allTopics(topics: TopicNames): string[] {
  return [
    topics.pageview,
    topics.userSession,
    topics.users,
    topics.cleanedUsers,
    topics.pageviewCountry,
    topics.pageviewTumbling,
    topics.pageviewHopping,
    topics.pageviewSession,
    topics.pageviewSessionFeed,
  ];
}

let cached: AppConfig | undefined;

/** The process-wide config, read from process.env on first use (so a bad variable surfaces where it is caught). */
export function getConfig(): AppConfig {
  cached ??= loadConfig();
  return cached;
}
