/**
 * Topic-level configs we honour, their broker defaults, validation, and how they map onto the
 * partition log's settings. Names and defaults are Kafka's.
 */
export interface TopicConfigSpec {
  default: string;
  validate: (value: string) => string | null;
}

const nonNegativeLong = (v: string) => (/^\d+$/.test(v) ? null : 'must be a non-negative integer');
const longOrMinusOne = (v: string) => (/^(-1|\d+)$/.test(v) ? null : 'must be an integer >= -1');
const positiveInt = (v: string) => (/^[1-9]\d*$/.test(v) ? null : 'must be a positive integer');

export const TOPIC_CONFIGS: Record<string, TopicConfigSpec> = {
  'cleanup.policy': {
    default: 'delete',
    validate: (v) => (/^(delete|compact)(,(delete|compact))?$/.test(v.replace(/\s/g, '')) ? null : 'must be delete, compact or compact,delete'),
  },
  'retention.ms': { default: '604800000', validate: longOrMinusOne },
  'retention.bytes': { default: '-1', validate: longOrMinusOne },
  'segment.bytes': { default: String(64 * 1024 * 1024), validate: positiveInt },
  'segment.ms': { default: '604800000', validate: positiveInt },
  'min.insync.replicas': { default: '2', validate: positiveInt },
  'max.message.bytes': { default: '1048588', validate: positiveInt },
  'compression.type': {
    default: 'producer',
    validate: (v) =>
      ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'].includes(v) ? null : 'must be producer, uncompressed, gzip, snappy, lz4 or zstd',
  },
  'message.timestamp.type': {
    default: 'CreateTime',
    validate: (v) => (v === 'CreateTime' || v === 'LogAppendTime' ? null : 'must be CreateTime or LogAppendTime'),
  },
  'flush.messages': { default: '9223372036854775807', validate: nonNegativeLong },
  'flush.ms': { default: '9223372036854775807', validate: nonNegativeLong },
  'delete.retention.ms': { default: '86400000', validate: nonNegativeLong },
};

/** Returns an error message for the first unknown or invalid config, or null. */
export function topicConfigProblem(configs: Record<string, string | null>): string | null {
  for (const [name, value] of Object.entries(configs)) {
    const spec = TOPIC_CONFIGS[name];
    if (!spec) return `Unknown topic config name: ${name}`;
    if (value === null) continue;
    const problem = spec.validate(value);
    if (problem) return `Invalid value ${value} for configuration ${name}: ${problem}`;
  }
  return null;
}

export function effectiveConfig(overrides: Record<string, string>, brokerDefaults: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(TOPIC_CONFIGS)) out[name] = overrides[name] ?? brokerDefaults[name] ?? spec.default;
  return out;
}

function asLimit(value: string): number {
  const n = Number(value);
  return n >= Number.MAX_SAFE_INTEGER ? Infinity : n;
}

export interface LogSettings {
  segmentBytes: number;
  segmentMs: number;
  retentionMs: number;
  retentionBytes: number;
  cleanupPolicy: 'delete' | 'compact' | 'compact,delete';
  maxMessageBytes: number;
  flushIntervalMessages: number;
  flushIntervalMs: number;
}

export function logSettings(config: Record<string, string>): LogSettings {
  const policy = config['cleanup.policy'].replace(/\s/g, '');
  return {
    segmentBytes: Number(config['segment.bytes']),
    segmentMs: Number(config['segment.ms']),
    retentionMs: Number(config['retention.ms']),
    retentionBytes: Number(config['retention.bytes']),
    cleanupPolicy: policy === 'delete' ? 'delete' : policy === 'compact' ? 'compact' : 'compact,delete',
    maxMessageBytes: Number(config['max.message.bytes']),
    flushIntervalMessages: asLimit(config['flush.messages']),
    flushIntervalMs: asLimit(config['flush.ms']),
  };
}
