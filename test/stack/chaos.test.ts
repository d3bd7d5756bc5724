/**
 * `npm run chaos` against a running embedded stack: every probe holds (refused as the real servers refuse
 * it, every part still answering), the report says so, and only chaos_* things were created and removed.
 * The stack's data directory is a small tmpfs where this machine lets the test mount one (root), so the
 * disk-full probe fills a real filesystem; elsewhere that probe says why it skipped.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig, type AppConfig } from '../../config/index.ts';
import { startEmbeddedStack, type EmbeddedStack } from '../../stack/embedded-stack.ts';
import { createTestDatabase } from '../support/mariadb.ts';
import { kafkaClient, run, tempDir, waitFor } from '../support/kafka.ts';

describe('npm run chaos', () => {
  let stack: EmbeddedStack;
  let dataDir: string;
  let config: AppConfig;

  let mounted = false;

  beforeAll(async () => {
    const db = await createTestDatabase(inject('mysqlUrl'), 'chaos');
    dataDir = tempDir('stack-chaos');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=768m', 'tmpfs', dataDir], { stdio: 'ignore' });
      mounted = true;
    } catch {
      // not root, or no mount here: the disk-full probe skips and says why
    }
    config = loadConfig({ MYSQL_URL: inject('mysqlUrl'), MYSQL_DATABASE: db.name });
    stack = await startEmbeddedStack({ config, dataDir, freePorts: true });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    if (mounted) execFileSync('umount', [dataDir]);
  });

  it('reports every probe held against a running stack and leaves no chaos_ topic behind', async () => {
    // a row in Pinot for the string bomb to build its strings from
    const producer = kafkaClient(stack.kafka).producer();
    await producer.connect();
    await producer.send({
      topic: config.topics.pageviewCountry,
      messages: [{ key: '"Chaosland"', value: JSON.stringify({ country: 'Chaosland', avg_age: 30, user_count: 1, view_count: 1, last_event_ts: Date.now() }) }],
    });
    await producer.disconnect();
    await waitFor(
      'the Chaosland row in Pinot',
      async () => {
        const body = (await (
          await fetch(`${stack.pinot.brokerUrl}/query/sql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"sql":"SELECT count(*) FROM pageview_country"}',
          })
        ).json()) as { resultTable?: { rows: number[][] } };
        return body.resultTable?.rows[0]?.[0] === 1 ? true : undefined;
      },
      30_000,
      200,
    );

    const args = [
      'stack/chaos.ts',
      '--bootstrap',
      stack.targets.kafkaBootstrap.join(','),
      '--data-dir',
      dataDir,
      '--ksqldb',
      stack.ksqldb.url,
      '--connect',
      stack.connect.url,
      '--pinot-controller',
      stack.pinot.controllerUrl,
      '--pinot-broker',
      stack.pinot.brokerUrl,
      '--dashboard',
      stack.dashboard.url,
      // never fill the machine's own disk: only the tmpfs
      '--max-disk-fill',
      mounted ? '1024' : '0',
    ];
    const result = await run(path.resolve('node_modules/.bin/tsx'), args, undefined, 600_000);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe(mounted ? 'chaos: 9 held, 0 broke, 0 skipped' : 'chaos: 8 held, 0 broke, 1 skipped');
    for (const probe of [
      'kafka-connection-flood',
      'partition-bomb',
      'pinot-string-bomb',
      'cross-origin-writes',
      'dns-rebinding',
      'push-query-flood',
      'broker-failover',
      'part-kill',
    ]) {
      expect(
        lines.find((l) => l.startsWith(`chaos: ${probe}:`)),
        probe,
      ).toMatch(/ \.\.\. HELD: /);
    }
    expect(lines.find((l) => l.startsWith('chaos: disk-full:'))).toMatch(
      mounted
        ? /\.\.\. HELD: \d+ MB filled the disk: writes refused with KAFKA_STORAGE_ERROR, the strip said "disk full: .*"; once freed, writes acknowledged again; every part still answers$/
        : /\.\.\. SKIPPED: .* has \d+ MB free, more than --max-disk-fill 0 MB: run the stack with DATA_DIR on a small filesystem/,
    );
    const admin = kafkaClient(stack.kafka).admin();
    await admin.connect();
    try {
      expect((await admin.listTopics()).filter((t) => t.startsWith('chaos_'))).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  }, 660_000);

  it('says in one line when no stack answers, and names unknown probes', async () => {
    const none = await run(path.resolve('node_modules/.bin/tsx'), ['stack/chaos.ts', '--ksqldb', 'http://127.0.0.1:1'], undefined, 60_000);
    expect(none.code).toBe(1);
    expect(none.stderr.trim()).toBe('chaos: no stack answers at http://127.0.0.1:1; start it (npm start or sh init.sh) or name its URLs (see --help)');
    const bad = await run(path.resolve('node_modules/.bin/tsx'), ['stack/chaos.ts', '--only', 'nope'], undefined, 60_000);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no probe nope; probes: kafka-connection-flood');
  });
});
