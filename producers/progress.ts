/**
 * Progress for long runs. One reporter tracks one or more named streams (users, sessions, pageviews)
 * and renders them as one line: rewritten in place with \r on a TTY, or printed every `intervalMs`
 * as plain lines otherwise (logs, CI). Formatting is pure and exported for tests.
 */

export interface ProgressUpdate {
  /** Records acknowledged by the sink so far. */
  done: number;
  /** Records planned; 0 = unbounded (runs until interrupted). */
  total: number;
  /** Milliseconds since the producer started. */
  elapsedMs: number;
}

export type ProgressListener = (update: ProgressUpdate) => void;

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatRate(done: number, elapsedMs: number): string {
  const perSecond = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  return `${formatCount(perSecond)}/s`;
}

export function formatDuration(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** "pageviews 1,200/10,000 (12%) 3,400/s" or, unbounded, "pageviews 1,200 3,400/s". */
export function formatStream(name: string, update: ProgressUpdate): string {
  const { done, total, elapsedMs } = update;
  const amount = total > 0 ? `${formatCount(done)}/${formatCount(total)} (${Math.floor((done * 100) / total)}%)` : formatCount(done);
  return `${name} ${amount} ${formatRate(done, elapsedMs)}`;
}

export interface ProgressReporterOptions {
  stream: ProgressStream;
  /** Plain-line period when not a TTY. */
  intervalMs?: number;
  /** Redraw period on a TTY. */
  ttyIntervalMs?: number;
  now?: () => number;
}

export class ProgressReporter {
  private readonly streams = new Map<string, ProgressUpdate>();
  private readonly tty: boolean;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private lastRender = Number.NEGATIVE_INFINITY;
  private lineOpen = false;
  private updated = false;

  constructor(private readonly options: ProgressReporterOptions) {
    this.tty = options.stream.isTTY === true;
    this.intervalMs = this.tty ? (options.ttyIntervalMs ?? 100) : (options.intervalMs ?? 2_000);
    this.now = options.now ?? (() => performance.now());
  }

  /** A listener for one named stream, to pass as a producer's `onProgress`. */
  listener(name: string, total: number): ProgressListener {
    this.streams.set(name, { done: 0, total, elapsedMs: 0 });
    return (update) => this.update(name, update);
  }

  update(name: string, update: ProgressUpdate): void {
    this.streams.set(name, update);
    this.updated = true;
    const now = this.now();
    if (now - this.lastRender >= this.intervalMs) {
      this.lastRender = now;
      this.render();
    }
  }

  line(): string {
    return [...this.streams].map(([name, update]) => formatStream(name, update)).join(' | ');
  }

  private render(): void {
    if (this.tty) {
      this.options.stream.write(`\r${this.line()}\x1b[K`);
      this.lineOpen = true;
    } else {
      this.options.stream.write(`${this.line()}\n`);
    }
  }

  /** Draws the final state and ends the TTY line, so the summary starts on a fresh line. */
  finish(): void {
    if (!this.updated) return; // nothing started (e.g. the connection failed): no line at all
    this.render();
    if (this.lineOpen) this.options.stream.write('\n');
    this.lineOpen = false;
  }
}
