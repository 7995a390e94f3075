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

/**
 * The system clock read once per event: the first now() of a synchronous run reads Date.now(), later calls
 * return the same instant until the run ends (a microtask clears it). A batch of pipelined commands thus
 * sees one time, as Redis's commands see its cached server time, and the hot path stops paying a clock read
 * per command. Used only for the system clock; an injected test clock is read directly.
 */
export class CachedClock implements Clock {
  private t = 0;
  private valid = false;
  private readonly invalidate = (): void => {
    this.valid = false;
  };

  constructor(private readonly source: Clock) {}

  now(): number {
    if (!this.valid) {
      this.t = this.source.now();
      this.valid = true;
      queueMicrotask(this.invalidate);
    }
    return this.t;
  }

  /** Forget the cached instant (after something that blocks for a while, such as DEBUG SLEEP). */
  refresh(): void {
    this.valid = false;
  }
}
