/** `npm run pinot`: help, bad flags, start with progress/ready lines, serve, and stop cleanly on Ctrl-C. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { run } from '../support/kafka.ts';
import { http, tempDir } from './helpers.ts';

// node with the tsx loader directly: signals reach the CLI itself, not a wrapper process that relays them.
const node = [process.execPath, '--import', 'tsx'] as const;
const cli = 'embedded/pinot/cli.ts';

describe('npm run pinot', () => {
  it('prints help', async () => {
    const result = await run(node[0], [...node.slice(1), cli, '--help']);
    expect(result.code).toBe(0);
    for (const flag of ['--data-dir', '--controller-port', '--broker-port', '--bootstrap']) expect(result.stdout).toContain(flag);
  });

  it('rejects an unknown flag and a bad port with one line and exit 2', async () => {
    for (const args of [['--nope'], ['--broker-port', 'many']]) {
      const result = await run(node[0], [...node.slice(1), cli, ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('starts, answers on both ports, creates the project tables, and stops on Ctrl-C', async () => {
    const child = spawn(
      node[0],
      [
        ...node.slice(1),
        cli,
        '--data-dir',
        tempDir('pinot-cli'),
        '--controller-port',
        '0',
        '--broker-port',
        '0',
        '--bootstrap',
        '127.0.0.1:1',
        '--create-tables',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready line: ${out}`)), 30_000);
      child.stdout.on('data', () => {
        if (out.includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const controller = /controller (http:\/\/[^\s]+)/.exec(out)![1]!;
    const broker = /broker (http:\/\/[^\s]+)/.exec(out)![1]!;
    expect((await http('GET', `${controller}/health`)).text).toBe('OK');
    expect((await http('GET', `${controller}/tables`)).json.tables).toEqual(['pageview_country', 'pageview_hopping', 'pageview_session', 'pageview_tumbling']);
    const r = await http('POST', `${broker}/query/sql`, { sql: 'SELECT count(*) FROM pageview_country' });
    expect(r.json.resultTable.rows).toEqual([[0]]);
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(out).toContain('[pinot] stopped');
  });
});
