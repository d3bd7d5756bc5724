/**
 * init.sh: its docker branch with a fake `docker` and `npm` first on PATH (they log what they are
 * asked to do), and its argument handling. The embedded branch is `exec npm start`, covered by the
 * end-to-end stack test and the start CLI test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRODUCER_RATE } from '../../config/index.ts';
import { run, tempDir, waitFor } from '../support/kafka.ts';

const script = path.resolve('init.sh');

function fakeBin(dir: string, log: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'docker'),
    `#!/bin/sh
echo "docker $*" >> "${log}"
case "$1 $2" in
  "compose ps") echo "id-$4" ;;
esac
case "$1" in
  inspect) echo healthy ;;
esac
exit 0
`,
    { mode: 0o755 },
  );
  fs.writeFileSync(
    path.join(dir, 'npm'),
    `#!/bin/sh
echo "npm $*" >> "${log}"
[ "$1" = start ] && echo "env SCENARIO=$SCENARIO" >> "${log}"
exit 0
`,
    { mode: 0o755 },
  );
}

function runInit(dir: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    import('node:child_process').then(({ spawn }) => {
      const child = spawn('sh', [script], { env: { ...process.env, PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  });
}

describe('init.sh', () => {
  it('prints help and rejects unknown options', async () => {
    const help = await run('sh', [script, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/STACK=auto\|docker\|embedded/);
    const bad = await run('sh', [script, '--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown option '--bogus'/);
  });

  it("names config/'s producer rate as its default and uses it when PRODUCER_RATE is unset", async () => {
    const help = await run('sh', [script, '--help']);
    expect(help.stdout).toContain(`PRODUCER_RATE (events/s per generator, default ${DEFAULT_PRODUCER_RATE})`);
    expect(help.stdout).toMatch(/DATA_DIR\/<scenario>/);
    const dir = tempDir('init-sh-rate');
    const log = path.join(dir, 'calls.log');
    fakeBin(path.join(dir, 'bin'), log);
    const env: Record<string, string> = { STACK: 'docker', PRODUCER_RATE: '' };
    const result = await runInit(dir, env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`at ${DEFAULT_PRODUCER_RATE} events/s per generator`);
    await waitFor('the background producers', () => (fs.readFileSync(log, 'utf8').includes('produce -- pageviews') ? true : undefined), 10_000);
    expect(fs.readFileSync(log, 'utf8')).toContain(`npm run --silent produce -- pageviews --count 0 --rate ${DEFAULT_PRODUCER_RATE}`);
    fs.rmSync(path.resolve('producers.log'), { force: true });
  });

  it('with a Docker engine: compose up, waits for health, bootstraps, starts producers, prints URLs', async () => {
    const dir = tempDir('init-sh');
    const log = path.join(dir, 'calls.log');
    fakeBin(path.join(dir, 'bin'), log);
    const result = await runInit(dir, { STACK: 'auto', PRODUCER_RATE: '50' });
    expect(result.code, result.stderr).toBe(0);
    // The producers run in the background; give them a moment to log.
    await waitFor('the background producers', () => (fs.readFileSync(log, 'utf8').includes('produce -- pageviews') ? true : undefined), 10_000);
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(calls).toContain('docker info');
    expect(calls).toContain('docker compose up -d');
    const waitedFor = calls.filter((c) => c.startsWith('docker compose ps -q ')).map((c) => c.slice('docker compose ps -q '.length));
    expect(waitedFor).toEqual(['kafka1', 'kafka2', 'kafka3', 'mysql-server', 'connect', 'ksqldb-server', 'pinot-controller', 'pinot-broker', 'pinot-server']);
    // Every service waited for is one docker-compose.yml defines.
    const compose = fs.readFileSync(path.resolve('docker-compose.yml'), 'utf8');
    for (const service of waitedFor) expect(compose, service).toMatch(new RegExp(`^  ${service}:$`, 'm'));
    const bootstrapAt = calls.indexOf('npm run --silent bootstrap -- --mode docker --scenario pageview');
    expect(bootstrapAt).toBeGreaterThan(calls.indexOf('docker compose up -d'));
    expect(calls).toContain('npm run --silent produce -- users --count 10000');
    expect(calls).toContain('npm run --silent produce -- pageviews --count 0 --rate 50');
    expect(calls).toContain('npm run --silent bootstrap -- --mode docker --urls');
    fs.rmSync(path.resolve('producers.log'), { force: true });
  });

  it('with STACK=embedded and no Docker, runs the embedded stack (npm start)', async () => {
    const dir = tempDir('init-sh-embedded');
    const log = path.join(dir, 'calls.log');
    fakeBin(path.join(dir, 'bin'), log);
    const embedded = (await runInit(dir, { STACK: 'embedded', SCENARIO: 'clickstream' })).code;
    expect(embedded).toBe(0);
    // npm start reads SCENARIO (and DATA_DIR) itself: the same pipeline and data folder as `npm start -- --scenario`.
    expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toEqual(['npm start', 'env SCENARIO=clickstream']);
  });

  it('SCENARIO picks the pipeline: its compose profile, its extra services, its bootstrap and producers', async () => {
    const dir = tempDir('init-sh-scenario');
    const log = path.join(dir, 'calls.log');
    fakeBin(path.join(dir, 'bin'), log);
    const result = await runInit(dir, { STACK: 'docker', SCENARIO: 'course-activity', PRODUCER_RATE: '7' });
    expect(result.code, result.stderr).toBe(0);
    await waitFor('the background producers', () => (fs.readFileSync(log, 'utf8').includes('scenario --') ? true : undefined), 10_000);
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(calls).toContain('docker compose --profile course-activity up -d');
    expect(calls).toContain('docker compose ps -q debezium-connect');
    expect(calls).toContain('npm run --silent bootstrap -- --mode docker --scenario course-activity');
    expect(calls).toContain('npm run --silent scenario -- course-activity --mode docker --rate 7');
    expect(calls.some((c) => c.includes('produce -- pageviews'))).toBe(false);
    fs.rmSync(path.resolve('producers.log'), { force: true });
  });

  it('refuses an unknown SCENARIO before starting anything, naming the choices', async () => {
    const dir = tempDir('init-sh-bad-scenario');
    const log = path.join(dir, 'calls.log');
    fakeBin(path.join(dir, 'bin'), log);
    const result = await runInit(dir, { STACK: 'docker', SCENARIO: 'nope' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown SCENARIO 'nope'; choose one of: .*pageview/);
    expect(fs.existsSync(log)).toBe(false);
  });
});
