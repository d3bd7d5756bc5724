/**
 * `npm run streams:reference -- --bootstrap HOST:PORT`: builds the Kafka Streams reference of the ksql/
 * statements with Maven (cached in .reference/streams) and runs it in the foreground until Ctrl-C. Topic
 * names, partitions and window lengths come from config/ (and its environment overrides). A test and
 * benchmark reference only; the product never needs it.
 */
import path from 'node:path';
import { loadConfig } from '../../config/index.ts';
import { parseCliArgs, CliUsageError } from '../../embedded/common/cli/args.ts';
import { runCli, stopOnSignals } from '../../embedded/common/cli/runner.ts';
import { referencePrelude } from '../cli-prelude.ts';
import { referenceKafkaVersion } from '../index.ts';
import { buildReferenceStreams, referenceStreamsDir, startReferenceStreams } from './index.ts';

const HELP = `Usage: npm run streams:reference -- --bootstrap HOST:PORT [options]

Runs the Kafka Streams ${referenceKafkaVersion()} application that computes what ksql/ computes (CLEANED_USERS,
PAGEVIEW_COUNTRY, tumbling, hopping and session counts per source) on the topics named in config/,
to compare our ksqlDB engine with (npm run bench -- ksql-reference, test/e2e-reference/streams-reference.e2e.ts).
Built once with Maven into ${path.relative(process.cwd(), referenceStreamsDir())}.

Options:
  --bootstrap SERVERS      Kafka to use (required unless --fetch-only), e.g. one started by npm run kafka:reference
  --application-id ID      the Streams application.id (default: a fresh pageview-streams-<random>)
  --commit-interval-ms MS  commit.interval.ms (default 2000, ksqlDB's)
  --cache-bytes N          statestore.cache.max.bytes (default 10485760, ksqlDB's)
  --threads N              num.stream.threads (default 1)
  --heap-mb MB             max JVM heap (default 512)
  --fetch-only             only build the application (fetching its jars), then exit
  -h, --help               show this help`;

async function main(): Promise<void> {
  const args = parseCliArgs(
    process.argv.slice(2),
    {
      bootstrap: 'string',
      'application-id': 'string',
      'commit-interval-ms': 'int',
      'cache-bytes': 'int',
      threads: 'int',
      'heap-mb': 'int',
      'fetch-only': 'boolean',
      help: 'boolean',
    },
    { h: 'help' },
  );
  const log = await referencePrelude('streams-reference', HELP, args, async (log) => `built in ${await buildReferenceStreams(log)}`);
  if (!log) return;
  const bootstrap = args.flags.bootstrap as string | undefined;
  if (!bootstrap) throw new CliUsageError('--bootstrap is required (a Kafka to run against, e.g. one started by npm run kafka:reference); see --help');
  const app = await startReferenceStreams({
    bootstrap,
    config: loadConfig(),
    applicationId: args.flags['application-id'] as string | undefined,
    commitIntervalMs: args.flags['commit-interval-ms'] as number | undefined,
    cacheBytes: args.flags['cache-bytes'] as number | undefined,
    threads: args.flags.threads as number | undefined,
    heapMb: args.flags['heap-mb'] as number | undefined,
    log,
  });
  console.log(`Kafka Streams reference running (pid ${app.pid}, application.id ${app.applicationId}, log ${app.logFile})`);
  console.log('Ctrl-C to stop');
  stopOnSignals('streams-reference', () => app.stop());
}

runCli('streams-reference', main);
