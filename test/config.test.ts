import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_PRODUCER_RATE, allTopics, getConfig, loadConfig, stackPorts } from '../config/index.ts';
import { envChoice, envFraction, envHostPorts, envInt, envPort, envString, envTopic } from '../config/env.ts';

/** The ConfigError a loadConfig(env) throws (fails the test if none). */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

function expectRejected(env: Record<string, string>, variable: string, detail: RegExp): void {
  const error = configError(env);
  expect(error.variable).toBe(variable);
  expect(error.name).toBe('ConfigError');
  expect(error.message).toContain(variable);
  expect(error.message).toMatch(detail);
  expect(error.message).not.toContain('\n');
}

describe('config defaults', () => {
  const config = loadConfig({});

  it('match the brief', () => {
    expect(config.bindHost).toBe('127.0.0.1');
    expect(config.dataDir).toBe('.data');
    expect(config.stack).toBe('auto');
    expect(config.kafka).toEqual({
      bootstrap: ['127.0.0.1:9092', '127.0.0.1:9093', '127.0.0.1:9094'],
      security: { protocol: 'PLAINTEXT' },
      brokerCount: 3,
      firstPort: 9092,
      partitions: 5,
      replicationFactor: 3,
      minInsyncReplicas: 2,
      retentionHours: 168,
      segmentMb: 64,
      limits: { maxConnections: 1000, maxConnectionsPerIp: 1000, maxPartitionsPerTopic: 1000, maxPartitionsTotal: 5000, maxOpenLogFiles: 2048 },
    });
    expect(config.ports).toEqual({
      connect: 8083,
      debeziumConnect: 8084,
      ksqldb: 8088,
      pinotController: 9000,
      pinotBroker: 8099,
      dashboard: 8501,
      mysql: 3306,
    });
    expect(config.mysql).toEqual({ url: undefined, host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'demo', table: 'Users' });
    expect(config.windows).toEqual({ tumblingSeconds: 60, hoppingSeconds: 120, hoppingAdvanceSeconds: 30, sessionGapSeconds: 30 });
    expect(config.dashboard.pollIntervalMs).toBe(15_000);
    expect(config.producer).toEqual({
      nullRate: 0.1,
      batchSize: 1000,
      rate: DEFAULT_PRODUCER_RATE,
      jitterMs: 5_000,
      lateRate: 0,
      lateMs: 60_000,
      sessionsPerUser: 1,
    });
  });

  it('Kafka limits from KAFKA_MAX_* variables, refused when not a positive number', () => {
    const limits = loadConfig({
      KAFKA_MAX_CONNECTIONS: '50',
      KAFKA_MAX_CONNECTIONS_PER_IP: '10',
      KAFKA_MAX_PARTITIONS_PER_TOPIC: '20',
      KAFKA_MAX_PARTITIONS_TOTAL: '100',
      KAFKA_MAX_OPEN_LOG_FILES: '64',
    }).kafka.limits;
    expect(limits).toEqual({ maxConnections: 50, maxConnectionsPerIp: 10, maxPartitionsPerTopic: 20, maxPartitionsTotal: 100, maxOpenLogFiles: 64 });
    expect(() => loadConfig({ KAFKA_MAX_CONNECTIONS: '0' })).toThrow(/KAFKA_MAX_CONNECTIONS must be between 1/);
    expect(() => loadConfig({ KAFKA_MAX_PARTITIONS_PER_TOPIC: 'many' })).toThrow(/KAFKA_MAX_PARTITIONS_PER_TOPIC must be a whole number/);
  });

  it('one default producer rate, 20 events/s per generator', () => {
    expect(DEFAULT_PRODUCER_RATE).toBe(20);
    expect(loadConfig({ PRODUCER_RATE: '0' }).producer.rate).toBe(0);
  });

  it('lists every port npm start binds with the variable that moves it (MySQL excluded: one answering is used)', () => {
    expect(stackPorts(loadConfig({ KAFKA_PORT: '19092', DASHBOARD_PORT: '8600' })).map((p) => `${p.variable}=${p.port} ${p.service}`)).toEqual([
      'KAFKA_PORT=19092 Kafka broker 1',
      'KAFKA_PORT=19093 Kafka broker 2',
      'KAFKA_PORT=19094 Kafka broker 3',
      'CONNECT_PORT=8083 Kafka Connect',
      'KSQLDB_PORT=8088 ksqlDB',
      'PINOT_CONTROLLER_PORT=9000 Pinot controller',
      'PINOT_BROKER_PORT=8099 Pinot broker',
      'DASHBOARD_PORT=8600 dashboard',
    ]);
    expect(stackPorts(loadConfig({ KAFKA_BROKERS: '1' })).filter((p) => p.variable === 'KAFKA_PORT')).toHaveLength(1);
  });

  it('lists all topics in pipeline order', () => {
    expect(allTopics(config.topics)).toEqual([
      'topic1_PageView',
      'topic2_UserSession',
      'topic3_Users',
      'topic4',
      'topic5',
      'topic6',
      'topic7',
      'topic8',
      'topic8_pinot',
    ]);
  });

  it('getConfig reads process.env once and caches', () => {
    expect(getConfig()).toBe(getConfig());
  });
});

