/**
 * `npm run kafka -- [--data-dir DIR] [--brokers N] [--port FIRST_PORT]`: runs the embedded cluster
 * in the foreground until Ctrl-C. `npm run kafka -- stop-broker N | start-broker N | brokers` drives a
 * cluster running in another process (npm start's, or another npm run kafka) through its control socket.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../config/index.ts';
import { parseCliArgs, CliUsageError } from '../common/cli/args.ts';
import { runCli, stopOnSignals } from '../common/cli/runner.ts';
import { controlSocketPath, openControlSocket, sendControlCommand, type ControlAnswer, type ControlCommand } from './control-socket.ts';
import { startKafkaCluster } from './index.ts';

const HELP = `Usage: npm run kafka -- [options]

Runs an embedded Kafka cluster (Kafka wire protocol, usable by kafkajs, kcat and other clients).

       npm run kafka -- stop-broker N | start-broker N | brokers [--data-dir DIR]

The second form drives a cluster running in another process (the embedded stack of npm start, or
npm run kafka) as \`docker stop kafka2\` does on the compose stack: stop-broker N stops broker N (its
partitions' leadership moves to in-sync replicas; clients with acks=all go on), start-broker N starts it
again (it catches up and rejoins the ISR), brokers lists them with the partitions each leads. It finds
the cluster through the control socket in its data directory: DATA_DIR/<SCENARIO or pageview>/kafka,
then DATA_DIR/kafka, or --data-dir.

Options:
  --data-dir DIR     where brokers keep their logs (default: $DATA_DIR/kafka, i.e. .data/kafka)
  --brokers N        number of brokers, node ids 1..N (default: KAFKA_BROKERS or 3)
  --port PORT        port of broker 1; broker i listens on PORT+i-1 (default: KAFKA_PORT or 9092)
  --partitions N     default partitions of auto-created topics (default: KAFKA_PARTITIONS or 5)
  --verbose          log one line per notable event (problems are always logged)
  -h, --help         show this help

Then, for example:  kcat -b 127.0.0.1:9092 -L`;

async function main(): Promise<void> {
  const args = parseCliArgs(
    process.argv.slice(2),
    {
      'data-dir': 'string',
      brokers: 'int',
      port: 'port',
      partitions: 'int',
      verbose: 'boolean',
      help: 'boolean',
    },
    { h: 'help' },
  );
  if (args.flags.help) {
    console.log(HELP);
    return;
  }
  if (args.positional.length > 0) {
    await control(args.positional, args.flags['data-dir'] as string | undefined);
    return;
  }
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
    problemLog: (line) => console.log(`[kafka] ${line}`),
  });
  const controlSocket = await openControlSocket(cluster, dataDir, (line) => console.log(`[kafka] ${line}`));
  console.log(`embedded Kafka: ${brokers} broker(s) up in ${Date.now() - started} ms, data in ${dataDir}`);
  console.log(`bootstrap: ${cluster.bootstrap()}`);
  console.log('Ctrl-C to stop');
  stopOnSignals('kafka', async () => {
    await controlSocket.close();
    await cluster.stop();
  });
}

/** stop-broker N / start-broker N / brokers against the cluster whose control socket is found. */
async function control(positional: string[], dataDir: string | undefined): Promise<void> {
  const [name, id, extra] = positional;
  let command: ControlCommand;
  if (name === 'brokers' && id === undefined) command = { command: 'brokers' };
  else if ((name === 'stop-broker' || name === 'start-broker') && id !== undefined && /^\d+$/.test(id) && extra === undefined) {
    command = { command: name, broker: Number(id) };
  } else {
    throw new CliUsageError(`unexpected arguments "${positional.join(' ')}"; commands: stop-broker N, start-broker N, brokers (see --help)`);
  }
  const config = loadConfig();
  const candidates =
    dataDir !== undefined
      ? [path.resolve(dataDir)]
      : [path.resolve(config.dataDir, process.env.SCENARIO?.trim() || 'pageview', 'kafka'), path.resolve(config.dataDir, 'kafka')];
  const socket = candidates.map(controlSocketPath).find((p) => fs.existsSync(p));
  if (!socket) {
    throw new Error(
      `no running embedded Kafka found (no control socket in ${candidates.join(' or ')}); start the stack (npm start) or name its Kafka data directory with --data-dir`,
    );
  }
  let answer: ControlAnswer;
  try {
    answer = await sendControlCommand(socket, command);
  } catch (error) {
    throw new Error(`the cluster of ${path.dirname(socket)} does not answer (${(error as Error).message}); is it still running?`);
  }
  if (!answer.ok) throw new CliUsageError(answer.error ?? 'refused');
  if (command.command !== 'brokers') console.log(`broker ${command.broker} ${command.command === 'stop-broker' ? 'stopped' : 'started'}`);
  for (const b of answer.brokers ?? []) {
    console.log(`  broker ${b.id}  port ${b.port}  ${b.online ? 'up  ' : 'down'}  leader of ${b.leaderOf} partition(s)`);
  }
  if (answer.offline) console.log(`  ${answer.offline} partition(s) have no in-sync replica online to lead them`);
}

runCli('kafka', main);
