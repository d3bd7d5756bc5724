/**
 * `npm run kafka -- [--data-dir DIR] [--brokers N] [--port FIRST_PORT]`: runs the embedded cluster
 * in the foreground until Ctrl-C.
 */
import path from 'node:path';
import { ConfigError, loadConfig } from '../../config/index.ts';
import { parseCliArgs, CliUsageError } from '../../stack/cli-args.ts';
import { startKafkaCluster } from './index.ts';

const HELP = `Usage: npm run kafka -- [options]

Runs an embedded Kafka cluster (Kafka wire protocol, usable by kafkajs, kcat and other clients).

Options:
  --data-dir DIR     where brokers keep their logs (default: $DATA_DIR/kafka, i.e. .data/kafka)
  --brokers N        number of brokers, node ids 1..N (default: KAFKA_BROKERS or 3)
  --port PORT        port of broker 1; broker i listens on PORT+i-1 (default: KAFKA_PORT or 9092)
  --partitions N     default partitions of auto-created topics (default: KAFKA_PARTITIONS or 5)
  --verbose          log one line per notable event
  -h, --help         show this help

Then, for example:  kcat -b 127.0.0.1:9092 -L`;

async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2), {
    'data-dir': 'string', brokers: 'int', port: 'port', partitions: 'int', verbose: 'boolean', help: 'boolean',
  }, { h: 'help' });
  if (args.flags.help) {
    console.log(HELP);
    return;
  }
  if (args.positional.length > 0) throw new CliUsageError(`unexpected argument "${args.positional[0]}"; see --help`);
  const config = loadConfig();
  const brokers = (args.flags.brokers as number | undefined) ?? config.kafka.brokerCount;
  const dataDir = path.resolve((args.flags['data-dir'] as string | undefined) ?? path.join(config.dataDir, 'kafka'));
  const started = Date.now();
  const cluster = await startKafkaCluster({
    dataDir,
    brokers,
    firstPort: (args.flags.port as number | undefined) ?? config.kafka.firstPort,
    host: config.bindHost,
    defaultPartitions: (args.flags.partitions as number | undefined) ?? config.kafka.partitions,
    defaultReplicationFactor: Math.min(config.kafka.replicationFactor, brokers),
    minInsyncReplicas: Math.min(config.kafka.minInsyncReplicas, brokers),
    ...config.kafka.limits,
    log: args.flags.verbose ? (line) => console.log(`[kafka] ${line}`) : undefined,
  });
  console.log(`embedded Kafka: ${brokers} broker(s) up in ${Date.now() - started} ms, data in ${dataDir}`);
  console.log(`bootstrap: ${cluster.bootstrap()}`);
  console.log('Ctrl-C to stop');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping...');
    await cluster.stop();
    console.log('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  if (error instanceof CliUsageError || error instanceof ConfigError) {
    console.error(`kafka: ${error.message}`);
    process.exit(2);
  }
  console.error(`kafka: ${(error as Error).message}`);
  process.exit(1);
});
