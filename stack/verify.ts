/**
 * `npm run verify`: a few rows from each table of topics 4-8, read through ksqlDB's REST API
 * (/query-stream, from the earliest offset), printed as aligned tables. Exit 1, naming the table,
 * if one is empty or ksqlDB is unreachable.
 */
import { ConfigError, loadConfig, type AppConfig } from '../config/index.ts';
import { describeStatement, renderedStatements } from '../ksql/statements.ts';
import { CliUsageError, parseCliArgs } from './cli-args.ts';

const HELP = `Usage: npm run verify [-- --url URL] [--rows N] [--wait-ms MS]

Reads a few rows from each ksql table of topics 4-8 through ksqlDB's REST API and prints them.
Exits 1 naming the table if one is empty or ksqlDB cannot be reached.

  --url URL      ksqlDB REST URL (default http://127.0.0.1:KSQLDB_PORT)
  --rows N       rows per table (default 5)
  --wait-ms MS   how long to wait for rows per table (default 5000)
  -h, --help     show this help`;

export interface VerifiedTable {
  name: string;
  topic: string;
  columns: string[];
  rows: unknown[][];
}

/** The sinks of the pipeline's statements that write topics 4-8, in order. */
export function verifiedSources(config: AppConfig): { name: string; topic: string }[] {
  const topics = [config.topics.cleanedUsers, config.topics.pageviewCountry, config.topics.pageviewTumbling, config.topics.pageviewHopping, config.topics.pageviewSession];
  return renderedStatements(config)
    .map((s) => describeStatement(s))
    .filter((d): d is NonNullable<typeof d> => d !== undefined && d.query && topics.includes(d.topic))
    .map((d) => ({ name: d.name, topic: d.topic }));
}

/** Up to `rows` rows of a source, by a push query from the earliest offset that stops after `waitMs`. */
export async function sampleRows(ksqldbUrl: string, source: string, rows: number, waitMs: number): Promise<{ columns: string[]; rows: unknown[][] }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), waitMs);
  const out: unknown[][] = [];
  let columns: string[] = [];
  try {
    const response = await fetch(`${ksqldbUrl}/query-stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/vnd.ksqlapi.delimited.v1' },
      body: JSON.stringify({ sql: `SELECT * FROM ${source} EMIT CHANGES LIMIT ${rows};`, properties: { 'auto.offset.reset': 'earliest' } }),
      signal: abort.signal,
    });
    if (response.status !== 200) throw new Error(`ksqlDB answered HTTP ${response.status}: ${await response.text()}`);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (!line) continue;
        const parsed = JSON.parse(line) as unknown;
        if (Array.isArray(parsed)) out.push(parsed);
        else if ((parsed as { columnNames?: string[] }).columnNames) columns = (parsed as { columnNames: string[] }).columnNames;
        else if ((parsed as { message?: string }).message) throw new Error((parsed as { message: string }).message);
      }
      if (out.length >= rows) break;
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return { columns, rows: out };
}

export function formatTable(columns: string[], rows: unknown[][]): string {
  const cells = [columns, ...rows.map((r) => r.map((v) => (v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ')} |`;
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  return [rule, line(cells[0]), rule, ...cells.slice(1).map(line), rule].join('\n');
}

async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2), { url: 'string', rows: 'int', 'wait-ms': 'int', help: 'boolean' }, { h: 'help' });
  if (args.flags.help) {
    console.log(HELP);
    return;
  }
  const config = loadConfig();
  const url = (args.flags.url as string | undefined) ?? `http://127.0.0.1:${config.ports.ksqldb}`;
  const rows = (args.flags.rows as number | undefined) ?? 5;
  const waitMs = (args.flags['wait-ms'] as number | undefined) ?? 5000;
  let failed: string | undefined;
  for (const source of verifiedSources(config)) {
    let sample;
    try {
      sample = await sampleRows(url, source.name, rows, waitMs);
    } catch (error) {
      const cause = (error as Error).cause as Error | undefined;
      console.error(`verify: ${source.name} (${source.topic}): ksqlDB at ${url} is unreachable or refused the query: ${cause?.message ?? (error as Error).message}`);
      failed ??= source.name;
      continue;
    }
    console.log(`\n${source.name} (topic ${source.topic}): ${sample.rows.length} row(s)`);
    if (sample.rows.length === 0) {
      console.error(`verify: ${source.name} is empty; are the producers running? (npm start, or npm run produce -- all)`);
      failed ??= source.name;
      continue;
    }
    console.log(formatTable(sample.columns, sample.rows));
  }
  if (failed) {
    console.error(`verify: FAILED at ${failed}`);
    process.exit(1);
  }
  console.log('\nverify: every table of topics 4-8 has rows');
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
if (isMain) {
  main().catch((error) => {
    console.error(`verify: ${(error as Error).message}`);
    process.exit(error instanceof CliUsageError || error instanceof ConfigError ? 2 : 1);
  });
}
