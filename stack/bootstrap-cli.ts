/**
 * `npm run bootstrap -- [--mode docker|embedded] [--scenario NAME] [--urls]`: creates a scenario's
 * topics, MySQL tables, connectors, ksql statements and Pinot tables on a running stack, through
 * public APIs only.
 */
import { ConfigError, loadConfig } from '../config/index.ts';
import { DEFAULT_SCENARIO, chosenScenarioName, getScenario, scenarioNames, UnknownScenarioError } from '../scenarios/index.ts';
import { bootstrap, BootstrapError } from './bootstrap.ts';
import { targetsFor } from './targets.ts';
import { CliUsageError, parseCliArgs } from '../embedded/common/cli/args.ts';
import { waitForHttp } from './http.ts';
import { formatUrls } from './urls.ts';

const HELP = `Usage: npm run bootstrap -- [--mode docker|embedded] [--scenario NAME] [--urls]

Creates, when missing, everything a pipeline needs on a running stack: its Kafka topics, MySQL
tables, connectors, ksql statements and Pinot tables (for the default PageView pipeline: topics
1-8, MySQL demo.Users, the JDBC source connector, ksql/*.sql, the four Pinot tables).
Idempotent: a second run reports each item as already there.

  --mode docker     the stack of docker-compose.yml (connectors and Pinot use in-network hosts)
  --mode embedded   the stack of \`npm start\` (default)
  --scenario NAME   the pipeline: ${scenarioNames().join(', ')} (default ${DEFAULT_SCENARIO}, or SCENARIO)
  --urls            only print the URLs of the stack
  -h, --help        show this help`;

async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2), { mode: 'string', scenario: 'string', urls: 'boolean', help: 'boolean' }, { h: 'help' });
  if (args.flags.help) {
    console.log(HELP);
    return;
  }
  const mode = (args.flags.mode as string | undefined) ?? 'embedded';
  if (mode !== 'docker' && mode !== 'embedded') throw new CliUsageError(`--mode must be docker or embedded, got "${mode}"`);
  const scenario = getScenario(chosenScenarioName(args.flags.scenario as string | undefined));
  const config = loadConfig();
  if (args.flags.urls) {
    console.log(`The stack:\n${formatUrls(config)}`);
    return;
  }
  const targets = targetsFor(mode);
  for (const [name, url] of [['Kafka Connect', targets.connectUrl], ['ksqlDB', `${targets.ksqldbUrl}/info`], ['Pinot controller', `${targets.pinotControllerUrl}/health`]] as const) {
    await waitForHttp(name, url, 300_000, console.log);
  }
  const steps = await bootstrap(config, targets, { scenario, log: console.log });
  const created = steps.filter((s) => s.status === 'created');
  console.log(created.length === 0 ? 'bootstrap: everything was already there; nothing changed' : `bootstrap: created ${created.length} item(s): ${created.map((s) => s.item).join(', ')}`);
}

main().catch((error) => {
  const known = error instanceof CliUsageError || error instanceof ConfigError || error instanceof BootstrapError || error instanceof UnknownScenarioError;
  console.error(`bootstrap: ${(error as Error).message}`);
  process.exit(known ? 2 : 1);
});
