/**
 * `npm run bench -- <suite...> [--messages N] [--rate N]`: side-by-side benchmarks, each figure printed with the
 * baseline measured in the same run. Results go to bench/results.json and bench/RESULTS.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchConnect } from './connect.ts';
import { benchKsql } from './ksql.ts';
import { benchKsqlReference } from './ksql-reference.ts';
import { benchPinot } from './pinot.ts';
import { parseCliArgs, CliUsageError } from '../embedded/common/cli/args.ts';
import { benchKafka } from './kafka.ts';
import { benchKafkaSideBySide } from './kafka-reference.ts';
import { benchPinotSideBySide, DEFAULT_ROWS as PINOT_REFERENCE_ROWS } from './pinot-reference.ts';
import { benchPipeline, DEFAULT_PIPELINE_RATE } from './pipeline.ts';
import { benchPipelineReference } from './pipeline-reference.ts';

/** What the command line gives every suite: its size, and the offered rate for those that feed at one. */
interface SuiteOptions {
  rate: number | undefined;
}

const SUITES: Record<string, (n: number | undefined, options: SuiteOptions) => Promise<unknown>> = {
  kafka: (n) => benchKafka(n ?? 1_000_000),
  'kafka-reference': (n) => benchKafkaSideBySide(n ?? 200_000),
  connect: (n) => benchConnect(n ?? 200_000),
  ksql: (n) => benchKsql(n ?? 200_000),
  'ksql-reference': (n) => benchKsqlReference(n ?? 200_000),
  pipeline: (n, { rate }) => benchPipeline(n ?? 100_000, rate ?? DEFAULT_PIPELINE_RATE),
  'pipeline-reference': (n) => benchPipelineReference(n ?? 30_000),
  pinot: (n) => benchPinot(n ?? 1_000_000),
  'pinot-reference': (n) => benchPinotSideBySide(n ?? PINOT_REFERENCE_ROWS),
};

/** `all` runs these; kafka-reference, ksql-reference, pinot-reference and pipeline-reference need Java and Maven Central, so they are asked for by name. */
const DEFAULT_SUITES = ['kafka', 'connect', 'ksql', 'pipeline'];

const HELP = `Usage: npm run bench -- <suite...> [--messages N | --rows N] [--rate N]

Suites (default: all = ${DEFAULT_SUITES.join(', ')}):
  kafka             1M 100-byte messages through the embedded cluster with kcat and kafkajs,
                    as a share of a raw loopback TCP copy of the same bytes (aim: kcat produce >= 30%, consume >= 50%)
  kafka-reference   the same clients against real Apache Kafka 4.x (fetched with mvn) and ours, side by side
  connect           rows/s from a MySQL table to topic3_Users through the JDBC source, vs a hand-written
                    mysql2 + kafkajs copy of the same JSON records (aim >= 0.8) and a plain mysql2 SELECT
  ksql              page views through the statements in ksql/ vs a hand-written kafkajs consumer computing
                    the same windowed counts (aim >= 0.8), produce-to-output latency p50/p99
  ksql-reference    the same five queries on our engine and on Kafka Streams (reference/streams, built with
                    mvn), each in its own process, on the same backlog in real Kafka 4.x: page views/s, CPU
                    per page view, RSS, latency p50/p99 at 1000 page views/s; ratios ours/Kafka Streams
                    (default 200000 page views)
  pipeline          the whole stack: start-up, events/s to Pinot, freshness p50/p99, dashboard cost, memory
  pipeline-reference  the same pipeline at 1000 events/s on the embedded stack and on real Kafka (x3) and
                    real Pinot 0.11 with our ksqlDB and Connect: start-up, events/s, freshness, memory of
                    every process (fetched with mvn)
  pinot             embedded Pinot: Kafka -> upsert and append tables rows/s, the dashboard's queries
                    p50/p99 at N rows vs the same SQL on an in-memory DuckDB (ratio)
  pinot-reference   real Apache Pinot 0.11 (fetched with mvn) and ours (own process), one after the other, fed by
                    the same real Kafka topics: ingest rows/s (upsert, append), freshness p50/p99, the dashboard's
                    queries p50/p99, RSS, start-up; ours as a ratio of the reference's (default 20000 rows)

Options:
  --messages N   messages / rows / events per run (each suite has its own default)
  --rows N       the same as --messages
  --rate N       page views per second the pipeline suite offers (default ${DEFAULT_PIPELINE_RATE})
  --report       only rewrite bench/RESULTS.md from bench/results.json
  -h, --help     show this help

Results are also written to bench/results.json and bench/RESULTS.md.`;

