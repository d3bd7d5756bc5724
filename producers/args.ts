/**
 * Command-line parsing for `npm run produce`, kept apart from the CLI's effects so it is tested alone.
 * Every problem is a UsageError with a one-line message.
 */
import { DEFAULT_PRODUCER_RATE } from '../config/index.ts';
import { UsageError } from './errors.ts';
import { parseRate } from './rate.ts';

export const COMMANDS = ['users', 'pageviews', 'sessions', 'all'] as const;
export type Command = (typeof COMMANDS)[number];

/** Records written when --count is absent. */
export const DEFAULT_COUNTS: Readonly<Record<Command, number>> = {
  users: 1_000,
  sessions: 1_000,
  pageviews: 10_000,
  all: 1_000,
};

export interface CliOptions {
  command: Command;
  /** 0 = until Ctrl-C (pageviews and sessions only). */
  count: number;
  /** Undefined = as fast as possible for a --count run, config.producer.rate (PRODUCER_RATE) for --count 0. */
  rate: number | undefined;
  /** Undefined = a random seed (printed in the summary). */
  seed: number | undefined;
  /** Undefined = config.producer.nullRate. */
  nullRate: number | undefined;
  /** Epoch ms; undefined = the wall clock. */
  baseTime: number | undefined;
}

export type ParsedArgs = { help: true } | ({ help: false } & CliOptions);

export const USAGE =
  `Usage: npm run produce -- <users|pageviews|sessions|all> [options]

Writes generated data into the stack:
  users       rows into MySQL demo.Users (database and table created if missing)
  pageviews   JSON events into topic1_PageView, key user_id
  sessions    JSON events into topic2_UserSession, key session_id
  all         --count users, then --count sessions and --count page views side by side
Page views and sessions refer only to users already in demo.Users (run "users" first).

Options:
  --count N          records to write (default: users ${DEFAULT_COUNTS.users}, sessions ${DEFAULT_COUNTS.sessions}, ` +
  `pageviews ${DEFAULT_COUNTS.pageviews},
                     all ${DEFAULT_COUNTS.all} of each); 0 = until Ctrl-C (pageviews and sessions only)
  --rate R[/s]       records per second per stream; 0 = as fast as possible (default: as fast as possible
                     with --count N, PRODUCER_RATE (default ${DEFAULT_PRODUCER_RATE}) with --count 0)
  --seed S           whole number; the same seed generates the same data (default: random, printed)
  --null-rate P      share 0..1 of each user column left NULL (users, all; default PRODUCER_NULL_RATE)
  --base-time T      time base of event timestamps, epoch ms or ISO 8601 (pageviews, sessions, all);
                     default: the wall clock at the moment each event is generated
  -h, --help         this text

Reproducibility: with --seed, every generated value is identical run to run (given the same users in
demo.Users), except event timestamps, which are "time base + offset": the offsets (jitter, late events)
follow the seed, the base is the wall clock. Add --base-time T to fix the base as well: event i then
gets base T + i * 1000 / R ms (T for all events without --rate), and the output is byte-identical.

Timestamps: now +/- PRODUCER_JITTER_MS; a share PRODUCER_LATE_RATE of events is late by PRODUCER_LATE_MS.
Connections: MYSQL_URL (or MYSQL_HOST/PORT/USER/PASSWORD, MYSQL_DATABASE), KAFKA_BOOTSTRAP_SERVERS,
with KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_* and KAFKA_SSL_* for a cluster with TLS or SASL (the external mode).
Progress goes to stderr, the summary to stdout. Ctrl-C writes what is pending, prints the summary, exits 0.`;

const VALUE_FLAGS = ['--count', '--rate', '--seed', '--null-rate', '--base-time'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

function isValueFlag(name: string): name is ValueFlag {
  return (VALUE_FLAGS as readonly string[]).includes(name);
}

function wholeNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new UsageError(`${flag} must be a whole number >= 0, got "${text}"`);
  }
  return value;
}

function parseBaseTime(text: string): number {
  if (/^\d+$/.test(text)) return wholeNumber('--base-time', text);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new UsageError(`--base-time must be epoch milliseconds or an ISO 8601 date, got "${text}"`);
  }
  return ms;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true };
  let command: Command | undefined;
  const values = new Map<ValueFlag, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('-')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(0, eq) : arg;
      if (!isValueFlag(name)) throw new UsageError(`unknown option ${name} (see --help)`);
      let value: string | undefined;
      if (eq >= 0) value = arg.slice(eq + 1);
      else {
        value = argv[i + 1];
        if (value === undefined || (value.startsWith('--') && value.length > 2)) {
          throw new UsageError(`${name} needs a value (see --help)`);
        }
        i++;
      }
      if (values.has(name)) throw new UsageError(`${name} given twice`);
      values.set(name, value.trim());
      continue;
    }
    if (command !== undefined) throw new UsageError(`unexpected argument "${arg}" (one command at a time)`);
    if (!(COMMANDS as readonly string[]).includes(arg)) {
      throw new UsageError(`unknown command "${arg}" (expected ${COMMANDS.join(', ')})`);
    }
    command = arg as Command;
  }
  if (command === undefined) throw new UsageError(`missing command: ${COMMANDS.join(', ')} (see --help)`);

  const countText = values.get('--count');
  const count = countText === undefined ? DEFAULT_COUNTS[command] : wholeNumber('--count', countText);
  if (count === 0 && (command === 'users' || command === 'all')) {
    throw new UsageError(`--count 0 (until Ctrl-C) is for pageviews and sessions; ${command} needs a count > 0`);
  }

  const rateText = values.get('--rate');
  let rate: number | undefined;
  if (rateText !== undefined) {
    rate = parseRate(rateText);
    if (rate === undefined) {
      throw new UsageError(`--rate must be a number of records per second such as 100 or 100/s, got "${rateText}"`);
    }
  }

  const seedText = values.get('--seed');
  const seed = seedText === undefined ? undefined : wholeNumber('--seed', seedText);

  const nullRateText = values.get('--null-rate');
  let nullRate: number | undefined;
  if (nullRateText !== undefined) {
    if (command !== 'users' && command !== 'all') throw new UsageError(`--null-rate applies to users and all, not ${command}`);
    nullRate = Number(nullRateText);
    if (nullRateText === '' || !Number.isFinite(nullRate) || nullRate < 0 || nullRate > 1) {
      throw new UsageError(`--null-rate must be a number from 0 to 1, got "${nullRateText}"`);
    }
  }

  const baseTimeText = values.get('--base-time');
  let baseTime: number | undefined;
  if (baseTimeText !== undefined) {
    if (command === 'users') throw new UsageError('--base-time applies to pageviews, sessions and all, not users');
    baseTime = parseBaseTime(baseTimeText);
  }

  return { help: false, command, count, rate, seed, nullRate, baseTime };
}
