/**
 * `npm run kafka:reference -- [--brokers N] [--port FIRST_PORT] [--data-dir DIR] [--heap-mb MB]`:
 * fetches Apache Kafka 4.x with Maven (cached in .reference/kafka), formats KRaft storage and runs a real
 * cluster of combined broker+controller nodes in the foreground until Ctrl-C. A test and benchmark
 * reference only; the product never needs it.
 */
import path from 'node:path';
import { parseCliArgs, CliUsageError } from '../embedded/common/cli/args.ts';
import { runCli, stopOnSignals } from '../embedded/common/cli/runner.ts';
import { referencePrelude } from './cli-prelude.ts';
import { fetchReferenceKafka, referenceKafkaVersion, referenceLibDir, startReferenceKafka } from './index.ts';

const HELP = `Usage: npm run kafka:reference -- [options]

Runs REAL Apache Kafka ${referenceKafkaVersion()} (KRaft, each node both broker and controller) on loopback,
to compare the embedded broker with (npm run conformance, bench/kafka-reference.ts).
The jars are fetched once with Maven into ${path.relative(process.cwd(), referenceLibDir())}.

Options:
  --brokers N        number of nodes, ids 1..N (default 1; use 1 or 3)
  --port PORT        client port of node 1; node i listens on PORT+i-1 and its controller on PORT+100+i-1
                     (default 0: free ports)
  --data-dir DIR     where the nodes keep their data (default: a temp dir, removed on stop)
  --heap-mb MB       max JVM heap per node (default 384)
  --sasl-user U:P    also listen with SASL_PLAINTEXT (mechanism PLAIN) on PORT+200+i-1 and accept user U
                     with password P (repeatable as U1:P1,U2:P2); PLAINTEXT stays for the brokers
  --fetch-only       only fetch the jars, then exit
  -h, --help         show this help

Then, for example:  kcat -b 127.0.0.1:PORT -L`;

/** "alice:secret,bob:pw" -> { alice: 'secret', bob: 'pw' }. */
function saslUsersFlag(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  const users: Record<string, string> = {};
  for (const entry of text.split(',')) {
    const colon = entry.indexOf(':');
    if (colon <= 0 || colon === entry.length - 1) throw new CliUsageError(`--sasl-user must be NAME:PASSWORD[,NAME:PASSWORD…], got an entry without both`);
    users[entry.slice(0, colon)] = entry.slice(colon + 1);
  }
  return users;
}

async function main(): Promise<void> {
  const args = parseCliArgs(
    process.argv.slice(2),
    {
      brokers: 'int',
      port: 'port',
      'data-dir': 'string',
      'heap-mb': 'int',
      'sasl-user': 'string',
      'fetch-only': 'boolean',
      help: 'boolean',
    },
    { h: 'help' },
  );
  const log = await referencePrelude('kafka-reference', HELP, args, async (log) => `jars in ${await fetchReferenceKafka(log)}`);
  if (!log) return;
  const brokers = (args.flags.brokers as number | undefined) ?? 1;
  if (brokers < 1) throw new CliUsageError('--brokers must be at least 1');
  const dataDir = args.flags['data-dir'] as string | undefined;
  const saslUsers = saslUsersFlag(args.flags['sasl-user'] as string | undefined);
  const cluster = await startReferenceKafka({
    brokers,
    firstPort: (args.flags.port as number | undefined) ?? 0,
    dataDir: dataDir === undefined ? undefined : path.resolve(dataDir),
    heapMb: args.flags['heap-mb'] as number | undefined,
    ...(saslUsers ? { saslPlainUsers: saslUsers } : {}),
    log,
  });
  console.log(`reference Kafka ${cluster.version}: ${brokers} node(s) up in ${cluster.startupMs} ms, data in ${cluster.dataDir}`);
  for (const node of cluster.nodes)
    console.log(`  node ${node.id}: 127.0.0.1:${node.port} (controller ${node.controllerPort}, pid ${node.pid}, log ${node.logFile})`);
  console.log(`bootstrap: ${cluster.bootstrap}`);
  if (cluster.saslBootstrap) console.log(`SASL_PLAINTEXT (PLAIN) bootstrap: ${cluster.saslBootstrap}`);
  console.log('Ctrl-C to stop');
  stopOnSignals('kafka-reference', () => cluster.stop());
}

runCli('kafka-reference', main);
