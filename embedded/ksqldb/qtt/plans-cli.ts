// npx tsx embedded/ksqldb/qtt/plans-cli.ts HISTORICAL_PLANS_DIR
//
// Compares EXPLAIN's execution plan with the plans ksqlDB recorded for its QTT cases: a checkout of
// confluentinc/ksql has them in ksqldb-functional-tests/src/test/resources/historical_plans/<case>/<version>/
// (plan.json: each query's physical plan, every step with its queryContext; spec.json: the case's
// statements). For each case's newest version, runs the statements in a fresh engine and compares, for
// each query ksqlDB planned, the steps' contexts and nesting with ours. Cases whose statements this
// engine refuses (schema-registry formats, test-only functions, expected errors) are counted, not compared.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KsqlEngine } from '../engine.ts';

// biome-ignore lint/suspicious/noExplicitAny: recorded plans are JSON of many shapes, read field by field
type Json = Record<string, any>;

const HELP = `Usage: npx tsx embedded/ksqldb/qtt/plans-cli.ts HISTORICAL_PLANS_DIR

Compares this engine's EXPLAIN execution plans with ksqlDB's recorded plans, step context for step
context. HISTORICAL_PLANS_DIR is ksqldb-functional-tests/src/test/resources/historical_plans in a
checkout of https://github.com/confluentinc/ksql. Prints progress, each mismatch, then
"N compared, N same, N not run". Exits 1 when a compared plan differs.`;

/** ksqlDB's steps as `depth context`, inputs after their step, left before right */
export function recordedSteps(step: Json, depth = 0, out: string[] = []): string[] {
  out.push(`${depth} ${String(step.properties?.queryContext ?? '?').replace(/\//g, '.')}`);
  for (const k of ['source', 'leftSource', 'rightSource']) if (step[k]) recordedSteps(step[k] as Json, depth + 1, out);
  if (Array.isArray(step.sources)) for (const s of step.sources as Json[]) recordedSteps(s, depth + 1, out);
  return out;
}

/** our EXPLAIN text's steps as `depth context` (PlanSummary indents two tabs per level) */
export function explainedSteps(text: string, queryId: string): string[] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => {
      const m = /^(\t*) > \[ \w+ \] .* Logger: (\S+)$/.exec(line);
      if (!m) throw new Error(`not a plan line: ${JSON.stringify(line)}`);
      return `${m[1]!.length / 2} ${m[2]!.slice(queryId.length + 1)}`;
    });
}

/** the newest recorded version of a case: version directories are <ksql version>_<epoch millis> */
function newestVersion(caseDir: string): string | undefined {
  const versions = readdirSync(caseDir).filter((v) => existsSync(join(caseDir, v, 'plan.json')));
  return versions.sort((a, b) => Number(a.split('_').pop()) - Number(b.split('_').pop())).pop();
}

function main(): void {
  const dir = process.argv[2];
  if (!dir || dir === '--help' || dir === '-h') {
    console.log(HELP);
    process.exit(dir ? 0 : 2);
  }
  if (!existsSync(dir)) {
    console.error(`${dir} does not exist: give the historical_plans directory of a confluentinc/ksql checkout (see --help)`);
    process.exit(2);
  }
  const cases = readdirSync(dir).sort();
  let compared = 0;
  let same = 0;
  let notRun = 0;
  cases.forEach((name, i) => {
    if (i % 250 === 0) console.error(`[plans] ${i}/${cases.length} cases`);
    const version = newestVersion(join(dir, name));
    if (!version) return;
    const plan = JSON.parse(readFileSync(join(dir, name, version, 'plan.json'), 'utf8')) as Json;
    const spec = JSON.parse(readFileSync(join(dir, name, version, 'spec.json'), 'utf8')) as Json;
    const engine = new KsqlEngine({ config: { 'ksql.output.topic.name.prefix': '', ...((spec.testCase?.properties ?? {}) as Record<string, string>) } });
    try {
      for (const s of spec.testCase.statements as string[]) engine.execute(s);
    } catch {
      notRun++;
      return;
    }
    for (const p of plan.plan as Json[]) {
      const queryPlan = p.queryPlan as Json | undefined;
      if (!queryPlan) continue;
      const id = String(queryPlan.queryId);
      let entity;
      try {
        // a query id set by the case (QUERY_ID) may need quoting
        entity = engine.execute(`EXPLAIN ${/^[A-Za-z_][A-Za-z0-9_]*$/.test(id) ? id : '`' + id + '`'};`)[0]?.entity;
      } catch (e) {
        console.log(`NOT EXPLAINED ${name} ${id}: ${(e as Error).message.split('\n')[0]}`);
        notRun++;
        continue;
      }
      if (entity?.type !== 'queryDescription') continue;
      compared++;
      const theirs = recordedSteps(queryPlan.physicalPlan as Json).join(' | ');
      const ours = explainedSteps(entity.queryDescription.executionPlan, id).join(' | ');
      if (theirs === ours) same++;
      else console.log(`DIFF ${name} ${id}\n  ksqlDB: ${theirs}\n  ours:   ${ours}`);
    }
  });
  console.log(`${compared} compared, ${same} same, ${notRun} not run`);
  process.exit(same === compared ? 0 : 1);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
