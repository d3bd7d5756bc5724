/** Kafka's file naming: the segment's base offset as 20 zero-padded digits, one suffix per file kind. */
import path from 'node:path';

export const LOG_SUFFIX = '.log';
export const OFFSET_INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
/** A compacted segment being written; renamed over the `.log` once complete. */
export const CLEANED_SUFFIX = '.cleaned';

export const HIGH_WATERMARK_FILE = 'high-watermark-checkpoint';
export const LOG_START_OFFSET_FILE = 'log-start-offset-checkpoint';

const SEGMENT_FILE = /^(\d{20})\.(log|index|timeindex)$/;

export function segmentFilePath(dir: string, baseOffset: number, suffix: string): string {
  return path.join(dir, String(baseOffset).padStart(20, '0') + suffix);
}

export function parseSegmentFileName(fileName: string): { baseOffset: number; suffix: string } | null {
  const match = SEGMENT_FILE.exec(fileName);
  return match ? { baseOffset: Number(match[1]), suffix: '.' + match[2] } : null;
}
