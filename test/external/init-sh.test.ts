/**
 * init.sh with STACK=external, with a fake `npm` first on PATH that logs what it is asked to do: it
 * starts nothing of its own (no docker, no npm start), runs the bootstrap in the external mode first,
 * then the producers, the session feed and the dashboard in the background, then prints the URLs; when
 * the bootstrap's endpoint check fails, it stops there.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '../support/kafka.ts';

const script = path.resolve('init.sh');
const LOGS = ['producers.log', 'session-feed.log', 'dashboard.log'];

/** A fake npm (and docker, which must not be called) logging every call; the bootstrap exits with $FAKE_BOOTSTRAP_RC. */
function fakeBin(dir: string, log: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(
    path.join(bin, 'npm'),
    `#!/bin/sh
echo "npm $*" >> "${log}"
case "$*" in
  *"bootstrap -- --mode external --scenario"*) exit "\${FAKE_BOOTSTRAP_RC:-0}" ;;
esac
exit 0
`,
    { mode: 0o755 },
  );
  fs.writeFileSync(
    path.join(bin, 'docker'),
    `#!/bin/sh
echo "docker $*" >> "${log}"
exit 0
`,
    { mode: 0o755 },
  );
  return bin;
}

function runInit(bin: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', [script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('init.sh STACK=external', () => {
  afterEach(() => {
    for (const file of LOGS) fs.rmSync(path.resolve(file), { force: true });
  });

  it('bootstraps the external endpoints, then starts producers, session feed and dashboard, and prints the URLs', async () => {
    const dir = tempDir('init-external');
    const log = path.join(dir, 'calls.log');
    const result = await runInit(fakeBin(dir, log), { STACK: 'external', PRODUCER_RATE: '9' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('nothing is started here');
    await waitFor(
      'the background commands',
      () => {
        const text = fs.readFileSync(log, 'utf8');
        return ['produce -- pageviews', 'session-feed', 'run --silent dashboard'].every((c) => text.includes(c)) ? true : undefined;
      },
      10_000,
    );
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(calls.some((c) => c.startsWith('docker') || c === 'npm start')).toBe(false);
    expect(calls[0]).toBe('npm run --silent bootstrap -- --mode external --scenario pageview');
    expect(calls).toEqual(
      expect.arrayContaining([
        'npm run --silent produce -- users --count 10000',
        'npm run --silent produce -- pageviews --count 0 --rate 9',
        'npm run --silent session-feed -- --scenario pageview',
        'npm run --silent dashboard',
        'npm run --silent bootstrap -- --mode external --urls',
      ]),
    );
  });

  it('stops after a failed endpoint check: no producers, no dashboard', async () => {
    const dir = tempDir('init-external-fail');
    const log = path.join(dir, 'calls.log');
    const result = await runInit(fakeBin(dir, log), { STACK: 'external', FAKE_BOOTSTRAP_RC: '1' });
    expect(result.code).not.toBe(0);
    expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toEqual(['npm run --silent bootstrap -- --mode external --scenario pageview']);
    expect(result.stdout).not.toContain('starting the producers');
  });

  it('names the external scenario producers for another scenario', async () => {
    const dir = tempDir('init-external-scenario');
    const log = path.join(dir, 'calls.log');
    const result = await runInit(fakeBin(dir, log), { STACK: 'external', SCENARIO: 'clickstream', PRODUCER_RATE: '3' });
    expect(result.code, result.stderr).toBe(0);
    await waitFor('the scenario producers', () => (fs.readFileSync(log, 'utf8').includes('scenario -- clickstream') ? true : undefined), 10_000);
    expect(fs.readFileSync(log, 'utf8')).toContain('npm run --silent scenario -- clickstream --mode external --rate 3');
  });
});
