/**
 * A scenario's dashboard page as data: each panel's Pinot query run once per poll, its rows and a
 * state the page shows (ok, empty, error). A missing table is an empty panel (the pipeline has not
 * produced it yet), not an outage; an unreachable broker is an error on every panel.
 */
import type { HttpAuth } from '../config/endpoints.ts';
import type { DashboardPanel, ScenarioDashboard } from '../scenarios/scenario.ts';
import { pinotQuery, PinotQueryError, type Row } from './pinot-client.ts';

export type PanelState = 'loading' | 'ok' | 'empty' | 'error';

export interface PanelResult extends DashboardPanel {
  state: PanelState;
  rows: Row[];
  error?: string;
}

export interface ScenarioSnapshot {
  title: string;
  panels: PanelResult[];
  /** Epoch ms of the last poll in which every panel answered, null before the first. */
  updatedAt: number | null;
  attemptedAt: number | null;
}

/** Panels drawn at most this many rows (a page is not a data export). */
export const PANEL_ROW_LIMIT = 2_000;

const READ_ONLY = /^\s*(SELECT|WITH)\b/i;

/** Checks a scenario's panel list once, when the dashboard starts: a wrong spec is a bug to name at once. */
export function checkScenarioDashboard(dashboard: ScenarioDashboard): void {
  const seen = new Set<string>();
  for (const panel of dashboard.panels) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(panel.id)) throw new Error(`dashboard panel id "${panel.id}" must be lower-case letters, digits and dashes`);
    if (seen.has(panel.id)) throw new Error(`dashboard panel id "${panel.id}" is used twice`);
    seen.add(panel.id);
    if (!READ_ONLY.test(panel.sql)) throw new Error(`dashboard panel ${panel.id}: only SELECT queries, got "${panel.sql.slice(0, 40)}"`);
    if ((panel.kind === 'line' || panel.kind === 'bar') && (!panel.x || !panel.y?.length)) {
      throw new Error(`dashboard panel ${panel.id}: a ${panel.kind} chart needs x and y columns`);
    }
    if (panel.kind === 'stat' && !panel.y?.length) throw new Error(`dashboard panel ${panel.id}: a stat needs a y column`);
    if (panel.topSeries !== undefined && (panel.kind !== 'line' || !panel.series || !(Number.isInteger(panel.topSeries) && panel.topSeries >= 1))) {
      throw new Error(`dashboard panel ${panel.id}: topSeries is a whole number >= 1 for a line chart with a series column`);
    }
    if (panel.clock !== undefined && panel.kind !== 'table') throw new Error(`dashboard panel ${panel.id}: clock columns are for tables`);
  }
}

export function initialScenarioSnapshot(dashboard: ScenarioDashboard): ScenarioSnapshot {
  return {
    title: dashboard.title,
    panels: dashboard.panels.map((panel) => ({ ...panel, state: 'loading', rows: [] })),
    updatedAt: null,
    attemptedAt: null,
  };
}

async function queryPanel(
  brokerUrl: string,
  panel: DashboardPanel,
  previous: PanelResult | undefined,
  timeoutMs: number,
  auth?: HttpAuth,
): Promise<PanelResult> {
  try {
    const rows = (await pinotQuery(brokerUrl, panel.sql, { timeoutMs, auth })).slice(0, PANEL_ROW_LIMIT);
    return { ...panel, state: rows.length > 0 ? 'ok' : 'empty', rows };
  } catch (error) {
    if (error instanceof PinotQueryError && error.tableMissing) return { ...panel, state: 'empty', rows: [], error: 'no such table in Pinot yet' };
    // Keep the last rows on screen; the state says they are not fresh.
    return { ...panel, state: 'error', rows: previous?.rows ?? [], error: (error as Error).message };
  }
}

/** One poll: every panel's query, side by side. */
export async function pollScenario(
  brokerUrl: string,
  previous: ScenarioSnapshot,
  dashboard: ScenarioDashboard,
  timeoutMs: number,
  now: number,
  auth?: HttpAuth,
): Promise<ScenarioSnapshot> {
  const panels = await Promise.all(dashboard.panels.map((panel, i) => queryPanel(brokerUrl, panel, previous.panels[i], timeoutMs, auth)));
  const failed = panels.some((p) => p.state === 'error');
  return { title: dashboard.title, panels, updatedAt: failed ? previous.updatedAt : now, attemptedAt: now };
}