describe('config overrides', () => {
  it('strings: BIND_HOST, DATA_DIR, MYSQL_* (trimmed; blank = default)', () => {
    const config = loadConfig({
      BIND_HOST: ' 0.0.0.0 ',
      DATA_DIR: '/var/data',
      MYSQL_HOST: 'db',
      MYSQL_USER: 'app',
      MYSQL_DATABASE: 'shop',
      MYSQL_TABLE: 'People',
      MYSQL_PASSWORD: ' secret ',
    });
    expect(config.bindHost).toBe('0.0.0.0');
    expect(config.dataDir).toBe('/var/data');
    expect(config.mysql).toMatchObject({ host: 'db', user: 'app', database: 'shop', table: 'People', password: ' secret ' });
    expect(loadConfig({ BIND_HOST: '   ', DATA_DIR: '' }).bindHost).toBe('127.0.0.1');
    expect(loadConfig({ DATA_DIR: '' }).dataDir).toBe('.data');
  });

  it('whole numbers: sizes, windows, producer settings', () => {
    const config = loadConfig({
      KAFKA_PARTITIONS: '8',
      WINDOW_TUMBLING_SECONDS: '10',
      WINDOW_HOPPING_SECONDS: '60',
      WINDOW_HOPPING_ADVANCE_SECONDS: '20',
      WINDOW_SESSION_GAP_SECONDS: '5',
      DASHBOARD_POLL_MS: '500',
      PRODUCER_BATCH_SIZE: '250',
      PRODUCER_RATE: '100',
      PRODUCER_JITTER_MS: '0',
      PRODUCER_LATE_MS: '1000',
      PRODUCER_SESSIONS_PER_USER: '3',
    });
    expect(config.kafka.partitions).toBe(8);
    expect(config.windows).toEqual({ tumblingSeconds: 10, hoppingSeconds: 60, hoppingAdvanceSeconds: 20, sessionGapSeconds: 5 });
    expect(config.dashboard.pollIntervalMs).toBe(500);
    expect(config.producer).toMatchObject({ batchSize: 250, rate: 100, jitterMs: 0, lateMs: 1000, sessionsPerUser: 3 });
    expect(loadConfig({}).memory).toEqual({
      pinotMemoryLimitMb: 128,
      pinotThreads: 1,
      ksqldbYoungGenerationMb: 12,
      ksqldbMaxHeapMb: 2048,
      connectMaxHeapMb: 128,
      pinotMaxHeapMb: 512,
      heapTrimIntervalMs: 2000,
      heapTrimSlackMb: 16,
    });
    expect(
      loadConfig({
        PINOT_MEMORY_LIMIT_MB: '512',
        PINOT_THREADS: '2',
        KSQLDB_YOUNG_GENERATION_MB: '32',
        KSQLDB_MAX_HEAP_MB: '100',
        CONNECT_MAX_HEAP_MB: '200',
        PINOT_MAX_HEAP_MB: '0',
        HEAP_TRIM_INTERVAL_MS: '0',
        HEAP_TRIM_SLACK_MB: '64',
      }).memory,
    ).toEqual({
      pinotMemoryLimitMb: 512,
      pinotThreads: 2,
      ksqldbYoungGenerationMb: 32,
      ksqldbMaxHeapMb: 100,
      connectMaxHeapMb: 200,
      pinotMaxHeapMb: 0,
      heapTrimIntervalMs: 0,
      heapTrimSlackMb: 64,
    });
    expect(() => loadConfig({ KSQLDB_MAX_HEAP_MB: '-1' })).toThrow(/KSQLDB_MAX_HEAP_MB/);
    expect(loadConfig({ KSQLDB_MAX_HEAP_MB: '0' }).memory.ksqldbMaxHeapMb).toBe(0); // V8's own limit for the thread
    expect(loadConfig({}).supervisor).toEqual({ backoffMs: 500, maxBackoffMs: 30_000, stableMs: 60_000, startTimeoutMs: 120_000, hangMs: 30_000 });
    expect(
      loadConfig({
        SUPERVISOR_BACKOFF_MS: '100',
        SUPERVISOR_MAX_BACKOFF_MS: '2000',
        SUPERVISOR_STABLE_MS: '0',
        SUPERVISOR_START_TIMEOUT_MS: '5000',
        SUPERVISOR_HANG_MS: '0',
      }).supervisor,
    ).toEqual({ backoffMs: 100, maxBackoffMs: 2000, stableMs: 0, startTimeoutMs: 5000, hangMs: 0 });
    expect(loadConfig({}).pinot).toEqual({ queryTimeoutMs: 10_000, maxStringLength: 16_384, maxRunningQueries: 2, maxResponseBytes: 64 * 1024 * 1024 });
    expect(
      loadConfig({ PINOT_QUERY_TIMEOUT_MS: '2500', PINOT_MAX_STRING_LENGTH: '1000', PINOT_MAX_RUNNING_QUERIES: '3', PINOT_MAX_RESPONSE_MB: '8' }).pinot,
    ).toEqual({ queryTimeoutMs: 2500, maxStringLength: 1000, maxRunningQueries: 3, maxResponseBytes: 8 * 1024 * 1024 });
    expect(() => loadConfig({ PINOT_QUERY_TIMEOUT_MS: '0' })).toThrow(/PINOT_QUERY_TIMEOUT_MS/);
  });

  it('ports: every service port', () => {
    const config = loadConfig({
      CONNECT_PORT: '18083',
      DEBEZIUM_CONNECT_PORT: '18084',
      KSQLDB_PORT: '18088',
      PINOT_CONTROLLER_PORT: '19000',
      PINOT_BROKER_PORT: '18099',
      DASHBOARD_PORT: '18501',
      MYSQL_PORT: '13306',
    });
    expect(config.ports).toEqual({
      connect: 18083,
      debeziumConnect: 18084,
      ksqldb: 18088,
      pinotController: 19000,
      pinotBroker: 18099,
      dashboard: 18501,
      mysql: 13306,
    });
    expect(config.mysql.port).toBe(13306);
  });

  it('broker count and first port derive the bootstrap list and cap replication', () => {
    const one = loadConfig({ KAFKA_BROKERS: '1', KAFKA_PORT: '19092' });
    expect(one.kafka).toMatchObject({ bootstrap: ['127.0.0.1:19092'], brokerCount: 1, firstPort: 19092, replicationFactor: 1, minInsyncReplicas: 1 });
    const five = loadConfig({ KAFKA_BROKERS: '5', KAFKA_REPLICATION_FACTOR: '5', KAFKA_MIN_INSYNC_REPLICAS: '4' });
    expect(five.kafka.bootstrap).toHaveLength(5);
    expect(five.kafka).toMatchObject({ replicationFactor: 5, minInsyncReplicas: 4 });
  });

  it('host:port lists: KAFKA_BOOTSTRAP_SERVERS wins over the derived list', () => {
    const config = loadConfig({ KAFKA_BOOTSTRAP_SERVERS: ' kafka1:9092 , kafka2:9092,', KAFKA_PORT: '1' });
    expect(config.kafka.bootstrap).toEqual(['kafka1:9092', 'kafka2:9092']);
  });

  it('fractions: null and late rates', () => {
    const config = loadConfig({ PRODUCER_NULL_RATE: '0', PRODUCER_LATE_RATE: '1' });
    expect(config.producer).toMatchObject({ nullRate: 0, lateRate: 1 });
    expect(loadConfig({ PRODUCER_NULL_RATE: '0.25' }).producer.nullRate).toBe(0.25);
  });

  it('topics: every topic name', () => {
    const names = {
      TOPIC_PAGEVIEW: 'pv',
      TOPIC_USER_SESSION: 'us',
      TOPIC_USERS: 'u',
      TOPIC_CLEANED_USERS: 'cu',
      TOPIC_PAGEVIEW_COUNTRY: 'pc',
      TOPIC_PAGEVIEW_TUMBLING: 'pt',
      TOPIC_PAGEVIEW_HOPPING: 'ph',
      TOPIC_PAGEVIEW_SESSION: 'ps.v1_x-y',
      TOPIC_PAGEVIEW_SESSION_FEED: 'psf',
    };
    expect(allTopics(loadConfig(names).topics)).toEqual(Object.values(names));
  });

  it('choices: STACK', () => {
    for (const stack of ['auto', 'embedded', 'docker'] as const) expect(loadConfig({ STACK: stack }).stack).toBe(stack);
  });

  it('MYSQL_URL', () => {
    expect(loadConfig({ MYSQL_URL: ' mysql://u:p@db:3307 ' }).mysql.url).toBe('mysql://u:p@db:3307');
    expect(loadConfig({ MYSQL_URL: '' }).mysql.url).toBeUndefined();
  });
});

