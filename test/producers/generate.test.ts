import { faker } from '@faker-js/faker';
import { describe, expect, it } from 'vitest';
import {
  DEVICES,
  PageViewGenerator,
  SOURCES,
  UserSessionGenerator,
  eventTime,
  fixedClock,
  sessionIdFor,
  type EventGeneratorOptions,
} from '../../producers/generate/events.ts';
import { Rng, deriveSeed, weightedPicker } from '../../producers/generate/random.ts';
import { hasUserId, pickUserId, userIdList, userIdRange } from '../../producers/generate/user-ids.ts';
import { COUNTRY_WEIGHTS, GENDERS, MAX_AGE, MIN_AGE, SUBSCRIPTIONS, USER_COLUMNS, UserGenerator, type UserRow } from '../../producers/generate/users.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function share<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  return items.filter(predicate).length / items.length;
}

function counts(values: ReadonlyArray<string | null>): Map<string | null, number> {
  const map = new Map<string | null, number>();
  for (const v of values) map.set(v, (map.get(v) ?? 0) + 1);
  return map;
}

describe('Rng and seeds', () => {
  it('repeats for a seed and differs between seeds and labels', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 100 }, () => a.uint32());
    expect(Array.from({ length: 100 }, () => b.uint32())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.uint32())).not.toEqual(xs);
    expect(deriveSeed(1, 'users')).not.toBe(deriveSeed(1, 'pageviews'));
    expect(deriveSeed(1, 'users')).toBe(deriveSeed(1, 'users'));
  });

  it('draws floats in [0,1) and ints within bounds, roughly uniformly', () => {
    const rng = new Rng(7);
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 50_000; i++) {
      const x = rng.next();
      if (!(x >= 0 && x < 1)) outside++;
      else buckets[Math.floor(x * 10)]!++;
      const n = rng.int(3, 9);
      if (!(n >= 3 && n <= 9 && Number.isInteger(n))) outside++;
    }
    expect(outside).toBe(0);
    for (const b of buckets) expect(Math.abs(b - 5_000)).toBeLessThan(400);
  });

  it('makes v4-shaped uuids and weighted picks in proportion', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 100; i++) expect(rng.uuid()).toMatch(UUID);
    const pick = weightedPicker([
      { value: 'a', weight: 3 },
      { value: 'b', weight: 1 },
    ]);
    const picks = Array.from({ length: 20_000 }, () => pick(rng));
    expect(share(picks, (p) => p === 'a')).toBeCloseTo(0.75, 1);
    expect(() => weightedPicker([])).toThrow();
  });
});

