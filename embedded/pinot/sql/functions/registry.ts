/**
 * Every Pinot function the broker knows, by canonical name (lower case, underscores removed, as Pinot
 * matches them): the scalar families and the aggregates. A new function is one entry in its family.
 */
import type { Expr } from '../parser.ts';
import { AGGREGATE_FUNCTIONS, PERCENTILE_NAMES } from './aggregates.ts';
import { ARRAY_FUNCTIONS } from './arrays.ts';
import { DATETIME_FUNCTIONS } from './datetime.ts';
import type { AggregateFunction, ScalarFunction } from './function.ts';
import { JSON_FUNCTIONS } from './json.ts';
import { MATH_FUNCTIONS } from './math.ts';
import { NULL_FUNCTIONS } from './null-handling.ts';
import { STRING_FUNCTIONS } from './string.ts';

function byName<F extends { names: readonly string[] }>(functions: F[]): Map<string, F> {
  const map = new Map<string, F>();
  for (const fn of functions) {
    for (const name of fn.names) {
      if (map.has(name)) throw new Error(`Pinot function ${name} is defined twice`);
      map.set(name, fn);
    }
  }
  return map;
}

const SCALARS = byName([...DATETIME_FUNCTIONS, ...STRING_FUNCTIONS, ...JSON_FUNCTIONS, ...MATH_FUNCTIONS, ...NULL_FUNCTIONS, ...ARRAY_FUNCTIONS]);
const AGGREGATES = byName(AGGREGATE_FUNCTIONS);

export function scalarFunction(name: string): ScalarFunction | undefined {
  return SCALARS.get(name);
}

export function aggregateFunction(name: string): AggregateFunction | undefined {
  return AGGREGATES.get(name);
}

/** Pinot canonical function name: lowercase, underscores removed. */
export function canonicalName(name: string): string {
  return name.toLowerCase().replace(/_/g, '');
}

/** `percentile95`, `percentileTDigest99.9`: a percentile function with its percentile in the name. */
const PERCENTILE_WITH_RANK = new RegExp(`^(${PERCENTILE_NAMES.join('|')})(\\d+(?:\\.\\d+)?)$`);

/**
 * The function a call names and its arguments, as Pinot reads them: `percentile95(x)` is
 * `percentile(x, 95)`, `count(DISTINCT x)` is `distinctcount(x)`.
 */
export function canonicalCall(e: Expr & { kind: 'call' }): { name: string; args: Expr[] } {
  const name = canonicalName(e.name);
  const percentile = PERCENTILE_WITH_RANK.exec(name);
  if (percentile) return { name: percentile[1]!, args: [...e.args, { kind: 'literal', type: 'number', value: percentile[2]! }] };
  if (name === 'count' && e.distinct) return { name: 'distinctcount', args: e.args };
  return { name, args: e.args };
}

/** Every entry, for tests and listings. */
export function allFunctions(): { scalars: ScalarFunction[]; aggregates: AggregateFunction[] } {
  return { scalars: [...new Set(SCALARS.values())], aggregates: [...new Set(AGGREGATES.values())] };
}
