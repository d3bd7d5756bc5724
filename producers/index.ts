/**
 * The producers as functions the rest of the stack calls (the bootstrap, benches, tests); the CLI in
 * `cli.ts` is a thin shell over these. Each returns what it wrote; none of them prints anything.
 *
 *   produceUsers      -> MySQL demo.Users (batched multi-row INSERTs, table created if missing)
 *   producePageViews  -> topic1_PageView     (key user_id, referring only to users that exist)
 *   produceSessions   -> topic2_UserSession  (key session_id, same)
 *   produceAll        -> users, then sessions and page views side by side
 *
 * Determinism: with the same `seed` (and the same ids in demo.Users) every generated value is the same
 * run to run, except that event timestamps are `clock(i) + offset`: pass `clock: fixedClock(base, 1000 / rate)`
 * to make those identical too (the CLI's `--base-time`). Without a seed a random one is chosen and returned.
 */
import type { KafkaSecurity } from '../config/kafka-security.ts';
import type { Pool } from 'mysql2/promise';
import { getConfig, type AppConfig } from '../config/index.ts';
import { ProducerError } from './errors.ts';
import { PageViewGenerator, UserSessionGenerator, type Clock, type EventGeneratorOptions } from './generate/events.ts';
import { randomSeed } from './generate/random.ts';
import type { UserIdSet } from './generate/user-ids.ts';
import { UserGenerator } from './generate/users.ts';
import type { ProgressListener, ProgressUpdate } from './progress.ts';
import { pump, type PumpResult } from './pump.ts';
import { openKafkaSink, pageViewMessage, sessionMessage, type EventSink, type KafkaMessage } from './sinks/kafka-events.ts';
import {
  connectMysql,
  describeTarget,
  ensureUsersTable,
  insertUsers,
  mysqlConnectError,
  mysqlTarget,
  readUserIds,
  type MysqlTarget,
} from './sinks/mysql-users.ts';

export type ProducerKind = 'users' | 'pageviews' | 'sessions';

export interface ProduceResult {
  kind: ProducerKind;
  /** Records written and acknowledged. */
  count: number;
  /** The seed used (given or chosen); pass it again to repeat the run. */
  seed: number;
  elapsedMs: number;
  /** Stopped by the signal before the planned count (always true for an unbounded run). */
  interrupted: boolean;
  /** "demo.Users at 127.0.0.1:3306" or "topic1_PageView at 127.0.0.1:9092,...". */
  destination: string;
}

export interface CommonOptions {
  /** Records to write; 0 = until `signal` aborts. */
  count: number;
  seed?: number | undefined;
  /**
   * Records per second; 0 = as fast as possible (the default: a call with a count is a load). Continuous
   * runs pass config.producer.rate (PRODUCER_RATE) themselves, as the CLI and the scenarios do.
   */
  rate?: number | undefined;
  /** Rows per INSERT / messages per produce request. Default config.producer.batchSize. */
  batchSize?: number | undefined;
  onProgress?: ProgressListener | undefined;
  /** Abort to stop: what is pending is written, and the function returns normally. */
  signal?: AbortSignal | undefined;
  /** Default getConfig(). */
  config?: AppConfig | undefined;
}

export interface MysqlOptions {
  /** mysql://user:password@host:port[/database]; default config.mysql (MYSQL_URL wins if set). */
  url?: string | undefined;
  /** An open pool to use (and leave open) instead of connecting. */
  pool?: Pool | undefined;
  /** Default config.mysql.database ('demo'). */
  database?: string | undefined;
  /** Default config.mysql.table ('Users'). */
  table?: string | undefined;
}

export interface ProduceUsersOptions extends CommonOptions, MysqlOptions {
  /** Share 0..1 of each of age/gender/country/subscription left NULL. Default config.producer.nullRate. */
  nullRate?: number | undefined;
}

export interface KafkaOptions {
  /** Default config.kafka.bootstrap. */
  brokers?: string[] | undefined;
  /** TLS / SASL of those brokers. Default: config.kafka.security when `brokers` is not given, else PLAINTEXT. */
  kafkaSecurity?: KafkaSecurity | undefined;
  /** Where to send instead of a new kafkajs producer (left open). */
  sink?: EventSink | undefined;
  /** Default config.topics.pageview / config.topics.userSession. */
  topic?: string | undefined;
  /** Create the topic (config.kafka.partitions / replicationFactor) when missing. Default true. */
  createTopics?: boolean | undefined;
}

