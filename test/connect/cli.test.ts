import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { run, startTestCluster } from '../support/kafka.ts';

describe('npm run connect (embedded/connect/cli.ts)', () => {
  it('--help, bad options, ready line with the URL, clean Ctrl-C', async () => {
    const help = await run(process.execPath, ['--import', 'tsx', 'embedded/connect/cli.ts', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--bootstrap');
    const bad = await run(process.execPath, ['--import', 'tsx', 'embedded/connect/cli.ts', '--port', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port');

    const cluster = await startTestCluster();
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'embedded/connect/cli.ts', '--port', '0', '--bootstrap', cluster.bootstrap()], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /ready at (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.on('close', (code) => reject(new Error(`exited ${code}: ${out} ${stderr}`)));
      });
      const root = await fetch(`${url}/`);
      expect(root.status).toBe(200);
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stderr).toContain('stopped');
    } finally {
      await cluster.stop();
    }
  });
});
