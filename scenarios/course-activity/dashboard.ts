/** The course-activity page: sessions (per user, latest) and the users at risk of withdrawal. */
import type { CourseActivityConfig } from '../../config/scenarios/course-activity.ts';
import type { ScenarioDashboard } from '../scenario.ts';

// Session tables also hold the session feed's delete rows (`deleted` = true): Pinot 1.x drops them
// (upsertConfig.deleteRecordColumn), Pinot 0.11 keeps them as rows, so every session query keeps the live ones.
export function courseActivityDashboard(settings: CourseActivityConfig): ScenarioDashboard {
  return {
    title: 'Course activity and withdrawal risk',
    panels: [
      {
        id: 'sessions-total',
        title: 'Sessions',
        kind: 'stat',
        sql: 'SELECT COUNT(*) AS sessions FROM moodle_sessions WHERE deleted = false',
        y: ['sessions'],
        description: `sessions of activity, ${settings.sessionGapMinutes} minutes of inactivity apart`,
      },
      {
        id: 'at-risk-total',
        title: 'Users at risk',
        kind: 'stat',
        sql: `SELECT COUNT(*) AS users FROM moodle_predictions WHERE prediction > ${settings.riskThreshold}`,
        y: ['users'],
        description: `prediction over ${settings.riskThreshold}`,
      },
      {
        id: 'activities-over-time',
        title: 'Activities per session start',
        kind: 'line',
        sql: 'SELECT start_date, SUM(activities) AS activities FROM moodle_sessions WHERE deleted = false GROUP BY start_date ORDER BY start_date LIMIT 1000',
        x: 'start_date',
        y: ['activities'],
        description: 'activities of the sessions that started at each time',
      },
      {
        id: 'sessions-per-user',
        title: 'Sessions per user',
        kind: 'bar',
        sql: 'SELECT user_id, COUNT(*) AS sessions, SUM(activities) AS activities FROM moodle_sessions WHERE deleted = false GROUP BY user_id ORDER BY sessions DESC, user_id LIMIT 30',
        x: 'user_id',
        y: ['sessions', 'activities'],
      },
      {
        id: 'at-risk',
        title: 'At-risk users',
        kind: 'table',
        sql: `SELECT userid, prediction, created_date FROM moodle_predictions WHERE prediction > ${settings.riskThreshold} ORDER BY prediction DESC, userid LIMIT 100`,
        clock: ['created_date'],
      },
      {
        id: 'latest-sessions',
        title: 'Latest sessions',
        kind: 'table',
        sql: 'SELECT user_id, start_date, end_date, activities, duration FROM moodle_sessions WHERE deleted = false ORDER BY end_date DESC LIMIT 50',
        clock: ['start_date', 'end_date'],
      },
    ],
  };
}