export interface ProduceEventsOptions extends CommonOptions, MysqlOptions, KafkaOptions {
  /** The users events may refer to; default: read from the users table. */
  userIds?: UserIdSet | undefined;
  /** Time base of the i-th event; default the wall clock. */
  clock?: Clock | undefined;
  /** Defaults from config.producer. */
  jitterMs?: number | undefined;
  lateRate?: number | undefined;
  lateMs?: number | undefined;
  sessionsPerUser?: number | undefined;
}

function resolveConfig(options: { config?: AppConfig | undefined }): AppConfig {
  return options.config ?? getConfig();
}

function checkFraction(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new ProducerError(`${name} must be a number from 0 to 1, got ${value}`);
}

function checkRate(value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) throw new ProducerError(`rate must be a number >= 0, got ${value}`);
}

async function withPool<T>(target: MysqlTarget, pool: Pool | undefined, fn: (pool: Pool) => Promise<T>): Promise<T> {
  const own = pool ?? (await connectMysql(target));
  try {
    return await fn(own);
  } finally {
    if (pool === undefined) await own.end().catch(() => undefined);
  }
}

function isConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(ECONN|ETIMEDOUT|EPIPE|PROTOCOL_CONNECTION_LOST)/.test(code);
}

export async function produceUsers(options: ProduceUsersOptions): Promise<ProduceResult> {
  const config = resolveConfig(options);
  const target = mysqlTarget(config.mysql, options);
  const seed = options.seed ?? randomSeed();
  const nullRate = options.nullRate ?? config.producer.nullRate;
  const rate = options.rate ?? 0;
  checkFraction('nullRate', nullRate);
  checkRate(rate);
  const generator = new UserGenerator({ seed, nullRate });
  const result = await withPool(target, options.pool, async (pool) => {
    await ensureUsersTable(pool, target);
    return pump({
      count: options.count,
      next: () => generator.next(),
      write: async (rows) => {
        try {
          await insertUsers(pool, target, rows);
        } catch (error) {
          throw isConnectionLoss(error) ? mysqlConnectError(target, error) : error;
        }
      },
      batchSize: options.batchSize ?? config.producer.batchSize,
      rate,
      signal: options.signal,
      onProgress: options.onProgress,
    });
  });
  return toResult('users', seed, result, `${target.database}.${target.table} at ${describeTarget(target)}`);
}

/** The users events may refer to (from the options, else read from the users table). */
export async function loadUserIds(options: MysqlOptions & { config?: AppConfig | undefined }): Promise<UserIdSet> {
  const config = resolveConfig(options);
  const target = mysqlTarget(config.mysql, options);
  return withPool(target, options.pool, (pool) => readUserIds(pool, target));
}

function toResult(kind: ProducerKind, seed: number, result: PumpResult, destination: string): ProduceResult {
  return { kind, count: result.done, seed, elapsedMs: result.elapsedMs, interrupted: result.interrupted, destination };
}

interface EventStream<T> {
  kind: 'pageviews' | 'sessions';
  defaultTopic: (config: AppConfig) => string;
  generator: (options: EventGeneratorOptions) => { next(): T };
  message: (event: T) => KafkaMessage;
}

const PAGEVIEWS: EventStream<ReturnType<PageViewGenerator['next']>> = {
  kind: 'pageviews',
  defaultTopic: (config) => config.topics.pageview,
  generator: (options) => new PageViewGenerator(options),
  message: pageViewMessage,
};

const SESSIONS: EventStream<ReturnType<UserSessionGenerator['next']>> = {
  kind: 'sessions',
  defaultTopic: (config) => config.topics.userSession,
  generator: (options) => new UserSessionGenerator(options),
  message: sessionMessage,
};

