/**
 * The JDBC source's `timestamp.granularity` (kafka-connect-jdbc 10.7 JdbcSourceConnectorConfig.TimestampGranularity):
 * how a TIMESTAMP column (MySQL DATETIME and TIMESTAMP) is written.
 * - connect_logical (default): Connect's Timestamp logical type (int64 epoch milliseconds);
 * - nanos_long: int64 nanoseconds since the epoch (DateTimeUtils.toEpochNanos);
 * - nanos_string: the same number as a string;
 * - nanos_iso_datetime_string: `yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS` in `db.timezone` (DateTimeUtils.toIsoDateTimeString).
 */
import { LOGICAL, primitive, type Schema } from '../data/schema.ts';
import { instantToWallClock, type Instant } from './time-zone.ts';

export const TIMESTAMP_GRANULARITIES = ['connect_logical', 'nanos_long', 'nanos_string', 'nanos_iso_datetime_string'] as const;
export type TimestampGranularity = (typeof TIMESTAMP_GRANULARITIES)[number];

export function timestampGranularity(value: string | undefined): TimestampGranularity {
  const v = (value ?? 'connect_logical').trim().toLowerCase();
  return (TIMESTAMP_GRANULARITIES as readonly string[]).includes(v) ? (v as TimestampGranularity) : 'connect_logical';
}

export function timestampSchema(granularity: TimestampGranularity, optional: boolean): Schema {
  switch (granularity) {
    case 'connect_logical':
      return primitive('int64', optional, { name: LOGICAL.timestamp, version: 1 });
    case 'nanos_long':
      return primitive('int64', optional);
    default:
      return primitive('string', optional);
  }
}

/**
 * DateTimeUtils.convertToEpochNanos: the epoch seconds as `getTime() / 1000` (Java's division, toward zero) times
 * 10^9, plus getNanos(): before 1970 a fractional second is counted from the later whole second, as Confluent does.
 */
function epochNanos(instant: Instant): bigint {
  return BigInt(Math.trunc(instant.epochMs / 1000)) * 1_000_000_000n + BigInt(instant.nanos);
}

export function timestampValue(granularity: TimestampGranularity, instant: Instant, zone: string): unknown {
  switch (granularity) {
    case 'connect_logical':
      return new Date(instant.epochMs);
    case 'nanos_long':
      return epochNanos(instant);
    case 'nanos_string':
      return epochNanos(instant).toString();
    case 'nanos_iso_datetime_string':
      return instantToWallClock(zone, instant, 9, 'T');
  }
}
