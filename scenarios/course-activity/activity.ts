/**
 * Moodle activity: rows of mdl_logstore_standard_log (eventname, userid, timecreated in epoch ms, as in
 * the seed). Each user works in sessions: bursts of activities at most `withinGapMinutes` apart,
 * separated by pauses of at least `betweenGapMinutes` — both clear of the 15-minute session gap, so the
 * sessions ksqlDB finds are the ones generated. Seeded: the same seed gives the same rows.
 */
import { Rng } from '../../producers/generate/random.ts';

export const EVENT_NAMES = [
  '\\core\\event\\course_viewed',
  '\\mod_page\\event\\course_module_viewed',
  '\\mod_quiz\\event\\attempt_started',
  '\\mod_quiz\\event\\attempt_submitted',
  '\\mod_forum\\event\\post_created',
  '\\mod_assign\\event\\submission_created',
] as const;

export interface ActivityRow {
  eventname: string;
  userid: number;
  timecreated: number;
}

export interface ActivityOptions {
  seed: number;
  users: number;
  /** First activity of every user at or after this time (epoch ms). */
  startMs: number;
  sessionsPerUser: [min: number, max: number];
  activitiesPerSession: [min: number, max: number];
  withinGapMinutes?: number;
  betweenGapMinutes?: number;
}

const MINUTE = 60_000;

/** Every user's sessions, all rows in time order. */
export function generateActivity(options: ActivityOptions): ActivityRow[] {
  const rng = new Rng(options.seed);
  const within = options.withinGapMinutes ?? 10;
  const between = options.betweenGapMinutes ?? 25;
  const rows: ActivityRow[] = [];
  for (let userid = 1; userid <= options.users; userid++) {
    let t = options.startMs + rng.int(0, 30) * MINUTE;
    const sessions = rng.int(...options.sessionsPerUser);
    for (let s = 0; s < sessions; s++) {
      const activities = rng.int(...options.activitiesPerSession);
      for (let a = 0; a < activities; a++) {
        rows.push({ eventname: EVENT_NAMES[rng.int(0, EVENT_NAMES.length - 1)]!, userid, timecreated: t });
        if (a < activities - 1) t += rng.int(1, within * 60) * 1000;
      }
      t += between * MINUTE + rng.int(0, 90) * MINUTE;
    }
  }
  return rows.sort((x, y) => x.timecreated - y.timecreated || x.userid - y.userid);
}