async function produceEvents<T>(stream: EventStream<T>, options: ProduceEventsOptions): Promise<ProduceResult> {
  const config = resolveConfig(options);
  const seed = options.seed ?? randomSeed();
  const rate = options.rate ?? 0;
  checkRate(rate);
  const lateRate = options.lateRate ?? config.producer.lateRate;
  checkFraction('lateRate', lateRate);
  const topic = options.topic ?? stream.defaultTopic(config);
  const brokers = options.brokers ?? config.kafka.bootstrap;
  // Users first: without them there is nothing to refer to, and that is the clearer error.
  const userIds = options.userIds ?? (await loadUserIds({ ...options, config }));
  const generator = stream.generator({
    seed,
    userIds,
    clock: options.clock,
    jitterMs: options.jitterMs ?? config.producer.jitterMs,
    lateRate,
    lateMs: options.lateMs ?? config.producer.lateMs,
    sessionsPerUser: options.sessionsPerUser ?? config.producer.sessionsPerUser,
  });
  const sink =
    options.sink ??
    (await openKafkaSink({
      brokers,
      security: options.kafkaSecurity ?? (options.brokers === undefined ? config.kafka.security : undefined),
      clientId: `producer-${stream.kind}`,
      ensureTopics:
        options.createTopics === false
          ? undefined
          : {
              topics: [topic],
              partitions: config.kafka.partitions,
              replicationFactor: config.kafka.replicationFactor,
            },
    }));
  try {
    const result = await pump({
      count: options.count,
      next: () => stream.message(generator.next()),
      write: (messages) => sink.send(topic, messages),
      batchSize: options.batchSize ?? config.producer.batchSize,
      rate,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    return toResult(stream.kind, seed, result, `${topic} at ${brokers.join(',')}`);
  } finally {
    if (options.sink === undefined) await sink.close();
  }
}

export function producePageViews(options: ProduceEventsOptions): Promise<ProduceResult> {
  return produceEvents(PAGEVIEWS, options);
}

export function produceSessions(options: ProduceEventsOptions): Promise<ProduceResult> {
  return produceEvents(SESSIONS, options);
}

export interface ProduceAllOptions extends Omit<ProduceEventsOptions, 'onProgress' | 'topic' | 'userIds'>, Omit<ProduceUsersOptions, 'onProgress'> {
  /** Progress per stream. */
  onProgress?: ((kind: ProducerKind, update: ProgressUpdate) => void) | undefined;
}

/**
 * `count` users into MySQL, then `count` sessions and `count` page views side by side (each paced at
 * `rate` separately) over all the users in the table. All three use the one seed.
 */
export async function produceAll(options: ProduceAllOptions): Promise<ProduceResult[]> {
  if (options.count === 0) throw new ProducerError('produceAll needs a count > 0 (the users step must end)');
  const seed = options.seed ?? randomSeed();
  const progress = (kind: ProducerKind): ProgressListener | undefined => (options.onProgress ? (update) => options.onProgress!(kind, update) : undefined);
  const users = await produceUsers({ ...options, seed, onProgress: progress('users') });
  if (options.signal?.aborted) return [users];
  const userIds = await loadUserIds(options);
  // If one stream fails, stop the other (it flushes and returns), then report the failure.
  const stop = new AbortController();
  const forward = (): void => stop.abort();
  options.signal?.addEventListener('abort', forward, { once: true });
  const guarded = (run: Promise<ProduceResult>): Promise<ProduceResult> =>
    run.catch((error: unknown) => {
      stop.abort();
      throw error;
    });
  try {
    const settled = await Promise.allSettled([
      guarded(produceSessions({ ...options, seed, userIds, signal: stop.signal, onProgress: progress('sessions') })),
      guarded(producePageViews({ ...options, seed, userIds, signal: stop.signal, onProgress: progress('pageviews') })),
    ]);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return [users, ...settled.map((s) => (s as PromiseFulfilledResult<ProduceResult>).value)];
  } finally {
    options.signal?.removeEventListener('abort', forward);
  }
}

export { fixedClock, wallClock, type Clock, type PageView, type UserSession } from './generate/events.ts';
export { userIdList, userIdRange, type UserIdSet } from './generate/user-ids.ts';
export type { UserRow } from './generate/users.ts';
export type { EventSink, KafkaMessage } from './sinks/kafka-events.ts';
export { ProducerError, UsageError, MysqlUnreachableError, KafkaUnreachableError, KafkaStorageError, NoUsersError } from './errors.ts';
