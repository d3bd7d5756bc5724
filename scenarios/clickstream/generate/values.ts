/**
 * The value sets of Confluent's clickstream demo (its datagen quickstarts `clickstream`,
 * `clickstream_codes` and `clickstream_users`): requests, status codes with their definitions,
 * response sizes, agents, cities and levels.
 */
import type { Weighted } from '../../../producers/generate/random.ts';

export interface StatusCode {
  code: number;
  definition: string;
}

/** The CLICKSTREAM_CODES table: every status a click can have. */
export const STATUS_CODES: readonly StatusCode[] = [
  { code: 200, definition: 'Successful' },
  { code: 302, definition: 'Redirect' },
  { code: 404, definition: 'Page not found' },
  { code: 405, definition: 'Method not allowed' },
  { code: 406, definition: 'Not acceptable' },
  { code: 407, definition: 'Proxy authentication required' },
];

/** The demo's statements count a status above 400 as an error. */
export function isError(status: number): boolean {
  return status > 400;
}

export const REQUESTS = [
  'GET /index.html HTTP/1.1',
  'GET /site/user_status.html HTTP/1.1',
  'GET /site/login.html HTTP/1.1',
  'GET /site/user_status.html HTTP/1.1',
  'GET /images/track.png HTTP/1.1',
  'GET /images/logo-small.png HTTP/1.1',
] as const;

export const BYTES = [278, 1289, 2048, 4006, 4096, 4196, 14096] as const;

export const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/59.0.3071.115 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_6) AppleWebKit/603.3.8 (KHTML, like Gecko) Version/10.1.2 Safari/603.3.8',
  'Mozilla/5.0 (X11; Linux x86_64; rv:54.0) Gecko/20100101 Firefox/54.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
] as const;

export const CITIES = ['Palo Alto', 'London', 'Raleigh', 'Frankfurt', 'San Francisco', 'New York'] as const;

export const LEVELS = ['Gold', 'Silver', 'Platinum'] as const;

/** The four address blocks the demo's IPs come from. */
export const IP_BLOCKS = [111, 122, 222, 233] as const;

/** Status mix of ordinary traffic: errors are rare, so most windows stay under the alert threshold. */
export const NORMAL_STATUS_WEIGHTS: ReadonlyArray<Weighted<number>> = [
  { value: 200, weight: 80 },
  { value: 302, weight: 16 },
  { value: 404, weight: 1.5 },
  { value: 405, weight: 1 },
  { value: 406, weight: 0.75 },
  { value: 407, weight: 0.75 },
];

/** Status mix of an error burst (a broken deploy): errors everywhere, alerts fire. */
export const BURST_STATUS_WEIGHTS: ReadonlyArray<Weighted<number>> = [
  { value: 200, weight: 40 },
  { value: 302, weight: 10 },
  { value: 404, weight: 20 },
  { value: 405, weight: 10 },
  { value: 406, weight: 10 },
  { value: 407, weight: 10 },
];
