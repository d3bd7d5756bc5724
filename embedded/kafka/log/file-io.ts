/** Positional synchronous I/O that does not give up on short reads and writes. */
import fs from 'node:fs';

export const READ_WRITE_CREATE = fs.constants.O_RDWR | fs.constants.O_CREAT;

export function writeFully(fd: number, buf: Uint8Array, position: number): void {
  let written = 0;
  while (written < buf.length) {
    written += fs.writeSync(fd, buf, written, buf.length - written, position + written);
  }
}

/** Reads up to `length` bytes at `position`; shorter only at end of file. */
export function readFully(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let read = 0;
  while (read < length) {
    const n = fs.readSync(fd, buf, read, length - read, position + read);
    if (n === 0) break;
    read += n;
  }
  return read === length ? buf : buf.subarray(0, read);
}
