/**
 * Conversion of a classic histogram (cumulative `le` buckets, `_count`, `_sum`) into a native
 * histogram with custom buckets (schema -53, "NHCB"), as Prometheus's convertnhcb does:
 * buckets collected in order (out-of-order ones inserted, duplicates ignored), a missing
 * `+Inf` bucket added from the count, integer counts when every count is integral, float
 * counts otherwise.
 */
import { CUSTOM_BUCKETS_SCHEMA, CounterResetHint, formatFloatG, type FloatHistogram, type Histogram } from '../model/index.js';
import { compactBuckets } from './histogram-compact.js';

export type NHCBResult = { ok: true; h: Histogram | null; fh: FloatHistogram | null } | { ok: false; error: string };

export class TempHistogram {
  private les: number[] = [];
  private counts: number[] = [];
  private count = 0;
  private sum = 0;
  private hasCount = false;
  private err: string | undefined = undefined;

  reset(): void {
    this.les.length = 0;
    this.counts.length = 0;
    this.count = 0;
    this.sum = 0;
    this.hasCount = false;
    this.err = undefined;
  }

  setBucketCount(le: number, count: number): void {
    if (this.err !== undefined) return;
    if (Number.isNaN(le)) {
      this.err = 'bucket boundary must not be NaN';
      return;
    }
    if (count < 0) {
      this.err = `bucket count must be non-negative: le=${formatFloatG(le)}, count=${formatFloatG(count)}`;
      return;
    }
    const n = this.les.length;
    if (n === 0 || this.les[n - 1]! < le) {
      if (n > 0 && count < this.counts[n - 1]!) {
        this.err = `count is not cumulative: ${formatFloatG(count)} < ${formatFloatG(this.counts[n - 1]!)}`;
        return;
      }
      this.les.push(le);
      this.counts.push(count);
      return;
    }
    if (this.les[n - 1] === le) return; // a duplicate sample
    let i = 0;
    while (this.les[i]! < le) i++;
    if (this.les[i] === le) return;
    if (i > 0 && count < this.counts[i - 1]!) {
      this.err = `count is not cumulative: ${formatFloatG(count)} < ${formatFloatG(this.counts[i - 1]!)}`;
      return;
    }
    if (count > this.counts[i]!) {
      this.err = `count is not cumulative: ${formatFloatG(count)} > ${formatFloatG(this.counts[i]!)}`;
      return;
    }
    this.les.splice(i, 0, le);
    this.counts.splice(i, 0, count);
  }

  setCount(count: number): void {
    if (this.err !== undefined) return;
    if (count < 0) {
      this.err = `count must be non-negative: count=${formatFloatG(count)}`;
      return;
    }
    this.count = count;
    this.hasCount = true;
  }

  setSum(sum: number): void {
    if (this.err !== undefined) return;
    this.sum = sum;
  }

  /** The converted histogram; `gauge` marks it as a gauge histogram. Does not change the collected state. */
  convert(gauge: boolean): NHCBResult {
    if (this.err !== undefined) return { ok: false, error: this.err };
    const les = this.les.slice(), counts = this.counts.slice();
    let count = this.count;
    if (!this.hasCount && les.length > 0) count = counts[counts.length - 1]!;
    if (les.length === 0 || les[les.length - 1] !== Infinity) {
      les.push(Infinity);
      counts.push(count);
    }
    let integral = Number.isInteger(count);
    for (const c of counts) if (!Number.isInteger(c)) integral = false;
    const last = counts[counts.length - 1]!;
    const hint = gauge ? CounterResetHint.Gauge : CounterResetHint.Unknown;
    const customValues = les.slice(0, -1);
    if (integral) {
      const deltas: number[] = [];
      let prevCount = 0, prevDelta = 0;
      for (const c of counts) {
        const d = c - prevCount;
        deltas.push(d - prevDelta);
        prevCount = c;
        prevDelta = d;
      }
      if (count !== last) return { ok: false, error: `count mismatch: count=${count} != le=${formatFloatG(les[les.length - 1]!)} count=${formatFloatG(last)}` };
      const c = compactBuckets(deltas, [{ offset: 0, length: counts.length }], 2, true);
      return {
        ok: true, fh: null,
        h: {
          counterResetHint: hint, schema: CUSTOM_BUCKETS_SCHEMA, zeroThreshold: 0, zeroCount: 0, count, sum: this.sum,
          positiveSpans: c.spans, negativeSpans: [], positiveBuckets: c.buckets, negativeBuckets: [], customValues,
        },
      };
    }
    const abs: number[] = [];
    let prev = 0;
    for (const c of counts) {
      abs.push(c - prev);
      prev = c;
    }
    if (count !== last) {
      return { ok: false, error: `count mismatch: count=${formatFloatG(count)} != le=${formatFloatG(les[les.length - 1]!)} count=${formatFloatG(last)}` };
    }
    const c = compactBuckets(abs, [{ offset: 0, length: counts.length }], 0, false);
    return {
      ok: true, h: null,
      fh: {
        counterResetHint: hint, schema: CUSTOM_BUCKETS_SCHEMA, zeroThreshold: 0, zeroCount: 0, count, sum: this.sum,
        positiveSpans: c.spans, negativeSpans: [], positiveBuckets: c.buckets, negativeBuckets: [], customValues,
      },
    };
  }
}
