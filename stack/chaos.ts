/**
 * `npm run chaos`: runs every probe of stack/chaos-probes.ts against a running stack, one after the
 * other, each within a time bound, and reports what held. Exit 0 when everything held, 1 otherwise.
 */
import path from 'node:path';
import { serviceClient } from '../config/http-client.ts';
import { loadConfig } from '../config/index.ts';
import { chosenScenarioName, DEFAULT_SCENARIO } from '../scenarios/index.ts';
import { cleanUp, PROBES, type ChaosTargets, type ProbeResult } from './chaos-probes.ts';
import { CliUsageError, parseCliArgs } from '../embedded/common/cli/args.ts';
import { runCli } from '../embedded/common/cli/runner.ts';

const PROBE_TIMEOUT_MS = 120_000;

const HELP = `Usage: npm run chaos [-- options]

Attacks a running stack (npm start, or sh init.sh) the ways that took it down before, one at a
time, each bounded to ${PROBE_TIMEOUT_MS / 1000} s, and reports whether each held (refused as the real server
refuses it, every part still answering):
${PROBES.map((p) => `  ${p.name.padEnd(24)} ${p.what}`).join('\n')}
It creates only chaos_* topics and streams and removes them at the end. Exit 0 when all held.

Options (defaults from config/, as npm start binds them):
  --only NAME[,NAME]     run these probes only
  --bootstrap LIST       Kafka brokers (KAFKA_BOOTSTRAP_SERVERS)
  --data-dir DIR         the embedded stack's data directory, for the part kill and the failover drill
                         (default DATA_DIR/<SCENARIO or ${DEFAULT_SCENARIO}>)
  --max-disk-fill MB     the disk-full probe fills the data directory's filesystem only when it has at
                         most this much free (default 1024); otherwise it is skipped and says why
  --ksqldb URL  --connect URL  --pinot-controller URL  --pinot-broker URL  --dashboard URL
  -h, --help             show this help`;

runCli('chaos', async () => {
  const args = parseCliArgs(
    process.argv.slice(2),
    {
      only: 'string',
      bootstrap: 'string',
      'data-dir': 'string',
      ksqldb: 'string',
      connect: 'string',
      'pinot-controller': 'string',
      'pinot-broker': 'string',
      dashboard: 'string',
      'max-disk-fill': 'int',
      help: 'boolean',
    },
    { h: 'help' },
  );
  if (args.flags.help) {
    console.log(HELP);
    return;
  }
  if (args.positional.length > 0) throw new CliUsageError(`unexpected argument "${args.positional[0]}"; see --help`);
  const config = loadConfig();
  const flag = (name: string) => args.flags[name] as string | undefined;
  const local = (port: number) => `http://127.0.0.1:${port}`;
  const targets: ChaosTargets = {
    kafkaBootstrap:
      flag('bootstrap')
        ?.split(',')
        .map((b) => b.trim())
        .filter(Boolean) ?? config.kafka.bootstrap,
    dataDir: path.resolve(flag('data-dir') ?? path.join(config.dataDir, chosenScenarioName(undefined))),
    ksqldbUrl: flag('ksqldb') ?? local(config.ports.ksqldb),
    connectUrl: flag('connect') ?? local(config.ports.connect),
    pinotControllerUrl: flag('pinot-controller') ?? local(config.ports.pinotController),
    pinotBrokerUrl: flag('pinot-broker') ?? local(config.ports.pinotBroker),
    dashboardUrl: flag('dashboard') ?? local(config.ports.dashboard),
    maxDiskFillBytes: ((args.flags['max-disk-fill'] as number | undefined) ?? 1024) * 1024 * 1024,
  };
  const only = flag('only')
    ?.split(',')
    .map((s) => s.trim());
  const unknown = only?.filter((name) => !PROBES.some((p) => p.name === name)) ?? [];
  if (unknown.length) throw new CliUsageError(`no probe ${unknown.join(', ')}; probes: ${PROBES.map((p) => p.name).join(', ')}`);
  const probes = PROBES.filter((p) => !only || only.includes(p.name));

  const reachable = await serviceClient({ service: 'ksqlDB', baseUrl: targets.ksqldbUrl, timeoutMs: 5_000 })
    .request('GET', '/info')
    .then(
      () => true,
      () => false,
    );
  if (!reachable) throw new Error(`no stack answers at ${targets.ksqldbUrl}; start it (npm start or sh init.sh) or name its URLs (see --help)`);

  const results: ProbeResult[] = [];
  for (const probe of probes) {
    process.stdout.write(`chaos: ${probe.name}: ${probe.what} ... `);
    const stopper = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Omit<ProbeResult, 'name'>>((resolve) => {
      timer = setTimeout(() => {
        stopper.abort();
        resolve({ outcome: 'broke', detail: `no answer within ${PROBE_TIMEOUT_MS / 1000} s` });
      }, PROBE_TIMEOUT_MS);
    });
    const result = await Promise.race([
      probe.run(targets, stopper.signal).catch((error: Error) => ({ outcome: 'broke' as const, detail: `the probe failed: ${error.message}` })),
      timeout,
    ]);
    clearTimeout(timer);
    results.push({ name: probe.name, ...result });
    console.log(`${result.outcome.toUpperCase()}: ${result.detail}`);
  }
  await cleanUp(targets);
  const count = (o: ProbeResult['outcome']) => results.filter((r) => r.outcome === o).length;
  console.log(`chaos: ${count('held')} held, ${count('broke')} broke, ${count('skipped')} skipped`);
  if (count('broke') > 0) process.exit(1);
});
