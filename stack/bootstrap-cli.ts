/**
 * `npm run bootstrap -- [--mode embedded|docker|external] [--scenario NAME] [--urls] [--check]`: creates
 * a scenario's topics, MySQL tables, connectors, ksql statements and Pinot tables on a running stack,
 * through public APIs only. In the external mode every endpoint is checked once first.
 */
import { ConfigError, loadConfig, type AppConfig } from '../config/index.ts';
import { redactEnv, redactor } from '../config/redact.ts';
import { DEFAULT_SCENARIO, chosenScenarioName, getScenario, scenarioNames, UnknownScenarioError } from '../scenarios/index.ts';
import { bootstrap, BootstrapError } from './bootstrap.ts';
import { checkEndpoints, problemLine, waitForEndpoints } from './endpoint-check.ts';
import { STACK_MODES, targetsFromConfig, type StackMode } from './targets.ts';
import { CliUsageError, parseCliArgs } from '../embedded/common/cli/args.ts';
import { waitForHttp } from './http.ts';
import { formatExternalUrls, formatUrls } from './urls.ts';

const HELP = `Usage: npm run bootstrap -- [--mode embedded|docker|external] [--scenario NAME] [--urls] [--check] [--wait SECONDS]

Creates, when missing, everything a pipeline needs on a running stack: its Kafka topics, MySQL
tables, connectors, ksql statements and Pinot tables (for the default PageView pipeline: topics
1-8, MySQL demo.Users, the JDBC source connector, ksql/*.sql, the four Pinot tables).
Idempotent: a second run reports each item as already there.

  --mode embedded   the stack of \`npm start\` (default)
  --mode docker     the stack of docker-compose.yml (connectors and Pinot use in-network hosts)
  --mode external   clusters of your own (default when STACK=external): KAFKA_BOOTSTRAP_SERVERS with
                    KAFKA_SECURITY_PROTOCOL / KAFKA_SASL_* / KAFKA_SSL_*, CONNECT_URL, DEBEZIUM_CONNECT_URL,
                    KSQLDB_URL, PINOT_CONTROLLER_URL, PINOT_BROKER_URL (and their credentials), MYSQL_URL,
                    CONNECT_MYSQL_URL (MySQL as Connect sees it), PINOT_KAFKA_BROKER_LIST (Kafka as Pinot
                    sees it). Every endpoint is checked once first, one line per service that cannot be
                    reached or refuses the credentials; nothing is created then. See the README.
  --scenario NAME   the pipeline: ${scenarioNames().join(', ')} (default ${DEFAULT_SCENARIO}, or SCENARIO)
  --urls            only print the URLs of the stack
  --check           external mode: only check the endpoints (exit 1 if one fails)
  --wait SECONDS    external mode: while services are still starting (nothing listens yet, HTTP 5xx), ask
                    again every 5 s for up to SECONDS, one line per service waited for (default 0: ask once;
                    a refused login stops at once)
  -h, --help        show this help

Passwords and tokens are never printed.`;

function chosenMode(flag: string | undefined, config: AppConfig): StackMode {
  const mode = flag ?? (config.stack === 'external' ? 'external' : 'embedded');
  if (!(STACK_MODES as readonly string[]).includes(mode)) throw new CliUsageError(`--mode must be ${STACK_MODES.join(', ')}, got "${mode}"`);
  return mode as StackMode;
}

async function main(): Promise<void> {
  const args = parseCliArgs(
    process.argv.slice(2),
    { mode: 'string', scenario: 'string', urls: 'boolean', check: 'boolean', wait: 'int', help: 'boolean' },
    { h: 'help' },
  );
  if (args.flags.help) {
    console.log(HELP);
    return;
  }
  const config = loadConfig();
  const mode = chosenMode(args.flags.mode as string | undefined, config);
  const scenario = getScenario(chosenScenarioName(args.flags.scenario as string | undefined));
  if (args.flags.urls) {
    console.log(`The stack:\n${mode === 'external' ? formatExternalUrls(config) : formatUrls(config)}`);
    return;
  }
  const targets = targetsFromConfig(mode, config);
  if (mode === 'external') {
    console.log(`bootstrap: checking the external endpoints (Kafka ${targets.kafkaBootstrap.join(',')}, ${config.kafka.security.protocol})`);
    const waitSeconds = (args.flags.wait as number | undefined) ?? 0;
    if (waitSeconds < 0) throw new CliUsageError(`--wait must be 0 or more seconds, got ${waitSeconds}`);
    const problems =
      waitSeconds > 0
        ? await waitForEndpoints(config, targets, waitSeconds * 1000, (line) => console.log(`bootstrap: ${line}`))
        : await checkEndpoints(config, targets);
    for (const problem of problems) console.error(`bootstrap: ${problemLine(problem)}`);
    if (problems.length > 0) {
      console.error(`bootstrap: ${problems.length} endpoint(s) failed the check; nothing was created`);
      process.exit(1);
    }
    console.log('bootstrap: every endpoint answers and accepts the credentials');
    if (args.flags.check) return;
  } else {
    if (args.flags.check) throw new CliUsageError('--check is for --mode external');
    if (args.flags.wait !== undefined) throw new CliUsageError('--wait is for --mode external (the other modes wait for their servers anyway)');
    for (const [name, url] of [
      ['Kafka Connect', targets.connectUrl],
      ['ksqlDB', `${targets.ksqldbUrl}/info`],
      ['Pinot controller', `${targets.pinotControllerUrl}/health`],
    ] as const) {
      await waitForHttp(name, url, 300_000, console.log);
    }
  }
  // A server's refusal may quote what it was sent (a table config with Pinot's SASL login): redacted.
  const redact = redactor(config);
  const steps = await bootstrap(config, targets, { scenario, log: (line) => console.log(redact(line)) });
  const created = steps.filter((s) => s.status === 'created');
  console.log(
    created.length === 0
      ? 'bootstrap: everything was already there; nothing changed'
      : `bootstrap: created ${created.length} item(s): ${created.map((s) => s.item).join(', ')}`,
  );
}

main().catch((error) => {
  const known = error instanceof CliUsageError || error instanceof ConfigError || error instanceof BootstrapError || error instanceof UnknownScenarioError;
  console.error(redactEnv(`bootstrap: ${(error as Error).message}`));
  process.exit(known ? 2 : 1);
});
