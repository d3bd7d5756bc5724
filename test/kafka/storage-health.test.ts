/**
 * The brokers' disk state (embedded/kafka/storage.ts): one line when a disk starts refusing writes (not one
 * per broker on it), one when it has taken writes with no refusal for a while; a nearly full disk that takes
 * a small write between refusals is still failing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diskError, StorageHealth } from '../../embedded/kafka/storage.ts';
import { tempDir } from '../support/kafka.ts';

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }) as NodeJS.ErrnoException;

describe('StorageHealth', () => {
  it('logs a disk going full once, flapping writes nothing, and its recovery once', () => {
    const root = tempDir('storage-health');
    const dirs = [1, 2, 3].map((id) => path.join(root, `broker-${id}`));
    for (const dir of dirs) fs.mkdirSync(dir);
    const lines: string[] = [];
    const health = new StorageHealth((line) => lines.push(line));
    const t0 = 1_000_000;
    expect(health.refused('broker 1', dirs[0]!, enospc(), t0)).toBe(`The broker cannot write to ${dirs[0]}: disk full (ENOSPC: no space left on device)`);
    health.refused('broker 2', dirs[1]!, enospc(), t0 + 10);
    health.succeeded('broker 1', t0 + 100);
    health.refused('broker 1', dirs[0]!, enospc(), t0 + 200);
    health.refused('broker 3', dirs[2]!, enospc(), t0 + 300);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^broker 1: disk full \\(ENOSPC: no space left on device\\) writing to ${dirs[0]} \\(.* free of .*\\); produce requests`),
    );
    expect(health.problems().map((p) => p.who)).toEqual(['broker 1', 'broker 2', 'broker 3']);

    health.succeeded('broker 1', t0 + 6_000);
    health.succeeded('broker 2', t0 + 6_000);
    expect(lines).toHaveLength(1);
    health.succeeded('broker 3', t0 + 6_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(`broker 3: writes to ${dirs[2]} succeed again after 5.7 s (1 refused)`);
    expect(health.problems()).toEqual([]);
  });

  it('tells disk errors from other errors', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EFBIG']) expect(diskError(Object.assign(new Error(code), { code }))).toBeDefined();
    for (const error of [new Error('x'), Object.assign(new Error('EBADF'), { code: 'EBADF' }), null, undefined]) expect(diskError(error)).toBeUndefined();
  });
});
