/**
 * `npm start` with a port taken (another stack running): it must fail at once with one line per busy
 * port naming the variable that moves it, and touch nothing first: no MySQL connection, no data directory.
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
}

function runStart(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'stack/start.ts', ...args], {
      env: { ...process.env, SCENARIO: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A TCP server on host:port; `connections` counts who connected. */
async function listen(port: number, host: string): Promise<{ server: net.Server; connections: () => number }> {
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return { server, connections: () => count };
}

describe('npm start with a port already taken', () => {
  const servers: net.Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  async function stackEnv(): Promise<{ env: Record<string, string>; kafkaPort: number; dashboardPort: number; dataDir: string; mysql: () => number }> {
    const kafkaPort = await freePortRange(3);
    const [connect, ksqldb, controller, broker, dashboardPort, mysqlPort] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => freePortRange(1)));
    // A stand-in MySQL that only counts connections: the start path must not reach it.
    const mysql = await listen(mysqlPort!, '127.0.0.1');
    servers.push(mysql.server);
    const dataDir = path.join(tempDir('start-ports'), 'data');
    return {
      kafkaPort,
      dashboardPort: dashboardPort!,
      dataDir,
      mysql: mysql.connections,
      env: {
        DATA_DIR: dataDir,
        MYSQL_URL: `mysql://root@127.0.0.1:${mysqlPort}`,
        KAFKA_PORT: String(kafkaPort),
        CONNECT_PORT: String(connect),
        KSQLDB_PORT: String(ksqldb),
        PINOT_CONTROLLER_PORT: String(controller),
        PINOT_BROKER_PORT: String(broker),
        DASHBOARD_PORT: String(dashboardPort),
      },
    };
  }

  it('fails with one line per busy port naming its variable, before touching MySQL or the data directory', async () => {
    const { env, kafkaPort, dashboardPort, dataDir, mysql } = await stackEnv();
    // Broker 2's port held on 127.0.0.1, the dashboard's on every interface (as docker-proxy holds them).
    servers.push((await listen(kafkaPort + 1, '127.0.0.1')).server, (await listen(dashboardPort, '0.0.0.0')).server);

    const result = await runStart(['--reset'], env);
    expect(result.code, result.stderr).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      `start: port ${kafkaPort + 1} on 127.0.0.1 (Kafka broker 2) is already in use: set KAFKA_PORT (now ${kafkaPort}) so that it and the 2 port(s) after it are free`,
      `start: port ${dashboardPort} on 127.0.0.1 (dashboard) is already in use: set DASHBOARD_PORT to a free port`,
      expect.stringMatching(/^start: another stack may already be running .*nothing was started$/),
    ]);
    // Only variables that exist for npm start are named (not the Kafka CLI's --port).
    expect(result.stderr).not.toMatch(/--port/);
    expect(result.stdout).not.toMatch(/starting the embedded stack|reset:/);
    expect(mysql()).toBe(0);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('refuses two services on one port, naming both variables', async () => {
    const { env, dataDir, mysql } = await stackEnv();
    const result = await runStart([], { ...env, DASHBOARD_PORT: env.CONNECT_PORT! });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trim()).toBe(`start: CONNECT_PORT and DASHBOARD_PORT both give port ${env.CONNECT_PORT}; give each its own port`);
    expect(mysql()).toBe(0);
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
