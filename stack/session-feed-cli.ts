/**
 * `npm run session-feed -- [--scenario NAME] [--bootstrap HOST:PORT,...]`: runs a scenario's session
 * feeds (pinot/session-feed.ts) against any Kafka: the `session-feed` service of docker-compose.yml,
 * or by hand next to clusters of your own. The embedded stack runs them itself.
 */
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../config/index.ts';
import { startSessionFeeds } from '../pinot/session-feed.ts';
import { DEFAULT_SCENARIO, chosenScenarioName, getScenario, scenarioNames } from '../scenarios/index.ts';
import { CliUsageError, parseCliArgs } from '../embedded/common/cli/args.ts';
import { runCli, stopOnSignals } from '../embedded/common/cli/runner.ts';
import { redactEnv } from '../config/redact.ts';

const HELP = `Usage: npm run session-feed -- [--scenario NAME] [--bootstrap HOST:PORT,...]

Copies each session-windowed ksqlDB table of the scenario (PageView: topic8) to the topic its Pinot
table reads (topic8_pinot), turning every session ksqlDB deletes (a tombstone: merged into another
session or moved by a late event) into a row that Pinot's upsert deletes. Without it, Pinot keeps
merged-away sessions. Resumes from its consumer group's offsets; Ctrl-C stops.

  --scenario NAME        the pipeline: ${scenarioNames().join(', ')} (default ${DEFAULT_SCENARIO}, or SCENARIO)
  --bootstrap LIST       Kafka brokers (default KAFKA_BOOTSTRAP_SERVERS, or 127.0.0.1:9092-9094; TLS and
                         SASL from KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_SSL_*)
  --status-file PATH     write the feeds' counts there as JSON every 10 s (a health check reads its age)
  -h, --help             show this help`;

runCli(
  'session-feed',
  async () => {
    const args = parseCliArgs(process.argv.slice(2), { scenario: 'string', bootstrap: 'string', 'status-file': 'string', help: 'boolean' }, { h: 'help' });
    if (args.flags.help) {
      console.log(HELP);
      return;
    }
    if (args.positional.length > 0) throw new CliUsageError(`unexpected argument "${args.positional[0]}"; see --help`);
    const scenario = getScenario(chosenScenarioName(args.flags.scenario as string | undefined));
    const config = loadConfig();
    const brokers =
      (args.flags.bootstrap as string | undefined)
        ?.split(',')
        .map((b) => b.trim())
        .filter(Boolean) ?? config.kafka.bootstrap;
    const security = config.kafka.security;
    const feeds = scenario.sessionFeeds?.(config) ?? [];
    if (feeds.length === 0) {
      console.log(`session-feed: ${scenario.name} has no session-windowed table read by Pinot; nothing to do`);
      return;
    }
    const log = (line: string) => console.log(`[session-feed] ${line}`);
    log(`${scenario.name}: ${feeds.map((f) => `${f.source} -> ${f.target}`).join(', ')} on ${brokers.join(',')}`);
    const running = await startSessionFeeds({ brokers, security, feeds, log }).catch((error: Error) => {
      throw new Error(
        `cannot reach Kafka at ${brokers.join(',')} (${error.message}); start the stack first, or name the brokers with --bootstrap / KAFKA_BOOTSTRAP_SERVERS`,
      );
    });
    const progress = setInterval(() => {
      log(
        running
          .stats()
          .map((s) => `${s.source}: ${s.copied} copied (${s.leftOut} replaced within their batch), ${s.deleted} sessions deleted`)
          .join('; '),
      );
    }, 60_000);
    const statusFile = args.flags['status-file'] as string | undefined;
    const writeStatus = () => {
      if (statusFile) writeFileSync(statusFile, `${JSON.stringify({ at: Date.now(), feeds: running.stats() })}\n`);
    };
    writeStatus();
    const status = setInterval(writeStatus, 10_000);
    stopOnSignals('session-feed', async () => {
      clearInterval(progress);
      clearInterval(status);
      await running.stop();
    });
  },
  (line) => redactEnv(line),
);
