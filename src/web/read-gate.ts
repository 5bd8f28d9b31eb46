/**
 * Admission control for the expensive read routes (queries, series and label lookups and
 * searches, exemplars, TSDB statistics, federation): at most `maxConcurrent` of them run at once, the
 * others wait in arrival order.
 *
 * Why: everything in the server shares one event loop. Query evaluation yields every ~10 ms,
 * but with dozens of requests in flight every turn of the loop runs a slice of each of them,
 * and one turn grows to hundreds of milliseconds; the scrape loops' network reads, which need
 * several turns per scrape, then overrun their interval and scrapes are missed. Running only a
 * few reads at a time keeps each turn short. Throughput does not suffer: evaluation is
 * single-threaded CPU work, so more concurrency than a few (to overlap storage reads) only
 * interleaves it. Waiting requests cost nothing but their connection; a client that gives up
 * while waiting leaves the queue.
 */
import type { Router } from './router.js';

/** Route patterns that go through the gate. */
export const GATED_READ_ROUTES: ReadonlySet<string> = new Set([
  '/api/v1/query', '/api/v1/query_range', '/api/v1/query_exemplars', '/api/v1/series', '/api/v1/labels',
  '/api/v1/label/:name/values', '/api/v1/search/metric_names', '/api/v1/search/label_names',
  '/api/v1/search/label_values', '/api/v1/status/tsdb', '/federate',
]);

/**
 * Of the gated routes, the metadata lookups (the query editor's and Grafana's variables):
 * they wait in a lane of their own with the same limit, not behind slow queries. Prometheus
 * limits concurrent queries only (`--query.max-concurrency`); a lookup answers in one short
 * turn of the loop, and queued behind dozens of queries it waited seconds for nothing.
 */
export const LOOKUP_READ_ROUTES: ReadonlySet<string> = new Set([
  '/api/v1/series', '/api/v1/labels', '/api/v1/label/:name/values',
  '/api/v1/search/metric_names', '/api/v1/search/label_names', '/api/v1/search/label_values',
]);

/**
 * Reads run at once by default: two overlap one read's storage I/O with another's evaluation,
 * and keep the event loop's turns short (50 clients on a busy 2-core machine: turns of
 * ~60-130 ms at the median with 2, ~150-240 ms with 4, up to 2 s without the gate).
 */
export const DEFAULT_MAX_CONCURRENT_READS = 2;

interface Waiter {
  resume: () => void;
  /** Set when the waiter gave up; `release` skips it. */
  cancelled: boolean;
}

/** A counting semaphore whose waiters are served first come, first served. */
export class FifoGate {
  readonly #max: number;
  #active = 0;
  /** Waiters in arrival order from `#head` on. */
  #queue: Waiter[] = [];
  #head = 0;

  constructor(maxConcurrent: number) {
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) throw new Error(`read gate: concurrency must be a positive integer, got ${maxConcurrent}`);
    this.#max = maxConcurrent;
  }

  get active(): number {
    return this.#active;
  }

  /** Waiters still queued (given-up ones not counted). */
  get waiting(): number {
    let n = 0;
    for (let i = this.#head; i < this.#queue.length; i++) if (!this.#queue[i]!.cancelled) n++;
    return n;
  }

  /** Takes a free slot at once if there is one and nobody waits (then `release` it), else false. */
  tryAcquire(): boolean {
    if (this.#active >= this.#max) return false;
    this.#active++;
    return true;
  }

  /**
   * Resolves true once the caller holds a slot (it must call `release` exactly once), or false
   * if `signal` aborts first (no slot is held then).
   */
  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.#active < this.#max) {
      this.#active++;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const w: Waiter = {
        resume: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(true);
        },
        cancelled: false,
      };
      const onAbort = (): void => {
        w.cancelled = true;
        resolve(false);
      };
      this.#queue.push(w);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Gives a slot back; the next waiter, if any, takes it over in a later macrotask. Resumed at
   * once (a microtask), a queue of reads that each finish without yielding would run back to
   * back, every answer's completion handing the slot to the next, and the event loop would
   * not poll I/O (new requests, scrapes) until the whole queue was served. Until the hand-over
   * the slot stays taken, so newcomers queue behind the waiters.
   */
  release(): void {
    if (this.#head < this.#queue.length) {
      setImmediate(this.#handOver);
      return;
    }
    this.#compact();
    this.#active--;
  }

  readonly #handOver = (): void => {
    while (this.#head < this.#queue.length) {
      const w = this.#queue[this.#head]!;
      this.#head++;
      if (w.cancelled) continue;
      this.#compact();
      w.resume();
      return;
    }
    this.#compact();
    this.#active--;
  };

  /** Drops the served prefix of the queue once it dominates, so the array does not grow forever. */
  #compact(): void {
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}

/**
 * Adds the gate as a request hook: a gated route waits for a slot before its handler runs and
 * gives it back when its response is done (or the connection is gone). Lookups have a lane
 * of their own (LOOKUP_READ_ROUTES); the returned gate is the lane of everything else.
 */
export function registerReadGate(r: Router, maxConcurrent = DEFAULT_MAX_CONCURRENT_READS): FifoGate {
  const queries = new FifoGate(maxConcurrent);
  const lookups = new FifoGate(maxConcurrent);
  r.use(async (c, route) => {
    if (!GATED_READ_ROUTES.has(route)) return true;
    const gate = LOOKUP_READ_ROUTES.has(route) ? lookups : queries;
    // The request's signal is only needed to leave the queue: a free slot is taken without it.
    if (c.res.closed || (!gate.tryAcquire() && !(await gate.acquire(c.signal)))) {
      // The client left (or the server is stopping) while waiting: nothing to answer.
      c.res.destroy();
      return false;
    }
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      gate.release();
    };
    if (c.res.writableFinished || c.res.destroyed) release();
    else c.res.once('close', release);
    return true;
  });
  return queries;
}
