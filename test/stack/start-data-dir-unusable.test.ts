/**
 * `npm start` with a DATA_DIR it cannot use: it must stop at once with one line naming DATA_DIR and the
 * cause, touching nothing else (no MySQL connection). Under /proc, Node's recursive mkdir never returns
 * (100% CPU, no message), which is why the stack makes its data directory itself.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePortRange } from '../faults/processes.ts';
import { tempDir } from '../support/kafka.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  killed: boolean;
}

/** Runs stack/start.ts; a run still going after `limitMs` is killed (and reported as such). */
function runStart(env: Record<string, string>, limitMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'stack/start.ts', '--no-produce'], {
      env: { ...process.env, SCENARIO: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, killed });
    });
  });
}

describe('npm start with a DATA_DIR it cannot use', () => {
  const servers: net.Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  async function env(dataDir: string): Promise<{ env: Record<string, string>; mysqlConnections: () => number }> {
    const kafkaPort = await freePortRange(3);
    const [connect, ksqldb, controller, broker, dashboard, mysqlPort] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => freePortRange(1)));
    let connections = 0;
    const mysql = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => mysql.listen(mysqlPort, '127.0.0.1', resolve));
    servers.push(mysql);
    return {
      mysqlConnections: () => connections,
      env: {
        DATA_DIR: dataDir,
        MYSQL_URL: `mysql://root@127.0.0.1:${mysqlPort}`,
        KAFKA_PORT: String(kafkaPort),
        CONNECT_PORT: String(connect),
        KSQLDB_PORT: String(ksqldb),
        PINOT_CONTROLLER_PORT: String(controller),
        PINOT_BROKER_PORT: String(broker),
        DASHBOARD_PORT: String(dashboard),
      },
    };
  }

  it.runIf(fs.existsSync('/proc/self'))(
    'DATA_DIR=/proc/x: exits at once with one line naming DATA_DIR and the cause',
    async () => {
      const { env: vars, mysqlConnections } = await env('/proc/x');
      const run = await runStart(vars, 20_000);
      expect(run.killed, `still running after 20 s; stdout: ${run.stdout}`).toBe(false);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual(['start: DATA_DIR=/proc/x cannot be used: cannot create /proc/x: ENOENT (no such file or directory)']);
      expect(mysqlConnections()).toBe(0);
    },
    30_000,
  );

  it('a DATA_DIR under a regular file: the same, naming the file', async () => {
    const file = path.join(tempDir('start-data-dir-file'), 'not-a-dir');
    fs.writeFileSync(file, 'x');
    const { env: vars } = await env(path.join(file, 'data'));
    const run = await runStart(vars, 20_000);
    expect(run.killed).toBe(false);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(`start: DATA_DIR=${path.join(file, 'data')} cannot be used: ${file} is not a directory`);
  }, 30_000);
});