const here = path.dirname(fileURLToPath(import.meta.url));
const RESULTS_JSON = path.join(here, 'results.json');

interface SuiteResult {
  measuredAt: string;
  machine: { cores: number; memoryGiB: number; node: string };
  figures: unknown;
}

/** Earlier runs' results, so running one suite keeps the others' latest figures. */
function readResults(): Record<string, SuiteResult> {
  try {
    const saved = JSON.parse(fs.readFileSync(RESULTS_JSON, 'utf8')) as { suites?: Record<string, SuiteResult> };
    return saved.suites ?? {};
  } catch {
    return {};
  }
}

function writeResults(suites: Record<string, SuiteResult>): void {
  fs.writeFileSync(RESULTS_JSON, JSON.stringify({ suites }, null, 2) + '\n');
  fs.writeFileSync(
    path.join(here, 'RESULTS.md'),
    [
      '# Benchmark results',
      '',
      'Each suite as last measured by `npm run bench -- <suite>`; every figure comes with the baseline measured in the same run.',
      '',
      ...Object.entries(suites).map(
        ([name, r]) => `${toMarkdown(name, r.figures)}\n_${r.measuredAt}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}_\n`,
      ),
    ].join('\n'),
  );
}

/** A suite's figures as Markdown tables: scalars in one table, each nested object or list of rows in a table of its own. */
function toMarkdown(name: string, value: unknown, level = 3): string {
  const heading = `${'#'.repeat(level)} ${name}`;
  const rows = Array.isArray(value) ? value : [value];
  const objects = rows.filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null);
  if (objects.length === 0) return `${heading}\n\n${JSON.stringify(value)}\n`;
  const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  const scalarKeys = keys.filter((k) => objects.some((o) => typeof o[k] !== 'object'));
  const nestedKeys = Array.isArray(value) ? [] : keys.filter((k) => typeof objects[0]![k] === 'object' && objects[0]![k] !== null);
  const cell = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v ?? ''));
  return [
    heading,
    '',
    `| ${scalarKeys.join(' | ')} |`,
    `|${scalarKeys.map(() => '---').join('|')}|`,
    ...objects.map((o) => `| ${scalarKeys.map((k) => cell(o[k])).join(' | ')} |`),
    '',
    ...nestedKeys.map((k) => toMarkdown(`${name}: ${k}`, objects[0]![k], level + 1)),
  ].join('\n');
}

async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2), { messages: 'int', rows: 'int', rate: 'int', report: 'boolean', help: 'boolean' }, { h: 'help' });
  if (args.flags.help) {
    console.log(HELP);
    return;
  }
  if (args.flags.report) {
    writeResults(readResults());
    console.log('rewritten: bench/RESULTS.md from bench/results.json');
    return;
  }
  const names = args.positional.length === 0 || args.positional.includes('all') ? DEFAULT_SUITES : args.positional;
  const rate = args.flags.rate as number | undefined;
  if (rate !== undefined && rate <= 0) throw new CliUsageError(`--rate must be a positive number of page views per second, got ${rate}`);
  if (rate !== undefined && !names.includes('pipeline'))
    throw new CliUsageError('--rate applies to the pipeline suite only; name it: npm run bench -- pipeline --rate N');
  for (const name of names) {
    if (!SUITES[name]) throw new CliUsageError(`unknown suite "${name}"; choose from ${Object.keys(SUITES).join(', ')}, all`);
  }
  const machine = { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
  const fresh: Record<string, SuiteResult> = {};
  for (const name of names) {
    const figures = await SUITES[name]((args.flags.messages ?? args.flags.rows) as number | undefined, { rate: args.flags.rate as number | undefined });
    fresh[name] = { measuredAt: new Date().toISOString(), machine, figures };
  }
  writeResults({ ...readResults(), ...fresh });
  console.log('\nwritten: bench/results.json, bench/RESULTS.md');
}

main().catch((error) => {
  console.error(`bench: ${(error as Error).message}`);
  process.exit(error instanceof CliUsageError ? 2 : 1);
});
