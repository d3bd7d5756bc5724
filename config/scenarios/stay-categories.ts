/**
 * Settings of the stay-categories scenario (scenarios/stay-categories/, after ../shared/seeds/004_*):
 * topic names, the window of the categories-over-time table and the shape of the generated hotel
 * searches. Every value has an env override prefixed STAY_CATEGORIES_. Partitions and replicas come
 * from the shared config.
 */
import { envFraction, envInt, envTopic, type Env } from '../env.ts';

export interface StayCategoriesTopics {
  /** Raw hotel searches in the Expedia data set's fields (the seed's `expedia`). */
  expedia: string;
  /** The searches with their stay length in days (the first enrichment step). */
  expediaStay: string;
  /** The searches with stay length and stay category (the seed's `expedia_ext`). */
  expediaExt: string;
  /** Stays per category and hotel (the seed's HOTEL_STAY_CAT_COUNTS). */
  hotelStayCatCounts: string;
  /** Distinct hotels and stays per category (the seed's STAY_COUNTS). */
  stayCounts: string;
  /** Searches per category per tumbling window of event time. */
  stayCategoriesPerWindow: string;
}

export interface StayCategoriesTraffic {
  /** Seed of the generated searches. */
  seed: number;
  /** Share (0..1) of searches with missing, unparsable or non-positive check-in/check-out. */
  invalidShare: number;
  /** Check-in is up to this many days after the search. */
  maxLeadDays: number;
}

export interface StayCategoriesConfig {
  topics: StayCategoriesTopics;
  /** STAY_CATEGORIES_PER_WINDOW: tumbling window length in seconds. */
  windowSeconds: number;
  traffic: StayCategoriesTraffic;
}

export function loadStayCategoriesConfig(env: Env = process.env): StayCategoriesConfig {
  const topic = (name: string, fallback: string): string => envTopic(env, `STAY_CATEGORIES_TOPIC_${name}`, fallback);
  return {
    // The seed's topic names (expedia, expedia_ext) and ksqlDB's default (the upper-cased name) for its tables.
    topics: {
      expedia: topic('EXPEDIA', 'expedia'),
      expediaStay: topic('EXPEDIA_STAY', 'expedia_stay'),
      expediaExt: topic('EXPEDIA_EXT', 'expedia_ext'),
      hotelStayCatCounts: topic('HOTEL_STAY_CAT_COUNTS', 'HOTEL_STAY_CAT_COUNTS'),
      stayCounts: topic('STAY_COUNTS', 'STAY_COUNTS'),
      stayCategoriesPerWindow: topic('PER_WINDOW', 'STAY_CATEGORIES_PER_WINDOW'),
    },
    windowSeconds: envInt(env, 'STAY_CATEGORIES_WINDOW_SECONDS', 60, 1),
    traffic: {
      seed: envInt(env, 'STAY_CATEGORIES_SEED', 20240412, 0, 0xffff_ffff),
      invalidShare: envFraction(env, 'STAY_CATEGORIES_INVALID_SHARE', 0.08),
      maxLeadDays: envInt(env, 'STAY_CATEGORIES_MAX_LEAD_DAYS', 180, 0, 3650),
    },
  };
}