describe('user rows', () => {
  const rows = new UserGenerator({ seed: 11, nullRate: 0 }).take(20_000);

  it('are identical for the same seed and differ for another seed', () => {
    expect(new UserGenerator({ seed: 11, nullRate: 0 }).take(20_000)).toEqual(rows);
    expect(new UserGenerator({ seed: 12, nullRate: 0 }).take(100)).not.toEqual(rows.slice(0, 100));
  });

  it('have ages in 13..90, skewed around the 30s', () => {
    const ages = rows.map((r) => r.age!);
    for (const age of ages) expect(Number.isInteger(age) && age >= MIN_AGE && age <= MAX_AGE).toBe(true);
    const mean = ages.reduce((s, a) => s + a, 0) / ages.length;
    const sorted = [...ages].sort((x, y) => x - y);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    expect(mean).toBeGreaterThan(30);
    expect(mean).toBeLessThan(40);
    expect(median).toBeGreaterThanOrEqual(30);
    expect(median).toBeLessThanOrEqual(36);
    expect(mean).toBeGreaterThan(median); // right-skewed: a long tail of older users
    expect(share(ages, (a) => a >= 60)).toBeGreaterThan(0.01);
    expect(share(ages, (a) => a >= 60)).toBeLessThan(0.1);
  });

  it('have genders and subscriptions from their domains, weighted toward Standard', () => {
    const genders = counts(rows.map((r) => r.gender));
    expect([...genders.keys()].sort()).toEqual([...GENDERS].sort());
    const subs = counts(rows.map((r) => r.subscription));
    expect([...subs.keys()].sort()).toEqual([...SUBSCRIPTIONS].sort());
    const order = [...subs].sort((a, b) => b[1] - a[1]).map(([k]) => k);
    expect(order).toEqual(['Standard', 'Silver', 'Gold', 'Platinum']);
    expect(subs.get('Standard')! / rows.length).toBeGreaterThan(0.5);
    for (const r of rows) expect(r.gender!.length).toBeLessThanOrEqual(10);
  });

  it('have a skewed country distribution with a long tail, spelled as faker spells them', () => {
    const countries = counts(rows.map((r) => r.country));
    const ranked = [...countries].sort((a, b) => b[1] - a[1]);
    expect(ranked[0]![0]).toBe('United States of America');
    expect(ranked[0]![1] / rows.length).toBeGreaterThan(0.15);
    expect(countries.size).toBeGreaterThan(60); // the tail from faker's list
    const known = new Set(faker.definitions.location.country);
    for (const { value } of COUNTRY_WEIGHTS) expect(known.has(value), value).toBe(true);
    for (const name of countries.keys()) expect(name!.length).toBeGreaterThan(0);
    for (const name of countries.keys()) expect(name!.length).toBeLessThanOrEqual(200);
  });

  it('leave each column NULL independently at the null rate', () => {
    const p = 0.2;
    const nulled = new UserGenerator({ seed: 11, nullRate: p }).take(20_000);
    for (const column of USER_COLUMNS) {
      expect(Math.abs(share(nulled, (r) => r[column] === null) - p)).toBeLessThan(0.015);
    }
    // independent: all four NULL at about p^4, not p
    expect(share(nulled, (r) => USER_COLUMNS.every((c) => r[c] === null))).toBeLessThan(0.005);
    // the same seed gives the same values; only the mask differs
    nulled.forEach((row, i) => {
      for (const column of USER_COLUMNS) if (row[column] !== null) expect(row[column]).toBe(rows[i]![column]);
    });
  });

  it('honour null rates 0 and 1 and reject others', () => {
    const all = new UserGenerator({ seed: 3, nullRate: 1 }).take(100);
    expect(all.every((r: UserRow) => USER_COLUMNS.every((c) => r[c] === null))).toBe(true);
    expect(() => new UserGenerator({ seed: 3, nullRate: 1.5 })).toThrow(/nullRate/);
    expect(() => new UserGenerator({ seed: 3, nullRate: -0.1 })).toThrow(/nullRate/);
  });
});

