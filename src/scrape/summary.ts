/**
 * A summary with quantiles over a sliding window, standing in for the Go client's summaries
 * (`prometheus_target_interval_length_seconds` and friends: objectives 0.01, 0.05, 0.5, 0.9,
 * 0.99 over the last 10 minutes). Approximation: each child keeps the most recent 1024
 * observations younger than 10 minutes and computes exact quantiles over them when
 * collected; `_sum` and `_count` are cumulative, as in Go.
 */
import type { CollectedSample, Registry } from '../instrument/index.js';
import { formatFloatG } from '../model/index.js';

const WINDOW_MS = 10 * 60 * 1000;
const MAX_KEPT = 1024;
export const SUMMARY_OBJECTIVES: readonly number[] = [0.01, 0.05, 0.5, 0.9, 0.99];

export class SummaryChild {
  /** Ring buffers of values and their times. */
  readonly #values = new Float64Array(MAX_KEPT);
  readonly #times = new Float64Array(MAX_KEPT);
  #next = 0;
  #filled = 0;
  sum = 0;
  count = 0;

  observe(v: number, now: number = Date.now()): void {
    this.#values[this.#next] = v;
    this.#times[this.#next] = now;
    this.#next = (this.#next + 1) % MAX_KEPT;
    if (this.#filled < MAX_KEPT) this.#filled++;
    this.sum += v;
    this.count++;
  }

  /** The quantiles of the window, NaN when it is empty (as Go reports). */
  quantiles(objectives: readonly number[], now: number = Date.now()): number[] {
    const live: number[] = [];
    for (let i = 0; i < this.#filled; i++) {
      if (now - this.#times[i]! <= WINDOW_MS) live.push(this.#values[i]!);
    }
    live.sort((a, b) => a - b);
    return objectives.map((q) => {
      if (live.length === 0) return NaN;
      const idx = Math.min(live.length - 1, Math.max(0, Math.ceil(q * live.length) - 1));
      return live[idx]!;
    });
  }
}

/** A labelled family of summaries registered as a collector. */
export class SummaryVec {
  readonly #labelNames: readonly string[];
  readonly #children = new Map<string, { values: readonly string[]; child: SummaryChild }>();

  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[]) {
    this.#labelNames = labelNames;
    registry.collector(name, help, 'summary', () => this.#collect());
  }

  labels(...values: string[]): SummaryChild {
    const key = values.join('\xff');
    let e = this.#children.get(key);
    if (e === undefined) {
      e = { values, child: new SummaryChild() };
      this.#children.set(key, e);
    }
    return e.child;
  }

  remove(...values: string[]): void {
    this.#children.delete(values.join('\xff'));
  }

  #collect(): CollectedSample[] {
    const out: CollectedSample[] = [];
    const now = Date.now();
    for (const { values, child } of this.#children.values()) {
      const base = this.#labelNames.map((n, i) => [n, values[i]!] as const);
      const qs = child.quantiles(SUMMARY_OBJECTIVES, now);
      for (let i = 0; i < qs.length; i++) {
        out.push({ suffix: '', labels: [...base, ['quantile', formatFloatG(SUMMARY_OBJECTIVES[i]!)]], value: qs[i]! });
      }
      out.push({ suffix: '_sum', labels: base, value: child.sum });
      out.push({ suffix: '_count', labels: base, value: child.count });
    }
    return out;
  }
}
