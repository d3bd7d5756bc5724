// npm run qtt -- PATH...   Runs ksqlDB query-validation-test files in-process.
import { existsSync } from 'node:fs';
import { findTestFiles, loadCases } from './loader.ts';
import { runCase, type CaseResult } from './runner.ts';

export function runPaths(paths: string[]): CaseResult[] {
  const results: CaseResult[] = [];
  const present = paths.filter((p) => {
    if (existsSync(p)) return true;
    results.push({ name: p, status: 'failed', reason: 'no such file or directory' });
    return false;
  });
  for (const f of findTestFiles(present)) {
    let cases;
    try {
      cases = loadCases(f);
    } catch (e) {
      results.push({ name: f, status: 'failed', reason: `cannot load test file: ${(e as Error).message.split('\n')[0]}` });
      continue;
    }
    for (const c of cases) {
      let r: CaseResult;
      try {
        r = runCase(c);
      } catch (e) {
        r = { name: c.fullName, status: 'failed', reason: `runner crash: ${(e as Error).message}`, detail: (e as Error).stack };
      }
      results.push(r);
    }
  }
  return results;
}

/** Skipped cases counted by reason, most frequent first. */
export function skipCountsByReason(results: CaseResult[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const r of results) if (r.status === 'skipped') counts.set(r.reason ?? 'unknown', (counts.get(r.reason ?? 'unknown') ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function main(argv: string[]): number {
  if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) {
    console.log(`Usage: npm run qtt -- [--verbose] [--quiet] PATH...

Runs ksqlDB query-validation-test (QTT) JSON files in-process against the embedded engine.
PATH may be a file or a directory (every *.json below it, recursively).
Prints a diff for each failing case, one line per skipped case with its reason (a missing feature,
a schema-registry format, or a function of ksqlDB's test build),
and ends with "N passed, N failed, N skipped", then one line per skip reason with its count. Exit code 1 if any case failed.

Options:
  --quiet     only print failing case names (no diffs)
  --verbose   also print passing cases
  --help      this text`);
    return argv.length === 0 ? 1 : 0;
  }
  const quiet = argv.includes('--quiet');
  const verbose = argv.includes('--verbose');
  const paths = argv.filter((a) => !a.startsWith('--'));
  const results = runPaths(paths);
  for (const r of results) {
    if (r.status === 'failed') {
      console.log(`FAIL ${r.name}: ${r.reason}`);
      if (!quiet && r.detail) console.log(r.detail);
    } else if (r.status === 'skipped') console.log(`SKIP ${r.name}: ${r.reason}`);
    else if (verbose) console.log(`PASS ${r.name}${r.detail ? ' ' + r.detail : ''}`);
  }
  const n = (s: string) => results.filter((r) => r.status === s).length;
  console.log(`${n('passed')} passed, ${n('failed')} failed, ${n('skipped')} skipped`);
  for (const [reason, count] of skipCountsByReason(results)) console.log(`  skipped: ${reason}: ${count}`);
  // ksqlDB's own runner also requires the expected message; these pass here on the error alone
  const otherMessage = results.filter((r) => r.status === 'passed' && r.detail?.startsWith('(message differs')).length;
  if (otherMessage) console.log(`  passed with another error message than expected: ${otherMessage}`);
  return n('failed') > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('qtt/cli.ts')) {
  process.exitCode = main(process.argv.slice(2));
}
