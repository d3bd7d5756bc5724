/**
 * `npm run connect -- [options]`: the embedded Kafka Connect worker in the foreground.
 * State lives in Kafka (connect-configs / connect-offsets / connect-status), so a restart resumes.
 */
import { getConfig } from '../../config/index.ts';
import { kafkaSecuritySettings } from '../../config/kafka-client.ts';
import { CliUsageError, parseCliArgs } from '../common/cli/args.ts';
import { runCli, stopOnSignals } from '../common/cli/runner.ts';
import { startConnect } from './index.ts';

const HELP = `Embedded Kafka Connect worker: Connect's REST API and the JDBC source connector (MySQL/MariaDB via mysql2).

Usage: npm run connect -- [options]

Options:
  --port <port>             REST port (default: $CONNECT_PORT or 8083; 0 = any free port)
  --host <address>          bind address (default: $BIND_HOST or 127.0.0.1)
  --bootstrap <host:port,…> Kafka brokers (default: $KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092-9094); TLS and
                            SASL from $KAFKA_SECURITY_PROTOCOL, $KAFKA_SASL_*, $KAFKA_SSL_* (see the README's
                            external mode)
  --data-dir <dir>          accepted for symmetry with the other servers; unused: the worker keeps its
                            state in Kafka (connect-configs, connect-offsets, connect-status)
  --offset-flush-ms <ms>    how often source offsets are committed (default 1000)
  --config-topic <name>     the worker's config topic (Connect's config.storage.topic; default connect-configs)
  --offset-topic <name>     its offsets topic (offset.storage.topic; default connect-offsets)
  --status-topic <name>     its status topic (status.storage.topic; default connect-status)
  -q, --quiet               no log lines, only the ready line
  -h, --help                show this help

Create the project's connector with:
  curl -X POST -H 'Content-Type: application/json' --data @config/connector-config.json http://127.0.0.1:8083/connectors
Requests must name the server by localhost, an IP address, the bind host or a name in $ALLOWED_HOSTS
(comma-separated), and browser pages of other origins may not change data unless $ALLOWED_ORIGINS lists them.
Ctrl-C stops cleanly (in-flight records are written and their offsets committed).`;

async function main(): Promise<void> {
  const args = parseCliArgs(
    process.argv.slice(2),
    {
      port: 'port',
      host: 'string',
      bootstrap: 'string',
      'data-dir': 'string',
      'offset-flush-ms': 'int',
      quiet: 'boolean',
      help: 'boolean',
      'config-topic': 'string',
      'offset-topic': 'string',
      'status-topic': 'string',
    },
    { h: 'help', q: 'quiet' },
  );
  if (args.flags.help) {
    console.log(HELP);
    return;
  }
  if (args.positional.length > 0) throw new CliUsageError(`unexpected argument "${args.positional[0]}"; see --help`);
  const port = args.flags.port as number | undefined;
  const config = getConfig();
  const bootstrap = (args.flags.bootstrap as string | undefined) ?? config.kafka.bootstrap.join(',');
  const quiet = args.flags.quiet === true;
  const handle = await startConnect({
    port: port ?? config.ports.connect,
    host: (args.flags.host as string | undefined) ?? config.bindHost,
    bootstrap,
    kafkaSecurity: kafkaSecuritySettings(config.kafka.security),
    allowedHosts: config.http.allowedHosts,
    allowedOrigins: config.http.allowedOrigins,
    ...(args.flags['offset-flush-ms'] !== undefined ? { offsetFlushIntervalMs: args.flags['offset-flush-ms'] as number } : {}),
    topics: {
      ...(args.flags['config-topic'] !== undefined ? { configs: args.flags['config-topic'] as string } : {}),
      ...(args.flags['offset-topic'] !== undefined ? { offsets: args.flags['offset-topic'] as string } : {}),
      ...(args.flags['status-topic'] !== undefined ? { status: args.flags['status-topic'] as string } : {}),
    },
    log: quiet ? () => {} : (line) => console.error(`[connect] ${line}`),
  });
  console.log(
    `[connect] Kafka Connect REST API ready at ${handle.url} (Kafka ${bootstrap}, ${config.kafka.security.protocol}); ${handle.herder.connectors().length} connector(s) restored`,
  );
  stopOnSignals('connect', () => handle.stop(), 'stopping (committing offsets)');
}

runCli('connect', main);
