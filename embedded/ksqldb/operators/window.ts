// Window assignment for time windows (Kafka Streams TimeWindows.windowsFor) and session merge lookup.
import type { WindowBounds } from '../formats/index.ts';

/** All [start, start+size) windows containing ts, ordered by start; starts are epoch-aligned and >= 0. */
export function timeWindowsFor(ts: number, size: number, advance: number): WindowBounds[] {
  const out: WindowBounds[] = [];
  let start = Math.floor(Math.max(0, ts - size + advance) / advance) * advance;
  while (start <= ts) {
    out.push({ start, end: start + size });
    start += advance;
  }
  return out;
}

export interface Session<A> {
  start: number;
  end: number;
  accs: A;
  ts: number;
}

/** Sessions of one key that a record at ts joins: end >= ts - gap and start <= ts + gap. */
export function overlappingSessions<A>(sessions: Session<A>[], ts: number, gap: number): Session<A>[] {
  return sessions.filter((s) => s.end >= ts - gap && s.start <= ts + gap);
}
