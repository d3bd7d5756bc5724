/**
 * `npm start`: the embedded stack in one process, in the foreground. Checks that every port it needs is
 * free, picks the scenario's data directory (resetting it on --reset), starts every part, bootstraps
 * them for the chosen scenario, prints the URLs, then runs the scenario's producers and a live status
 * line until Ctrl-C.
 */
import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { ConfigError, DEFAULT_DATA_DIR, DEFAULT_PRODUCER_RATE, loadConfig, stackPorts, type AppConfig } from '../config/index.ts';
import { DEFAULT_SCENARIO, chosenScenarioName, getScenario, scenarioNames, UnknownScenarioError } from '../scenarios/index.ts';
import { CliUsageError, parseCliArgs } from '../embedded/common/cli/args.ts';
import { DataDirError, prepareDataDir } from './data-dir.ts';
import type { EmbeddedStack } from './embedded-stack.ts';
import { listenProblem } from './mariadb.ts';
import { StatusLine, type ViewsHeadline } from './status-line.ts';
import { stackResidentBytes } from './resident-memory.ts';
import { startHeapTrim } from './heap-trim.ts';
import { openFileLimitProblem, raiseOpenFileLimit } from './fd-limit.ts';
import { formatUrls } from './urls.ts';

/** Size of the reference data when --users is not given (PageView: users in MySQL). */
const DEFAULT_POPULATION = 1000;
/** What the embedded stack keeps at the top of a data directory (the PageView layout before scenarios had folders). */
const STACK_ENTRIES = ['kafka', 'pinot', 'mysql'];

const HELP = `Usage: npm start [-- options]

Runs a whole analytics pipeline in this process (no Docker, no JVM): MySQL (MYSQL_URL, or
127.0.0.1:3306, or a private mariadbd), 3 Kafka brokers, Kafka Connect, ksqlDB, Pinot and the
dashboard; bootstraps them; then runs the scenario's producers. Ctrl-C stops cleanly; a restart
resumes where it stopped. Every port must be free: the ports are checked first, and a busy one is
named with the variable that moves it (KAFKA_PORT, CONNECT_PORT, KSQLDB_PORT, PINOT_CONTROLLER_PORT,
PINOT_BROKER_PORT, DASHBOARD_PORT).

Data: each scenario keeps its own folder, DATA_DIR/<scenario> (DATA_DIR default ${DEFAULT_DATA_DIR}):
Kafka's logs, Pinot's tables and the private MariaDB's files. A ${DEFAULT_DATA_DIR} from before scenarios
had folders (kafka/, pinot/, mysql/ at its top) stays PageView's until --reset.

Options:
  --scenario NAME the pipeline: ${scenarioNames().join(', ')} (default ${DEFAULT_SCENARIO}, or SCENARIO)
  --users N       size of the reference data (PageView: users in MySQL; default ${DEFAULT_POPULATION}; topped up, never duplicated)
  --rate R        events per second per generator (default PRODUCER_RATE, ${DEFAULT_PRODUCER_RATE})
  --no-produce    start and bootstrap only; produce nothing
  --reset         start over: delete this scenario's data directory first (one line says what and how
                  much); other scenarios' data and a MySQL of MYSQL_URL or on MYSQL_PORT are not touched
  -h, --help      show this help`;

async function main(): Promise<void> {
  const args = parseCliArgs(
    process.argv.slice(2),
    {
      scenario: 'string',
      users: 'int',
      rate: 'number',
      'no-produce': 'boolean',
      reset: 'boolean',
      help: 'boolean',
    },
    { h: 'help' },
  );
  if (args.flags.help) {
    console.log(HELP);
    return;
  }
  if (args.positional.length > 0) throw new CliUsageError(`unexpected argument "${args.positional[0]}"; see --help`);
  const scenario = getScenario(chosenScenarioName(args.flags.scenario as string | undefined));
  const config = loadConfig();
  if (config.stack === 'external') {
    throw new CliUsageError(
      'STACK=external uses clusters of your own and starts no server; run sh init.sh or npm run bootstrap (unset STACK to start the embedded stack)',
    );
  }
  warnOpenFileLimit(config);
  // Before anything is touched (MySQL, the data directory): a second stack fails here, in a moment.
  await checkPortsFree(config);
  // Node's recursive mkdir spins forever under /proc: the data directory is made (or refused) here, once.
  prepareDataDir(config.dataDir);
  const dataDir = chooseDataDir(path.resolve(config.dataDir), scenario.name, args.flags.reset === true);
  prepareDataDir(dataDir, `DATA_DIR=${config.dataDir}`);
  console.log(`starting the embedded stack for ${scenario.title} (data in ${dataDir})...`);
  // Loaded only now: the servers' modules take a few seconds to load, and a failed check needs none of them.
  const { startEmbeddedStack } = await import('./embedded-stack.ts');
  const stack = await startEmbeddedStack({ config, dataDir, scenario, log: (line) => console.log(`  ${line}`) }).catch(async (error: Error) => {
    // A port taken after the check (a race): report it as the check does, with npm start's variables.
    if (/already in use|EADDRINUSE/.test(error.message)) await checkPortsFree(config);
    throw error;
  });
  // the stack's own thread (Kafka, the dashboard) gives its dead objects back as the parts do
  startHeapTrim({ intervalMs: config.memory.heapTrimIntervalMs, slackMb: config.memory.heapTrimSlackMb });
  const created = stack.bootstrapSteps.filter((s) => s.status === 'created').length;
  console.log(created === 0 ? 'bootstrap: everything was already there' : `bootstrap: created ${created} item(s)`);
  const status = new StatusLine();
  // The users already in MySQL, so the line says how many this run added rather than the population.
  if (scenario.name === DEFAULT_SCENARIO) {
    const before = await rowsIn(stack.mysql.url, config.mysql.database, config.mysql.table);
    if (before !== undefined) status.baseline('users', before);
  }
  runUntilStopped(stack, config, status, {
    rate: (args.flags.rate as number | undefined) ?? config.producer.rate,
    population: (args.flags.users as number | undefined) ?? DEFAULT_POPULATION,
    produce: !args.flags['no-produce'],
  });
}

