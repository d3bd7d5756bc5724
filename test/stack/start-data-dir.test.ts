/**
 * Where `npm start` keeps its data: DATA_DIR/<scenario>, except a DATA_DIR that already holds PageView
 * data at its top (from before scenarios had folders), which PageView keeps using until --reset; and
 * --reset: one line with exactly what it deletes and its size, then only that scenario's data goes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/mariadb.ts';
import { tempDir } from '../support/kafka.ts';
import { freePortRange, startNodeScript, type Child } from '../faults/processes.ts';

describe('npm start data directories', () => {
  let running: Child | undefined;
  afterAll(async () => {
    await running?.interrupt();
  });

  it('keeps an old top-level PageView .data, and --reset deletes only the chosen scenario data after saying so', async () => {
    const db = await createTestDatabase(inject('mysqlUrl'), 'startdata');
    const root = tempDir('start-data');
    const kafkaPort = await freePortRange(3);
    const ports = await Promise.all([1, 2, 3, 4, 5].map(() => freePortRange(1)));
    const env = {
      ...process.env,
      SCENARIO: '',
      DATA_DIR: root,
      MYSQL_URL: inject('mysqlUrl'),
      MYSQL_DATABASE: db.name,
      KAFKA_PORT: String(kafkaPort),
      CONNECT_PORT: String(ports[0]),
      KSQLDB_PORT: String(ports[1]),
      PINOT_CONTROLLER_PORT: String(ports[2]),
      PINOT_BROKER_PORT: String(ports[3]),
      DASHBOARD_PORT: String(ports[4]),
    };
    const start = async (args: string[]): Promise<string> => {
      running = await startNodeScript('stack/start.ts', ['--no-produce', ...args], /ready in [\d.]+ s/, 90_000, env);
      const output = running.output();
      expect(await running.interrupt()).toBe(0);
      running = undefined;
      return output;
    };

    // An old layout: PageView's Kafka logs at the top of DATA_DIR, and another scenario's folder beside them.
    fs.mkdirSync(path.join(root, 'kafka'));
    fs.mkdirSync(path.join(root, 'clickstream'));
    fs.writeFileSync(path.join(root, 'clickstream', 'keep.txt'), 'clickstream data');

    const kept = await start([]);
    expect(kept).toContain(`note: ${root} holds PageView data from before each scenario had its own folder`);
    expect(kept).toContain(`(data in ${root})`);
    expect(fs.readdirSync(path.join(root, 'kafka')).some((name) => name.startsWith('broker-'))).toBe(true);

    const reset = await start(['--reset']);
    const deleted = /^reset: deleting (.+) \((\d+\.\d) MB\)$/m.exec(reset);
    expect(deleted, reset).not.toBeNull();
    expect(deleted![1]!.split(', ').sort()).toEqual([path.join(root, 'kafka'), path.join(root, 'pinot')].sort());
    expect(Number(deleted![2])).toBeGreaterThan(0);
    expect(reset.indexOf('reset: deleting')).toBeLessThan(reset.indexOf('starting the embedded stack'));
    expect(reset).toContain(`(data in ${path.join(root, 'pageview')})`);
    expect(fs.existsSync(path.join(root, 'kafka'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'pageview', 'kafka'))).toBe(true);
    expect(fs.readFileSync(path.join(root, 'clickstream', 'keep.txt'), 'utf8')).toBe('clickstream data');

    // From now on the scenario's own folder is what a reset names, and nothing else.
    const again = await start(['--reset']);
    expect(again).toMatch(new RegExp(`^reset: deleting ${path.join(root, 'pageview').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(\\d+\\.\\d MB\\)$`, 'm'));
    expect(again).not.toContain('note:');
    expect(fs.existsSync(path.join(root, 'clickstream', 'keep.txt'))).toBe(true);
    await db.drop();
  }, 240_000);
});
