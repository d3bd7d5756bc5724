/**
 * `npm run verify`: the current state of the ksqlDB tables that write topics 4-8, read through
 * ksqlDB's REST API with table-scan pull queries, so the same command works on the embedded stack and
 * on real ksqlDB 0.29 (docker mode). Exit 1 naming the table if one is empty, or with one line naming
 * the URL if ksqlDB cannot be reached.
 */
import type { HttpAuth } from '../config/endpoints.ts';
import { ConfigError, loadConfig, type AppConfig } from '../config/index.ts';
import { redactEnv } from '../config/redact.ts';
import { describeStatement, renderedStatements } from '../ksql/statements.ts';
import { CliUsageError, parseCliArgs } from '../embedded/common/cli/args.ts';
import {
  checkReachable,
  describeTable,
  KsqlDbQueryError,
  KsqlDbUnauthorisedError,
  KsqlDbUnreachableError,
  pullTable,
  type PulledTable,
} from './verify-ksqldb.ts';
import { renderView, tableView, type VerifiedSource, type ViewOptions } from './verify-tables.ts';

const HELP = `Usage: npm run verify [-- --url URL] [--rows N] [--windows N] [--wait-ms MS]

Shows the current state of the ksqlDB tables that write topics 4-8, read through ksqlDB's REST API
with table-scan pull queries (SELECT * FROM <table>;), which the embedded ksqlDB and ksqlDB 0.29 both
answer with the table's current rows:

  CLEANED_USERS, PAGEVIEW_COUNTRY         the latest row of each key, sorted by key
  PAGEVIEW_TUMBLING, _HOPPING, _SESSION   the newest windows of each key (source), newest first

Each block is headed by the ksqlDB table (and its window type) and its Kafka topic (names from
config/), then how many rows the table holds: keys, or windows over keys. Times are shown in UTC.
Columns that only repeat another are left out (the GROUP BY key copied with AS_VALUE).

Exits 1 with one line naming the URL if ksqlDB cannot be reached (start the stack with npm start or
sh init.sh), or naming the table if one is still empty when the wait is over; exits 2 on a bad option.

  --url URL      ksqlDB REST URL (default KSQLDB_URL, else http://127.0.0.1:KSQLDB_PORT, port 8088);
                 its credentials come from KSQLDB_BASIC_AUTH_USER / KSQLDB_BASIC_AUTH_PASSWORD (never printed)
  --rows N       rows shown of CLEANED_USERS and PAGEVIEW_COUNTRY (default 10; 0 = counts only)
  --windows N    newest windows shown per key of a windowed table (default 3)
  --wait-ms MS   how long in all to wait for empty tables to fill, e.g. just after start (default 5000)
  -h, --help     show this help`;

/** Per request; a pull query over a large table can take a while on a busy server. */
const REQUEST_TIMEOUT_MS = 30_000;
const RETRY_MS = 500;
const PROGRESS_EVERY_MS = 5_000;

/** The tables of the pipeline's statements that write topics 4-8, in pipeline order. */
export function verifiedSources(config: AppConfig): VerifiedSource[] {
  const topics = [
    config.topics.cleanedUsers,
    config.topics.pageviewCountry,
    config.topics.pageviewTumbling,
    config.topics.pageviewHopping,
    config.topics.pageviewSession,
  ];
  return renderedStatements(config)
    .map((s) => describeStatement(s))
    .filter((d): d is NonNullable<typeof d> => d !== undefined && d.query && topics.includes(d.topic))
    .map((d) => ({ name: d.name, topic: d.topic, statement: d }));
}

/** The one line printed when nothing answers at the URL. */
export function unreachableLine(error: KsqlDbUnreachableError): string {
  return `verify: cannot reach ksqlDB at ${error.url} (${error.reason}); start the stack with \`npm start\` (embedded) or \`sh init.sh\`, or point --url at a running ksqlDB`;
}

