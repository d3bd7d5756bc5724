/** The partition logs' bounded open-file cache (issue #18 finding 2). */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OpenFileCache } from '../../../embedded/kafka/log/open-files.ts';
import { PartitionLog } from '../../../embedded/kafka/log/index.ts';
import { encodeBatch, tempDir } from './helpers.ts';

const openFds = () => fs.readdirSync('/proc/self/fd').length;

describe('OpenFileCache', () => {
  afterEach(() => vi.restoreAllMocks());

  it('keeps at most maxOpen descriptors, closes the least recently used first, and reopens a file when it is used again', () => {
    const dir = tempDir();
    const cache = new OpenFileCache(3);
    const files = ['a', 'b', 'c', 'd'].map((name) => cache.file(path.join(dir, name)));
    files.forEach((file, i) => fs.writeSync(file.fd, Buffer.from(`file ${i}`), 0, 6, 0));
    expect(cache.openCount).toBe(3);
    expect(files[0]!.descriptor).toBe(-1); // a: least recently used, closed for d
    void files[1]!.fd; // b used: c is now the oldest
    void files[0]!.fd; // a reopened: c goes
    expect(files.map((f) => f.descriptor >= 0)).toEqual([true, true, false, true]);
    const read = Buffer.alloc(6);
    fs.readSync(files[0]!.fd, read, 0, 6, 0);
    expect(read.toString()).toBe('file 0');
    expect(cache.evictions).toBe(2);
    files[3]!.close();
    expect(cache.openCount).toBe(2);
    expect(() => files[3]!.fd).toThrow(/was closed by the log/);
  });

  it('an open failing with EMFILE gives half of the cached descriptors back and tries once more', () => {
    const dir = tempDir();
    const cache = new OpenFileCache(100);
    const files = Array.from({ length: 10 }, (_, i) => cache.file(path.join(dir, `f${i}`)));
    for (const file of files.slice(0, 9)) void file.fd;
    const realOpen = fs.openSync;
    let failures = 0;
    vi.spyOn(fs, 'openSync').mockImplementation(((...args: Parameters<typeof fs.openSync>) => {
      if (failures++ === 0) throw Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' });
      return realOpen(...args);
    }) as typeof fs.openSync);
    expect(files[9]!.fd).toBeGreaterThanOrEqual(0);
    expect(cache.openCount).toBe(9 - 5 + 1);
    expect(files.slice(0, 5).every((f) => f.descriptor === -1)).toBe(true);
  });

  it('a log with 40 segments written through a 6-file cache reads back every record and holds 6 descriptors', async () => {
    const before = openFds();
    const cache = new OpenFileCache(6);
    const log = PartitionLog.open(tempDir(), { segmentBytes: 300 }, cache);
    for (let i = 0; i < 40; i++) log.append(await encodeBatch([{ value: `record ${i}`.padEnd(300, '.') }]));
    expect(openFds() - before).toBeLessThanOrEqual(6);
    expect(fs.readdirSync(log.dir).filter((f) => f.endsWith('.log'))).toHaveLength(40);
    for (let offset = 0; offset < 40; offset++) expect(log.read(offset, 1_000_000).includes(`record ${offset}.`)).toBe(true);
    expect([...log.batchHeaders(0)].map((h) => h.baseOffset)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(cache.openCount).toBeLessThanOrEqual(6);
    log.close();
    expect(cache.openCount).toBe(0);
    expect(openFds()).toBe(before);
  });
});
