/**
 * Wraps a text-format parser to convert classic histograms into native histograms with
 * custom buckets (NHCB), as Prometheus's NHCBParser does for `convert_classic_histograms_to_nhcb`.
 * Series of a family declared `histogram` whose name is the family name plus `_bucket`
 * (with a float `le`), `_count` or `_sum` are collected per label set (without `le`); when
 * the next entry belongs elsewhere the collected histogram is returned as a Histogram entry
 * first. The classic series are dropped unless `keepClassicHistograms`. Exemplars of the
 * collected series move to the histogram.
 */
import { Labels, LabelsBuilder, parseGoFloat, type Exemplar, type FloatHistogram, type Histogram, type MetricType } from '../model/index.js';
import { EntryType, type Parser } from './interface.js';
import { TempHistogram } from './convert-nhcb.js';

const enum State { Start, Collecting, Emitting, Inhibiting }

const enum Suffix { None, Bucket, Sum, Count }

function baseName(name: string): [Suffix, string] {
  if (name.endsWith('_bucket')) return [Suffix.Bucket, name.slice(0, -7)];
  if (name.endsWith('_sum')) return [Suffix.Sum, name.slice(0, -4)];
  if (name.endsWith('_count')) return [Suffix.Count, name.slice(0, -6)];
  return [Suffix.None, name];
}

export class NHCBParser implements Parser {
  private readonly p: Parser;
  private readonly keepClassic: boolean;
  private readonly parseST: boolean;
  private state = State.Start;
  /** The wrapped parser's current entry (returned after an NHCB that was inserted before it). */
  private entry: EntryType = EntryType.EOF;
  private lset: Labels = Labels.EMPTY;
  private value0 = 0;
  private ts: number | undefined = undefined;
  private typeName = '';
  private typ: MetricType = 'unknown';
  private readonly temp = new TempHistogram();
  private tempLset: Labels = Labels.EMPTY;
  private tempExemplars: Exemplar[] = [];
  private tempST: number | undefined = undefined;
  private lastName = '';
  private lastKey = '';
  // The emitted NHCB.
  private hNHCB: Histogram | null = null;
  private fhNHCB: FloatHistogram | null = null;
  private lsetNHCB: Labels = Labels.EMPTY;
  private exemplarsNHCB: Exemplar[] = [];
  private stNHCB: number | undefined = undefined;

  constructor(p: Parser, keepClassicHistograms: boolean, parseStartTimestamps: boolean) {
    this.p = p;
    this.keepClassic = keepClassicHistograms;
    this.parseST = parseStartTimestamps;
  }

  /** No shortcut: the guess is ignored. */
  nextExpecting(): EntryType {
    return this.next();
  }

  next(): EntryType {
    for (;;) {
      if (this.state === State.Emitting) {
        this.state = State.Start;
        if (this.entry === EntryType.Series && this.collect() && !this.keepClassic) continue;
        return this.entry;
      }
      this.entry = this.p.next();
      switch (this.entry) {
        case EntryType.EOF:
          return this.emit() ? EntryType.Histogram : EntryType.EOF;
        case EntryType.Series: {
          this.value0 = this.p.value();
          this.ts = this.p.timestamp();
          this.lset = this.p.labels();
          let isNHCB: boolean;
          if (this.state === State.Collecting) {
            if (this.differentMetric() && this.emit()) return EntryType.Histogram;
            isNHCB = this.collect();
          } else if (this.state === State.Inhibiting) {
            if (this.differentMetric()) {
              this.state = State.Start;
              isNHCB = this.collect();
            } else {
              isNHCB = false;
            }
          } else {
            isNHCB = this.collect();
          }
          if (isNHCB && !this.keepClassic) continue;
          return this.entry;
        }
        case EntryType.Histogram:
          this.state = State.Inhibiting;
          this.ts = this.p.timestamp();
          this.lset = this.p.labels();
          this.lastName = this.lset.metricName();
          this.lastKey = this.lset.withoutMetricName().key();
          break;
        case EntryType.Type:
          [this.typeName, this.typ] = this.p.type();
          break;
        default:
          break;
      }
      if (this.emit()) return EntryType.Histogram;
      return this.entry;
    }
  }

