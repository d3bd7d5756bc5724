import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runPaths } from '../../embedded/ksqldb/qtt/cli.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const peer = resolve(root, '../shared/peer-tests/ksql');
const corpus = resolve(root, '../shared/peer-tests/ksql-corpus');
const baseline = JSON.parse(readFileSync(resolve(root, 'embedded/ksqldb/qtt/baseline.json'), 'utf8')) as { passed: number; corpusPassed: number };

describe('ksqlDB query-validation tests (public set)', () => {
  it('passes at least the committed baseline', () => {
    // The peer suite lives in ../shared (the steering repository's folder beside this clone, as CI has it).
    expect(existsSync(peer), `${peer} is missing: put the shared/ folder beside this repository`).toBe(true);
    const results = runPaths([resolve(peer, 'json'), resolve(peer, 'delimited')]);
    const passed = results.filter((r) => r.status === 'passed').length;
    const failed = results.filter((r) => r.status === 'failed').map((r) => `${r.name}: ${r.reason}`);
    if (passed < baseline.passed) console.log(failed.join('\n'));
    expect(results.length).toBe(266);
    expect(passed).toBeGreaterThanOrEqual(baseline.passed);
  });
});

describe('ksqlDB query-validation tests (whole corpus, public part)', () => {
  it('passes at least the committed corpus baseline', () => {
    expect(existsSync(corpus), `${corpus} is missing: put the shared/ folder beside this repository`).toBe(true);
    const results = runPaths([corpus]);
    const passed = results.filter((r) => r.status === 'passed').length;
    const failed = results.filter((r) => r.status === 'failed').map((r) => `${r.name}: ${r.reason}`);
    if (passed < baseline.corpusPassed) console.log(failed.join('\n'));
    // 1,455 cases in the files, less one marked "enabled": false (the runner leaves those out, as ksqlDB does).
    expect(results.length).toBe(1454);
    expect(passed).toBeGreaterThanOrEqual(baseline.corpusPassed);
  });
});
