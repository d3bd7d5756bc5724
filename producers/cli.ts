/**
 * `npm run produce -- <users|pageviews|sessions|all> [--count N] [--rate R/s] [--seed S] [--null-rate P]`
 *
 * Progress on stderr (one rewritten line on a TTY, periodic lines otherwise), the summary on stdout.
 * Ctrl-C (SIGINT) or SIGTERM: stop generating, write what is pending, print the summary, exit 0;
 * a second Ctrl-C exits at once (130). Expected problems (bad flags, config, unreachable MySQL or
 * Kafka, no users yet): one line on stderr, exit 2. Anything else: one line, exit 1 (DEBUG=1 for the stack).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, getConfig } from '../config/index.ts';
import { redactEnv } from '../config/redact.ts';
import { USAGE, parseArgs, type CliOptions } from './args.ts';
import { ProducerError, describeCause } from './errors.ts';
import { fixedClock } from './generate/events.ts';
import { produceAll, producePageViews, produceSessions, produceUsers, type ProduceResult } from './index.ts';
import { ProgressReporter, formatCount, formatDuration, formatRate } from './progress.ts';

const UNITS: Record<ProduceResult['kind'], string> = { users: 'rows', pageviews: 'events', sessions: 'events' };

export function formatSummary(result: ProduceResult): string {
  return (
    `${result.kind}: ${formatCount(result.count)} ${UNITS[result.kind]} into ${result.destination} ` +
    `in ${formatDuration(result.elapsedMs)} (${formatRate(result.count, result.elapsedMs)}), seed ${result.seed}`
  );
}

async function run(options: CliOptions, signal: AbortSignal): Promise<ProduceResult[]> {
  const config = getConfig();
  // A counted run is a load (as fast as possible); an endless one is a stream at PRODUCER_RATE.
  const rate = options.rate ?? (options.count === 0 ? config.producer.rate : 0);
  const clock = options.baseTime === undefined ? undefined : fixedClock(options.baseTime, rate > 0 ? 1000 / rate : 0);
  const progress = new ProgressReporter({ stream: process.stderr });
  const common = { count: options.count, seed: options.seed, rate, signal, config, clock };
  try {
    switch (options.command) {
      case 'users':
        return [await produceUsers({ ...common, nullRate: options.nullRate, onProgress: progress.listener('users', options.count) })];
      case 'pageviews':
        return [await producePageViews({ ...common, onProgress: progress.listener('pageviews', options.count) })];
      case 'sessions':
        return [await produceSessions({ ...common, onProgress: progress.listener('sessions', options.count) })];
      case 'all': {
        const listeners = {
          users: progress.listener('users', options.count),
          sessions: progress.listener('sessions', options.count),
          pageviews: progress.listener('pageviews', options.count),
        };
        return await produceAll({
          ...common,
          nullRate: options.nullRate,
          onProgress: (kind, update) => listeners[kind](update),
        });
      }
    }
  } finally {
    progress.finish();
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write('\nstopping: writing what is pending (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const results = await run(parsed, controller.signal);
    const note = controller.signal.aborted ? ' (interrupted)' : '';
    for (const result of results) process.stdout.write(`${formatSummary(result)}${note}\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The exit code and the one line for an error that escaped `main`. */
export function explain(error: unknown): { code: number; line: string } {
  if (error instanceof ProducerError || error instanceof ConfigError) return { code: 2, line: error.message };
  return { code: 1, line: `unexpected error: ${describeCause(error)} (set DEBUG=1 for details)` };
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const { code, line } = explain(error);
      process.stderr.write(`${redactEnv(`produce: ${line}`)}\n`);
      if (process.env.DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
      process.exit(code);
    },
  );
}
