/**
 * Sample statistics of a query, as Prometheus counts them: `totalQueryableSamples` sums the
 * samples each step loaded (a range-vector function's whole window counts at every step),
 * `peakSamples` is the highest number of samples held at once. Per-step totals are kept only
 * when asked for.
 */
export class QuerySamples {
  totalSamples = 0;
  peakSamples = 0;
  readonly #perStep: Float64Array | null;
  readonly #start: number;
  readonly #interval: number;

  constructor(perStep: boolean, start: number, end: number, interval: number) {
    this.#start = start;
    this.#interval = interval > 0 ? interval : 1;
    const n = perStep ? Math.floor((end - start) / this.#interval) + 1 : 0;
    this.#perStep = perStep ? new Float64Array(n) : null;
  }

  /** Whether per-step totals are kept (else callers may add to totalSamples directly). */
  get tracksSteps(): boolean {
    return this.#perStep !== null;
  }

  /** The counts now, for `restore`. */
  snapshot(): { total: number; peak: number; perStep: Float64Array | null } {
    return { total: this.totalSamples, peak: this.peakSamples, perStep: this.#perStep === null ? null : this.#perStep.slice() };
  }

  restore(s: { total: number; peak: number; perStep: Float64Array | null }): void {
    this.totalSamples = s.total;
    this.peakSamples = s.peak;
    if (s.perStep !== null && this.#perStep !== null) this.#perStep.set(s.perStep);
  }

  /** A child for a subquery or step-invariant evaluation: totals only. */
  newChild(): QuerySamples {
    return new QuerySamples(false, 0, 0, 1);
  }

  incrementSamplesAtStep(step: number, n: number): void {
    this.totalSamples += n;
    const ps = this.#perStep;
    if (ps !== null && step >= 0 && step < ps.length) ps[step]! += n;
  }

  incrementSamplesAtTimestamp(t: number, n: number): void {
    this.incrementSamplesAtStep(Math.floor((t - this.#start) / this.#interval), n);
  }

  updatePeak(n: number): void {
    if (n > this.peakSamples) this.peakSamples = n;
  }

  updatePeakFromSubquery(child: QuerySamples): void {
    if (child.peakSamples > this.peakSamples) this.peakSamples = child.peakSamples;
  }

  /** Per-step totals as [timestamp ms, samples], or undefined when not collected. */
  perStep(): [number, number][] | undefined {
    const ps = this.#perStep;
    if (ps === null) return undefined;
    const out: [number, number][] = [];
    for (let i = 0; i < ps.length; i++) out.push([this.#start + i * this.#interval, ps[i]!]);
    return out;
  }
}
