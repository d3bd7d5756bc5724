/**
 * Data for the scenario dashboards' queries in the Pinot conformance suite: every scenario table (its own
 * schema and table JSON, on a topic of its own) filled with rows made from its schema, and every panel's SQL.
 *
 * Rows are generated from the column types, deterministically: the first primary-key column is unique per
 * row (so upserts never collide: Pinot 0.11 would compare a different column, see P-UPSERT-CMP), other
 * strings take a few values (so GROUP BY has groups), time columns (and *_date, *_ts, *_start, *_end) step
 * by a minute, BOOLEAN columns are
 * false (the session feeds' `deleted`: 0.11 ignores deleteRecordColumn).
 */
import fs from 'node:fs';
import { getConfig } from '../../config/index.ts';
import { pinotTableFromFiles, type PinotFieldSpec, type PinotTable } from '../../pinot/tables.ts';
import { getScenario, scenarioNames } from '../../scenarios/index.ts';
import { BASE_TS } from './pinot-fixture.ts';

/** Rows per scenario table. */
export const SCENARIO_ROWS = 24;

export interface ScenarioPanelQuery {
  /** `<scenario>/<panel id>`. */
  id: string;
  sql: string;
}

/** Every panel of every scenario page (the PageView page's own queries are in pinot-queries.ts). */
export function scenarioPanelQueries(): ScenarioPanelQuery[] {
  return scenarioNames().flatMap((name) => {
    const dashboard = getScenario(name).dashboard?.(getConfig());
    return (dashboard?.panels ?? []).map((panel) => ({ id: `${name}/${panel.id}`, sql: panel.sql }));
  });
}

/** Every table of the scenarios' pinot/ folders, each on topic `conf-scn-<table>`. */
export function scenarioTables(brokerList: string): PinotTable[] {
  return scenarioNames().flatMap((name) => {
    const folder = new URL(`../../scenarios/${name}/pinot/`, import.meta.url);
    if (!fs.existsSync(new URL('tables/', folder))) return [];
    return fs
      .readdirSync(new URL('tables/', folder))
      .filter((f) => f.endsWith('.json'))
      .map((file) => {
        const table = file.replace(/\.json$/, '');
        return pinotTableFromFiles(folder, table, `conf-scn-${table}`, brokerList);
      });
  });
}

function valueFor(spec: PinotFieldSpec, i: number, unique: boolean, isTime: boolean): unknown {
  switch (spec.dataType) {
    case 'STRING':
      return unique ? `${spec.name}-${i}` : `${spec.name}-${i % 3}`;
    case 'BOOLEAN':
      return false;
    case 'DOUBLE':
    case 'FLOAT':
      return ((i * 37) % 100) / 100 + 0.005;
    case 'INT':
    case 'LONG':
    case 'TIMESTAMP':
      if (isTime) return BASE_TS + i * 60_000;
      return unique ? i + 1 : ((i * 7) % 13) + 1;
    default:
      return `${spec.name}-${i}`;
  }
}

/**
 * Columns that hold times without being dateTime fields (moodle_sessions' end_date): stepped like time
 * columns, so panels ordered by them (`ORDER BY end_date DESC`) have no ties whose order is undefined.
 */
const TIME_LIKE = /(_date|_ts|_start|_end)$/;

/** SCENARIO_ROWS JSON records for one table, made from its schema. */
export function rowsForTable(table: PinotTable): string[] {
  const schema = table.schema;
  const uniqueColumn = schema.primaryKeyColumns?.[0];
  const specs: { spec: PinotFieldSpec; isTime: boolean }[] = [
    ...(schema.dimensionFieldSpecs ?? []).map((spec) => ({ spec, isTime: TIME_LIKE.test(spec.name) })),
    ...(schema.metricFieldSpecs ?? []).map((spec) => ({ spec, isTime: TIME_LIKE.test(spec.name) })),
    ...(schema.dateTimeFieldSpecs ?? []).map((spec) => ({ spec, isTime: true })),
  ];
  return Array.from({ length: SCENARIO_ROWS }, (_, i) =>
    JSON.stringify(Object.fromEntries(specs.map(({ spec, isTime }) => [spec.name, valueFor(spec, i, spec.name === uniqueColumn, isTime)]))),
  );
}
