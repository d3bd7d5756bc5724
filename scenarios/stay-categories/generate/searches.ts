/**
 * Hotel booking searches in the shape of the Expedia data set the seed reads (../shared/seeds/004_*,
 * its ExpediaRecord): id, date_time, site and user location codes, the search's check-in (srch_ci) and
 * check-out (srch_co) dates as 'yyyy-MM-dd' text, party size, destination and hotel_id.
 *
 * A share of the searches carries bad stay dates, as the real data does: a missing check-in and/or
 * check-out, a date that does not parse (day 00 as in the data set's "2161-10-00", month 13, day 32,
 * slashes, day-month-year order, an empty string), or a check-out on or before the check-in. Every
 * unparsable form fails in java.time and in Python's strptime alike, so the seed's Faust app and
 * ksqlDB agree on which searches are "Erroneous data".
 *
 * Hotels are 1..hotels, skewed so that popular hotels are searched again and again (a hotel's stay
 * count in a category moves many times). A search's destination is a function of its hotel.
 */
import { Rng, deriveSeed, weightedPicker, type Weighted } from '../../../producers/generate/random.ts';
import { wallClock, type Clock } from '../../../producers/generate/events.ts';

export interface HotelSearch {
  id: number;
  /** The search's event time, 'yyyy-MM-dd HH:mm:ss' in UTC (the data set's format). */
  date_time: string;
  site_name: number;
  posa_continent: number;
  user_location_country: number;
  user_location_region: number;
  user_location_city: number;
  orig_destination_distance: number | null;
  user_id: number;
  is_mobile: number;
  is_package: number;
  channel: number;
  srch_ci: string | null;
  srch_co: string | null;
  srch_adults_cnt: number;
  srch_children_cnt: number;
  srch_rm_cnt: number;
  srch_destination_id: number;
  srch_destination_type_id: number;
  hotel_id: number;
}

/** What a search's stay dates were generated to be (the tests compute the category from the dates themselves). */
export type StayDates = 'valid' | 'missing-check-in' | 'missing-check-out' | 'missing-both' | 'unparsable' | 'same-day' | 'check-out-first';

const INVALID_KINDS: ReadonlyArray<Weighted<StayDates>> = [
  { value: 'missing-check-in', weight: 2 },
  { value: 'missing-check-out', weight: 2 },
  { value: 'missing-both', weight: 1 },
  { value: 'unparsable', weight: 3 },
  { value: 'same-day', weight: 2 },
  { value: 'check-out-first', weight: 2 },
];

/** Lengths of the valid stays: mostly short, some long, every category of the seed represented. */
const STAY_LENGTHS: ReadonlyArray<Weighted<[number, number]>> = [
  { value: [1, 4], weight: 45 },
  { value: [5, 10], weight: 30 },
  { value: [11, 14], weight: 12 },
  { value: [15, 30], weight: 13 },
];

const pickInvalid = weightedPicker(INVALID_KINDS);
const pickLength = weightedPicker(STAY_LENGTHS);

const DAY_MS = 86_400_000;
const two = (n: number): string => String(n).padStart(2, '0');

/** 'yyyy-MM-dd' of a UTC day. */
export function isoDay(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
}

