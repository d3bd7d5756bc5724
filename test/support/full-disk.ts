/**
 * A full disk, simulated at the file-write layer: while it is "full", fs.writeSync into any of the given
 * directories writes part of what it is given once per file, then fails with ENOSPC, as a filesystem running
 * out of blocks does. Linux only (the file behind a descriptor is read from /proc/self/fd).
 */
import fs from 'node:fs';
import path from 'node:path';
import { vi } from 'vitest';

const realWriteSync = fs.writeSync;

/** Makes writes under any of `dirs` fail with ENOSPC until `free()` (after a partial write per file). */
export function fillDisk(dirs: string[]): { free: () => void; refusedWrites: () => number } {
  let refused = 0;
  const partial = new Set<number>();
  const pathOf = (fd: number): string => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return '';
    }
  };
  const spy = vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: unknown, ...rest: unknown[]) => {
    const target = pathOf(fd);
    if (!dirs.some((dir) => target.startsWith(dir + path.sep))) return (realWriteSync as (...a: unknown[]) => number)(fd, data, ...rest);
    const [offset, length, position] = rest as [number | undefined, number | undefined, number | undefined];
    if (Buffer.isBuffer(data) && !partial.has(fd) && (length ?? 0) > 64) {
      partial.add(fd);
      return realWriteSync(fd, data, offset ?? 0, Math.floor(length! / 2), position ?? null);
    }
    refused++;
    throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  }) as typeof fs.writeSync);
  return { free: () => spy.mockRestore(), refusedWrites: () => refused };
}