  /** Whether the current series belongs to a different histogram than the one collected or inhibited. */
  private differentMetric(): boolean {
    if (this.typ !== 'histogram') return true;
    if (baseName(this.lset.metricName())[1] !== this.lastName) return true;
    return this.lset.without('le', '__name__').key() !== this.lastKey;
  }

  /** Adds the current series to the histogram being collected when it is part of a classic histogram. */
  private collect(): boolean {
    if (this.typ !== 'histogram') return false;
    const [suffix, name] = baseName(this.lset.metricName());
    if (name !== this.typeName) return false;
    switch (suffix) {
      case Suffix.Bucket: {
        if (!this.lset.has('le')) return false;
        const le = parseGoFloat(this.lset.get('le'));
        if (le === undefined || Number.isNaN(le)) return false;
        this.start(name);
        this.temp.setBucketCount(le, this.value0);
        return true;
      }
      case Suffix.Count:
        this.start(name);
        this.temp.setCount(this.value0);
        return true;
      case Suffix.Sum:
        this.start(name);
        this.temp.setSum(this.value0);
        return true;
      case Suffix.None:
        return false;
    }
  }

  private start(name: string): void {
    if (this.state !== State.Collecting) {
      this.lastName = name;
      this.lastKey = this.lset.without('le', '__name__').key();
      this.tempST = this.parseST ? this.p.startTimestamp() : undefined;
      this.state = State.Collecting;
      this.tempLset = new LabelsBuilder(this.lset).set('__name__', name).del('le').labels();
    }
    for (let ex = this.p.exemplar(); ex !== null; ex = this.p.exemplar()) this.tempExemplars.push(ex);
  }

  /** Converts what was collected; true when there is an NHCB to return now. */
  private emit(): boolean {
    if (this.state !== State.Collecting) return false;
    const r = this.temp.convert(false);
    if (r.ok) {
      this.hNHCB = r.h;
      this.fhNHCB = r.fh;
      this.lsetNHCB = this.tempLset;
      this.exemplarsNHCB = this.tempExemplars;
      this.stNHCB = this.tempST;
      this.state = State.Emitting;
    } else {
      this.state = State.Start;
    }
    this.temp.reset();
    this.tempExemplars = [];
    this.tempST = undefined;
    return r.ok;
  }

  seriesKey(): string {
    return this.state === State.Emitting ? '\x00nhcb\x00' + this.lsetNHCB.key() : this.p.seriesKey();
  }

  seriesKeyEquals(key: string): boolean {
    return this.state === State.Emitting ? this.seriesKey() === key : this.p.seriesKeyEquals(key);
  }

  value(): number {
    return this.value0;
  }

  /** For an inserted NHCB: the timestamp of the last sample read, as Prometheus returns it. */
  timestamp(): number | undefined {
    return this.ts;
  }

  labels(): Labels {
    return this.state === State.Emitting ? this.lsetNHCB : this.lset;
  }

  histogram(): { h: Histogram | null; fh: FloatHistogram | null } {
    return this.state === State.Emitting ? { h: this.hNHCB, fh: this.fhNHCB } : this.p.histogram();
  }

  exemplar(): Exemplar | null {
    if (this.state === State.Emitting) return this.exemplarsNHCB.shift() ?? null;
    return this.p.exemplar();
  }

  startTimestamp(): number | undefined {
    switch (this.state) {
      case State.Start:
      case State.Inhibiting:
        return this.entry === EntryType.Series || this.entry === EntryType.Histogram ? this.p.startTimestamp() : undefined;
      case State.Collecting:
        return this.tempST;
      case State.Emitting:
        return this.stNHCB;
    }
  }

  help(): [string, string] {
    return this.p.help();
  }

  type(): [string, MetricType] {
    return [this.typeName, this.typ];
  }

  unit(): [string, string] {
    return this.p.unit();
  }

  comment(): string {
    return this.p.comment();
  }

  release(): void {
    this.p.release();
  }
}
