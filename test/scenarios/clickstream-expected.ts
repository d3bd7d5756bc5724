/**
 * What the clickstream statements must produce, computed here straight from the generated clicks,
 * users and codes (plain loops, no ksql): per-window counts, error alerts, sessions, IP activity.
 * Every result is a map from a readable key to a readable value, so a mismatch reads like the data.
 */
import type { ClickstreamConfig } from '../../config/scenarios/clickstream.ts';
import type { Click } from '../../scenarios/clickstream/generate/clicks.ts';
import type { WebUser } from '../../scenarios/clickstream/generate/users.ts';
import type { StatusCode } from '../../scenarios/clickstream/generate/values.ts';

export type Expected = Map<string, string>;

/** Start of every hopping window (size, advance in ms) that holds time t: advance-aligned, from epoch 0. */
export function hoppingStarts(t: number, sizeMs: number, advanceMs: number): number[] {
  const starts: number[] = [];
  for (let s = Math.floor(t / advanceMs) * advanceMs; s > t - sizeMs && s >= 0; s -= advanceMs) starts.push(s);
  return starts.reverse();
}

function tumblingStart(t: number, sizeMs: number): number {
  return Math.floor(t / sizeMs) * sizeMs;
}

function bump(counts: Map<string, number>, key: string, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

function above(counts: Map<string, number>, threshold: number): Expected {
  return new Map([...counts].filter(([, n]) => n > threshold).map(([k, n]) => [k, String(n)]));
}

export interface ClickstreamExpectations {
  /** `userid@event_ts` → `events/bytes` */
  eventsPerMin: Expected;
  /** `userid@event_ts` → pages */
  pagesPerMin: Expected;
  /** `status@event_ts` → errors, only windows over the threshold */
  errorsPerMinAlert: Expected;
  /** `status@event_ts` → errors of every alert-sized window, over the threshold or not */
  errorsPerAlertWindow: Map<string, number>;
  /** `status@event_ts` → errors */
  errorsPerMin: Expected;
  /** `code|definition@event_ts` → count, over the threshold */
  enrichedErrorCodesCount: Expected;
  /** `username|ip|city@event_ts` → count, over the threshold */
  userIpActivity: Expected;
  /** `username@session_start` → `event_ts/events/bytes` */
  clickUserSessions: Expected;
}

export function expectedClickstream(clicks: Click[], users: WebUser[], codes: readonly StatusCode[], settings: ClickstreamConfig): ClickstreamExpectations {
  const { windows, thresholds } = settings;
  const s = (seconds: number): number => seconds * 1000;
  const userById = new Map(users.map((u) => [u.user_id, u]));
  const definitionByCode = new Map(codes.map((c) => [c.code, c.definition]));

  const events = new Map<string, number>();
  const bytes = new Map<string, number>();
  const pages = new Map<string, number>();
  const alertWindows = new Map<string, number>();
  const errors = new Map<string, number>();
  const codeCounts = new Map<string, number>();
  const ipCounts = new Map<string, number>();
  const timesByUser = new Map<string, { t: number; bytes: number }[]>();

  for (const click of clicks) {
    const t = click._time;
    const status = Number(click.status);
    const size = Number(click.bytes);
    const minute = `${click.userid}@${tumblingStart(t, s(windows.eventsSeconds))}`;
    bump(events, minute);
    bump(bytes, minute, size);
    if (click.request.includes('html')) {
      for (const start of hoppingStarts(t, s(windows.pagesSeconds), s(windows.pagesAdvanceSeconds))) bump(pages, `${click.userid}@${start}`);
    }
    if (status > 400) {
      for (const start of hoppingStarts(t, s(windows.errorsAlertSeconds), s(windows.errorsAlertAdvanceSeconds))) bump(alertWindows, `${status}@${start}`);
      for (const start of hoppingStarts(t, s(windows.errorsSeconds), s(windows.errorsAdvanceSeconds))) bump(errors, `${status}@${start}`);
    }
    const definition = definitionByCode.get(status);
    if (definition !== undefined) bump(codeCounts, `${status}|${definition}@${tumblingStart(t, s(windows.errorCodesSeconds))}`);
    const user = userById.get(click.userid);
    if (user) {
      bump(ipCounts, `${user.username}|${click.ip}|${user.city}@${tumblingStart(t, s(windows.userIpSeconds))}`);
      const list = timesByUser.get(user.username) ?? [];
      list.push({ t, bytes: size });
      timesByUser.set(user.username, list);
    }
  }

  const sessions: Expected = new Map();
  for (const [username, list] of timesByUser) {
    list.sort((a, b) => a.t - b.t);
    let start = list[0]!.t;
    let end = start;
    let count = 0;
    let total = 0;
    const close = (): void => {
      sessions.set(`${username}@${start}`, `${end}/${count}/${total}`);
    };
    for (const { t, bytes: size } of list) {
      if (count > 0 && t - end > s(windows.sessionGapSeconds)) {
        close();
        start = t;
        count = 0;
        total = 0;
      }
      end = t;
      count += 1;
      total += size;
    }
    close();
  }

  return {
    eventsPerMin: new Map([...events].map(([k, n]) => [k, `${n}/${bytes.get(k)}`])),
    pagesPerMin: new Map([...pages].map(([k, n]) => [k, String(n)])),
    errorsPerMinAlert: above(alertWindows, thresholds.errorAlert),
    errorsPerAlertWindow: alertWindows,
    errorsPerMin: new Map([...errors].map(([k, n]) => [k, String(n)])),
    enrichedErrorCodesCount: above(codeCounts, thresholds.errorCodes),
    userIpActivity: above(ipCounts, thresholds.userIp),
    clickUserSessions: sessions,
  };
}

/** The same keys and values from output rows (JSON values of a ksql topic, or Pinot rows). */
export const actualKey = {
  eventsPerMin: (r: Record<string, unknown>): [string, string] => [`${r.userid}@${r.event_ts}`, `${r.events}/${r.bytes}`],
  pagesPerMin: (r: Record<string, unknown>): [string, string] => [`${r.userid}@${r.event_ts}`, String(r.pages)],
  errors: (r: Record<string, unknown>): [string, string] => [`${r.status}@${r.event_ts}`, String(r.errors)],
  enrichedErrorCodesCount: (r: Record<string, unknown>): [string, string] => [`${r.code}|${r.definition}@${r.event_ts}`, String(r.count)],
  userIpActivity: (r: Record<string, unknown>): [string, string] => [`${r.username}|${r.ip}|${r.city}@${r.event_ts}`, String(r.count)],
  clickUserSessions: (r: Record<string, unknown>): [string, string] => [`${r.username}@${r.session_start}`, `${r.event_ts}/${r.events}/${r.bytes}`],
};

export function rowsToMap(rows: Record<string, unknown>[], key: (r: Record<string, unknown>) => [string, string]): Expected {
  return new Map(rows.map(key));
}

/** A map as sorted `key = value` lines, so toEqual shows a readable diff. */
export function lines(map: Map<string, string>): string[] {
  return [...map].map(([k, v]) => `${k} = ${v}`).sort();
}
