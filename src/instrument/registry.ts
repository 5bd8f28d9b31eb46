/**
 * Watchfire's own metrics, served at `/metrics` under the names Prometheus uses
 * (`prometheus_target_*`, `prometheus_sd_*`, `process_*`, ...) so that existing dashboards and
 * the Prometheus mixin alerts work unchanged.
 *
 * A small client library: counters, gauges, histograms, summaries, each with optional label
 * names (`vec`), and collectors computed at scrape time. Metrics are cheap to update: a child is
 * looked up once by the caller and kept.
 */
import { formatFloatG } from '../model/index.js';

export type MetricKind = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface MetricOpts {
  name: string;
  help: string;
  labelNames?: readonly string[];
}

/** One line of output: `name{labels} value`. */
export interface CollectedSample {
  suffix: string;
  labels: readonly (readonly [string, string])[];
  value: number;
}

export interface CollectedFamily {
  name: string;
  help: string;
  kind: MetricKind;
  samples: CollectedSample[];
}

interface Collectable {
  readonly name: string;
  collect(): CollectedFamily;
}

export class Registry {
  readonly #items = new Map<string, Collectable>();

  register<T extends Collectable>(c: T): T {
    if (this.#items.has(c.name)) throw new Error(`duplicate metrics collector registration attempted: ${c.name}`);
    this.#items.set(c.name, c);
    return c;
  }

  unregister(name: string): void {
    this.#items.delete(name);
  }

  counter(o: MetricOpts): Counter { return this.register(new Counter(o)); }
  gauge(o: MetricOpts): Gauge { return this.register(new Gauge(o)); }
  histogram(o: MetricOpts & { buckets: readonly number[] }): Histogram { return this.register(new Histogram(o)); }
  summary(o: SummaryOpts): Summary { return this.register(new Summary(o)); }
  /** A family whose samples are computed when collected. */
  collector(name: string, help: string, kind: MetricKind, fn: () => CollectedSample[]): void {
    this.register({ name, collect: () => ({ name, help, kind, samples: fn() }) });
  }

  collect(): CollectedFamily[] {
    const out: CollectedFamily[] = [];
    for (const c of this.#items.values()) out.push(c.collect());
    out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return out;
  }

  /** The Prometheus text format 0.0.4. */
  expose(): string {
    let s = '';
    for (const f of this.collect()) {
      if (f.samples.length === 0) continue;
      s += `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.kind}\n`;
      for (const smp of f.samples) {
        s += f.name + smp.suffix;
        if (smp.labels.length > 0) {
          s += '{' + smp.labels.map(([n, v]) => `${n}=${quoteLabelValue(v)}`).join(',') + '}';
        }
        s += ' ' + formatFloatG(smp.value) + '\n';
      }
    }
    return s;
  }
}

function escapeHelp(h: string): string {
  return h.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Text-format label value: only backslash, double quote and newline are escaped. */
function quoteLabelValue(v: string): string {
  if (!/[\\"\n]/.test(v)) return `"${v}"`;
  return '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
}

abstract class Vec<C> implements Collectable {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  protected readonly children = new Map<string, { values: readonly string[]; child: C }>();

  constructor(o: MetricOpts) {
    this.name = o.name;
    this.help = o.help;
    this.labelNames = o.labelNames ?? [];
  }

  protected abstract make(): C;
  abstract collect(): CollectedFamily;

  /** The child for these label values (in `labelNames` order); created on first use. */
  labels(...values: string[]): C {
    if (values.length !== this.labelNames.length) {
      throw new Error(`${this.name}: expected ${this.labelNames.length} label values, got ${values.length}`);
    }
    const key = values.join('\xff');
    let e = this.children.get(key);
    if (e === undefined) {
      e = { values, child: this.make() };
      this.children.set(key, e);
    }
    return e.child;
  }

  /** Removes the child with these label values. */
  remove(...values: string[]): void {
    this.children.delete(values.join('\xff'));
  }

  protected pairs(values: readonly string[]): [string, string][] {
    return this.labelNames.map((n, i) => [n, values[i]!] as [string, string]);
  }

  /** One sample per child, for kinds whose child is a single `value` (counters, gauges). */
  protected collectValues(this: Vec<{ readonly value: number }>, kind: MetricKind): CollectedFamily {
    if (this.labelNames.length === 0) this.labels();
    const samples: CollectedSample[] = [];
    for (const { values, child } of this.children.values()) samples.push({ suffix: '', labels: this.pairs(values), value: child.value });
    return { name: this.name, help: this.help, kind, samples };
  }
}

export class CounterChild {
  value = 0;
  inc(by = 1): void {
    if (by < 0) throw new Error('counter cannot decrease in value');
    this.value += by;
  }
}

export class Counter extends Vec<CounterChild> {
  protected make(): CounterChild { return new CounterChild(); }
  /** Increments the unlabelled child. */
  inc(by = 1): void { this.labels().inc(by); }
  get value(): number { return this.labels().value; }
  collect(): CollectedFamily { return this.collectValues('counter'); }
}

export class GaugeChild {
  value = 0;
  set(v: number): void { this.value = v; }
  inc(by = 1): void { this.value += by; }
  dec(by = 1): void { this.value -= by; }
}

export class Gauge extends Vec<GaugeChild> {
  protected make(): GaugeChild { return new GaugeChild(); }
  set(v: number): void { this.labels().set(v); }
  inc(by = 1): void { this.labels().inc(by); }
  dec(by = 1): void { this.labels().dec(by); }
  get value(): number { return this.labels().value; }
  collect(): CollectedFamily { return this.collectValues('gauge'); }
}

export class HistogramChild {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }
  observe(v: number): void {
    const b = this.bounds;
    for (let i = 0; i < b.length; i++) if (v <= b[i]!) this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

export class Histogram extends Vec<HistogramChild> {
  readonly buckets: readonly number[];
  constructor(o: MetricOpts & { buckets: readonly number[] }) {
    super(o);
    this.buckets = o.buckets;
  }
  protected make(): HistogramChild { return new HistogramChild(this.buckets); }
  observe(v: number): void { this.labels().observe(v); }
  collect(): CollectedFamily {
    if (this.labelNames.length === 0) this.labels();
    const samples: CollectedSample[] = [];
    for (const { values, child } of this.children.values()) {
      const base = this.pairs(values);
      for (let i = 0; i < this.buckets.length; i++) {
        samples.push({ suffix: '_bucket', labels: [...base, ['le', formatFloatG(this.buckets[i]!)]], value: child.counts[i]! });
      }
      samples.push({ suffix: '_bucket', labels: [...base, ['le', '+Inf']], value: child.count });
      samples.push({ suffix: '_sum', labels: base, value: child.sum });
      samples.push({ suffix: '_count', labels: base, value: child.count });
    }
    return { name: this.name, help: this.help, kind: 'histogram', samples };
  }
}

/** Go's client default for how long an observation counts towards the quantiles (`DefMaxAge`). */
export const DEFAULT_SUMMARY_MAX_AGE_MS = 10 * 60 * 1000;
/** How many of the most recent observations a summary child keeps for its quantiles. */
export const DEFAULT_SUMMARY_MAX_OBSERVATIONS = 1024;

export interface SummaryOpts extends MetricOpts {
  /** The quantiles reported (each in [0, 1]), in this order, as `{quantile="..."}` series. */
  objectives: readonly number[];
  /** Observations older than this leave the quantile window (default 10 minutes, as in Go). */
  maxAgeMs?: number;
  /** At most this many recent observations count towards the quantiles (default 1024). */
  maxObservations?: number;
}

/**
 * One summary series. Stands in for the Go client's streaming quantile estimate: quantiles
 * are exact (nearest rank) over the most recent `maxObservations` observations younger than
 * `maxAgeMs`, computed when collected; `sum` and `count` are cumulative, as in Go. Quantiles
 * of an empty window are NaN, as Go reports them.
 */
export class SummaryChild {
  /** Ring buffers of values and the times (ms) they were observed at. */
  readonly #values: Float64Array;
  readonly #times: Float64Array;
  readonly #maxAgeMs: number;
  #next = 0;
  #filled = 0;
  sum = 0;
  count = 0;

  constructor(maxObservations: number, maxAgeMs: number) {
    this.#values = new Float64Array(maxObservations);
    this.#times = new Float64Array(maxObservations);
    this.#maxAgeMs = maxAgeMs;
  }

  observe(v: number, now: number = Date.now()): void {
    this.#values[this.#next] = v;
    this.#times[this.#next] = now;
    this.#next = (this.#next + 1) % this.#values.length;
    if (this.#filled < this.#values.length) this.#filled++;
    this.sum += v;
    this.count++;
  }

  /** The quantile `q` of the window (nearest rank), NaN when the window is empty. */
  quantile(q: number, now: number = Date.now()): number {
    return this.quantiles([q], now)[0]!;
  }

  /** The quantiles of the window, in the order of `objectives`. */
  quantiles(objectives: readonly number[], now: number = Date.now()): number[] {
    const live = new Float64Array(this.#filled);
    let n = 0;
    for (let i = 0; i < this.#filled; i++) {
      if (now - this.#times[i]! <= this.#maxAgeMs) live[n++] = this.#values[i]!;
    }
    const sorted = live.subarray(0, n).sort();
    const out: number[] = [];
    for (const q of objectives) out.push(n === 0 ? NaN : sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!);
    return out;
  }
}

export class Summary extends Vec<SummaryChild> {
  readonly objectives: readonly number[];
  readonly #maxAgeMs: number;
  readonly #maxObservations: number;
  /** The `quantile` label values, formatted once. */
  readonly #quantileLabels: readonly string[];

  constructor(o: SummaryOpts) {
    super(o);
    this.objectives = o.objectives;
    this.#maxAgeMs = o.maxAgeMs ?? DEFAULT_SUMMARY_MAX_AGE_MS;
    this.#maxObservations = o.maxObservations ?? DEFAULT_SUMMARY_MAX_OBSERVATIONS;
    this.#quantileLabels = o.objectives.map((q) => formatFloatG(q));
  }
  protected make(): SummaryChild { return new SummaryChild(this.#maxObservations, this.#maxAgeMs); }
  observe(v: number): void { this.labels().observe(v); }
  collect(): CollectedFamily {
    if (this.labelNames.length === 0) this.labels();
    const samples: CollectedSample[] = [];
    const now = Date.now();
    for (const { values, child } of this.children.values()) {
      const base = this.pairs(values);
      const qs = child.quantiles(this.objectives, now);
      for (let i = 0; i < qs.length; i++) samples.push({ suffix: '', labels: [...base, ['quantile', this.#quantileLabels[i]!]], value: qs[i]! });
      samples.push({ suffix: '_sum', labels: base, value: child.sum });
      samples.push({ suffix: '_count', labels: base, value: child.count });
    }
    return { name: this.name, help: this.help, kind: 'summary', samples };
  }
}

/** Prometheus client's default buckets. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  const out: number[] = [];
  let v = start;
  for (let i = 0; i < count; i++) { out.push(v); v *= factor; }
  return out;
}
