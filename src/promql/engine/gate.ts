/**
 * The concurrency gate (Prometheus's --query.max-concurrency): at most `max` queries run at
 * once; the others wait in arrival order until a slot frees, the query is cancelled, or its
 * timeout passes while waiting.
 */
import type { ActiveQueryTracker } from './active-queries.js';

export class Gate {
  readonly #max: number;
  /** Where the queries holding a slot are logged (queries.active), if anywhere. */
  tracker: ActiveQueryTracker | null = null;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  /** `max` <= 0 means unlimited. */
  constructor(max: number) {
    this.#max = max;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Waits for a slot. Resolves to a release function (call it exactly once), or rejects with
   * 'canceled' when `signal` aborts or 'timeout' when `deadlineMs` (Date.now() time) passes first.
   */
  acquire(signal: AbortSignal | null, deadlineMs: number): Promise<() => void> {
    if (this.#max <= 0 || this.#running < this.#max) {
      this.#running++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | null = null;
      const onAbort = (): void => { cleanup(); reject(new GateError('canceled')); };
      const grant = (): void => {
        cleanup();
        this.#running++;
        resolve(this.#releaser());
      };
      const cleanup = (): void => {
        const i = this.#waiting.indexOf(grant);
        if (i >= 0) this.#waiting.splice(i, 1);
        if (timer !== null) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      if (signal?.aborted === true) { reject(new GateError('canceled')); return; }
      this.#waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (Number.isFinite(deadlineMs)) {
        timer = setTimeout(() => { cleanup(); reject(new GateError('timeout')); }, Math.max(0, deadlineMs - Date.now()));
      }
    });
  }

  #releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#running--;
      const next = this.#waiting[0];
      if (next !== undefined) next();
    };
  }
}

export class GateError extends Error {
  override readonly name = 'GateError';
  readonly reason: 'canceled' | 'timeout';
  constructor(reason: 'canceled' | 'timeout') {
    super(reason === 'canceled' ? 'context canceled' : 'context deadline exceeded');
    this.reason = reason;
  }
}
