/**
 * Cooperative scheduling for long evaluations. Evaluation loops call `tick()` once per unit
 * of work (a step, a series); every so often it reads the clock, throws when the query has
 * timed out or was cancelled, and reports that the caller should `await pause()`, which
 * gives the event loop a macrotask turn (timers, I/O, scrapes, other requests) once the
 * query has run ~10 ms without one.
 */
import { performance } from 'node:perf_hooks';
import { canceledError, timeoutError } from './errors.js';

/**
 * Work (in units of roughly one sample or series visited) between clock reads: a clock read
 * costs about as much as a few hundred units, and 2048 units take well under a millisecond.
 */
const UNITS_PER_CHECK = 2048;
/** Longest stretch of synchronous evaluation before yielding to the event loop (ms). */
const SLICE_MS = 10;

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class Yielder {
  readonly #deadline: number;
  readonly #signal: AbortSignal | null;
  #ticks = 0;
  #sliceEnd: number;

  /** `deadline` is a `performance.now()` time; Infinity for none. */
  constructor(deadline: number, signal: AbortSignal | null) {
    this.#deadline = deadline;
    this.#signal = signal;
    this.#sliceEnd = performance.now() + SLICE_MS;
  }

  /**
   * Counts `units` of work (samples or series visited). Returns true when the caller should
   * `await pause()`. Throws the timeout or cancellation error (with Prometheus's "in
   * expression evaluation" wording).
   */
  tick(units = 1): boolean {
    this.#ticks += units;
    if (this.#ticks < UNITS_PER_CHECK) return false;
    this.#ticks = 0;
    const now = performance.now();
    if (now >= this.#deadline) throw timeoutError('expression evaluation');
    if (this.#signal?.aborted === true) throw canceledError('expression evaluation');
    return now >= this.#sliceEnd;
  }

  /** Checks for timeout and cancellation now. */
  check(): void {
    if (performance.now() >= this.#deadline) throw timeoutError('expression evaluation');
    if (this.#signal?.aborted === true) throw canceledError('expression evaluation');
  }

  /** Yields one macrotask turn, then checks for timeout and cancellation. */
  async pause(): Promise<void> {
    await macrotask();
    this.#sliceEnd = performance.now() + SLICE_MS;
    this.check();
  }

  /** Yields if the current slice is used up; for loops whose units are large. */
  async maybePause(): Promise<void> {
    const now = performance.now();
    if (now >= this.#deadline) throw timeoutError('expression evaluation');
    if (this.#signal?.aborted === true) throw canceledError('expression evaluation');
    if (now >= this.#sliceEnd) await this.pause();
  }
}
