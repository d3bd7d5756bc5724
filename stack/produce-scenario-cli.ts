/**
 * `npm run scenario -- <name> [--mode docker|embedded] [--rate R] [--population N]`: runs a scenario's
 * producers against a running stack until Ctrl-C (what `npm start` does after its bootstrap, for the
 * Docker Compose stack or an embedded stack started with --no-produce). `--list` names the scenarios.
 */
import { DEFAULT_PRODUCER_RATE, loadConfig } from '../config/index.ts';
import { getScenario, scenarioNames } from '../scenarios/index.ts';
import { CliUsageError, parseCliArgs } from '../embedded/common/cli/args.ts';
import { runCli, stopOnSignals } from '../embedded/common/cli/runner.ts';
import { redactEnv } from '../config/redact.ts';
import { STACK_MODES, targetsFromConfig, type StackMode } from './targets.ts';

const HELP = `Usage: npm run scenario -- <name> [--mode embedded|docker|external] [--rate R] [--population N]
       npm run scenario -- --list

Runs the producers of one scenario against a running, bootstrapped stack until Ctrl-C, printing
progress every 5 s. Scenarios: ${scenarioNames().join(', ')}.

  --mode MODE             embedded, docker or external (default embedded, or external when STACK=external;
                          the addresses come from config/: KAFKA_BOOTSTRAP_SERVERS, KAFKA_SECURITY_PROTOCOL, MYSQL_URL…)
  --rate R                events per second per generator (default PRODUCER_RATE, ${DEFAULT_PRODUCER_RATE})
  --population N          size of the reference data: users, hotels... (default 1000)
  --list                  print the scenarios with one line each and exit
  -h, --help              show this help`;

runCli(
  'scenario',
  async () => {
    const args = parseCliArgs(process.argv.slice(2), { mode: 'string', rate: 'number', population: 'int', list: 'boolean', help: 'boolean' }, { h: 'help' });
    if (args.flags.help) {
      console.log(HELP);
      return;
    }
    if (args.flags.list) {
      for (const name of scenarioNames()) console.log(`${name.padEnd(18)} ${getScenario(name).title}`);
      return;
    }
    if (args.positional.length !== 1) throw new CliUsageError(`name one scenario (${scenarioNames().join(', ')}); see --help`);
    const scenario = getScenario(args.positional[0]);
    const config = loadConfig();
    const mode = (args.flags.mode as string | undefined) ?? (config.stack === 'external' ? 'external' : 'embedded');
    if (!(STACK_MODES as readonly string[]).includes(mode)) throw new CliUsageError(`--mode must be ${STACK_MODES.join(', ')}, got "${mode}"`);
    const rate = (args.flags.rate as number | undefined) ?? (config.producer.rate || DEFAULT_PRODUCER_RATE);
    if (!(rate > 0)) throw new CliUsageError(`--rate must be above 0, got ${rate}`);
    const stopper = new AbortController();
    const counts = new Map<string, number>();
    const status = setInterval(() => console.log([...counts].map(([label, n]) => `${label} ${n}`).join(', ') || 'starting…'), 5000);
    stopOnSignals(
      'scenario',
      async () => {
        stopper.abort();
        clearInterval(status);
      },
      'stopping the producers',
    );
    console.log(`${scenario.title}: producing at ${rate}/s per generator into the ${mode} stack (Ctrl-C stops)`);
    await scenario.produce({
      config,
      targets: targetsFromConfig(mode as StackMode, config),
      rate,
      population: (args.flags.population as number | undefined) ?? 1000,
      signal: stopper.signal,
      progress: (label, done) => counts.set(label, done),
    });
    clearInterval(status);
  },
  (line) => redactEnv(line),
);
