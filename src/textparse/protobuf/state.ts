/**
 * Reusable decoding state for `io.prometheus.client` messages: one family header and one
 * metric at a time. Strings stay byte ranges into the body; repeated fields live in growable
 * typed arrays that keep their storage from metric to metric.
 */
import { F64List, I32List } from '../../util/protobuf-wire.js';

/** A google.protobuf.Timestamp, possibly absent. */
export class TimestampState {
  present = false;
  seconds = 0;
  nanos = 0;

  reset(): void {
    this.present = false;
    this.seconds = 0;
    this.nanos = 0;
  }

  /** Milliseconds as Prometheus computes them: seconds*1000 + truncated nanos/1e6. */
  millis(): number {
    return this.seconds * 1000 + Math.trunc(this.nanos / 1e6);
  }
}

/** An Exemplar message: label pairs as byte ranges (name start/end, value start/end). */
export class ExemplarState {
  readonly labels = new I32List();
  value = 0;
  readonly ts = new TimestampState();

  reset(): void {
    this.labels.clear();
    this.value = 0;
    this.ts.reset();
  }
}

/** Pool of exemplar states; index -1 means "none". */
export class ExemplarPool {
  private items: ExemplarState[] = [];
  n = 0;

  take(): number {
    if (this.n === this.items.length) this.items.push(new ExemplarState());
    const ex = this.items[this.n]!;
    ex.reset();
    return this.n++;
  }

  get(i: number): ExemplarState {
    return this.items[i]!;
  }

  clear(): void {
    this.n = 0;
  }
}

export const enum MetricType {
  Counter = 0,
  Gauge = 1,
  Summary = 2,
  Untyped = 3,
  Histogram = 4,
  GaugeHistogram = 5,
}

export class FamilyState {
  nameS = 0;
  nameE = 0;
  helpS = 0;
  helpE = 0;
  unitS = 0;
  unitE = 0;
  type = 0;
  /** Content ranges of the metric messages. */
  readonly metrics = new I32List();
  next = 0;

  reset(): void {
    this.nameS = this.nameE = this.helpS = this.helpE = this.unitS = this.unitE = 0;
    this.type = 0;
    this.metrics.clear();
    this.next = 0;
  }
}

export class MetricState {
  /** Per label: field start (tag), name start, name end, value start, value end, field end; -1 for absent parts. */
  readonly labels = new I32List();
  timestampMs = 0;
  gauge = 0;
  untyped = 0;
  counter = 0;
  counterExemplar = -1;
  readonly counterST = new TimestampState();
  summaryCount = 0;
  summarySum = 0;
  readonly quantiles = new F64List();
  readonly quantileValues = new F64List();
  readonly summaryST = new TimestampState();
  hCount = 0;
  hCountFloat = 0;
  hSum = 0;
  readonly bucketCount = new F64List();
  readonly bucketCountFloat = new F64List();
  readonly bucketUpper = new F64List();
  readonly bucketExemplar = new I32List();
  readonly histogramST = new TimestampState();
  schema = 0;
  zeroThreshold = 0;
  zeroCount = 0;
  zeroCountFloat = 0;
  readonly negSpanOffset = new I32List();
  readonly negSpanLength = new F64List();
  readonly negDelta = new F64List();
  readonly negCount = new F64List();
  readonly posSpanOffset = new I32List();
  readonly posSpanLength = new F64List();
  readonly posDelta = new F64List();
  readonly posCount = new F64List();
  /** Pool indexes of Histogram.exemplars. */
  readonly hExemplars = new I32List();
  readonly exemplars = new ExemplarPool();

  reset(): void {
    this.labels.clear();
    this.timestampMs = 0;
    this.gauge = this.untyped = this.counter = 0;
    this.counterExemplar = -1;
    this.counterST.reset();
    this.summaryCount = this.summarySum = 0;
    this.quantiles.clear();
    this.quantileValues.clear();
    this.summaryST.reset();
    this.hCount = this.hCountFloat = this.hSum = 0;
    this.bucketCount.clear();
    this.bucketCountFloat.clear();
    this.bucketUpper.clear();
    this.bucketExemplar.clear();
    this.histogramST.reset();
    this.schema = this.zeroThreshold = this.zeroCount = this.zeroCountFloat = 0;
    this.negSpanOffset.clear();
    this.negSpanLength.clear();
    this.negDelta.clear();
    this.negCount.clear();
    this.posSpanOffset.clear();
    this.posSpanLength.clear();
    this.posDelta.clear();
    this.posCount.clear();
    this.hExemplars.clear();
    this.exemplars.clear();
  }

  /** Prometheus's test for a native histogram: any span, a zero threshold or a zero count. */
  isNativeHistogram(): boolean {
    return this.posSpanOffset.n > 0 || this.negSpanOffset.n > 0 || this.zeroThreshold > 0 || this.zeroCount > 0;
  }

  /** Float histogram when either float count is set (> 0). */
  isFloatHistogram(): boolean {
    return this.hCountFloat > 0 || this.zeroCountFloat > 0;
  }
}
