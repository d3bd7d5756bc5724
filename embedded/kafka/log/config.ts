export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

export interface LogConfig {
  /** Roll a new segment once the active one would grow past this many bytes. */
  segmentBytes: number;
  /** Or once the active segment spans this many ms of record timestamps. */
  segmentMs: number;
  /** One offset/time index entry per this many bytes of batches. */
  indexIntervalBytes: number;
  /** fsync after this many appended records; Infinity leaves it to the OS, as Kafka does. */
  flushIntervalMessages: number;
  /** Or this long since the last fsync. */
  flushIntervalMs: number;
  /** -1 keeps segments forever. */
  retentionMs: number;
  /** -1 = unlimited. */
  retentionBytes: number;
  cleanupPolicy: CleanupPolicy;
  /** Largest batch a leader append accepts, log overhead included. */
  maxMessageBytes: number;
  /** How long compaction keeps a tombstone (null value) after it first sees it (Kafka's delete.retention.ms). */
  deleteRetentionMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 64 * 1024 * 1024,
  segmentMs: 7 * DAY_MS,
  indexIntervalBytes: 4096,
  flushIntervalMessages: Infinity,
  flushIntervalMs: Infinity,
  retentionMs: 7 * DAY_MS,
  retentionBytes: -1,
  cleanupPolicy: 'delete',
  maxMessageBytes: 1_048_588,
  deleteRetentionMs: DAY_MS,
});

export function resolveLogConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const config: LogConfig = { ...DEFAULT_LOG_CONFIG, ...defined };
  // Index entries hold file positions as INT32, as in Kafka, where segment.bytes is an int.
  if (!(config.segmentBytes > 0 && config.segmentBytes <= 0x7fffffff)) {
    throw new RangeError(`segmentBytes must be in [1, 2^31 - 1], got ${config.segmentBytes}`);
  }
  if (!(config.indexIntervalBytes > 0)) throw new RangeError(`indexIntervalBytes must be positive`);
  if (!['delete', 'compact', 'compact,delete'].includes(config.cleanupPolicy)) {
    throw new RangeError(`unknown cleanupPolicy ${config.cleanupPolicy}`);
  }
  return config;
}

export function policyDeletes(config: LogConfig): boolean {
  return config.cleanupPolicy !== 'compact';
}

export function policyCompacts(config: LogConfig): boolean {
  return config.cleanupPolicy !== 'delete';
}
