/**
 * Web users of the clickstream demo (the WEB_USERS table): user_id, username, registered_at,
 * first_name, last_name, city, level. A user is a pure function of (seed, user_id), so user 7 is the
 * same person whether 10 or 10 000 users are generated, and a restart produces the same rows again.
 * Each user also has one to three IP addresses their clicks come from.
 */
import { Rng, deriveSeed, seededFaker } from '../../../producers/generate/random.ts';
import { CITIES, IP_BLOCKS, LEVELS } from './values.ts';

export interface WebUser {
  user_id: number;
  username: string;
  registered_at: number;
  first_name: string;
  last_name: string;
  city: string;
  level: string;
}

const REGISTERED_FROM = Date.UTC(2014, 0, 1);
const REGISTERED_TO = Date.UTC(2018, 0, 1);

function pick<T>(rng: Rng, values: readonly T[]): T {
  return values[rng.int(0, values.length - 1)]!;
}

export class WebUserGenerator {
  private readonly rng = new Rng(0);
  private readonly faker = seededFaker(this.rng);

  constructor(private readonly seed: number) {}

  user(userId: number): WebUser {
    if (!(Number.isInteger(userId) && userId >= 1)) throw new RangeError(`user_id must be a whole number >= 1, got ${userId}`);
    this.rng.seed(deriveSeed(this.seed, 'web-user', userId));
    const first_name = this.faker.person.firstName();
    const last_name = this.faker.person.lastName();
    // The id in the name keeps usernames unique: the demo groups sessions and IP activity by username.
    const username = `${first_name}${last_name.charAt(0)}_${userId}`;
    return {
      user_id: userId,
      username,
      registered_at: this.rng.int(REGISTERED_FROM, REGISTERED_TO - 1),
      first_name,
      last_name,
      city: pick(this.rng, CITIES),
      level: pick(this.rng, LEVELS),
    };
  }

  /** Users 1..count. */
  users(count: number): WebUser[] {
    return Array.from({ length: count }, (_, i) => this.user(i + 1));
  }

  /** The addresses a user's clicks come from (one to three, fixed per user). */
  ips(userId: number): string[] {
    const rng = new Rng(deriveSeed(this.seed, 'web-user-ips', userId));
    const count = rng.int(1, 3);
    return Array.from({ length: count }, () => `${pick(rng, IP_BLOCKS)}.${rng.int(1, 254)}.${rng.int(0, 255)}.${rng.int(1, 254)}`);
  }
}