/** The one line printed when ksqlDB refuses the credentials. */
export function unauthorisedLine(error: KsqlDbUnauthorisedError): string {
  const sent = error.sentCredentials ? 'the credentials were refused' : 'no credentials were sent';
  return `verify: ksqlDB at ${error.url} answered HTTP ${error.status} (${sent}); set KSQLDB_BASIC_AUTH_USER and KSQLDB_BASIC_AUTH_PASSWORD`;
}

/** Pulls the table until it has rows or `deadline` passes, saying on stderr what it waits for. */
async function pullWhenFilled(url: string, source: VerifiedSource, deadline: number, auth: HttpAuth): Promise<PulledTable> {
  let table = await pullTable(url, source.name, REQUEST_TIMEOUT_MS, auth);
  let nextNote = Date.now();
  while (table.rows.length === 0 && Date.now() < deadline) {
    if (Date.now() >= nextNote) {
      const left = Math.ceil((deadline - Date.now()) / 1000);
      console.error(`verify: ${source.name} (topic ${source.topic}) has no rows yet; waiting up to ${left} s more`);
      nextNote = Date.now() + PROGRESS_EVERY_MS;
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    table = await pullTable(url, source.name, REQUEST_TIMEOUT_MS, auth);
  }
  return table;
}

/** Prints every table's block; returns the problems (empty or refused tables), each naming its table. */
async function verifyTables(url: string, auth: HttpAuth, config: AppConfig, options: ViewOptions, waitMs: number): Promise<string[]> {
  const deadline = Date.now() + waitMs;
  const problems: string[] = [];
  for (const source of verifiedSources(config)) {
    let view;
    try {
      const description = await describeTable(url, source.name, REQUEST_TIMEOUT_MS, auth);
      view = tableView(source, description, await pullWhenFilled(url, source, deadline, auth), options);
    } catch (error) {
      if (!(error instanceof KsqlDbQueryError)) throw error;
      console.error(`verify: ${source.name} (topic ${source.topic}): ksqlDB refused the query: ${error.message}`);
      problems.push(`${source.name} could not be read`);
      continue;
    }
    console.log(`\n${renderView(view)}`);
    if (view.rowCount === 0) {
      console.error(`verify: ${source.name} (topic ${source.topic}) is empty; are the producers running? (npm start, or npm run produce -- all)`);
      problems.push(`${source.name} is empty`);
    }
  }
  return problems;
}

async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2), { url: 'string', rows: 'int', windows: 'int', 'wait-ms': 'int', help: 'boolean' }, { h: 'help' });
  if (args.flags.help) {
    console.log(HELP);
    return;
  }
  if (args.positional.length > 0) throw new CliUsageError(`unexpected argument "${args.positional[0]}"; see --help`);
  const config = loadConfig();
  const url = ((args.flags.url as string | undefined) ?? config.endpoints.ksqldb.url).replace(/\/+$/, '');
  if (/\/\/[^/]*@/.test(url)) throw new CliUsageError('--url must not carry credentials; set KSQLDB_BASIC_AUTH_USER and KSQLDB_BASIC_AUTH_PASSWORD');
  const auth = config.endpoints.ksqldb.auth;
  const options: ViewOptions = { rows: (args.flags.rows as number | undefined) ?? 10, windowsPerKey: (args.flags.windows as number | undefined) ?? 3 };
  const waitMs = (args.flags['wait-ms'] as number | undefined) ?? 5000;
  try {
    await checkReachable(url, REQUEST_TIMEOUT_MS, auth);
    const problems = await verifyTables(url, auth, config, options, waitMs);
    if (problems.length > 0) {
      console.error(`verify: FAILED: ${problems.join('; ')}`);
      process.exit(1);
    }
  } catch (error) {
    if (error instanceof KsqlDbUnauthorisedError) {
      console.error(unauthorisedLine(error));
      process.exit(1);
    }
    if (!(error instanceof KsqlDbUnreachableError)) throw error;
    console.error(unreachableLine(error));
    process.exit(1);
  }
  console.log('\nverify: every table of topics 4-8 has rows');
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
if (isMain) {
  main().catch((error) => {
    console.error(redactEnv(`verify: ${(error as Error).message}`));
    process.exit(error instanceof CliUsageError || error instanceof ConfigError ? 2 : 1);
  });
}
