/**
 * Steps and checks the whole-stack tests share: seeded users through MySQL, the JDBC source and
 * CLEANED_USERS (so page views sent afterwards find their user), and Pinot's countries compared with the
 * aggregates computed in the test.
 */
import { expect } from 'vitest';
import type { AppConfig } from '../../config/index.ts';
import { produceUsers } from '../../producers/index.ts';
import { topicEndOffset, type EmbeddedStack } from '../../stack/embedded-stack.ts';
import { waitFor } from '../support/kafka.ts';
import { readUsers, type CountryAggregate, type UserRow } from './pipeline-data.ts';

/** Writes `count` seeded users and waits until topic3 holds them and CLEANED_USERS (topic4) stops growing. */
export async function loadUsersThroughJoin(stack: EmbeddedStack, config: AppConfig, count: number, seed: number): Promise<UserRow[]> {
  await produceUsers({ count, seed, url: stack.mysql.url, database: config.mysql.database, config });
  await waitFor(
    'users on topic3 through the JDBC source',
    async () => ((await topicEndOffset(stack.targets.kafkaBootstrap, config.topics.users)) >= count ? true : undefined),
    60_000,
    250,
  );
  const users = await readUsers(stack.mysql.url, config);
  // CLEANED_USERS has seen every user once topic4 stops growing: views sent after that find their user.
  let last = -1;
  await waitFor(
    'CLEANED_USERS to settle on topic4',
    async () => {
      const now = await topicEndOffset(stack.targets.kafkaBootstrap, config.topics.cleanedUsers);
      const settled = now > 0 && now === last;
      last = now;
      return settled ? true : undefined;
    },
    60_000,
    1500,
  );
  return users;
}

/** Every country and every aggregate of it, as the test computed them. */
export function expectCountriesEqual(actual: Map<string, CountryAggregate>, expected: Map<string, CountryAggregate>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [country, want] of expected) {
    const got = actual.get(country)!;
    expect(Number(got.view_count), country).toBe(want.view_count);
    expect(Number(got.user_count), country).toBe(want.user_count);
    expect(Number(got.avg_age), country).toBeCloseTo(want.avg_age, 6);
    expect(Number(got.last_event_ts), country).toBe(want.last_event_ts);
  }
}
