/**
 * Every scenario the stack can run, by name. `npm start -- --scenario <name>`, `SCENARIO=<name> sh
 * init.sh` and `npm run bootstrap -- --scenario <name>` pick one; the PageView pipeline is the default.
 */
import type { Scenario } from './scenario.ts';
import { scenario as clickstream } from './clickstream/index.ts';
import { scenario as courseActivity } from './course-activity/index.ts';
import { scenario as pageview } from './pageview/index.ts';
import { scenario as stayCategories } from './stay-categories/index.ts';

export type { Scenario } from './scenario.ts';

export const DEFAULT_SCENARIO = 'pageview';

const SCENARIOS: readonly Scenario[] = [pageview, clickstream, courseActivity, stayCategories];

/** An unknown scenario name; `usage`: CLIs exit 2 with its message (embedded/common/cli/args.ts). */
export class UnknownScenarioError extends Error {
  override name = 'UnknownScenarioError';
  readonly usage = true;
}

export function scenarioNames(): string[] {
  return SCENARIOS.map((s) => s.name);
}

/** The scenario a CLI runs: its --scenario flag, else SCENARIO from the environment, else the default. */
export function chosenScenarioName(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? (env.SCENARIO?.trim() || DEFAULT_SCENARIO);
}

export function getScenario(name: string = DEFAULT_SCENARIO): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new UnknownScenarioError(`unknown scenario "${name}"; choose one of: ${scenarioNames().join(', ')}`);
  return found;
}
