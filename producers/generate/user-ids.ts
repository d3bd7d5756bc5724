/**
 * The set of user ids events may refer to, as read from `demo.Users`: a contiguous range when the
 * ids have no gaps (the usual AUTO_INCREMENT case, cheap for millions of users), else the explicit list.
 */
import type { Rng } from './random.ts';

export type UserIdSet = { readonly kind: 'range'; readonly min: number; readonly max: number } | { readonly kind: 'list'; readonly ids: readonly number[] };

export function userIdRange(min: number, max: number): UserIdSet {
  if (!Number.isInteger(min) || !Number.isInteger(max) || min > max) {
    throw new RangeError(`user id range must be integers with min <= max, got ${min}..${max}`);
  }
  return { kind: 'range', min, max };
}

export function userIdList(ids: readonly number[]): UserIdSet {
  if (ids.length === 0) throw new RangeError('user id list is empty');
  return { kind: 'list', ids };
}

export function userIdCount(set: UserIdSet): number {
  return set.kind === 'range' ? set.max - set.min + 1 : set.ids.length;
}

export function hasUserId(set: UserIdSet, id: number): boolean {
  return set.kind === 'range' ? Number.isInteger(id) && id >= set.min && id <= set.max : set.ids.includes(id);
}

/** A uniformly chosen existing user id (one draw). */
export function pickUserId(set: UserIdSet, rng: Rng): number {
  if (set.kind === 'range') return set.min + Math.floor(rng.next() * (set.max - set.min + 1));
  return set.ids[Math.floor(rng.next() * set.ids.length)]!;
}
