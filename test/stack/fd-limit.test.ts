/**
 * Issue #18 finding 1: the open-file limit at start (raised to the hard limit, a line when below what the
 * Kafka caps allow) and a status line that an EMFILE cannot turn into a crash.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openFileLimit, openFileLimitProblem, raiseOpenFileLimit } from '../../stack/fd-limit.ts';
import { residentBytes, StatusLine } from '../../stack/status-line.ts';
import { run, waitFor } from '../support/kafka.ts';

const linux = fs.existsSync('/proc/self/limits');

describe('open-file limit at start', () => {
  it.runIf(linux)('Node raises its own soft limit to the hard one: a node started under `ulimit -Sn 256` has the hard limit', async () => {
    const hard = openFileLimit()!.hard;
    const result = await run('sh', [
      '-c',
      `ulimit -Sn 256 && exec "${process.execPath}" -e "process.stdout.write(require('fs').readFileSync('/proc/self/limits', 'utf8'))"`,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`Max open files\\s+${hard}\\s+${hard}`));
  });

  it.runIf(linux)('raiseOpenFileLimit lifts a process left at a lower soft limit to its hard limit (prlimit)', async () => {
    const child = spawn('sh', ['-c', 'ulimit -Sn 256 && exec sleep 30'], { stdio: 'ignore' });
    try {
      await waitFor('sleep to run under the lowered limit', () => (openFileLimit(child.pid!)?.soft === 256 ? true : undefined), 5_000, 20);
      const { limit, problem } = raiseOpenFileLimit(child.pid!);
      expect(problem).toBeUndefined();
      expect(limit!.soft).toBe(limit!.hard);
      expect(limit!.soft).toBeGreaterThan(256);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('names the variables when the limit is below what the caps allow', () => {
    expect(openFileLimitProblem({ soft: 20_000, hard: 20_000 }, 3, 1000, 2048)).toBeUndefined();
    expect(openFileLimitProblem({ soft: 4096, hard: 4096 }, 3, 1000, 2048)).toBe(
      'the open-file limit is 4096, below the 6048 the Kafka caps allow ' +
        '(3 brokers x KAFKA_MAX_CONNECTIONS 1000 + KAFKA_MAX_OPEN_LOG_FILES 2048 + 1000 for the rest): lower those, or raise the limit (ulimit -n) before starting',
    );
    expect(openFileLimitProblem(undefined, 3, 1000, 2048)).toBeUndefined();
  });
});

describe('status line out of file descriptors', () => {
  it('an EMFILE reading the memory shows rss n/a instead of throwing', () => {
    const emfile = () => {
      throw Object.assign(new Error('EMFILE: too many open files, uv_resident_set_memory'), { code: 'EMFILE' });
    };
    expect(residentBytes(emfile)).toBeUndefined();
    expect(residentBytes(() => 42)).toBe(42);
    const line = new StatusLine();
    line.report('page views', 5);
    expect(line.render(5_000, { rssBytes: residentBytes(emfile) })).toBe('page views 5, rss n/a');
  });
});
