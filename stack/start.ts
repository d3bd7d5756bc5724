/**
 * `npm start`: the embedded stack in one process, in the foreground. Starts every part, bootstraps
 * them for the chosen scenario, prints the URLs, then runs the scenario's producers and a live status
 * line until Ctrl-C.
 */
import path from 'node:path';
import { ConfigError, loadConfig } from '../config/index.ts';
import { DEFAULT_SCENARIO, getScenario, scenarioNames, UnknownScenarioError } from '../scenarios/index.ts';
import { CliUsageError, parseCliArgs } from './cli-args.ts';
import { startEmbeddedStack } from './embedded-stack.ts';
import { formatUrls } from './urls.ts';

const HELP = `Usage: npm start [-- options]

Runs a whole analytics pipeline in this process (no Docker, no JVM): MySQL (MYSQL_URL, or
127.0.0.1:3306, or a private mariadbd), 3 Kafka brokers, Kafka Connect, ksqlDB, Pinot and the
dashboard; bootstraps them; then runs the scenario's producers. Ctrl-C stops cleanly; data stays in
DATA_DIR (default .data) and a restart resumes where it stopped.

Options:
  --scenario NAME the pipeline: ${scenarioNames().join(', ')} (default ${DEFAULT_SCENARIO}, or SCENARIO)
  --users N       size of the reference data (PageView: users in MySQL; default 1000; topped up, never duplicated)
  --rate R        events per second per generator (default PRODUCER_RATE, or 20)
  --no-produce    start and bootstrap only; produce nothing
  -h, --help      show this help`;

async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2), { scenario: 'string', users: 'int', rate: 'number', 'no-produce': 'boolean', help: 'boolean' }, { h: 'help' });
  if (args.flags.help) {
    console.log(HELP);
    return;
  }
  if (args.positional.length > 0) throw new CliUsageError(`unexpected argument "${args.positional[0]}"; see --help`);
  const scenario = getScenario((args.flags.scenario as string | undefined) ?? (process.env.SCENARIO?.trim() || DEFAULT_SCENARIO));
  const config = loadConfig();
  const dataDir = path.resolve(config.dataDir);
  console.log(`starting the embedded stack for ${scenario.title} (data in ${dataDir})...`);
  const stack = await startEmbeddedStack({ config, dataDir, scenario, log: (line) => console.log(`  ${line}`) });
  const created = stack.bootstrapSteps.filter((s) => s.status === 'created').length;
  console.log(created === 0 ? 'bootstrap: everything was already there' : `bootstrap: created ${created} item(s)`);
  console.log(`\nready in ${(stack.startedInMs / 1000).toFixed(1)} s:\n${formatUrls(config)}\n`);

  const stopper = new AbortController();
  const counts = new Map<string, number>();
  const rate = (args.flags.rate as number | undefined) ?? (config.producer.rate || 20);
  const producing = args.flags['no-produce']
    ? Promise.resolve()
    : scenario.produce({
      config, targets: stack.targets, rate, population: (args.flags.users as number | undefined) ?? 1000,
      signal: stopper.signal, progress: (label, done) => counts.set(label, done),
    }).catch((error) => console.error(`producers: ${(error as Error).message}`));
  if (!args.flags['no-produce']) console.log(`producing at ${rate}/s per generator (Ctrl-C stops)`);

  let last = { at: Date.now(), counts: new Map<string, number>() };
  const status = setInterval(() => {
    const now = Date.now();
    const parts = [...counts].map(([label, done]) => {
      const perSecond = ((done - (last.counts.get(label) ?? 0)) * 1000) / (now - last.at);
      return `${label} ${done} (${perSecond.toFixed(0)}/s)`;
    });
    last = { at: now, counts: new Map(counts) };
    if (scenario.name === DEFAULT_SCENARIO) {
      const snapshot = stack.dashboard.snapshot() as { headline?: { totalViews?: number } };
      parts.push(`views counted in Pinot ${snapshot.headline?.totalViews ?? 0}`);
    }
    parts.push(`rss ${Math.round(process.memoryUsage().rss / 1048576)} MB`);
    const line = parts.join(', ');
    process.stdout.write(process.stdout.isTTY ? `\r${line.padEnd(110)}` : `${line}\n`);
  }, 5000);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(status);
    console.log('\nstopping: producers first, then every service...');
    stopper.abort();
    await producing;
    await stack.stop();
    console.log('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  const known = error instanceof CliUsageError || error instanceof ConfigError || error instanceof UnknownScenarioError
    || (error as Error).name === 'MariaDbUnavailableError';
  console.error(`start: ${(error as Error).message}`);
  process.exit(known ? 2 : 1);
});
