/**
 * `npm run connect:reference -- --bootstrap HOST:PORT [--port PORT]`: fetches a real Kafka Connect worker and
 * Debezium's MySQL connector with Maven (cached in .reference/connect) and runs a distributed worker in the
 * foreground until Ctrl-C. A test reference only; the product never needs it.
 */
import path from 'node:path';
import { parseCliArgs, CliUsageError } from '../../embedded/common/cli/args.ts';
import { runCli, stopOnSignals } from '../../embedded/common/cli/runner.ts';
import { referencePrelude } from '../cli-prelude.ts';
import {
  fetchReferenceConnect,
  referenceConnectVersion,
  referenceDebeziumVersion,
  referencePluginPath,
  referenceWorkerLibDir,
  REFERENCE_CDC_CLASS,
  startReferenceConnect,
} from './index.ts';

const HELP = `Usage: npm run connect:reference -- --bootstrap HOST:PORT [options]

Runs a REAL Apache Kafka Connect ${referenceConnectVersion()} distributed worker with Debezium ${referenceDebeziumVersion()}'s
${REFERENCE_CDC_CLASS} as its plugin, on 127.0.0.1, to compare our embedded Connect with
(npm run conformance). The jars are fetched once with Maven into
  ${path.relative(process.cwd(), referenceWorkerLibDir())}
  ${path.relative(process.cwd(), referencePluginPath())}

Options:
  --bootstrap SERVERS  Kafka to use (required unless --fetch-only), e.g. 127.0.0.1:9092; a real one:
                       npm run kafka:reference
  --port PORT          REST port (default 0: a free port; the URL is printed)
  --group-id ID        group.id, also the prefix of its config/offset/status topics (default reference-connect)
  --data-dir DIR       where the worker keeps its properties and log (default: a temp dir, removed on stop)
  --heap-mb MB         max JVM heap (default 384)
  --fetch-only         only fetch the jars, then exit
  -h, --help           show this help

Then, for example:  curl http://127.0.0.1:PORT/connector-plugins`;

async function main(): Promise<void> {
  const args = parseCliArgs(
    process.argv.slice(2),
    {
      bootstrap: 'string',
      port: 'port',
      'group-id': 'string',
      'data-dir': 'string',
      'heap-mb': 'int',
      'fetch-only': 'boolean',
      help: 'boolean',
    },
    { h: 'help' },
  );
  const log = await referencePrelude('connect-reference', HELP, args, async (log) => {
    const fetched = await fetchReferenceConnect(log);
    return `worker in ${fetched.workerLib}, plugins in ${fetched.pluginPath}`;
  });
  if (!log) return;
  const bootstrap = args.flags.bootstrap as string | undefined;
  if (!bootstrap) throw new CliUsageError('--bootstrap is required (a Kafka to run against, e.g. one started by npm run kafka:reference); see --help');
  const dataDir = args.flags['data-dir'] as string | undefined;
  const worker = await startReferenceConnect({
    bootstrap,
    port: (args.flags.port as number | undefined) ?? 0,
    groupId: args.flags['group-id'] as string | undefined,
    dataDir: dataDir === undefined ? undefined : path.resolve(dataDir),
    heapMb: args.flags['heap-mb'] as number | undefined,
    log,
  });
  console.log(
    `Kafka Connect ${worker.connectVersion} + Debezium ${worker.debeziumVersion}: up in ${worker.startupMs} ms (pid ${worker.pid}, log ${worker.logFile})`,
  );
  console.log(`REST: ${worker.url}`);
  console.log('Ctrl-C to stop');
  stopOnSignals('connect-reference', () => worker.stop());
}

runCli('connect-reference', main);
