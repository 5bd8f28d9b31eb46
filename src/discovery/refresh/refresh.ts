/**
 * The loop of the mechanisms that poll (dns, http, ...): refresh once at start, then on a
 * fixed-rate ticker every `intervalMs`, sending each successful result. A failed refresh is
 * logged ("Unable to refresh target groups") and counted in
 * `prometheus_sd_refresh_failures_total`, and nothing is sent, so the manager keeps the last
 * groups. Every refresh, failed or not, is observed in the duration summary and histogram.
 *
 * As with Go's ticker, a refresh slower than the interval does not queue up ticks: at most one
 * tick that fell due during a refresh runs right after it, then the schedule resumes.
 */
import { performance } from 'node:perf_hooks';
import { nopLogger, type Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import type { RefreshMetrics } from './metrics.js';
import { Ticker } from './ticker.js';

/** One refresh: the groups to send, or a rejection. Must settle soon after `signal` aborts. */
export type RefreshFunc = (signal: AbortSignal) => Promise<TargetGroup[]>;

export interface RefreshOptions {
  /** The mechanism name in metrics (`dns`, `http`). */
  mechanism: string;
  /** The target set the discoverer feeds (the `config` label). */
  setName: string;
  intervalMs: number;
  refresh: RefreshFunc;
  metrics: RefreshMetrics;
  logger?: Logger;
}

export class RefreshDiscoverer implements Discoverer {
  readonly #o: RefreshOptions;
  readonly #logger: Logger;

  constructor(o: RefreshOptions) {
    this.#o = o;
    this.#logger = o.logger ?? nopLogger;
  }

  async run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void> {
    if (signal.aborted) return;
    const m = this.#o.metrics.acquire(this.#o.mechanism, this.#o.setName);
    const interval = Math.max(1, this.#o.intervalMs);
    try {
      let ticker: Ticker | null = null;
      for (;;) {
        const t0 = performance.now();
        let groups: TargetGroup[] | null = null;
        try {
          groups = await this.#o.refresh(signal);
        } catch (e) {
          m.failures.inc();
          if (!signal.aborted) this.#logger.error('Unable to refresh target groups', { err: e instanceof Error ? e.message : String(e) });
        }
        const took = (performance.now() - t0) / 1000;
        m.duration.observe(took);
        m.durationHistogram.observe(took);
        if (signal.aborted) return;
        if (groups !== null) send(groups);
        // The ticker starts after the first refresh, as in Prometheus.
        ticker ??= new Ticker(interval);
        if (!(await ticker.wait(signal))) return;
      }
    } finally {
      this.#o.metrics.release(this.#o.mechanism, this.#o.setName);
    }
  }
}
