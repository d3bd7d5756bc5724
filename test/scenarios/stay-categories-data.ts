/**
 * The seeded data set the stay-categories tests feed the pipeline, and what the pipeline must make of
 * it, computed here from the generated dates with plain code (no ksql, no scenario code): each
 * search's stay length and category by the seed's rules, stays per category and hotel, distinct
 * hotels and stays per category, searches and hotels per category per tumbling window.
 */
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { fixedClock } from '../../producers/generate/events.ts';
import { SearchGenerator, type HotelSearch } from '../../scenarios/stay-categories/generate/searches.ts';
import { searchMessage } from '../../scenarios/stay-categories/messages.ts';
import { ksqlCountDistinct } from '../support/hll.ts';

export const CATEGORIES = ['Erroneous data', 'Short stay', 'Standard stay', 'Standard extended stay', 'Long stay'] as const;

export interface DataSetOptions {
  seed: number;
  hotels: number;
  invalidShare: number;
  /** Event time of the first search; one search every intervalMs after it. */
  base: number;
  intervalMs: number;
}

/** A generator for the data set; take() more from it for a second batch that moves hotels' counts. */
export function searchGenerator(options: DataSetOptions): SearchGenerator {
  return new SearchGenerator({
    seed: options.seed,
    hotels: options.hotels,
    invalidShare: options.invalidShare,
    maxLeadDays: 60,
    clock: fixedClock(options.base, options.intervalMs),
  });
}

export async function sendSearches(brokers: string[], topic: string, searches: HotelSearch[]): Promise<void> {
  const producer = new Kafka({ clientId: 'stay-categories-test', brokers, logLevel: logLevel.NOTHING }).producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    for (let i = 0; i < searches.length; i += 500) await producer.send({ topic, acks: -1, messages: searches.slice(i, i + 500).map(searchMessage) });
  } finally {
    await producer.disconnect();
  }
}

const DAY_MS = 86_400_000;

/** Epoch ms of a strict 'yyyy-MM-dd' calendar date, undefined for anything else (null, 2017-13-01, 2017-02-30, 2017/08/01). */
export function calendarDay(text: string | null): number | undefined {
  const m = text === null ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? ms : undefined;
}

/** The seed's Faust app: days between check-in and check-out, -1 when they do not parse, then the category. */
export function expectedStay(search: Pick<HotelSearch, 'srch_ci' | 'srch_co'>): { days: number | null; category: string } {
  const from = calendarDay(search.srch_ci);
  const to = calendarDay(search.srch_co);
  const days = from === undefined || to === undefined ? null : (to - from) / DAY_MS;
  const d = days ?? -1;
  const category = d <= 0 ? 'Erroneous data' : d <= 4 ? 'Short stay' : d <= 10 ? 'Standard stay' : d <= 14 ? 'Standard extended stay' : 'Long stay';
  return { days, category };
}

export interface StayExpectations {
  /** `category|hotel` → stays (HOTEL_STAY_CAT_COUNTS) */
  perHotel: Map<string, number>;
  /** category → `hotels=N stays=M` (STAY_COUNTS) */
  perCategory: Map<string, string>;
  /** `category@window start` → `searches=N hotels=M` (M as ksqlDB's COUNT_DISTINCT estimates it) */
  perWindow: Map<string, string>;
}

export function expectedStays(searches: HotelSearch[], windowSeconds: number): StayExpectations {
  const perHotel = new Map<string, number>();
  const windows = new Map<string, { searches: number; hotels: Set<number> }>();
  for (const s of searches) {
    const { category } = expectedStay(s);
    const key = `${category}|${s.hotel_id}`;
    perHotel.set(key, (perHotel.get(key) ?? 0) + 1);
    const at = Date.parse(`${s.date_time.replace(' ', 'T')}Z`);
    const start = Math.floor(at / (windowSeconds * 1000)) * windowSeconds * 1000;
    const w = windows.get(`${category}@${start}`) ?? { searches: 0, hotels: new Set<number>() };
    w.searches++;
    w.hotels.add(s.hotel_id);
    windows.set(`${category}@${start}`, w);
  }
  const perCategory = new Map<string, string>();
  for (const category of CATEGORIES) {
    const rows = [...perHotel].filter(([k]) => k.startsWith(`${category}|`));
    if (rows.length) perCategory.set(category, `hotels=${rows.length} stays=${rows.reduce((n, [, c]) => n + c, 0)}`);
  }
  // hotels per window is COUNT_DISTINCT(hotel_id): ksqlDB's HyperLogLog estimate of the distinct hotels
  const perWindow = new Map([...windows].map(([k, w]) => [k, `searches=${w.searches} hotels=${ksqlCountDistinct(w.hotels)}`]));
  return { perHotel, perCategory, perWindow };
}

/** Sorted `key → value` lines, so a mismatch reads like the data. */
export function lines(map: Map<string, unknown>): string[] {
  return [...map].map(([k, v]) => `${k} → ${String(v)}`).sort();
}
