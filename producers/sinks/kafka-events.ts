/**
 * The Kafka side of the producers: message building (pure) and an idempotent kafkajs producer.
 *
 * Keys: page views are keyed by user_id as the decimal string of the number ("42"), which is byte for
 * byte the JSON number the JDBC source writes as the key of topic3_Users, so with the same (Java
 * murmur2) partitioner a user's page views and the user's row land in the same partition number.
 * Sessions are keyed by session_id. Values are JSON objects with the fields of the brief, in order.
 */
import { kafkaConfig } from '../../config/kafka-client.ts';
import type { KafkaSecurity } from '../../config/kafka-security.ts';
import { Kafka, Partitioners, logLevel as kafkaLogLevel, type Admin, type Producer } from 'kafkajs';
import { KafkaStorageError, KafkaUnreachableError, ProducerError, describeCause, kafkaErrorType } from '../errors.ts';
import type { PageView, UserSession } from '../generate/events.ts';

export interface KafkaMessage {
  key: string;
  value: string;
}

export function pageViewMessage(view: PageView): KafkaMessage {
  const { session_id, user_id, source, event_timestamp } = view;
  return { key: String(user_id), value: JSON.stringify({ session_id, user_id, source, event_timestamp }) };
}

export function sessionMessage(session: UserSession): KafkaMessage {
  const { session_id, user_id, user_name, login_timestamp, device } = session;
  return { key: session_id, value: JSON.stringify({ session_id, user_id, user_name, login_timestamp, device }) };
}

const defaultPartitioner = Partitioners.DefaultPartitioner();

/** The partition kafkajs (and Java clients: murmur2, positive, modulo) choose for a key. */
export function partitionFor(key: string, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
  }));
  return defaultPartitioner({ topic: '', partitionMetadata, message: { key, value: null } });
}

/** Producer settings: idempotent, which kafkajs allows only with one request in flight and acks = all. */
export const PRODUCER_SETTINGS = { idempotent: true, maxInFlightRequests: 1 } as const;
export const ACKS_ALL = -1;

/** Where events go. The kafkajs sink is the real one; tests pass their own. */
export interface EventSink {
  send(topic: string, messages: KafkaMessage[]): Promise<void>;
  close(): Promise<void>;
}

export interface TopicSpec {
  topics: string[];
  partitions: number;
  /** Capped at the number of brokers the cluster reports. */
  replicationFactor: number;
}

export interface KafkaSinkOptions {
  brokers: string[];
  /** TLS / SASL of the cluster (config.kafka.security); default PLAINTEXT. */
  security?: KafkaSecurity;
  clientId?: string;
  /** Topics to create when missing (the bootstrap normally has created them already). */
  ensureTopics?: TopicSpec;
  connectionTimeoutMs?: number;
  /** kafkajs log level; silent by default, so problems surface as one line from the CLI. */
  logLevel?: kafkaLogLevel;
}

const CONNECTION_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNonRetriableError',
]);

function rootCause(error: unknown): unknown {
  let e = error;
  for (let i = 0; i < 5; i++) {
    const next = e as { cause?: unknown; originalError?: unknown } | null;
    const inner = next?.originalError ?? next?.cause;
    if (inner === undefined || inner === null) break;
    e = inner;
  }
  return e;
}

/** The one-line explanation of a Kafka failure: the broker's own answer when it gave one, else how to start a broker. */
export function kafkaError(brokers: string[], error: unknown, doing = 'reach'): ProducerError {
  const name = (error as { name?: unknown } | null)?.name;
  const detail = describeCause(rootCause(error));
  if (kafkaErrorType(error) === 'KAFKA_STORAGE_ERROR') {
    return new KafkaStorageError(
      `cannot ${doing} Kafka at ${brokers.join(',')}: the broker's disk is full (KAFKA_STORAGE_ERROR: it cannot write its log; ` +
        "the broker's own log names the directory and the cause); free space there (DATA_DIR for npm start), then produce again",
      { cause: error },
    );
  }
  if (typeof name === 'string' && CONNECTION_ERRORS.has(name)) {
    return new KafkaUnreachableError(
      `cannot ${doing} Kafka at ${brokers.join(',')} (${detail}); start the embedded broker with \`npm run kafka\` ` + 'or set KAFKA_BOOTSTRAP_SERVERS',
      { cause: error },
    );
  }
  return new ProducerError(`Kafka at ${brokers.join(',')} failed (${detail})`, { cause: error });
}

async function ensureTopics(admin: Admin, spec: TopicSpec): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = spec.topics.filter((t) => !existing.has(t));
  if (missing.length === 0) return;
  const { brokers } = await admin.describeCluster();
  const replicationFactor = Math.max(1, Math.min(spec.replicationFactor, brokers.length));
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((topic) => ({ topic, numPartitions: spec.partitions, replicationFactor })),
  });
}

class KafkaJsSink implements EventSink {
  constructor(
    private readonly producer: Producer,
    private readonly brokers: string[],
  ) {}

  async send(topic: string, messages: KafkaMessage[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      await this.producer.send({ topic, messages, acks: ACKS_ALL });
    } catch (error) {
      throw kafkaError(this.brokers, error, 'send to');
    }
  }

  async close(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
  }
}

/** Connects an idempotent producer (acks = all), creating missing topics first if asked. */
export async function openKafkaSink(options: KafkaSinkOptions): Promise<EventSink> {
  const { brokers } = options;
  const kafka = new Kafka(
    kafkaConfig(
      { brokers, security: options.security },
      {
        clientId: options.clientId ?? 'pageview-producers',
        connectionTimeout: options.connectionTimeoutMs ?? 3_000,
        logLevel: options.logLevel ?? kafkaLogLevel.NOTHING,
        retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
      },
    ),
  );
  if (options.ensureTopics) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      await ensureTopics(admin, options.ensureTopics);
    } catch (error) {
      throw kafkaError(brokers, error);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
  const producer = kafka.producer({
    ...PRODUCER_SETTINGS,
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  try {
    await producer.connect();
  } catch (error) {
    await producer.disconnect().catch(() => undefined);
    throw kafkaError(brokers, error);
  }
  return new KafkaJsSink(producer, brokers);
}
