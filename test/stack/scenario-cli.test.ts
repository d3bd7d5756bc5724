/**
 * The scenario choice at every entry point: npm start, the bootstrap CLI and the scenario producer CLI
 * name the scenarios in --help and refuse an unknown one with exit 2 before starting anything.
 */
import { describe, expect, it } from 'vitest';
import { getScenario, scenarioNames, UnknownScenarioError } from '../../scenarios/index.ts';
import { run } from '../support/kafka.ts';

const tsx = ['node_modules/.bin/tsx'];
const entryPoints = [['stack/start.ts'], ['stack/bootstrap-cli.ts'], ['stack/produce-scenario-cli.ts']];

describe('choosing a scenario', () => {
  it('the registry has the PageView pipeline as default and refuses unknown names with the list', () => {
    expect(getScenario().name).toBe('pageview');
    expect(scenarioNames()).toContain('pageview');
    expect(() => getScenario('nope')).toThrow(UnknownScenarioError);
    expect(() => getScenario('nope')).toThrow(/choose one of: .*pageview/);
    for (const name of scenarioNames()) {
      const scenario = getScenario(name);
      expect(scenario.name).toBe(name);
      expect(scenario.title.length).toBeGreaterThan(0);
    }
  });

  it('every entry point lists the scenarios in --help', async () => {
    for (const [file] of entryPoints) {
      const help = await run(tsx[0]!, [file!, '--help']);
      expect(help.code, file).toBe(0);
      for (const name of scenarioNames()) expect(help.stdout, file).toContain(name);
    }
  });

  it('every entry point refuses an unknown scenario with exit 2 and the choices, starting nothing', async () => {
    for (const args of [
      ['stack/start.ts', '--scenario', 'nope'],
      ['stack/bootstrap-cli.ts', '--scenario', 'nope'],
      ['stack/produce-scenario-cli.ts', 'nope'],
    ]) {
      const result = await run(tsx[0]!, args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/unknown scenario "nope"; choose one of: .*pageview/);
      expect(result.stdout, args.join(' ')).not.toMatch(/starting/);
    }
  });
});
