/**
 * Kafka messages of the three source topics. Keys are JSON, as every ksql source of this project
 * declares KEY_FORMAT='JSON' (the demo's datagen wrote 4-byte IntegerConverter keys; JSON keys also
 * let the multi-column GROUP BY keys of USER_IP_ACTIVITY and ENRICHED_ERROR_CODES_COUNT exist):
 *   clickstream_codes  key = the code as a JSON number ("404"): CLICKSTREAM_CODES' primary key
 *   clickstream_users  key = the user_id as a JSON number ("7"): WEB_USERS' primary key
 *   clickstream        key = the userid ("7"); the stream declares no key column, so ksql never reads
 *                      it, but it keeps each user's clicks in one partition, in order, so a user's
 *                      sessions grow in event-time order all the way through.
 * Every click message carries its event time (`_time`) as the Kafka timestamp too.
 */
import type { Click } from './generate/clicks.ts';
import type { WebUser } from './generate/users.ts';
import type { StatusCode } from './generate/values.ts';

export interface ClickstreamMessage {
  key: string;
  value: string;
  timestamp?: string;
}

export function codeMessage(code: StatusCode): ClickstreamMessage {
  return { key: String(code.code), value: JSON.stringify({ code: code.code, definition: code.definition }) };
}

export function userMessage(user: WebUser): ClickstreamMessage {
  const { user_id, username, registered_at, first_name, last_name, city, level } = user;
  return { key: String(user_id), value: JSON.stringify({ user_id, username, registered_at, first_name, last_name, city, level }) };
}

export function clickMessage(click: Click): ClickstreamMessage {
  const { ip, userid, remote_user, time, _time, request, status, bytes, referrer, agent } = click;
  return {
    key: String(userid),
    value: JSON.stringify({ ip, userid, remote_user, time, _time, request, status, bytes, referrer, agent }),
    timestamp: String(_time),
  };
}