describe('user id sets', () => {
  it('pick only existing ids, from a range or a list', () => {
    const rng = new Rng(5);
    const range = userIdRange(10, 20);
    const list = userIdList([3, 7, 42]);
    const fromRange = new Set(Array.from({ length: 2_000 }, () => pickUserId(range, rng)));
    const fromList = new Set(Array.from({ length: 2_000 }, () => pickUserId(list, rng)));
    expect([...fromRange].sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect([...fromList].sort((a, b) => a - b)).toEqual([3, 7, 42]);
    expect(hasUserId(list, 7)).toBe(true);
    expect(hasUserId(list, 8)).toBe(false);
    expect(() => userIdList([])).toThrow();
    expect(() => userIdRange(5, 4)).toThrow();
  });
});

describe('events', () => {
  const BASE = Date.UTC(2024, 0, 1);
  const options = (over: Partial<EventGeneratorOptions> = {}): EventGeneratorOptions => ({
    seed: 99,
    userIds: userIdRange(1, 500),
    sessionsPerUser: 3,
    clock: fixedClock(BASE),
    jitterMs: 5_000,
    lateRate: 0,
    lateMs: 60_000,
    ...over,
  });

  it('page views have the brief fields and domains, and refer only to existing users', () => {
    const ids = userIdList([2, 5, 8, 13, 21, 34]);
    const views = new PageViewGenerator(options({ userIds: ids })).take(5_000);
    for (const v of views) {
      expect(Object.keys(v)).toEqual(['session_id', 'user_id', 'source', 'event_timestamp']);
      expect(hasUserId(ids, v.user_id)).toBe(true);
      expect(SOURCES).toContain(v.source);
      expect(v.session_id).toMatch(UUID);
      expect(Number.isInteger(v.event_timestamp)).toBe(true);
    }
    expect(new Set(views.map((v) => v.source)).size).toBe(3);
    expect(new Set(views.map((v) => v.user_id)).size).toBe(6);
  });

  it('sessions have the brief fields and domains; names are stable per user', () => {
    const sessions = new UserSessionGenerator(options()).take(5_000);
    const names = new Map<number, string>();
    for (const s of sessions) {
      expect(Object.keys(s)).toEqual(['session_id', 'user_id', 'user_name', 'login_timestamp', 'device']);
      expect(s.user_id >= 1 && s.user_id <= 500).toBe(true);
      expect(DEVICES).toContain(s.device);
      expect(s.user_name.length).toBeGreaterThan(2);
      if (names.has(s.user_id)) expect(s.user_name).toBe(names.get(s.user_id));
      names.set(s.user_id, s.user_name);
    }
    expect(new Set(sessions.map((s) => s.device)).size).toBe(3);
    expect(new Set(names.values()).size).toBeGreaterThan(200);
  });

  it('page views use the session ids the session stream of the same seed uses', () => {
    const views = new PageViewGenerator(options()).take(1_000);
    for (const v of views) {
      const own = [0, 1, 2].map((k) => sessionIdFor(99, v.user_id, k));
      expect(own).toContain(v.session_id);
    }
    const sessions = new UserSessionGenerator(options()).take(1_000);
    for (const s of sessions) expect([0, 1, 2].map((k) => sessionIdFor(99, s.user_id, k))).toContain(s.session_id);
  });

  it('keep normal events within now ± jitter', () => {
    const views = new PageViewGenerator(options({ jitterMs: 2_000 })).take(10_000);
    const ts = views.map((v) => v.event_timestamp);
    expect(Math.min(...ts)).toBeGreaterThanOrEqual(BASE - 2_000);
    expect(Math.max(...ts)).toBeLessThanOrEqual(BASE + 2_000);
    expect(Math.min(...ts)).toBeLessThan(BASE - 1_800); // the whole window is used
    expect(Math.max(...ts)).toBeGreaterThan(BASE + 1_800);
    const none = new PageViewGenerator(options({ jitterMs: 0 })).take(100);
    expect(none.every((v) => v.event_timestamp === BASE)).toBe(true);
  });

  it('make a late share of events, late by lateMs (+ up to jitter)', () => {
    const o = options({ jitterMs: 1_000, lateRate: 0.1, lateMs: 60_000 });
    const sessions = new UserSessionGenerator(o).take(20_000);
    const late = sessions.filter((s) => s.login_timestamp < BASE - 1_000);
    expect(Math.abs(late.length / sessions.length - 0.1)).toBeLessThan(0.015);
    for (const s of late) {
      expect(s.login_timestamp).toBeLessThanOrEqual(BASE - 60_000);
      expect(s.login_timestamp).toBeGreaterThanOrEqual(BASE - 61_000);
    }
    const rng = new Rng(1);
    const times = Array.from({ length: 1_000 }, () => eventTime(rng, 0, { jitterMs: 10, lateRate: 1, lateMs: 500 }));
    expect(times.every((t) => t.late && t.timestamp <= -500 && t.timestamp >= -510)).toBe(true);
  });

  it('are identical for the same seed and clock; another clock base shifts only the timestamps', () => {
    const a = new PageViewGenerator(options({ lateRate: 0.2 })).take(2_000);
    expect(new PageViewGenerator(options({ lateRate: 0.2 })).take(2_000)).toEqual(a);
    const shifted = new PageViewGenerator(options({ lateRate: 0.2, clock: fixedClock(BASE + 12_345) })).take(2_000);
    shifted.forEach((v, i) => {
      expect({ ...v, event_timestamp: 0 }).toEqual({ ...a[i]!, event_timestamp: 0 });
      expect(v.event_timestamp - a[i]!.event_timestamp).toBe(12_345);
    });
    const s1 = new UserSessionGenerator(options()).take(2_000);
    expect(new UserSessionGenerator(options()).take(2_000)).toEqual(s1);
    expect(new UserSessionGenerator(options({ seed: 100 })).take(50)).not.toEqual(s1.slice(0, 50));
  });

  it('advance a fixed clock per event when a rate is given', () => {
    const clock = fixedClock(1_000, 250);
    expect([0, 1, 2, 4].map(clock)).toEqual([1_000, 1_250, 1_500, 2_000]);
    const views = new PageViewGenerator(options({ jitterMs: 0, clock: fixedClock(BASE, 100) })).take(5);
    expect(views.map((v) => v.event_timestamp - BASE)).toEqual([0, 100, 200, 300, 400]);
  });

  it('reject bad options', () => {
    expect(() => new PageViewGenerator(options({ lateRate: 2 }))).toThrow(/lateRate/);
    expect(() => new PageViewGenerator(options({ sessionsPerUser: 0 }))).toThrow(/sessionsPerUser/);
    expect(() => new PageViewGenerator(options({ jitterMs: -1 }))).toThrow(/jitterMs/);
  });
});
