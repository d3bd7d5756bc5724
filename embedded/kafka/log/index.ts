/** Public surface of the partition log storage. */
export { PartitionLog, type AppendInfo, type TimestampOffset } from './partition-log.ts';
export { OpenFileCache } from './open-files.ts';
export { DEFAULT_LOG_CONFIG, resolveLogConfig, type CleanupPolicy, type LogConfig } from './config.ts';
export type { BatchHeader } from '../protocol/record-batch/index.ts';
export type { CompactionResult } from './compaction.ts';
export {
  CorruptRecordError,
  LogClosedError,
  LogError,
  OffsetOutOfRangeError,
  RecordTooLargeError,
  UnexpectedAppendOffsetError,
  type CorruptRecordReason,
} from './errors.ts';
