/**
 * One poll of the dashboard: Pinot's tables (the PageView page's four queries, or a scenario's panels),
 * Kafka's produced count and the health checks, made into the next snapshot. A failure is part of the
 * snapshot (state "error", the last data kept), never thrown.
 */
import type { HttpAuth } from '../config/endpoints.ts';
import { runHealthChecks, type HealthResult, type HealthTarget } from './health.ts';
import { pollScenario, type ScenarioSnapshot } from './scenario-panels.ts';
import { failureSnapshot, queryPinot, queryProducedViews, successSnapshot, type PreviousTotals, type ProducedViewsSource, type Snapshot } from './snapshot.ts';
import type { ScenarioDashboard } from '../scenarios/scenario.ts';

/** Where a poll reads from. */
export interface PollSources {
  pinotBrokerUrl: string;
  pinotAuth: HttpAuth | undefined;
  queryTimeoutMs: number;
  healthTargets: HealthTarget[];
  healthTimeoutMs: number;
  /** The page-view topic's cluster; undefined: produced views unknown. */
  producedSource: ProducedViewsSource | undefined;
  log: (line: string) => void;
}

function healthChecks(sources: PollSources): Promise<HealthResult[]> {
  return runHealthChecks(sources.healthTargets, sources.healthTimeoutMs).catch((): HealthResult[] => []);
}

export interface PageviewPoll {
  next: Snapshot;
  /** The totals the next poll measures rates against (unchanged when Pinot failed). */
  totals: PreviousTotals | undefined;
  failed: boolean;
}

/** The PageView page: Pinot's four tables, then Kafka's produced count, and the health checks. */
export async function pollPageview(sources: PollSources, current: Snapshot, previousTotals: PreviousTotals | undefined): Promise<PageviewPoll> {
  // Pinot first, then Kafka: every view Pinot counts was produced before the offsets are read, so
  // produced >= joined and the difference is what the join dropped (plus views still in flight).
  const [outcome, health] = await Promise.all([
    queryPinot(sources.pinotBrokerUrl, sources.queryTimeoutMs, sources.pinotAuth).then(
      async (data) => ({ data, produced: await queryProducedViews(sources.producedSource, sources.queryTimeoutMs) }),
      (error: Error) => ({ error }),
    ),
    healthChecks(sources),
  ]);
  const now = Date.now();
  let next: Snapshot;
  let totals = previousTotals;
  if ('data' in outcome) {
    next = successSnapshot(current, outcome.data, now, previousTotals, outcome.produced);
    totals = { totalViews: next.headline.totalViews, viewsProduced: next.headline.viewsProduced, at: now };
    if (next.headline.viewsNote !== current.headline.viewsNote && next.headline.viewsNote) sources.log(`page view counts: ${next.headline.viewsNote}`);
    if (current.state === 'error') sources.log(`Pinot answers again (${sources.pinotBrokerUrl}); data refreshed`);
  } else {
    const message = outcome.error?.message ?? String(outcome.error);
    next = failureSnapshot(current, message, now);
    if (current.state !== 'error' || current.error !== message) sources.log(`poll failed: ${message}; keeping last data, retrying with back-off`);
  }
  next.health = health;
  next.healthCheckedAt = now;
  return { next, totals, failed: !('data' in outcome) };
}

/** A scenario's page: every panel's query, and the health checks; the snapshot fails only when every panel did. */
export async function pollScenarioPage(
  sources: PollSources,
  current: Snapshot,
  scenarioCurrent: ScenarioSnapshot,
  dashboard: ScenarioDashboard,
): Promise<{ next: Snapshot; scenario: ScenarioSnapshot }> {
  const [scenario, health] = await Promise.all([
    pollScenario(sources.pinotBrokerUrl, scenarioCurrent, dashboard, sources.queryTimeoutMs, Date.now(), sources.pinotAuth),
    healthChecks(sources),
  ]);
  const now = Date.now();
  const failed = scenario.panels.filter((p) => p.state === 'error');
  const next: Snapshot =
    failed.length > 0 && failed.length === scenario.panels.length
      ? failureSnapshot(current, failed[0]!.error ?? 'Pinot failed', now)
      : { ...current, state: 'ok', stale: false, error: null, updatedAt: now, attemptedAt: now, failures: 0 };
  if (next.state === 'error' && current.state !== 'error') sources.log(`poll failed: ${next.error}; keeping last data, retrying with back-off`);
  next.health = health;
  next.healthCheckedAt = now;
  return { next, scenario };
}
