/**
 * The course-activity data both end-to-end runs use (the embedded stack's and the real engines'), and what
 * the statements must make of it, computed here with plain loops: the sessions a session window of the
 * gap finds, each user's aggregate over them, and the lines they show as in Pinot.
 */
import { generateActivity, type ActivityRow } from '../../scenarios/course-activity/activity.ts';
import type { UserAggregate } from '../../scenarios/course-activity/scoring.ts';

export interface Session {
  user: number;
  start: number;
  end: number;
  activities: number;
}

/** Twelve users' activity starting twelve hours ago on a minute boundary: inside the tables' and topics' retention. */
export function seededActivity(): ActivityRow[] {
  const base = Math.floor(Date.now() / 60_000) * 60_000 - 12 * 3_600_000;
  return generateActivity({ seed: 7, users: 12, startMs: base, sessionsPerUser: [1, 3], activitiesPerSession: [1, 6] });
}

/** Sessions as a session window of the gap finds them: a new one whenever the pause exceeds the gap. */
export function sessionsOfActivity(rows: readonly Pick<ActivityRow, 'userid' | 'timecreated'>[], gapMs: number): Session[] {
  const byUser = new Map<number, number[]>();
  for (const r of rows) byUser.set(Number(r.userid), [...(byUser.get(Number(r.userid)) ?? []), Number(r.timecreated)]);
  const sessions: Session[] = [];
  for (const [user, times] of byUser) {
    let current: Session | undefined;
    for (const t of times.sort((a, b) => a - b)) {
      if (current && t - current.end <= gapMs) {
        current.end = t;
        current.activities++;
      } else {
        current = { user, start: t, end: t, activities: 1 };
        sessions.push(current);
      }
    }
  }
  return sessions;
}

/** A session as `SELECT user_id, start_date, end_date, activities, duration FROM moodle_sessions` shows it. */
export function sessionLine(s: Session): string {
  return `${s.user} ${s.start} ${s.end} ${s.activities} ${(s.end - s.start) / 1000}`;
}

/** Each user's aggregate over their sessions, as MOODLE_LOGS_PREDICTION_AGG computes it (duration in whole seconds). */
export function userAggregates(sessions: readonly Session[]): UserAggregate[] {
  const perUser = new Map<number, Session[]>();
  for (const s of sessions) perUser.set(s.user, [...(perUser.get(s.user) ?? []), s]);
  return [...perUser].map(([userid, list]) => ({
    userid,
    activities: list.reduce((n, s) => n + s.activities, 0),
    duration: Math.trunc(list.reduce((n, s) => n + (s.end - s.start) / 1000, 0) / list.length),
    sessions: list.length,
  }));
}
