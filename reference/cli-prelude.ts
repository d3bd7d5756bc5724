/**
 * What every reference launcher's command line does first (Kafka, Pinot, Connect, Kafka Streams): --help,
 * no positional argument, its log prefix, and --fetch-only (fetch or build into .reference/, say where, exit).
 */
import { CliUsageError, type ParsedArgs } from '../embedded/common/cli/args.ts';

/** The launcher's log, or undefined when the command is done (--help or --fetch-only). */
export async function referencePrelude(
  name: string,
  help: string,
  args: ParsedArgs,
  fetchOnly: (log: (line: string) => void) => Promise<string>,
): Promise<((line: string) => void) | undefined> {
  if (args.flags.help) {
    console.log(help);
    return undefined;
  }
  if (args.positional.length > 0) throw new CliUsageError(`unexpected argument "${args.positional[0]}"; see --help`);
  const log = (line: string) => console.log(`[${name}] ${line}`);
  if (args.flags['fetch-only']) {
    log(await fetchOnly(log));
    return undefined;
  }
  return log;
}
