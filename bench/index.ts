/** `npm run bench -- <suite> [--messages N]`: side-by-side benchmarks, printed as ratios measured in one run. */
import { parseCliArgs, CliUsageError } from '../stack/cli-args.ts';
import { benchConnect } from '../embedded/connect/bench.ts';
import { benchKafka } from './kafka.ts';
import { benchKafkaSideBySide } from './kafka-reference.ts';

const SUITES: Record<string, (n: number | undefined) => Promise<unknown>> = {
  kafka: (n) => benchKafka(n ?? 1_000_000),
  'kafka-reference': (n) => benchKafkaSideBySide(n ?? 200_000),
  connect: (n) => benchConnect(n ?? 1_000_000),
};

const HELP = `Usage: npm run bench -- <suite...> [--messages N]

Suites: ${Object.keys(SUITES).join(', ')}, all
  kafka   1M 100-byte messages through the embedded cluster with kcat and kafkajs,
          as a share of a raw loopback TCP copy of the same bytes (aim: kcat produce >= 30%, consume >= 50%)
  kafka-reference   the same clients against real Apache Kafka 4.x (fetched with mvn) and ours, side by side
  connect           rows/s from a MySQL table to topic3_Users through the JDBC source, vs a plain mysql2 SELECT

Options:
  --messages N   messages per run (default 1000000)
  -h, --help     show this help`;

async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2), { messages: 'int', help: 'boolean' }, { h: 'help' });
  if (args.flags.help) {
    console.log(HELP);
    return;
  }
  const names = args.positional.length === 0 || args.positional.includes('all') ? Object.keys(SUITES).filter((n) => n !== 'kafka-reference') : args.positional;
  for (const name of names) {
    if (!SUITES[name]) throw new CliUsageError(`unknown suite "${name}"; choose from ${Object.keys(SUITES).join(', ')}, all`);
  }
  for (const name of names) await SUITES[name](args.flags.messages as number | undefined);
}

main().catch((error) => {
  console.error(`bench: ${(error as Error).message}`);
  process.exit(error instanceof CliUsageError ? 2 : 1);
});
