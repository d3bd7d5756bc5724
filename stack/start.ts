/**
 * `npm start`: the embedded stack in one process, in the foreground. Starts every part, bootstraps
 * them, prints the URLs, then runs the producers and a live status line until Ctrl-C.
 */
import path from 'node:path';
import mysql from 'mysql2/promise';
import { ConfigError, loadConfig, type AppConfig } from '../config/index.ts';
import { produceUsers, producePageViews, produceSessions } from '../producers/index.ts';
import { CliUsageError, parseCliArgs } from './cli-args.ts';
import { startEmbeddedStack, topicEndOffset, type EmbeddedStack } from './embedded-stack.ts';
import { formatUrls } from './urls.ts';

const HELP = `Usage: npm start [-- options]

Runs the whole PageView analytics stack in this process (no Docker, no JVM): MySQL (MYSQL_URL, or
127.0.0.1:3306, or a private mariadbd), 3 Kafka brokers, Kafka Connect, ksqlDB, Pinot and the
dashboard; bootstraps them; then produces users, page views and sessions. Ctrl-C stops cleanly;
data stays in DATA_DIR (default .data) and a restart resumes where it stopped.

Options:
  --users N       users to have in MySQL before events start (default 1000; topped up, never duplicated)
  --rate R        page views and sessions per second each (default PRODUCER_RATE, or 20)
  --no-produce    start and bootstrap only; produce nothing
  -h, --help      show this help`;

async function usersInTable(url: string, config: AppConfig): Promise<number> {
  const connection = await mysql.createConnection({ uri: url });
  try {
    const [rows] = await connection.query(`SELECT COUNT(*) AS n FROM \`${config.mysql.database}\`.\`${config.mysql.table}\``);
    return Number((rows as { n: number }[])[0].n);
  } finally {
    await connection.end();
  }
}

/** Users first, and only once they reached topic3 do page views start (a page view needs its user in the table). */
async function runProducers(stack: EmbeddedStack, config: AppConfig, users: number, rate: number, signal: AbortSignal, counts: { views: number; sessions: number }): Promise<void> {
  const have = await usersInTable(stack.mysql.url, config);
  if (have < users) {
    console.log(`producing ${users - have} users into MySQL ${config.mysql.database}.${config.mysql.table}...`);
    await produceUsers({ count: users - have, url: stack.mysql.url, database: config.mysql.database, config, signal });
  }
  const target = await usersInTable(stack.mysql.url, config);
  const brokers = stack.targets.kafkaBootstrap;
  while (!signal.aborted && (await topicEndOffset(brokers, config.topics.users)) < target) await new Promise((r) => setTimeout(r, 500));
  if (signal.aborted) return;
  console.log(`users are on ${config.topics.users}; producing page views and sessions at ${rate}/s each`);
  const common = { count: 0, rate, url: stack.mysql.url, database: config.mysql.database, brokers, config, signal, createTopics: false };
  await Promise.all([
    producePageViews({ ...common, onProgress: (p) => { counts.views = p.done; } }),
    produceSessions({ ...common, onProgress: (p) => { counts.sessions = p.done; } }),
  ]);
}

async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2), { users: 'int', rate: 'number', 'no-produce': 'boolean', help: 'boolean' }, { h: 'help' });
  if (args.flags.help) {
    console.log(HELP);
    return;
  }
  if (args.positional.length > 0) throw new CliUsageError(`unexpected argument "${args.positional[0]}"; see --help`);
  const config = loadConfig();
  const dataDir = path.resolve(config.dataDir);
  console.log(`starting the embedded stack (data in ${dataDir})...`);
  const stack = await startEmbeddedStack({ config, dataDir, log: (line) => console.log(`  ${line}`) });
  const created = stack.bootstrapSteps.filter((s) => s.status === 'created').length;
  console.log(created === 0 ? 'bootstrap: everything was already there' : `bootstrap: created ${created} item(s)`);
  console.log(`\nready in ${(stack.startedInMs / 1000).toFixed(1)} s:\n${formatUrls(config)}\n`);

  const stopper = new AbortController();
  const counts = { views: 0, sessions: 0 };
  const producing = args.flags['no-produce']
    ? Promise.resolve()
    : runProducers(stack, config, (args.flags.users as number | undefined) ?? 1000, (args.flags.rate as number | undefined) ?? (config.producer.rate || 20), stopper.signal, counts)
      .catch((error) => console.error(`producers: ${(error as Error).message}`));

  let last = { at: Date.now(), views: 0 };
  const status = setInterval(() => {
    const now = Date.now();
    const rate = ((counts.views - last.views) * 1000) / (now - last.at);
    last = { at: now, views: counts.views };
    const snapshot = stack.dashboard.snapshot() as { headline?: { totalViews?: number } };
    const line = `page views ${counts.views} (${rate.toFixed(0)}/s), sessions ${counts.sessions}, views counted in Pinot ${snapshot.headline?.totalViews ?? 0}, rss ${Math.round(process.memoryUsage().rss / 1048576)} MB`;
    process.stdout.write(process.stdout.isTTY ? `\r${line.padEnd(110)}` : `${line}\n`);
  }, 5000);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(status);
    console.log('\nstopping: producers first, then every service...');
    stopper.abort();
    await producing;
    await stack.stop();
    console.log('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  const known = error instanceof CliUsageError || error instanceof ConfigError || (error as Error).name === 'MariaDbUnavailableError';
  console.error(`start: ${(error as Error).message}`);
  process.exit(known ? 2 : 1);
});
