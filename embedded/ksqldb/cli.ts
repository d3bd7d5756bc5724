/**
 * `npm run ksqldb -- [options]`: the embedded ksqlDB server in the foreground.
 * Statements live in the command topic and operator state in a changelog topic, so a restart resumes.
 */
import { getConfig } from '../../config/index.ts';
import { CliUsageError, parseCliArgs } from '../common/cli/args.ts';
import { runCli, stopOnSignals } from '../common/cli/runner.ts';
import { startKsqlDb } from './index.ts';

const HELP = `Embedded ksqlDB server: ksqlDB's REST API (/info, /healthcheck, /status, /ksql, /query,
/query-stream, /close-query) over persistent queries that read and write Kafka through kafkajs.

Usage: npm run ksqldb -- [options]

Options:
  --port <port>             REST port (default: $KSQLDB_PORT or 8088; 0 = any free port)
  --host <address>          bind address (default: $BIND_HOST or 127.0.0.1)
  --bootstrap <host:port,…> Kafka brokers (default: $KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092-9094), a
                            PLAINTEXT listener (no TLS or SASL yet)
  --service-id <id>         ksql.service.id: names the command topic, changelog and consumer group
                            (default: default_)
  --earliest                ksql.streams.auto.offset.reset=earliest for every query (default latest;
                            a request can set it in streamsProperties)
  -q, --quiet               no log lines, only the ready line
  -h, --help                show this help

Try:  curl -s -X POST http://127.0.0.1:8088/ksql -H 'Content-Type: application/vnd.ksql.v1+json' -d '{"ksql":"SHOW STREAMS;"}'
Requests must name the server by localhost, an IP address, the bind host or a name in $ALLOWED_HOSTS
(comma-separated), and browser pages of other origins may not change data unless $ALLOWED_ORIGINS lists them.
Ctrl-C stops cleanly (outputs, state changes and offsets are written first).`;

async function main(): Promise<void> {
  const args = parseCliArgs(
    process.argv.slice(2),
    {
      port: 'port',
      host: 'string',
      bootstrap: 'string',
      'service-id': 'string',
      earliest: 'boolean',
      quiet: 'boolean',
      help: 'boolean',
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
  if (config.kafka.security.protocol !== 'PLAINTEXT') {
    // Its fetches go over connections of its own (embedded/kafka-client/broker-connection.ts), which speak neither TLS nor SASL.
    throw new CliUsageError(
      `KAFKA_SECURITY_PROTOCOL is ${config.kafka.security.protocol}, but the embedded ksqlDB reads Kafka over PLAINTEXT only (no TLS or SASL yet); give it a PLAINTEXT listener with --bootstrap and unset KAFKA_SECURITY_PROTOCOL`,
    );
  }
  const bootstrap = (args.flags.bootstrap as string | undefined) ?? config.kafka.bootstrap.join(',');
  const quiet = args.flags.quiet === true;
  const handle = await startKsqlDb({
    port: port ?? config.ports.ksqldb,
    host: (args.flags.host as string | undefined) ?? config.bindHost,
    bootstrap,
    serviceId: args.flags['service-id'] as string | undefined,
    allowedHosts: config.http.allowedHosts,
    allowedOrigins: config.http.allowedOrigins,
    properties: args.flags.earliest ? { 'ksql.streams.auto.offset.reset': 'earliest' } : {},
    log: quiet ? () => {} : (line) => console.error(`[ksqldb] ${line}`),
  });
  const ms = handle.engine.metastore;
  console.log(
    `[ksqldb] ksqlDB REST API ready at ${handle.url} (Kafka ${bootstrap}); ${ms.sources.size} source(s), ${ms.queries.size} persistent quer(ies) restored`,
  );
  stopOnSignals('ksqldb', () => handle.stop(), 'stopping (flushing outputs, state and offsets)');
}

runCli('ksqldb', main);
