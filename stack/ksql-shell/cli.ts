/**
 * `npm run ksql [-- URL]`: a shell for any ksqlDB server's REST API (the embedded stack's, or a real
 * ksqlDB's), like ksqlDB's own CLI: interactive on a terminal, or one-shot with -e / -f (or statements
 * on stdin) for scripts, which exit 1 at the first statement the server refuses.
 */
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../../config/index.ts';
import { ksqlShellConfigFromEnv } from '../../config/ksql-shell.ts';
import { redactEnv } from '../../config/redact.ts';
import { CliUsageError, parseCliArgs } from '../../embedded/common/cli/args.ts';
import { runCli } from '../../embedded/common/cli/runner.ts';
import { ShellHistory } from './history.ts';
import { runInteractive } from './repl.ts';
import { KsqlRestClient } from './rest-client.ts';
import { KsqlShell, problemLine, type Interrupts, type ShellOutput } from './shell.ts';

const HELP = `Usage: npm run ksql [-- [URL] [-e "STATEMENTS;"] [-f FILE] [options]]

A shell for ksqlDB's REST API, like ksqlDB's CLI, against the embedded stack or any ksqlDB server.
Statements end with ';' and may span several lines; SHOW, LIST and DESCRIBE answers and query rows are
printed as tables; a push query (SELECT ... EMIT CHANGES) prints its rows as they arrive until Ctrl-C,
which ends the query and not the shell. SET 'auto.offset.reset'='earliest'; and UNSET, and variables
(DEFINE page = 'home'; then \${page}), stay in the shell and go with every later statement.
RUN SCRIPT 'file.sql'; runs a file. Type help in the shell for more; the up arrow recalls earlier
statements.

  URL                     ksqlDB's REST URL (default KSQLDB_URL, else http://127.0.0.1:KSQLDB_PORT, port
                          8088); credentials from KSQLDB_BASIC_AUTH_USER / KSQLDB_BASIC_AUTH_PASSWORD or
                          in the URL (http://user:password@host:8088)
  -e, --execute TEXT      run these statements and exit
  -f, --file FILE         run the statements of FILE and exit (statements on stdin work the same way)
  --query-row-limit N     end each query after N rows
  --query-timeout MS      end each query after MS milliseconds
  -h, --help              show this help

With -e, -f or stdin, the statements run in order and the shell exits 0, or 1 at the first one that
fails, printing the server's message. It exits 1 with one line naming the URL when nothing answers
there (start the stack with npm start, or sh init.sh), and 2 on a bad option.

History: KSQL_HISTORY_FILE (default ~/.ksql-shell-history), KSQL_HISTORY_SIZE entries (default 500).`;

/**
 * One Ctrl-C can arrive as two SIGINTs, the terminal's and the one npm or tsx relay to their child;
 * a second within this long of the first belongs to the same key press.
 */
const SAME_KEY_PRESS_MS = 1_000;

/** Ctrl-C as SIGINT: ends what is armed (the running statement or query); with nothing armed, `idle` decides. */
function signalInterrupts(idle: () => void): Interrupts {
  const armed: (() => void)[] = [];
  let lastHandled = 0;
  process.on('SIGINT', () => {
    const handler = armed.at(-1);
    if (!handler) {
      if (Date.now() - lastHandled > SAME_KEY_PRESS_MS) idle();
      return;
    }
    lastHandled = Date.now();
    // the terminal echoed ^C: what the shell prints next starts on a line of its own
    if (process.stdout.isTTY) process.stdout.write('\n');
    handler();
  });
  return {
    during(onInterrupt) {
      armed.push(onInterrupt);
      return () => {
        const i = armed.lastIndexOf(onInterrupt);
        if (i >= 0) armed.splice(i, 1);
      };
    },
  };
}

function terminalOutput(): ShellOutput {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    width: () => process.stdout.columns || Number(process.env.COLUMNS) || 80,
  };
}

/** The server URL and its credentials: the argument (credentials in it allowed) or KSQLDB_URL's. */
function endpointOf(url: string | undefined): ReturnType<typeof loadConfig>['endpoints']['ksqldb'] {
  if (url !== undefined && !/^https?:\/\/[^/\s]/i.test(url)) throw new CliUsageError(`the URL must start with http:// or https://, got "${url}"`);
  return loadConfig(url === undefined ? process.env : { ...process.env, KSQLDB_URL: url }).endpoints.ksqldb;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const args = parseCliArgs(
    process.argv.slice(2),
    {
      execute: 'string',
      file: 'string',
      'query-row-limit': 'int',
      'query-timeout': 'int',
      help: 'boolean',
    },
    { e: 'execute', f: 'file', h: 'help' },
  );
  if (args.flags.help) {
    console.log(HELP);
    return;
  }
  if (args.positional.length > 1) throw new CliUsageError(`unexpected argument "${args.positional[1]}"; give at most one URL; see --help`);
  const execute = args.flags.execute as string | undefined;
  const file = args.flags.file as string | undefined;
  if (execute !== undefined && file !== undefined) throw new CliUsageError('give -e or -f, not both');
  const rowLimit = args.flags['query-row-limit'] as number | undefined;
  if (rowLimit === 0) throw new CliUsageError('--query-row-limit must be at least 1');
  const endpoint = endpointOf(args.positional[0]);
  const shellConfig = ksqlShellConfigFromEnv(process.env);
  const output = terminalOutput();
  const client = new KsqlRestClient(endpoint.url, endpoint.auth);
  const interactive = execute === undefined && file === undefined && process.stdin.isTTY === true;
  const interrupts = signalInterrupts(interactive ? () => undefined : () => process.exit(130));
  const shell = new KsqlShell(client, output, interrupts, { queryRowLimit: rowLimit, queryTimeoutMs: args.flags['query-timeout'] as number | undefined });

  let info;
  try {
    info = await client.serverInfo();
  } catch (error) {
    output.err(`ksql: ${problemLine(error)}`);
    process.exit(1);
  }
  if (!interactive) {
    const text = execute ?? (file !== undefined ? await readScript(file) : await readStdin());
    process.exit((await shell.runText(text)) ? 0 : 1);
  }
  output.out(`ksql shell: ksqlDB ${info.version} at ${endpoint.url} (${info.serverStatus ?? 'status unknown'})`);
  output.out("Statements end with ';' and may span lines. Type 'help' for the shell's commands; Ctrl-D leaves.");
  output.out('');
  const history = ShellHistory.load(shellConfig.historyFile, shellConfig.historySize, output.err);
  await runInteractive(shell, history, output, async () => (await client.serverInfo()).version);
  process.exit(0);
}

async function readScript(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliUsageError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

runCli('ksql', main, redactEnv);
