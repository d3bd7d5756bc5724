/**
 * Sequential walks over the batches of a segment file, reading in large chunks so a walk costs a few
 * syscalls rather than one per batch.
 */
import { BATCH_HEADER_BYTES, batchSizeAt, inspectBatch, LOG_OVERHEAD, readBatchHeader, type BatchHeader } from '../protocol/record-batch/index.ts';
import { readFully } from './file-io.ts';
import type { FileRef } from './open-files.ts';

export interface StoredBatch {
  /** Byte position of the batch in its segment file. */
  position: number;
  header: BatchHeader;
}

export const SCAN_CHUNK_BYTES = 1024 * 1024;
/** Enough for an index-guided lookup: one index interval of batches plus a header. */
export const LOOKUP_CHUNK_BYTES = 16 * 1024;

const MAX_RELATIVE_OFFSET = 0x7fffffff;

class ChunkedReader {
  private chunk: Buffer = Buffer.alloc(0);
  private chunkStart = 0;

  constructor(
    private readonly file: FileRef,
    private readonly end: number,
    private readonly chunkBytes: number,
  ) {}

  /** Bytes [pos, pos + length), or null when they run past the end. Views stay valid after later reads. */
  view(pos: number, length: number): Buffer | null {
    if (pos + length > this.end) return null;
    const offsetInChunk = pos - this.chunkStart;
    if (offsetInChunk < 0 || offsetInChunk + length > this.chunk.length) {
      this.chunk = readFully(this.file.fd, Math.min(Math.max(length, this.chunkBytes), this.end - pos), pos);
      this.chunkStart = pos;
      if (this.chunk.length < length) return null;
      return this.chunk.subarray(0, length);
    }
    return this.chunk.subarray(offsetInChunk, offsetInChunk + length);
  }
}

/** Headers of the already validated batches in [from, end). */
export function* readStoredHeaders(file: FileRef, from: number, end: number, chunkBytes = SCAN_CHUNK_BYTES): Generator<StoredBatch> {
  const reader = new ChunkedReader(file, end, chunkBytes);
  for (let pos = from; pos < end; ) {
    const bytes = reader.view(pos, BATCH_HEADER_BYTES);
    if (!bytes) throw new Error(`segment file ends inside the batch header at byte ${pos}`);
    const header = readBatchHeader(bytes);
    if (header.sizeInBytes < BATCH_HEADER_BYTES) throw new Error(`corrupt batch length at byte ${pos}`);
    yield { position: pos, header };
    pos += header.sizeInBytes;
  }
}

export interface ScanResult {
  /** End of the last good batch: where a corrupt or torn tail starts, or `end`. */
  validEnd: number;
  /** Offset after the last good batch, or `minBaseOffset` when there is none. */
  nextOffset: number;
  /** Why the scan stopped before `end`. */
  problem?: string;
}

/**
 * Walks [from, end) checking every batch (length, magic, CRC-32C, offsets increasing and within the
 * segment's 32-bit relative range) and hands each good one, bytes included, to `onBatch`.
 */
export function scanValidBatches(
  file: FileRef,
  from: number,
  end: number,
  segmentBaseOffset: number,
  minBaseOffset: number,
  onBatch: (batch: StoredBatch, bytes: Buffer) => void,
): ScanResult {
  const reader = new ChunkedReader(file, end, SCAN_CHUNK_BYTES);
  let nextOffset = minBaseOffset;
  let pos = from;
  const stop = (problem: string): ScanResult => ({ validEnd: pos, nextOffset, problem });
  while (pos < end) {
    const lengthBytes = reader.view(pos, LOG_OVERHEAD);
    if (!lengthBytes) return stop(`${end - pos} trailing bytes`);
    const size = batchSizeAt(lengthBytes, 0);
    const bytes = size >= LOG_OVERHEAD ? reader.view(pos, size) : null;
    if (!bytes) return stop(`torn batch claiming ${size} bytes`);
    const inspection = inspectBatch(bytes, 0, size);
    if (!inspection.ok) return stop(`${inspection.problem}: ${inspection.detail}`);
    const { header } = inspection;
    if (header.baseOffset < nextOffset) return stop(`batch offset ${header.baseOffset} below ${nextOffset}`);
    if (header.lastOffset - segmentBaseOffset > MAX_RELATIVE_OFFSET) return stop(`offset ${header.lastOffset} out of segment range`);
    onBatch({ position: pos, header }, bytes);
    nextOffset = header.lastOffset + 1;
    pos += size;
  }
  return { validEnd: pos, nextOffset };
}

/** Headers and bytes of the already validated batches in [from, end); the bytes are views into read chunks. */
export function* readStoredBatches(file: FileRef, from: number, end: number): Generator<StoredBatch & { bytes: Buffer }> {
  const reader = new ChunkedReader(file, end, SCAN_CHUNK_BYTES);
  for (let pos = from; pos < end; ) {
    const lengthBytes = reader.view(pos, LOG_OVERHEAD);
    const size = lengthBytes ? batchSizeAt(lengthBytes, 0) : 0;
    const bytes = size >= BATCH_HEADER_BYTES ? reader.view(pos, size) : null;
    if (!bytes) throw new Error(`corrupt or torn batch at byte ${pos}`);
    yield { position: pos, header: readBatchHeader(bytes), bytes };
    pos += size;
  }
}
