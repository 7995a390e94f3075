/**
 * The one clock every time-dependent part of Cinnabar reads (expiry, idle times, LASTSAVE, TIME, INFO uptime).
 * Injectable so tests can make expiry deterministic: pass `clock` to createServer and move it by hand.
 */

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: for tests. */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.now()) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}