describe('config errors name the variable', () => {
  it('whole numbers', () => {
    expectRejected({ KAFKA_PARTITIONS: 'five' }, 'KAFKA_PARTITIONS', /must be a whole number, got "five"/);
    expectRejected({ KAFKA_PARTITIONS: '1.5' }, 'KAFKA_PARTITIONS', /whole number/);
    expectRejected({ KAFKA_PARTITIONS: '0' }, 'KAFKA_PARTITIONS', /between 1 and 10000, got 0/);
    expectRejected({ KAFKA_BROKERS: '17' }, 'KAFKA_BROKERS', /between 1 and 16/);
    expectRejected({ PRODUCER_BATCH_SIZE: '100001' }, 'PRODUCER_BATCH_SIZE', /between 1 and 100000/);
    expectRejected({ PRODUCER_RATE: '-1' }, 'PRODUCER_RATE', /between 0 and/);
    expectRejected({ WINDOW_TUMBLING_SECONDS: '0' }, 'WINDOW_TUMBLING_SECONDS', /between 1 and/);
    expectRejected({ PRODUCER_SESSIONS_PER_USER: '0' }, 'PRODUCER_SESSIONS_PER_USER', /between 1 and 1000/);
    expectRejected({ PINOT_MEMORY_LIMIT_MB: '16' }, 'PINOT_MEMORY_LIMIT_MB', /between 32 and/);
    expectRejected({ PINOT_THREADS: '0' }, 'PINOT_THREADS', /between 1 and 256/);
  });

  it('ports', () => {
    expectRejected({ DASHBOARD_PORT: '70000' }, 'DASHBOARD_PORT', /between 1 and 65535/);
    expectRejected({ MYSQL_PORT: 'x' }, 'MYSQL_PORT', /whole number/);
    expectRejected({ KAFKA_PORT: '0' }, 'KAFKA_PORT', /between 1 and 65535/);
  });

  it('replication settings bounded by the broker count', () => {
    expectRejected({ KAFKA_BROKERS: '2', KAFKA_REPLICATION_FACTOR: '3' }, 'KAFKA_REPLICATION_FACTOR', /between 1 and 2/);
    expectRejected({ KAFKA_MIN_INSYNC_REPLICAS: '4' }, 'KAFKA_MIN_INSYNC_REPLICAS', /between 1 and 3/);
  });

  it('fractions', () => {
    expectRejected({ PRODUCER_NULL_RATE: '1.5' }, 'PRODUCER_NULL_RATE', /number from 0 to 1, got "1.5"/);
    expectRejected({ PRODUCER_LATE_RATE: 'some' }, 'PRODUCER_LATE_RATE', /number from 0 to 1/);
    expectRejected({ PRODUCER_NULL_RATE: '-0.1' }, 'PRODUCER_NULL_RATE', /number from 0 to 1/);
  });

  it('topics', () => {
    expectRejected({ TOPIC_PAGEVIEW: 'bad topic' }, 'TOPIC_PAGEVIEW', /Kafka topic name/);
    expectRejected({ TOPIC_USERS: '..' }, 'TOPIC_USERS', /Kafka topic name/);
    expectRejected({ TOPIC_PAGEVIEW_SESSION: 'x'.repeat(250) }, 'TOPIC_PAGEVIEW_SESSION', /Kafka topic name/);
  });

  it('host:port lists', () => {
    expectRejected({ KAFKA_BOOTSTRAP_SERVERS: 'kafka1' }, 'KAFKA_BOOTSTRAP_SERVERS', /host:port.*got "kafka1"/);
    expectRejected({ KAFKA_BOOTSTRAP_SERVERS: 'a:1,b:99999' }, 'KAFKA_BOOTSTRAP_SERVERS', /got "b:99999"/);
    expectRejected({ KAFKA_BOOTSTRAP_SERVERS: ',,' }, 'KAFKA_BOOTSTRAP_SERVERS', /at least one host:port/);
  });

  it('choices', () => {
    expectRejected({ STACK: 'k8s' }, 'STACK', /one of auto, embedded, docker, external, got "k8s"/);
  });

  it('cross-variable rules and MYSQL_URL', () => {
    expectRejected(
      { WINDOW_HOPPING_SECONDS: '30', WINDOW_HOPPING_ADVANCE_SECONDS: '60' },
      'WINDOW_HOPPING_ADVANCE_SECONDS',
      /must not exceed WINDOW_HOPPING_SECONDS \(30\)/,
    );
    expectRejected({ MYSQL_URL: 'postgres://db:5432' }, 'MYSQL_URL', /mysql:\/\/user:password@host:port/);
  });
});

