/** Builders for group requests and a way to tell whether a parked request has been answered. */
import {
  GroupCoordinator,
  MemoryOffsetStore,
  type GroupCoordinatorOptions,
  type JoinGroupInput,
  type JoinGroupAnswer,
  type OffsetStore,
} from '../../../embedded/kafka/groups/index.ts';
import { ManualClock } from './manual-clock.ts';

export const SESSION_TIMEOUT_MS = 10_000;
export const REBALANCE_TIMEOUT_MS = 30_000;

export interface Harness {
  clock: ManualClock;
  coordinator: GroupCoordinator;
  store: OffsetStore;
}

export function harness(options: Partial<GroupCoordinatorOptions> = {}): Harness {
  const clock = new ManualClock();
  const store = options.store ?? new MemoryOffsetStore();
  const coordinator = new GroupCoordinator({ emptyGroupCleanupIntervalMs: 0, ...options, store, clock });
  return { clock, coordinator, store };
}

export function subscription(topics: string): Buffer {
  return Buffer.from(`subscription:${topics}`);
}

export function joinRequest(overrides: Partial<JoinGroupInput> = {}): JoinGroupInput {
  return {
    groupId: 'g',
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription('t') }],
    ...overrides,
  };
}

export const CLIENT = { clientId: 'app', clientHost: '/127.0.0.1' };

/** A promise plus a synchronous view of whether it has settled (after microtasks ran). */
export interface Tracked<T> {
  promise: Promise<T>;
  settled(): boolean;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  return { promise, settled: () => done };
}

/** Lets resolved promises run their callbacks. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** Joins a member with a known-member-id flow disabled (v0–3 style) and returns the parked request. */
export function joinNew(coordinator: GroupCoordinator, overrides: Partial<JoinGroupInput> = {}, clientId = 'app') {
  return track(coordinator.join(joinRequest(overrides), { ...CLIENT, clientId }));
}

/**
 * Forms a Stable group of `count` members (initial delay 0): returns each member's join answer,
 * the first being the leader, after the leader's sync.
 */
export async function stableGroup(
  h: Harness,
  count: number,
  groupId = 'g',
): Promise<{ joins: JoinGroupAnswer[]; leader: JoinGroupAnswer; followers: JoinGroupAnswer[] }> {
  const parked = Array.from({ length: count }, (_, i) =>
    joinNew(h.coordinator, { groupId, protocols: [{ name: 'range', metadata: subscription(`member-${i}`) }] }, `c${i}`),
  );
  h.clock.advance(0);
  const joins = await Promise.all(parked.map((p) => p.promise));
  const leader = joins.find((j) => j.leader === j.memberId)!;
  const followers = joins.filter((j) => j !== leader);
  const syncs = [leader, ...followers].map((j) =>
    h.coordinator.sync({
      groupId,
      generationId: j.generationId,
      memberId: j.memberId,
      assignments: j === leader ? joins.map((m) => ({ memberId: m.memberId, assignment: Buffer.from(`assigned:${m.memberId}`) })) : [],
    }),
  );
  await Promise.all(syncs);
  return { joins, leader, followers };
}