/**
 * Prints "ready", runs the producers and the status line every 5 s until Ctrl-C or SIGTERM, then
 * stops the producers and every service. The signal handlers are in place before "ready" is printed.
 */
function runUntilStopped(stack: EmbeddedStack, config: AppConfig, status: StatusLine, options: { rate: number; population: number; produce: boolean }): void {
  const { scenario } = stack;
  const stopper = new AbortController();
  let producing: Promise<void> = Promise.resolve();
  let ticker: NodeJS.Timeout | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(ticker);
    console.log('\nstopping: producers first, then every service...');
    stopper.abort();
    await producing;
    await stack.stop();
    console.log('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  console.log(`\nready in ${(stack.startedInMs / 1000).toFixed(1)} s:\n${formatUrls(config)}\n`);

  if (options.produce) {
    producing = scenario
      .produce({
        config,
        targets: stack.targets,
        rate: options.rate,
        population: options.population,
        signal: stopper.signal,
        progress: (label, done) => status.report(label, done),
      })
      .catch((error) => console.error(`producers: ${(error as Error).message}`));
    console.log(`producing at ${options.rate}/s per generator (Ctrl-C stops)`);
  }
  const pageview = scenario.name === DEFAULT_SCENARIO;
  let failedLines = 0;
  ticker = setInterval(() => {
    try {
      const snapshot = pageview ? (stack.dashboard.snapshot() as { headline?: ViewsHeadline; updatedAt?: number | null }) : undefined;
      const headline = snapshot ? (snapshot.headline ?? {}) : undefined;
      const line = status.render(Date.now(), {
        headline,
        headlineAt: snapshot?.updatedAt ?? undefined,
        rssBytes: stackResidentBytes([stack.pinot.part.pid()]),
      });
      process.stdout.write(process.stdout.isTTY ? `\r${line.padEnd(110)}` : `${line}\n`);
    } catch (error) {
      // A status line is never worth the stack: say so once a minute at most, keep running.
      if (failedLines++ % 12 === 0) console.error(`\nstatus line skipped: ${(error as Error).message} (the stack keeps running)`);
    }
  }, 5000);
}

/** The soft open-file limit raised to the hard one where Node left it lower, and a line if it is below what the caps allow. */
function warnOpenFileLimit(config: AppConfig): void {
  const { limit, problem } = raiseOpenFileLimit();
  if (problem) console.log(`note: ${problem}`);
  const { maxConnections, maxOpenLogFiles } = config.kafka.limits;
  const low = openFileLimitProblem(limit, config.kafka.brokerCount, maxConnections, maxOpenLogFiles);
  if (low) console.log(`note: ${low}`);
}

class PortsBusyError extends Error {
  override name = 'PortsBusyError';
}

/**
 * Fails with one line per port that cannot be listened on (naming the variable that moves it) when
 * any of the stack's ports is taken: usually another stack is running.
 */
async function checkPortsFree(config: AppConfig): Promise<void> {
  const ports = stackPorts(config);
  const lines: string[] = [];
  const seen = new Map<number, string>();
  for (const p of ports) {
    const other = seen.get(p.port);
    if (other !== undefined && other !== p.variable) lines.push(`${other} and ${p.variable} both give port ${p.port}; give each its own port`);
    seen.set(p.port, p.variable);
  }
  // Each port probed once: two probes of one port at the same time would see each other.
  const unique = [...new Set(ports.map((p) => p.port))];
  const probed = new Map(await Promise.all(unique.map(async (port) => [port, await listenProblem(config.bindHost, port)] as const)));
  const busy = ports.filter((p, i) => probed.get(p.port) !== undefined && ports.findIndex((q) => q.port === p.port) === i);
  for (const p of busy) {
    const problem = probed.get(p.port)!;
    const where = `port ${p.port} on ${config.bindHost} (${p.service})`;
    const fix =
      p.variable === 'KAFKA_PORT'
        ? `set KAFKA_PORT (now ${config.kafka.firstPort}) so that it and the ${config.kafka.brokerCount - 1} port(s) after it are free`
        : `set ${p.variable} to a free port`;
    lines.push(problem === 'EADDRINUSE' ? `${where} is already in use: ${fix}` : `cannot listen on ${where} (${problem}): ${fix}, or check BIND_HOST`);
  }
  if (lines.length === 0) return;
  if (busy.length > 0) {
    lines.push(
      'another stack may already be running (npm start, sh init.sh or docker compose): stop it first, ' +
        'or move this one with the variables above; nothing was started',
    );
  }
  throw new PortsBusyError(lines.join('\n'));
}

/** One scenario's data: the directory the stack uses and the paths --reset deletes. */
interface ScenarioData {
  dir: string;
  paths: string[];
  /** PageView data at the top of DATA_DIR, from before each scenario had its own folder. */
  legacy: boolean;
}

/**
 * The scenario's data directory, after --reset deleted it when asked. PageView data left at the top of
 * DATA_DIR by an earlier version stays PageView's (named, with how to start over) rather than orphaned.
 */
function chooseDataDir(root: string, scenario: string, reset: boolean): string {
  if (reset) resetData(scenarioData(root, scenario));
  const { dir, paths, legacy } = scenarioData(root, scenario);
  if (legacy) {
    console.log(
      `note: ${dir} holds PageView data from before each scenario had its own folder; PageView keeps ` +
        `using it there. \`npm start -- --reset\` deletes it (${formatSize(paths)}) and starts over in ${path.join(root, DEFAULT_SCENARIO)}.`,
    );
  }
  return dir;
}

function scenarioData(root: string, scenario: string): ScenarioData {
  const legacyPaths = STACK_ENTRIES.map((entry) => path.join(root, entry)).filter((p) => fs.existsSync(p));
  if (scenario === DEFAULT_SCENARIO && legacyPaths.length > 0) return { dir: root, paths: legacyPaths, legacy: true };
  const dir = path.join(root, scenario);
  return { dir, paths: [dir], legacy: false };
}

/** Deletes the scenario's data after one line saying exactly what goes and how much it holds. */
function resetData(data: ScenarioData): void {
  const existing = data.paths.filter((p) => fs.existsSync(p));
  if (existing.length === 0) {
    console.log(`reset: nothing to delete (${data.paths.join(', ')} does not exist)`);
    return;
  }
  console.log(`reset: deleting ${existing.join(', ')} (${formatSize(existing)})`);
  for (const p of existing) fs.rmSync(p, { recursive: true, force: true });
}

/** Disk space the paths take, as `du` counts it (allocated blocks). */
function formatSize(paths: string[]): string {
  const bytes = paths.reduce((sum, p) => sum + diskBytes(p), 0);
  return bytes >= 1024 * 1048576 ? `${(bytes / (1024 * 1048576)).toFixed(1)} GB` : `${(bytes / 1048576).toFixed(1)} MB`;
}

function diskBytes(p: string): number {
  const stat = fs.lstatSync(p, { throwIfNoEntry: false });
  if (!stat) return 0;
  const own = stat.blocks * 512;
  if (!stat.isDirectory()) return own;
  return fs.readdirSync(p).reduce((sum, entry) => sum + diskBytes(path.join(p, entry)), own);
}

/** Rows of a MySQL table, or undefined when it cannot be read (the status line then shows totals only). */
async function rowsIn(url: string, database: string, table: string): Promise<number | undefined> {
  try {
    const connection = await mysql.createConnection({ uri: url });
    try {
      const [rows] = await connection.query(`SELECT COUNT(*) AS n FROM \`${database}\`.\`${table}\``);
      return Number((rows as { n: number }[])[0]!.n);
    } finally {
      await connection.end();
    }
  } catch {
    return undefined;
  }
}

main().catch((error) => {
  const known =
    error instanceof CliUsageError ||
    error instanceof ConfigError ||
    error instanceof UnknownScenarioError ||
    error instanceof PortsBusyError ||
    error instanceof DataDirError ||
    (error as Error).name === 'MariaDbUnavailableError';
  for (const line of (error as Error).message.split('\n')) console.error(`start: ${line}`);
  process.exit(known ? 2 : 1);
});
