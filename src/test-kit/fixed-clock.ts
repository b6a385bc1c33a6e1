import type { Clock } from '../platform/clock.js';

/** A clock that stands still until a test moves it. */
export class FixedClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves the clock forward by `milliseconds`. */
  advance(milliseconds: number): void {
    this.current += milliseconds;
  }

  /** Sets the clock to `instant`. */
  set(instant: Date | string): void {
    this.current = new Date(instant).getTime();
  }
}
