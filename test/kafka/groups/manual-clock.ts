/** A clock that only moves when the test says so; due timers fire in order as it advances. */
import type { Clock, TimerHandle } from '../../../embedded/kafka/groups/index.ts';

interface ScheduledTimer {
  id: number;
  dueMs: number;
  callback: () => void;
}

export class ManualClock implements Clock {
  private nowMs: number;
  private nextId = 1;
  private readonly timers = new Map<number, ScheduledTimer>();

  constructor(startMs = 1_700_000_000_000) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, dueMs: this.nowMs + Math.max(0, delayMs), callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due (including ones they schedule). */
  advance(ms: number): void {
    const targetMs = this.nowMs + ms;
    for (;;) {
      let next: ScheduledTimer | undefined;
      for (const timer of this.timers.values()) {
        if (timer.dueMs > targetMs) continue;
        if (!next || timer.dueMs < next.dueMs || (timer.dueMs === next.dueMs && timer.id < next.id)) next = timer;
      }
      if (!next) break;
      this.timers.delete(next.id);
      this.nowMs = next.dueMs;
      next.callback();
    }
    this.nowMs = targetMs;
  }
}
