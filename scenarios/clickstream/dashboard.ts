/**
 * The clickstream dashboard: the panels of the demo's Grafana board (events, pages, errors and
 * alerts, status codes, user sessions, user IP activity) plus the seed's bandwidth panels (bytes per
 * minute, bytes per session), each a Pinot query over the tables of pinot.ts.
 */
import type { ClickstreamConfig } from '../../config/scenarios/clickstream.ts';
import type { ScenarioDashboard } from '../scenario.ts';

/** User-session charts draw this many users as lines; the rest are grey points (20+ legends are unreadable). */
const TOP_USERS = 8;

// Session tables also hold the session feed's delete rows (`deleted` = true): Pinot 1.x drops them
// (upsertConfig.deleteRecordColumn), Pinot 0.11 keeps them as rows, so every session query keeps the live ones.
export function clickstreamDashboard(settings: ClickstreamConfig): ScenarioDashboard {
  const { windows, thresholds, traffic } = settings;
  const gap = windows.sessionGapSeconds;
  // Why the per-minute charts swing: the generator's sessionize rhythm (generate/clicks.ts), not the site.
  const rhythm =
    `The swings come from the click generator, not from the traffic: like the demo's sessionize script, ` +
    `it sends clicks for ${traffic.activeSeconds} s, then pauses ${traffic.pauseSeconds} s (CLICKSTREAM_ACTIVE_SECONDS, ` +
    `CLICKSTREAM_PAUSE_SECONDS), so a minute holds more or fewer active seconds and user sessions end in each pause.`;
  return {
    title: 'Clickstream analysis',
    panels: [
      {
        id: 'total-events',
        title: 'Clicks',
        kind: 'stat',
        sql: 'SELECT SUM(events) AS events FROM events_per_min',
        y: ['events'],
        description: 'every click counted in EVENTS_PER_MIN',
      },
      {
        id: 'total-bytes',
        title: 'Bytes served',
        kind: 'stat',
        sql: 'SELECT SUM(bytes) AS bytes FROM events_per_min',
        y: ['bytes'],
        description: 'bandwidth of every click',
      },
      {
        id: 'events-per-minute',
        title: 'Events per minute',
        kind: 'line',
        sql: 'SELECT event_ts, SUM(events) AS events FROM events_per_min GROUP BY event_ts ORDER BY event_ts LIMIT 1000',
        x: 'event_ts',
        y: ['events'],
        description: `all users' clicks per ${windows.eventsSeconds} s tumbling window`,
        note: rhythm,
      },
      {
        id: 'bytes-per-minute',
        title: 'Bandwidth per minute',
        kind: 'line',
        sql: 'SELECT event_ts, SUM(bytes) AS bytes FROM events_per_min GROUP BY event_ts ORDER BY event_ts LIMIT 1000',
        x: 'event_ts',
        y: ['bytes'],
        description: `bytes served per ${windows.eventsSeconds} s tumbling window`,
        note: 'Follows the clicks per minute: the same generator pauses.',
      },
      {
        id: 'pages-per-minute',
        title: 'HTML pages per minute',
        kind: 'line',
        sql: 'SELECT event_ts, SUM(pages) AS pages FROM pages_per_min GROUP BY event_ts ORDER BY event_ts LIMIT 2000',
        x: 'event_ts',
        y: ['pages'],
        description: `page views in ${windows.pagesSeconds} s windows, every ${windows.pagesAdvanceSeconds} s`,
        note: `The dips are the generator's ${traffic.pauseSeconds} s pauses, as in the clicks per minute.`,
      },
      {
        id: 'errors-per-minute',
        title: 'Errors per minute by status',
        kind: 'line',
        sql: 'SELECT status, event_ts, errors FROM errors_per_min ORDER BY event_ts LIMIT 2000',
        x: 'event_ts',
        y: ['errors'],
        series: 'status',
        description: `statuses above 400 in ${windows.errorsSeconds} s windows, every ${windows.errorsAdvanceSeconds} s`,
      },
      {
        id: 'error-alerts',
        title: 'Error alerts',
        kind: 'table',
        sql: 'SELECT event_ts AS window_start, status, errors FROM errors_per_min_alert ORDER BY event_ts DESC, status LIMIT 50',
        clock: ['window_start'],
        description: `windows of ${windows.errorsAlertSeconds} s with more than ${thresholds.errorAlert} errors of one status`,
      },
      {
        id: 'status-codes',
        title: 'Status codes',
        kind: 'table',
        sql: 'SELECT event_ts AS window_start, code, definition, "count" AS clicks FROM enriched_error_codes_count ORDER BY event_ts DESC, code LIMIT 50',
        clock: ['window_start'],
        description: `clicks per status code and its definition, ${windows.errorCodesSeconds} s windows`,
      },
      {
        id: 'session-events',
        title: 'User sessions: clicks',
        kind: 'line',
        sql: 'SELECT username, event_ts, events FROM click_user_sessions WHERE deleted = false ORDER BY event_ts LIMIT 2000',
        x: 'event_ts',
        y: ['events'],
        series: 'username',
        topSeries: TOP_USERS,
        description:
          `clicks per session (a session ends after ${gap} s without a click), at the session's end; ` +
          `lines for the ${TOP_USERS} users with the most clicks, grey points for the others`,
      },
      {
        id: 'session-bytes',
        title: 'User sessions: bandwidth',
        kind: 'line',
        sql: 'SELECT username, event_ts, bytes FROM click_user_sessions WHERE deleted = false ORDER BY event_ts LIMIT 2000',
        x: 'event_ts',
        y: ['bytes'],
        series: 'username',
        topSeries: TOP_USERS,
        description: `bytes per session, at the session's end; lines for the ${TOP_USERS} users with the most bytes, grey points for the others`,
      },
      {
        id: 'top-sessions',
        title: 'High-bandwidth sessions',
        kind: 'table',
        sql: 'SELECT username, session_start, event_ts AS session_end, events, bytes FROM click_user_sessions WHERE deleted = false ORDER BY bytes DESC, username LIMIT 20',
        clock: ['session_start', 'session_end'],
        description: 'the sessions that served the most bytes',
      },
      {
        id: 'user-ip-activity',
        title: 'User IP activity',
        kind: 'table',
        sql: 'SELECT username, ip, city, SUM("count") AS hits FROM user_ip_activity GROUP BY username, ip, city ORDER BY hits DESC, username, ip LIMIT 50',
        description: `clicks per user, address and city, summed over the ${windows.userIpSeconds} s windows with more than ${thresholds.userIp}`,
      },
    ],
  };
}