describe('env readers', () => {
  it('fall back on absent or blank values and parse the rest', () => {
    expect(envString({ A: ' x ' }, 'A', 'd')).toBe('x');
    expect(envString({}, 'A', 'd')).toBe('d');
    expect(envInt({ N: ' 42 ' }, 'N', 1)).toBe(42);
    expect(envInt({ N: '-3' }, 'N', 1, -5)).toBe(-3);
    expect(envInt({ N: '' }, 'N', 7)).toBe(7);
    expect(envPort({}, 'P', 80)).toBe(80);
    expect(envFraction({ F: '.5' }, 'F', 0)).toBe(0.5);
    expect(envTopic({}, 'T', 'topic1')).toBe('topic1');
    expect(envHostPorts({}, 'H', 'a:1,b:2')).toEqual(['a:1', 'b:2']);
    expect(envChoice({ C: 'b' }, 'C', 'a', ['a', 'b'] as const)).toBe('b');
  });

  it('throw ConfigError carrying the variable name', () => {
    const attempts: Array<[() => unknown, string]> = [
      [() => envInt({ MY_INT: 'x' }, 'MY_INT', 1), 'MY_INT'],
      [() => envPort({ MY_PORT: '0' }, 'MY_PORT', 1), 'MY_PORT'],
      [() => envFraction({ MY_FRACTION: '2' }, 'MY_FRACTION', 0), 'MY_FRACTION'],
      [() => envTopic({ MY_TOPIC: 'a/b' }, 'MY_TOPIC', 't'), 'MY_TOPIC'],
      [() => envHostPorts({ MY_HOSTS: 'h:' }, 'MY_HOSTS', 'h:1'), 'MY_HOSTS'],
      [() => envChoice({ MY_CHOICE: 'z' }, 'MY_CHOICE', 'a', ['a'] as const), 'MY_CHOICE'],
    ];
    for (const [attempt, variable] of attempts) {
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(`config: ${variable} `);
    }
  });
});
