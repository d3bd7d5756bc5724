/** The Pinot function registry: what it holds, and that a call is checked against its entry. */
import { describe, expect, it } from 'vitest';
import { QueryError } from '../../embedded/pinot/errors.ts';
import { parseSchema } from '../../embedded/pinot/schema.ts';
import { allFunctions, aggregateFunction, canonicalName, scalarFunction } from '../../embedded/pinot/sql/functions/registry.ts';
import { parseQuery } from '../../embedded/pinot/sql/parser.ts';
import { translate, type TableView } from '../../embedded/pinot/sql/translate.ts';
import { eventsSchema } from './helpers.ts';

const view: TableView = { name: 'events', columns: parseSchema(eventsSchema()).columns, from: '"_pinot_data_1"' };

function errorOf(sql: string): { code: number; message: string } {
  try {
    translate(parseQuery(sql).select, view, 1_700_000_000_000);
  } catch (error) {
    if (error instanceof QueryError) return { code: error.errorCode, message: error.pinotMessage };
    throw error;
  }
  throw new Error(`no error for ${sql}`);
}

describe('function registry', () => {
  it('holds the functions Pinot documents for single-stage SQL, by canonical name', () => {
    for (const name of [
      'upper',
      'lower',
      'substr',
      'concat',
      'trim',
      'length',
      'replace',
      'regexp_like',
      'dateTrunc',
      'dateTimeConvert',
      'toDateTime',
      'fromDateTime',
      'now',
      'ago',
      'jsonExtractScalar',
      'abs',
      'round',
      'coalesce',
    ]) {
      expect(scalarFunction(canonicalName(name)), name).toBeDefined();
    }
    for (const name of ['count', 'sum', 'min', 'max', 'avg', 'distinctCount', 'distinctCountHLL', 'percentile', 'minMaxRange', 'lastWithTime']) {
      expect(aggregateFunction(canonicalName(name)), name).toBeDefined();
    }
  });

  it('names every entry canonically (lower case, no underscores) with a signature and a sensible arity', () => {
    const { scalars, aggregates } = allFunctions();
    expect(scalars.length).toBeGreaterThan(80);
    expect(aggregates.length).toBeGreaterThan(30);
    for (const fn of [...scalars, ...aggregates]) {
      for (const name of fn.names) expect(canonicalName(name)).toBe(name);
      expect(fn.signature).not.toBe('');
      expect(fn.arity[0]).toBeLessThanOrEqual(fn.arity[1]);
    }
  });

  it("refuses a call outside the entry's arity and an unknown function as the server does (200)", () => {
    // Pinot 1.2's TransformFunctionFactory: the server cannot make the function (200)
    expect(errorOf('SELECT upper(id, id) FROM events')).toEqual({ code: 200, message: 'QueryExecutionError: Unsupported function: upper with 2 parameters' });
    expect(errorOf('SELECT sum(n, n) FROM events')).toEqual({
      code: 150,
      message: 'SQLParsingError: Invalid number of arguments for aggregation function sum: 2',
    });
    expect(errorOf('SELECT read_csv(id) FROM events')).toEqual({ code: 200, message: 'QueryExecutionError: Unsupported function: readcsv not found' });
    // the single-stage engine has no `||` (only the multi-stage planner maps it to CONCAT)
    expect(errorOf("SELECT id || 'x' FROM events")).toEqual({ code: 200, message: 'QueryExecutionError: Unsupported function: || not found' });
  });

  it('reads percentileNN(x) as percentile(x, NN) and count(DISTINCT x) as distinctCount(x), and names them as Pinot 1.2 does', () => {
    const t = translate(parseQuery('SELECT percentile95(n), count(DISTINCT id) FROM events').select, view, 0);
    expect(t.columnNames).toEqual(['percentile95(n)', 'distinctcount(id)']);
    // getResultColumnName of Pinot's aggregation functions (release-1.2.0): the percentile as a Java double, COUNT(col) as count(*)
    const named = translate(
      parseQuery('SELECT percentile(n, 50), percentileEst(views, 99.9), percentileTDigest(n, 90, 200), percentileKLL95(n), count(views) FROM events').select,
      view,
      0,
    );
    expect(named.columnNames).toEqual([
      'percentile(n, 50.0)',
      'percentileest(views, 99.9)',
      'percentiletdigest(n, 90.0, 200.0)',
      'percentilekll(n, 95.0)',
      'count(*)',
    ]);
  });
});
