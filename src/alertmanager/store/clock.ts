/**
 * The time source of Alertmanager's timers (aggregation group waits, notification retries,
 * maintenance). Components take a Clock so that tests drive time by hand (`ManualClock`)
 * instead of sleeping; production uses the system clock.
 */

/** An opaque timer handle. */
export interface TimerHandle {
  readonly __timer: true;
}

export interface Clock {
  /** Unix milliseconds. */
  now(): number;
  /** Runs `fn` once after `ms` (never synchronously). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(h: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, Math.max(0, ms));
    return t as unknown as TimerHandle;
  },
  clearTimeout: (h) => { clearTimeout(h as unknown as NodeJS.Timeout); },
};

interface ManualTimer {
  at: number;
  seq: number;
  fn: () => void;
  handle: TimerHandle;
}

/**
 * A clock that moves only when told. `advance(ms)` fires due timers in time order and
 * lets promise continuations run between them, so async work started by a timer (a flush,
 * a retry) progresses as it would in real time.
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers: ManualTimer[] = [];

  constructor(start = Date.UTC(2024, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = { __timer: true } as TimerHandle;
    this.#timers.push({ at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, handle });
    return handle;
  }

  clearTimeout(h: TimerHandle): void {
    const i = this.#timers.findIndex((t) => t.handle === h);
    if (i >= 0) this.#timers.splice(i, 1);
  }

  /** Number of timers waiting. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    await settle();
    for (;;) {
      let next: ManualTimer | undefined;
      for (const t of this.#timers) {
        if (t.at <= end && (next === undefined || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      }
      if (next === undefined) break;
      this.#timers.splice(this.#timers.indexOf(next), 1);
      if (next.at > this.#now) this.#now = next.at;
      next.fn();
      await settle();
    }
    this.#now = end;
    await settle();
  }
}

/** Lets pending promise continuations (and I/O callbacks already queued) run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => { setImmediate(r); });
}
