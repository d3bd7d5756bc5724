/**
 * Pure, seeded generation of the two Kafka event streams, with the field names fixed by the brief:
 *   topic1_PageView:    { session_id, user_id, source, event_timestamp }
 *   topic2_UserSession: { session_id, user_id, user_name, login_timestamp, device }
 *
 * Time: every event's timestamp is `clock(i) + offset`, where `clock(i)` is the time base of the i-th
 * event (the wall clock by default, or a fixed base, see `fixedClock`) and `offset` is drawn from the
 * seeded stream: uniform in ±jitterMs, or, for a share `lateRate` of events, a late event at
 * `-lateMs - uniform(0, jitterMs)`. So with the same seed and the same user ids, every value is
 * identical run to run except for the clock base; with a fixed clock, the events are identical.
 *
 * Sessions: a user's k-th session id (k < sessionsPerUser) is derived from (seed, user_id, k), so page
 * views and sessions generated from the same seed refer to the same session ids, and a user's
 * `user_name` is derived from (seed, user_id), so it is the same in every session of that user.
 */
import type { Faker } from '@faker-js/faker';
import { Rng, deriveSeed, seededFaker, weightedPicker, type Weighted } from './random.ts';
import { pickUserId, type UserIdSet } from './user-ids.ts';

export interface PageView {
  session_id: string;
  user_id: number;
  source: string;
  event_timestamp: number;
}

export interface UserSession {
  session_id: string;
  user_id: number;
  user_name: string;
  login_timestamp: number;
  device: string;
}

export const SOURCES = ['Homepage', 'Inbox', 'External'] as const;
export const DEVICES = ['mobile', 'desktop', 'tablet'] as const;

export const SOURCE_WEIGHTS: ReadonlyArray<Weighted<string>> = [
  { value: 'Homepage', weight: 50 },
  { value: 'External', weight: 30 },
  { value: 'Inbox', weight: 20 },
];

export const DEVICE_WEIGHTS: ReadonlyArray<Weighted<string>> = [
  { value: 'mobile', weight: 55 },
  { value: 'desktop', weight: 35 },
  { value: 'tablet', weight: 10 },
];

const pickSource = weightedPicker(SOURCE_WEIGHTS);
const pickDevice = weightedPicker(DEVICE_WEIGHTS);

/** The time base of the i-th event (0-based). */
export type Clock = (index: number) => number;

/** The wall clock: `Date.now()` at generation time. */
export const wallClock: Clock = () => Date.now();

/** A reproducible clock: event i gets `base + floor(i * intervalMs)` (intervalMs = 1000 / rate, or 0). */
export function fixedClock(base: number, intervalMs = 0): Clock {
  return (index) => base + Math.floor(index * intervalMs);
}

export interface EventTimeOptions {
  /** Normal events land uniformly in [now - jitterMs, now + jitterMs]. */
  jitterMs: number;
  /** Share (0..1) of late events. */
  lateRate: number;
  /** Late events land in [now - lateMs - jitterMs, now - lateMs]. */
  lateMs: number;
}

/** One event time from a time base; always two draws, so the stream does not depend on the options. */
export function eventTime(rng: Rng, now: number, options: EventTimeOptions): { timestamp: number; late: boolean } {
  const late = rng.next() < options.lateRate;
  const u = rng.next();
  if (late) return { timestamp: now - options.lateMs - Math.round(u * options.jitterMs), late };
  return { timestamp: now + Math.round((2 * u - 1) * options.jitterMs), late };
}

/** The k-th session id of a user under a seed (a v4-shaped UUID). */
export function sessionIdFor(seed: number, userId: number, index: number): string {
  return new Rng(deriveSeed(seed, 'session', userId, index)).uuid();
}

export interface EventGeneratorOptions extends EventTimeOptions {
  seed: number;
  userIds: UserIdSet;
  /** Number of distinct sessions per user that events draw from (config.producer.sessionsPerUser). */
  sessionsPerUser: number;
  clock?: Clock;
}

function checkOptions(options: EventGeneratorOptions): void {
  const { jitterMs, lateRate, lateMs, sessionsPerUser } = options;
  if (!(jitterMs >= 0)) throw new RangeError(`jitterMs must be >= 0, got ${jitterMs}`);
  if (!(lateMs >= 0)) throw new RangeError(`lateMs must be >= 0, got ${lateMs}`);
  if (!(lateRate >= 0 && lateRate <= 1)) throw new RangeError(`lateRate must be between 0 and 1, got ${lateRate}`);
  if (!(Number.isInteger(sessionsPerUser) && sessionsPerUser >= 1)) {
    throw new RangeError(`sessionsPerUser must be a whole number >= 1, got ${sessionsPerUser}`);
  }
}

abstract class EventGenerator<T> {
  protected readonly rng: Rng;
  protected readonly clock: Clock;
  protected index = 0;

  constructor(
    protected readonly options: EventGeneratorOptions,
    stream: string,
  ) {
    checkOptions(options);
    this.rng = new Rng(deriveSeed(options.seed, stream));
    this.clock = options.clock ?? wallClock;
  }

  abstract next(): T;

  take(n: number): T[] {
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(this.next());
    return out;
  }

  protected session(userId: number): string {
    const k = Math.floor(this.rng.next() * this.options.sessionsPerUser);
    return sessionIdFor(this.options.seed, userId, k);
  }

  protected time(): number {
    return eventTime(this.rng, this.clock(this.index++), this.options).timestamp;
  }
}

export class PageViewGenerator extends EventGenerator<PageView> {
  constructor(options: EventGeneratorOptions) {
    super(options, 'pageviews');
  }

  next(): PageView {
    const user_id = pickUserId(this.options.userIds, this.rng);
    const session_id = this.session(user_id);
    const source = pickSource(this.rng);
    return { session_id, user_id, source, event_timestamp: this.time() };
  }
}

export class UserSessionGenerator extends EventGenerator<UserSession> {
  private readonly nameRng = new Rng(0);
  private readonly nameFaker: Faker = seededFaker(this.nameRng);

  constructor(options: EventGeneratorOptions) {
    super(options, 'sessions');
  }

  /** The display name of a user under this seed (same for every session of the user). */
  userName(userId: number): string {
    this.nameRng.seed(deriveSeed(this.options.seed, 'name', userId));
    return this.nameFaker.person.fullName();
  }

  next(): UserSession {
    const user_id = pickUserId(this.options.userIds, this.rng);
    const session_id = this.session(user_id);
    const device = pickDevice(this.rng);
    return { session_id, user_id, user_name: this.userName(user_id), login_timestamp: this.time(), device };
  }
}
