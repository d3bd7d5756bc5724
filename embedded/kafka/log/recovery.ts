/**
 * Opening a partition directory: find the segments, trust a closed segment's indexes after cheap checks,
 * and fully re-check the active segment (and any segment with missing or inconsistent indexes) batch by
 * batch, cutting a torn or corrupt tail at the last good batch and rebuilding the indexes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CLEANED_SUFFIX, LOG_SUFFIX, parseSegmentFileName } from './segment-files.ts';
import type { OpenFileCache } from './open-files.ts';
import { LogSegment } from './segment.ts';

export type LogWarning = (line: string) => void;

export function loadSegments(dir: string, indexIntervalBytes: number, emptyLogStartOffset: number, warn: LogWarning, files: OpenFileCache): LogSegment[] {
  const baseOffsets = discoverSegmentFiles(dir);
  const segments = baseOffsets.map((baseOffset, i) => {
    const { segment, indexesMissing } = LogSegment.open(dir, baseOffset, indexIntervalBytes, files);
    const isActive = i === baseOffsets.length - 1;
    if (isActive || indexesMissing || !segment.loadFromIndexes()) {
      const { truncatedBytes, problem } = segment.recover();
      const file = path.basename(segment.logPath);
      if (truncatedBytes > 0) {
        warn(`[kafka/log] ${dir}: cut ${truncatedBytes} bytes of torn or corrupt data from the end of ${file} (${problem})`);
      } else if (!isActive) {
        warn(`[kafka/log] ${dir}: rebuilt the ${indexesMissing ? 'missing' : 'inconsistent'} indexes of ${file}`);
      }
    }
    return segment;
  });
  if (segments.length === 0) segments.push(LogSegment.create(dir, emptyLogStartOffset, indexIntervalBytes, Date.now(), files));
  return segments;
}

/** Base offsets of the `.log` files, sorted; removes leftovers of interrupted compactions and orphan indexes. */
function discoverSegmentFiles(dir: string): number[] {
  const names = fs.readdirSync(dir);
  const logBases = new Set<number>();
  for (const name of names) {
    const parsed = parseSegmentFileName(name);
    if (parsed?.suffix === LOG_SUFFIX) logBases.add(parsed.baseOffset);
  }
  for (const name of names) {
    const parsed = parseSegmentFileName(name);
    const orphanIndex = parsed !== null && parsed.suffix !== LOG_SUFFIX && !logBases.has(parsed.baseOffset);
    if (name.endsWith(CLEANED_SUFFIX) || orphanIndex) fs.rmSync(path.join(dir, name), { force: true });
  }
  return [...logBases].sort((a, b) => a - b);
}
