/**
 * The course-activity Pinot realtime tables (pinot/schemas, pinot/tables beside this module):
 *   moodle_sessions  MOODLE_LOGS_SESSIONS_PER_15MINS through its session feed (pinot/session-feed.ts), upsert on
 *                    (user_id, start_date): a session's latest extent; a session merged into another is deleted
 *   moodle_predictions  MOODLE_LOGS_PREDICTION, upsert on userid: each user's latest prediction. Not the
 *                       at-risk stream: a user whose risk falls must leave the at-risk list, and that stream
 *                       only carries risks over the threshold; the dashboard filters on the same threshold.
 */
import type { CourseActivityConfig } from '../../config/scenarios/course-activity.ts';
import { pinotTablesFromFolder, type PinotTable } from '../../pinot/tables.ts';

export function courseActivityPinotTables(settings: CourseActivityConfig, brokerList: string): PinotTable[] {
  return pinotTablesFromFolder(
    new URL('./pinot/', import.meta.url),
    {
      moodle_sessions: settings.topics.sessionsFeed,
      moodle_predictions: settings.topics.prediction,
    },
    brokerList,
  );
}