/** 'yyyy-MM-dd HH:mm:ss' in UTC. */
export function dataSetTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${isoDay(epochMs)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** Epoch ms of a 'yyyy-MM-dd HH:mm:ss' UTC text (the inverse of dataSetTime). */
export function dataSetTimeMs(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

/** A text that names the day `epochMs` but parses with 'yyyy-MM-dd' nowhere. */
function unparsableDay(rng: Rng, epochMs: number): string {
  const d = new Date(epochMs);
  const [y, m, day] = [d.getUTCFullYear(), two(d.getUTCMonth() + 1), two(d.getUTCDate())];
  const forms = [`${y}-${m}-00`, `${y}-13-${day}`, `${y}/${m}/${day}`, `${y}-${m}-32`, `${day}-${m}-${y}`, ''];
  return forms[rng.int(0, forms.length - 1)]!;
}

export interface SearchGeneratorOptions {
  seed: number;
  /** Hotels are 1..hotels. */
  hotels: number;
  /** Share (0..1) of searches with bad stay dates. */
  invalidShare: number;
  /** Check-in lies 0..maxLeadDays days after the search. */
  maxLeadDays: number;
  /** Id of the first search (ids count up from it). */
  firstId?: number;
  /** Event time of search i; the wall clock by default. */
  clock?: Clock;
}

export class SearchGenerator {
  private readonly rng: Rng;
  private readonly clock: Clock;
  private index = 0;
  /** What the last search's stay dates were generated to be. */
  lastStayDates: StayDates = 'valid';

  constructor(private readonly options: SearchGeneratorOptions) {
    if (!(Number.isInteger(options.hotels) && options.hotels >= 1)) throw new RangeError(`hotels must be a whole number >= 1, got ${options.hotels}`);
    if (!(options.invalidShare >= 0 && options.invalidShare <= 1)) throw new RangeError(`invalidShare must be between 0 and 1, got ${options.invalidShare}`);
    if (!(Number.isInteger(options.maxLeadDays) && options.maxLeadDays >= 0))
      throw new RangeError(`maxLeadDays must be a whole number >= 0, got ${options.maxLeadDays}`);
    this.rng = new Rng(deriveSeed(options.seed, 'expedia-searches'));
    this.clock = options.clock ?? wallClock;
  }

  /** Hotel ids skewed towards the low ones: hotel 1 is searched about as often as the last tenth together. */
  private hotel(): number {
    const u = this.rng.next();
    return 1 + Math.floor(this.options.hotels * u * u);
  }

  private stayDates(at: number): { srch_ci: string | null; srch_co: string | null } {
    const rng = this.rng;
    const checkIn = Math.floor(at / DAY_MS) * DAY_MS + rng.int(0, this.options.maxLeadDays) * DAY_MS;
    const [min, max] = pickLength(rng);
    const checkOut = checkIn + rng.int(min, max) * DAY_MS;
    const kind: StayDates = rng.chance(this.options.invalidShare) ? pickInvalid(rng) : 'valid';
    this.lastStayDates = kind;
    switch (kind) {
      case 'valid':
        return { srch_ci: isoDay(checkIn), srch_co: isoDay(checkOut) };
      case 'missing-check-in':
        return { srch_ci: null, srch_co: isoDay(checkOut) };
      case 'missing-check-out':
        return { srch_ci: isoDay(checkIn), srch_co: null };
      case 'missing-both':
        return { srch_ci: null, srch_co: null };
      case 'unparsable':
        return rng.chance(0.5)
          ? { srch_ci: unparsableDay(rng, checkIn), srch_co: isoDay(checkOut) }
          : { srch_ci: isoDay(checkIn), srch_co: unparsableDay(rng, checkOut) };
      case 'same-day':
        return { srch_ci: isoDay(checkIn), srch_co: isoDay(checkIn) };
      case 'check-out-first':
        return { srch_ci: isoDay(checkOut), srch_co: isoDay(checkIn) };
    }
  }

  next(): HotelSearch {
    const rng = this.rng;
    const at = this.clock(this.index);
    const id = (this.options.firstId ?? 0) + this.index++;
    const hotel_id = this.hotel();
    const children = rng.chance(0.25) ? rng.int(1, 3) : 0;
    return {
      id,
      date_time: dataSetTime(at),
      site_name: rng.chance(0.6) ? 2 : rng.int(1, 53),
      posa_continent: rng.int(0, 4),
      user_location_country: rng.int(0, 239),
      user_location_region: rng.int(0, 1027),
      user_location_city: rng.int(0, 56_507),
      orig_destination_distance: rng.chance(0.35) ? null : Math.round(rng.next() * 5_000 * 10_000) / 10_000,
      user_id: rng.int(0, 1_198_785),
      is_mobile: rng.chance(0.13) ? 1 : 0,
      is_package: rng.chance(0.25) ? 1 : 0,
      channel: rng.int(0, 10),
      ...this.stayDates(at),
      srch_adults_cnt: rng.chance(0.6) ? 2 : rng.int(1, 4),
      srch_children_cnt: children,
      srch_rm_cnt: rng.chance(0.9) ? 1 : rng.int(2, 3),
      srch_destination_id: 1 + (deriveSeed(this.options.seed, 'destination', hotel_id) % 65_000),
      srch_destination_type_id: 1 + (deriveSeed(this.options.seed, 'destination-type', hotel_id) % 9),
      hotel_id,
    };
  }

  take(n: number): HotelSearch[] {
    return Array.from({ length: n }, () => this.next());
  }
}
