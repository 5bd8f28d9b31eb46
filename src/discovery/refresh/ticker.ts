/**
 * A fixed-rate ticker with Go's semantics: ticks fall due every `intervalMs` from its start;
 * a consumer that falls behind gets one pending tick at once and the ticks it missed beyond
 * that are dropped, so the schedule never bunches up.
 */
import { performance } from 'node:perf_hooks';
import { sleepUnlessAborted } from './sleep.js';

export class Ticker {
  readonly #intervalMs: number;
  /** The due time of the next tick not yet consumed. */
  #next: number;

  constructor(intervalMs: number, now: number = performance.now()) {
    this.#intervalMs = Math.max(1, intervalMs);
    this.#next = now + this.#intervalMs;
  }

  /** Resolves true at the next tick (at once if one is pending), false as soon as `signal` aborts. */
  async wait(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    const now = performance.now();
    if (this.#next <= now) {
      // Consume the pending tick; the others that fell due meanwhile were dropped.
      this.#next += (Math.floor((now - this.#next) / this.#intervalMs) + 1) * this.#intervalMs;
      return true;
    }
    const due = this.#next;
    this.#next += this.#intervalMs;
    return sleepUnlessAborted(due - now, signal);
  }
}
