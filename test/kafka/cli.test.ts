import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { run, tempDir } from '../support/kafka.ts';

// node with the tsx loader directly: signals reach the CLI itself, not a wrapper process that relays them.
const tsx = [process.execPath, '--import', 'tsx', 'embedded/kafka/cli.ts'] as const;

describe('npm run kafka', () => {
  it('prints help', async () => {
    const result = await run(tsx[0], [...tsx.slice(1), '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--data-dir DIR/);
    expect(result.stdout).toMatch(/--brokers N/);
  });

  it('rejects an unknown flag and a bad number with one line and exit 2', async () => {
    for (const args of [['--nope'], ['--brokers', 'three']]) {
      const result = await run(tsx[0], [...tsx.slice(1), ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('starts, prints the bootstrap list, serves kcat, and stops cleanly on Ctrl-C', async () => {
    const child = spawn(tsx[0], [...tsx.slice(1), '--data-dir', tempDir('kafka-cli'), '--brokers', '2', '--port', '29392'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no bootstrap line: ${out}`)), 20_000);
      child.stdout.on('data', () => {
        if (out.includes('bootstrap:')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect(out).toContain('bootstrap: 127.0.0.1:29392,127.0.0.1:29393');
    const listed = await run('kcat', ['-b', '127.0.0.1:29392', '-L']);
    expect(listed.stdout).toMatch(/2 brokers:/);
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(err).toContain('[kafka] SIGINT: stopping');
    expect(err).toContain('[kafka] stopped');
  });
});
