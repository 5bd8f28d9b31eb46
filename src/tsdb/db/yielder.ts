/**
 * Cooperative yielding for long background work (compaction, retention, snapshots): the
 * caller checks in often, and every few milliseconds of work the yielder gives the event
 * loop a macrotask turn, so that timers (scrapes), I/O callbacks and HTTP requests run in
 * between. Awaiting a resolved promise is not enough: microtasks run before timers.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

export class Yielder {
  readonly #sliceMs: number;
  #since = performance.now();
  /** Turns given up so far (for tests and logs). */
  yields = 0;

  /** `sliceMs`: work allowed between two yields. */
  constructor(sliceMs = 5) {
    this.#sliceMs = sliceMs;
  }

  /** Resolves at once when the current slice has time left, else after one event-loop turn. */
  async maybeYield(signal?: AbortSignal): Promise<void> {
    if (performance.now() - this.#since < this.#sliceMs) return;
    await nextTurn();
    this.yields++;
    this.#since = performance.now();
    signal?.throwIfAborted();
  }
}
