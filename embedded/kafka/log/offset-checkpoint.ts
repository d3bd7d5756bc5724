/**
 * A single offset persisted in its own small file ("0\n" version line, then the offset as 20 digits).
 * Every write overwrites the same fixed-width bytes with one pwrite, so it is cheap enough to do on each
 * change and a process crash leaves either the old or the new value, never a torn one.
 */
import fs from 'node:fs';
import { readFully, writeFully } from './file-io.ts';
import type { CachedFile, OpenFileCache } from './open-files.ts';

const VERSION_LINE = '0\n';
const CONTENT_BYTES = VERSION_LINE.length + 20 + 1;

export class OffsetCheckpoint {
  private readonly file: CachedFile;
  private lastWritten: number | null;

  constructor(
    readonly path: string,
    files: OpenFileCache,
  ) {
    this.file = files.file(path);
    this.lastWritten = this.parse();
  }

  /** The stored offset, or null when the file is new or unreadable. */
  read(): number | null {
    return this.lastWritten;
  }

  write(offset: number): void {
    if (offset === this.lastWritten) return;
    const content = VERSION_LINE + String(offset).padStart(20, '0') + '\n';
    writeFully(this.file.fd, Buffer.from(content, 'latin1'), 0);
    this.lastWritten = offset;
  }

  flush(): void {
    fs.fsyncSync(this.file.fd);
  }

  close(): void {
    this.file.close();
  }

  private parse(): number | null {
    const text = readFully(this.file.fd, CONTENT_BYTES, 0).toString('latin1');
    const match = /^0\n(\d{20})\n$/.exec(text);
    return match ? Number(match[1]) : null;
  }
}
