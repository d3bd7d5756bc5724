/**
 * The live status line of `npm start`: what the producers wrote in this run with their measured rates,
 * the page-view figures of the dashboard's headline, and the stack's memory. Pure apart from the
 * state it keeps between two lines (the counts and time of the previous line, to measure rates).
 */

/** The headline fields the line reads from the dashboard's snapshot (dashboard/snapshot.ts). */
export interface ViewsHeadline {
  /** Page views counted in Pinot (the fallback when the fields below are absent). */
  totalViews?: number;
  /** Page views in the page-view topic; null when unknown (Kafka unreachable ...). */
  viewsProduced?: number | null;
  /** Page views that joined a clean user and were counted in Pinot. */
  viewsJoined?: number | null;
  /** viewsProduced - viewsJoined: views of users the join dropped (a NULL field), plus views in flight. */
  viewsDropped?: number | null;
}

export interface StatusExtras {
  /** The PageView dashboard's headline; undefined for scenarios without one (nothing printed). */
  headline?: ViewsHeadline | undefined;
  /**
   * When the dashboard last polled the headline (epoch ms). The producers' counts are live, the headline
   * is as old as that poll (DASHBOARD_POLL_MS), so the line says how old it is.
   */
  headlineAt?: number | undefined;
  /** undefined when it could not be read (see residentBytes) */
  rssBytes: number | undefined;
}

/**
 * The process's resident memory, or undefined when it cannot be read: Node reads it from /proc, which
 * fails with EMFILE when the process is out of file descriptors, and a status line must not take the
 * stack down for that.
 */
export function residentBytes(read: () => number = () => process.memoryUsage.rss()): number | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Tracks the producers' running totals and renders one status line from them. */
export class StatusLine {
  private readonly counts = new Map<string, number>();
  private readonly baselines = new Map<string, number>();
  private previous: { at: number; counts: Map<string, number> } | undefined;

  /**
   * What a label already held before this run (e.g. the users in MySQL at start). Such a label shows
   * its total and how many of them are new in this run, `users 1000 (0 new)`, instead of a rate.
   */
  baseline(label: string, value: number): void {
    this.baselines.set(label, value);
  }

  /** A producer's running total: for labels without a baseline, what this run wrote. */
  report(label: string, done: number): void {
    this.counts.set(label, done);
  }

  /**
   * The line at `now` (ms). A rate is the growth since the previous line divided by the time between
   * the two, so it is shown only for a label the previous line already had.
   */
  render(now: number, extras: StatusExtras): string {
    const parts = [...this.counts].map(([label, done]) => {
      const baseline = this.baselines.get(label);
      if (baseline !== undefined) return `${label} ${done} (${Math.max(0, done - baseline)} new)`;
      const before = this.previous?.counts.get(label);
      if (before === undefined || now <= this.previous!.at) return `${label} ${done}`;
      return `${label} ${done} (${formatRate(((done - before) * 1000) / (now - this.previous!.at))}/s)`;
    });
    this.previous = { at: now, counts: new Map(this.counts) };
    if (extras.headline) parts.push(formatViews(extras.headline) + formatAge(now, extras.headlineAt));
    parts.push(extras.rssBytes === undefined ? 'rss n/a' : `rss ${Math.round(extras.rssBytes / 1048576)} MB`);
    return parts.join(', ');
  }
}

/** `views produced N, joined J in Pinot, dropped D by the join (...)`, or the Pinot count alone. */
export function formatViews(headline: ViewsHeadline): string {
  const { viewsProduced, viewsJoined, viewsDropped } = headline;
  if (viewsProduced === undefined && viewsJoined === undefined && viewsDropped === undefined) {
    return `views counted in Pinot ${headline.totalViews ?? 0}`;
  }
  return (
    `views produced ${known(viewsProduced)}, joined ${known(viewsJoined)} in Pinot, ` + `dropped ${known(viewsDropped)} by the join (users with a NULL field)`
  );
}

/** ` as of 9 s ago` for a headline polled at `at`; nothing when unknown. */
function formatAge(now: number, at: number | undefined): string {
  return at === undefined ? '' : ` as of ${Math.max(0, Math.round((now - at) / 1000))} s ago`;
}

function known(value: number | null | undefined): string {
  return value === null || value === undefined ? 'n/a' : String(value);
}

/** Whole numbers from 10/s up; one decimal below, so a slow producer does not read as 0/s. */
function formatRate(perSecond: number): string {
  return perSecond >= 10 || perSecond === 0 ? perSecond.toFixed(0) : perSecond.toFixed(1);
}
