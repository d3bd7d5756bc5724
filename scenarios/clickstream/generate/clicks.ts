/**
 * Clicks of the clickstream demo, in the shape its datagen writes them:
 *   { ip, userid, remote_user, time, _time, request, status, bytes, referrer, agent }
 * with `status` and `bytes` as strings ("407", "4196") and `time` as an access-log date
 * ("20/Mar/2020:02:05:52 +0000"); `_time` (epoch ms) is the event time ksql uses.
 *
 * Time: click i happens at `clock(i)`. `sessionizedClock` spreads clicks evenly at a rate and leaves
 * out a pause after every active period, as the demo's sessionize script pauses its generator (90 s on,
 * 35 s off), so users' sessions end and new ones start. Statuses: each minute of event time, counted
 * from the first click (`clock(0)`), is either ordinary (rare errors) or, with probability `burstShare`,
 * an error burst, decided by (seed, minute number), so error alerts fire in some windows and not in
 * others, and a seed has the same bursts whatever its base time.
 */
import { Rng, deriveSeed, weightedPicker } from '../../../producers/generate/random.ts';
import { wallClock, type Clock } from '../../../producers/generate/events.ts';
import { AGENTS, BURST_STATUS_WEIGHTS, BYTES, NORMAL_STATUS_WEIGHTS, REQUESTS } from './values.ts';
import type { WebUserGenerator } from './users.ts';

export interface Click {
  ip: string;
  userid: number;
  remote_user: string;
  time: string;
  _time: number;
  request: string;
  status: string;
  bytes: string;
  referrer: string;
  agent: string;
}

export interface SessionizedClockOptions {
  /** Event time of the first click. */
  base: number;
  ratePerSecond: number;
  activeMs: number;
  pauseMs: number;
}

/** Click i at `base + i/rate` seconds of active time, each full active period followed by a pause. */
export function sessionizedClock(options: SessionizedClockOptions): Clock {
  const { base, ratePerSecond, activeMs, pauseMs } = options;
  if (!(ratePerSecond > 0)) throw new RangeError(`ratePerSecond must be above 0, got ${ratePerSecond}`);
  if (!(activeMs > 0 && pauseMs >= 0)) throw new RangeError(`activeMs must be above 0 and pauseMs at least 0, got ${activeMs} and ${pauseMs}`);
  return (index) => {
    const active = Math.floor((index * 1000) / ratePerSecond);
    return base + active + Math.floor(active / activeMs) * pauseMs;
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An access-log date in UTC: 20/Mar/2020:02:05:52 +0000. */
export function accessLogTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

export interface ClickGeneratorOptions {
  seed: number;
  /** Where user ids and their IP addresses come from. */
  users: WebUserGenerator;
  /** Clicks come from users 1..activeUsers. */
  activeUsers: number;
  /** Share (0..1) of the minutes that are error bursts. */
  burstShare: number;
  clock?: Clock;
}

const pickNormalStatus = weightedPicker(NORMAL_STATUS_WEIGHTS);
const pickBurstStatus = weightedPicker(BURST_STATUS_WEIGHTS);

export class ClickGenerator {
  private readonly rng: Rng;
  private readonly clock: Clock;
  private readonly ipsByUser = new Map<number, string[]>();
  private readonly burstByMinute = new Map<number, boolean>();
  /** Where the minutes of the burst schedule start: the first click's time. */
  private readonly origin: number;
  private index = 0;

  constructor(private readonly options: ClickGeneratorOptions) {
    if (!(Number.isInteger(options.activeUsers) && options.activeUsers >= 1)) {
      throw new RangeError(`activeUsers must be a whole number >= 1, got ${options.activeUsers}`);
    }
    if (!(options.burstShare >= 0 && options.burstShare <= 1)) throw new RangeError(`burstShare must be between 0 and 1, got ${options.burstShare}`);
    this.rng = new Rng(deriveSeed(options.seed, 'clicks'));
    this.clock = options.clock ?? wallClock;
    this.origin = this.clock(0);
  }

  /** True when the minute (counted from the first click) holding `epochMs` is an error burst. */
  isBurst(epochMs: number): boolean {
    const minute = Math.floor((epochMs - this.origin) / 60_000);
    let burst = this.burstByMinute.get(minute);
    if (burst === undefined) {
      burst = new Rng(deriveSeed(this.options.seed, 'burst', minute)).next() < this.options.burstShare;
      if (this.burstByMinute.size > 10_000) this.burstByMinute.clear();
      this.burstByMinute.set(minute, burst);
    }
    return burst;
  }

  next(): Click {
    const rng = this.rng;
    const at = this.clock(this.index++);
    const userid = rng.int(1, this.options.activeUsers);
    const ips = this.userIps(userid);
    const status = (this.isBurst(at) ? pickBurstStatus : pickNormalStatus)(rng);
    return {
      ip: ips[rng.int(0, ips.length - 1)]!,
      userid,
      remote_user: '-',
      time: accessLogTime(at),
      _time: at,
      request: REQUESTS[rng.int(0, REQUESTS.length - 1)]!,
      status: String(status),
      bytes: String(BYTES[rng.int(0, BYTES.length - 1)]!),
      referrer: '-',
      agent: AGENTS[rng.int(0, AGENTS.length - 1)]!,
    };
  }

  take(n: number): Click[] {
    return Array.from({ length: n }, () => this.next());
  }

  private userIps(userId: number): string[] {
    let ips = this.ipsByUser.get(userId);
    if (!ips) {
      ips = this.options.users.ips(userId);
      this.ipsByUser.set(userId, ips);
    }
    return ips;
  }
}
