/**
 * The CLI as a user runs it: a child process (node with the tsx loader, as `npm run produce` runs it,
 * without npm's own warnings on stderr), against the run's MariaDB via MYSQL_URL. MYSQL_URL carries
 * the test database as its path and MYSQL_DATABASE names it too (a URL path wins over MYSQL_DATABASE).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { produceUsers } from '../../producers/index.ts';
import { createTestDatabase, freePort, type TestDatabase } from '../support/mariadb.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const serverUrl = inject('mysqlUrl');
const databases: TestDatabase[] = [];

afterAll(async () => {
  for (const db of databases) await db.drop().catch(() => undefined);
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(MYSQL_|KAFKA_|PRODUCER_|TOPIC_)/.test(key)) delete env[key];
  }
  return { ...env, ...extra };
}

function runCli(args: string[], env: Record<string, string> = {}, onStderr?: (text: string, kill: () => void) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'producers/cli.ts', ...args], {
      cwd: root,
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(stderr, () => child.kill('SIGINT'));
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function expectOneLineError(run: Run, pattern: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^produce: /);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

async function countRows(database: string): Promise<number> {
  const connection = await mysql.createConnection({ uri: serverUrl });
  try {
    const [rows] = await connection.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${database}\`.Users`);
    return Number(rows[0]!.n);
  } finally {
    await connection.end();
  }
}

describe('produce CLI', () => {
  it('--help prints the usage and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: npm run produce -- <users\|pageviews\|sessions\|all>/);
    expect(run.stdout).toContain('--null-rate');
    expect(run.stderr).toBe('');
  });

  it('rejects unknown flags, commands and bad values with one line and exit 2', async () => {
    const runs = await Promise.all([
      runCli(['users', '--bogus']),
      runCli(['explode']),
      runCli(['users', '--rate', 'fast']),
      runCli(['users', '--null-rate', '1.5']),
      runCli(['pageviews', '--count', 'many']),
      runCli([]),
    ]);
    expectOneLineError(runs[0]!, /unknown option --bogus/);
    expectOneLineError(runs[1]!, /unknown command "explode"/);
    expectOneLineError(runs[2]!, /--rate must be a number of records per second/);
    expectOneLineError(runs[3]!, /--null-rate must be a number from 0 to 1/);
    expectOneLineError(runs[4]!, /--count must be a whole number/);
    expectOneLineError(runs[5]!, /missing command/);
  });

  it('reports a bad config variable by name, exit 2', async () => {
    expectOneLineError(await runCli(['users'], { PRODUCER_NULL_RATE: '7' }), /PRODUCER_NULL_RATE must be a number from 0 to 1/);
    expectOneLineError(await runCli(['users'], { MYSQL_URL: 'postgres://x' }), /MYSQL_URL must look like mysql:\/\//);
  });

  it('names host:port and how to start MySQL when it is unreachable, exit 2', async () => {
    const port = await freePort();
    const run = await runCli(['users', '--count', '10'], { MYSQL_URL: `mysql://root@127.0.0.1:${port}` });
    expectOneLineError(run, new RegExp(`cannot reach MySQL at 127\\.0\\.0\\.1:${port} .*MYSQL_URL.*mariadb-server`));
  });

  it('users --count 1000 --seed 1 writes the same rows as the API with seed 1', async () => {
    const cliDb = await createTestDatabase(serverUrl, 'cli');
    const apiDb = await createTestDatabase(serverUrl, 'cli_api');
    databases.push(cliDb, apiDb);
    const run = await runCli(['users', '--count', '1000', '--seed', '1'], { MYSQL_URL: cliDb.url, MYSQL_DATABASE: cliDb.name });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^users: 1,000 rows into ${cliDb.name}\\.Users at [^ ]+ in .*, seed 1\\n$`));
    expect(run.stderr).toMatch(/users 1,000\/1,000 \(100%\)/); // the progress line (plain lines: not a TTY)
    expect(run.stderr).not.toContain('\r');
    expect(await countRows(cliDb.name)).toBe(1_000);

    await produceUsers({ url: serverUrl, database: apiDb.name, count: 1_000, seed: 1, config: loadConfig({}) });
    const connection = await mysql.createConnection({ uri: serverUrl });
    try {
      const [a] = await connection.query(`SELECT * FROM \`${cliDb.name}\`.Users ORDER BY user_id`);
      const [b] = await connection.query(`SELECT * FROM \`${apiDb.name}\`.Users ORDER BY user_id`);
      expect(a).toEqual(b);
    } finally {
      await connection.end();
    }
  });

  it('pageviews before any users: one line telling to run the users producer, exit 2', async () => {
    const db = await createTestDatabase(serverUrl, 'cli_nousers');
    databases.push(db);
    const run = await runCli(['pageviews', '--count', '5'], { MYSQL_URL: db.url, MYSQL_DATABASE: db.name });
    expectOneLineError(run, /no users in .*; run `npm run produce -- users` first/);
  });

  it('names the bootstrap list and `npm run kafka` when Kafka is unreachable, exit 2', async () => {
    const db = await createTestDatabase(serverUrl, 'cli_nokafka');
    databases.push(db);
    await produceUsers({ url: serverUrl, database: db.name, count: 10, seed: 1, config: loadConfig({}) });
    const port = await freePort();
    const run = await runCli(['sessions', '--count', '5'], {
      MYSQL_URL: db.url,
      MYSQL_DATABASE: db.name,
      KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${port}`,
    });
    expectOneLineError(run, new RegExp(`cannot reach Kafka at 127\\.0\\.0\\.1:${port} .*npm run kafka`));
  });

  it('on SIGINT writes what is pending, prints the summary and exits 0', async () => {
    const db = await createTestDatabase(serverUrl, 'cli_sigint');
    databases.push(db);
    let sent = false;
    const run = await runCli(
      ['users', '--count', '100000000', '--rate', '2000/s', '--seed', '3'],
      { MYSQL_URL: db.url, MYSQL_DATABASE: db.name },
      // interrupted mid-run: once a progress line shows rows written
      (stderr, interrupt) => {
        const shown = [...stderr.matchAll(/users ([\d,]+)\/100,000,000/g)].map((m) => Number(m[1]!.replace(/,/g, '')));
        if (!sent && shown.some((rows) => rows > 0)) {
          sent = true;
          interrupt();
        }
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const match = /^users: ([\d,]+) rows into .* seed 3 \(interrupted\)\n$/.exec(run.stdout);
    expect(match, run.stdout).not.toBeNull();
    const written = Number(match![1]!.replace(/,/g, ''));
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(100_000_000);
    expect(await countRows(db.name)).toBe(written);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
