/**
 * Pure, seeded generation of `demo.Users` rows (without `user_id`, which MySQL assigns).
 * Distributions are skewed on purpose so the dashboard has something to show:
 *   - country: a weighted head of large web audiences, then a long tail from faker's country list;
 *   - age: 13 + a log-normal (mode ≈ 28, median ≈ 33, long right tail), resampled into 13..90;
 *   - subscription: mostly Standard, few Platinum;
 *   - gender: Male | Female | Other.
 * Each of age/gender/country/subscription is independently NULL with probability `nullRate`.
 */
import type { Faker } from '@faker-js/faker';
import { Rng, deriveSeed, seededFaker, weightedPicker, type Weighted } from './random.ts';

export interface UserRow {
  age: number | null;
  gender: string | null;
  country: string | null;
  subscription: string | null;
}

export const USER_COLUMNS = ['age', 'gender', 'country', 'subscription'] as const;

export const SUBSCRIPTIONS = ['Platinum', 'Gold', 'Silver', 'Standard'] as const;
export const GENDERS = ['Male', 'Female', 'Other'] as const;
export const MIN_AGE = 13;
export const MAX_AGE = 90;

export const SUBSCRIPTION_WEIGHTS: ReadonlyArray<Weighted<string>> = [
  { value: 'Standard', weight: 60 },
  { value: 'Silver', weight: 22 },
  { value: 'Gold', weight: 13 },
  { value: 'Platinum', weight: 5 },
];

export const GENDER_WEIGHTS: ReadonlyArray<Weighted<string>> = [
  { value: 'Male', weight: 48 },
  { value: 'Female', weight: 48 },
  { value: 'Other', weight: 4 },
];

/** Weighted head of the country distribution; names are spelled as in faker's English country list. */
export const COUNTRY_WEIGHTS: ReadonlyArray<Weighted<string>> = [
  { value: 'United States of America', weight: 22 },
  { value: 'India', weight: 11 },
  { value: 'United Kingdom', weight: 7 },
  { value: 'Germany', weight: 6 },
  { value: 'Brazil', weight: 6 },
  { value: 'Canada', weight: 4 },
  { value: 'France', weight: 4 },
  { value: 'Japan', weight: 4 },
  { value: 'Indonesia', weight: 3 },
  { value: 'Mexico', weight: 3 },
  { value: 'Australia', weight: 3 },
  { value: 'Spain', weight: 2.5 },
  { value: 'Italy', weight: 2.5 },
  { value: 'Nigeria', weight: 2 },
  { value: 'Philippines', weight: 2 },
  { value: 'Republic of Korea', weight: 2 },
  { value: 'Netherlands', weight: 1.5 },
  { value: 'Poland', weight: 1.5 },
  { value: 'Turkey', weight: 1.5 },
  { value: 'Vietnam', weight: 1.5 },
];
/** Share of users whose country comes from faker's full list (the long tail). */
export const COUNTRY_TAIL_SHARE = 0.08;

const pickSubscription = weightedPicker(SUBSCRIPTION_WEIGHTS);
const pickGender = weightedPicker(GENDER_WEIGHTS);
const pickCountry = weightedPicker(COUNTRY_WEIGHTS);

// log-normal parameters for (age - 13): median e^mu = 20, so median age 33.
const AGE_MU = Math.log(20);
const AGE_SIGMA = 0.5;

export function drawAge(rng: Rng): number {
  for (;;) {
    const age = Math.round(MIN_AGE + Math.exp(AGE_MU + AGE_SIGMA * rng.normal()));
    if (age >= MIN_AGE && age <= MAX_AGE) return age;
  }
}

export interface UserGeneratorOptions {
  /** Run seed; the users stream uses `deriveSeed(seed, 'users')`. */
  seed: number;
  /** Share (0..1) of each nullable column left NULL, independently per column. */
  nullRate: number;
}

/** An endless, deterministic source of user rows: the n-th call returns the same row for the same seed. */
export class UserGenerator {
  private readonly rng: Rng;
  private readonly faker: Faker;
  private readonly nullRate: number;

  constructor(options: UserGeneratorOptions) {
    if (!(options.nullRate >= 0 && options.nullRate <= 1)) {
      throw new RangeError(`nullRate must be between 0 and 1, got ${options.nullRate}`);
    }
    this.rng = new Rng(deriveSeed(options.seed, 'users'));
    this.faker = seededFaker(this.rng);
    this.nullRate = options.nullRate;
  }

  next(): UserRow {
    const rng = this.rng;
    // Values first, then the NULL mask, always drawing all four mask values: the same seed gives the
    // same values at any nullRate, only the mask changes.
    const age = drawAge(rng);
    const gender = pickGender(rng);
    const country = rng.next() < COUNTRY_TAIL_SHARE ? this.faker.location.country() : pickCountry(rng);
    const subscription = pickSubscription(rng);
    const p = this.nullRate;
    return {
      age: rng.next() < p ? null : age,
      gender: rng.next() < p ? null : gender,
      country: rng.next() < p ? null : country,
      subscription: rng.next() < p ? null : subscription,
    };
  }

  take(n: number): UserRow[] {
    const rows: UserRow[] = [];
    for (let i = 0; i < n; i++) rows.push(this.next());
    return rows;
  }
}
