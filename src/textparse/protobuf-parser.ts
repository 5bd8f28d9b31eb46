/**
 * The protobuf exposition format (`application/vnd.google.protobuf;
 * proto=io.prometheus.client.MetricFamily; encoding=delimited`): varint-length-delimited
 * MetricFamily messages, presented entry by entry as Prometheus's protobuf parser presents
 * them. Per family: HELP (always), UNIT (when set), TYPE, then per metric:
 *
 * - counter, gauge, untyped: one sample;
 * - summary: `_count`, `_sum`, then one sample per quantile (`quantile` label);
 * - classic histogram: `_count`, `_sum`, `_bucket{le}` per bucket up to the first `+Inf`
 *   one (added from the count when missing); with NHCB conversion the custom-bucket
 *   histogram follows (or replaces them unless `keepClassicHistograms`);
 * - native histogram (any span, zero threshold or zero count): one histogram entry, followed
 *   by the classic series when `keepClassicHistograms` and it has classic buckets.
 *
 * A metric timestamp of 0 means none and a start timestamp of 0 means unknown, as in
 * Prometheus; start timestamps are returned only with `parseStartTimestamps`. Label strings are decoded only by `labels()`; `seriesKey()` is built from the
 * raw label bytes.
 */
import type { Buffer } from 'node:buffer';
import { type Labels, type Exemplar, type FloatHistogram, type Histogram, type MetricType } from '../model/index.js';
import { EntryType, ParseError, type Parser, type ParserOptions } from './interface.js';
import { NO_BYTES, bufferView, goQuote, isValidUTF8, latin1 } from './bytes.js';
import { formatOpenMetricsFloat } from './float.js';
import { TempHistogram, type NHCBResult } from './convert-nhcb.js';
import { ProtoWireError, WireReader, type F64List } from '../util/protobuf-wire.js';
import { FamilyState, MetricState, MetricType as PT, type ExemplarState } from './protobuf/state.js';
import { decodeFamily, decodeMetric } from './protobuf/decode.js';
import { nativeHistogram, toExemplar } from './protobuf/entries.js';
import { HAS_LE, HAS_QUANTILE, checkMetricLabels, duplicateLabel, metricKeyPrefix, metricLabels } from './protobuf/labels.js';

const enum State { NextFamily, Help, Unit, Type, InMetric, Done }

/** Which series of the current metric is being returned. */
const enum Phase { Simple, Summary, Classic, Native, ClassicAfterNative, NHCB }

const KINDS: readonly PT[] = [PT.Counter, PT.Gauge, PT.Summary, PT.Untyped, PT.Histogram, PT.GaugeHistogram];
const TYPE_NAMES: readonly MetricType[] = ['counter', 'gauge', 'summary', 'unknown', 'histogram', 'gaugehistogram'];
const SUFFIX_COUNT = '_count', SUFFIX_SUM = '_sum', SUFFIX_BUCKET = '_bucket';

/** Formatted `le`/`quantile` values, shared across scrapes (bucket bounds repeat). */
const boundText = new Map<number, string>();
function formatBound(v: number): string {
  let s = boundText.get(v);
  if (s === undefined) {
    if (boundText.size >= 4096) boundText.clear();
    s = formatOpenMetricsFloat(v);
    boundText.set(v, s);
  }
  return s;
}

export class ProtobufParser implements Parser {
  private b: Uint8Array;
  private buf: Buffer;
  private r: WireReader;
  private readonly ignoreNative: boolean;
  private readonly keepClassic: boolean;
  private readonly toNHCB: boolean;
  private readonly parseST: boolean;
  private readonly fam = new FamilyState();
  private readonly m = new MetricState();
  private readonly tmpNHCB = new TempHistogram();
  /** Offset of the next MetricFamily's length prefix. */
  private top = 0;
  private state = State.NextFamily;
  private phase = Phase.Simple;
  private failure: ParseError | null = null;
  private familyName = '';
  /** The current family's type. */
  private kind = PT.Untyped;
  private familyKey = '';
  private metricKey: string | null = null;
  /** -2: _count, -1: _sum, >= 0: bucket or quantile index. */
  private fieldPos = 0;
  private fieldsDone = false;
  private redoClassic = false;
  private val = 0;
  /** Magic label of the current series: '' none, else `le` or `quantile` value text. */
  private magic = '';
  private suffix = '';
  private keyCode = '';
  private nhcb: NHCBResult | null = null;
  private exemplarCursor = 0;
  private exemplarDone = false;
  private hasLe = false;
  private hasQuantile = false;

  release(): void {
    this.b = NO_BYTES;
    this.buf = bufferView(NO_BYTES);
    this.r = new WireReader(NO_BYTES);
  }

  /** The body is read, never written; it must stay unchanged while the parser is in use. */
  constructor(body: Uint8Array, opts: ParserOptions) {
    this.b = body;
    this.buf = bufferView(body);
    this.r = new WireReader(body);
    this.ignoreNative = opts.ignoreNativeHistograms ?? false;
    this.keepClassic = opts.keepClassicHistograms;
    this.toNHCB = opts.convertClassicHistogramsToNHCB;
    this.parseST = opts.parseStartTimestamps;
  }

  /** No shortcut: the guess is ignored. */
  nextExpecting(): EntryType {
    return this.next();
  }

  next(): EntryType {
    if (this.failure !== null) throw this.failure;
    try {
      this.exemplarCursor = 0;
      this.exemplarDone = false;
      return this.advance();
    } catch (e) {
      // The shared wire reader throws its own error class; callers of a parser see every
      // syntax error as a ParseError, with the same text.
      const err = e instanceof ProtoWireError ? new ParseError(e.message) : e;
      if (err instanceof ParseError) this.failure = err;
      throw err;
    }
  }

  private advance(): EntryType {
    switch (this.state) {
      case State.NextFamily:
        return this.startFamily();
      case State.Help:
        this.state = this.fam.unitE > this.fam.unitS ? State.Unit : State.Type;
        return this.state === State.Unit ? EntryType.Unit : EntryType.Type;
      case State.Unit:
        this.state = State.Type;
        return EntryType.Type;
      case State.Type:
        this.state = State.InMetric;
        return this.beginMetric();
      case State.InMetric:
        return this.advanceInMetric();
      case State.Done:
        return EntryType.EOF;
    }
  }

  private fail(msg: string): never {
    throw new ParseError(msg);
  }

  /** Reads MetricFamily messages until one with metrics; returns its HELP entry, or EOF. */
  private startFamily(): EntryType {
    const b = this.b, n = b.length, f = this.fam, r = this.r;
    for (;;) {
      const top = this.top;
      if (top >= n) {
        this.state = State.Done;
        return EntryType.EOF;
      }
      // The length prefix: at most 5 varint bytes, as Prometheus's decoder requires.
      let len = 0, i = top, mul = 1, ok = false;
      while (i < n && i - top < 10) {
        const c = b[i++]!;
        len += (c & 0x7f) * mul;
        mul *= 128;
        if (c < 0x80) {
          ok = true;
          break;
        }
      }
      if (!ok || i - top > 5) this.fail('clientpb: invalid varint encountered');
      const total = i - top + len;
      if (total > n - top) this.fail(`clientpb: insufficient length of buffer, expected at least ${total} bytes, got ${n - top} bytes`);
      this.top = top + total;
      decodeFamily(r, i, top + total, f);
      if (f.metrics.n === 0) continue; // empty families are skipped
      this.decodeNextMetric();
      if (f.nameE === f.nameS || !isValidUTF8(b, f.nameS, f.nameE)) this.fail(`invalid metric name: ${this.buf.toString('latin1', f.nameS, f.nameE)}`);
      this.familyName = this.buf.toString('utf8', f.nameS, f.nameE);
      if (!isValidUTF8(b, f.helpS, f.helpE)) this.fail(`invalid help for metric ${goQuote(this.familyName)}: ${this.buf.toString('latin1', f.helpS, f.helpE)}`);
      if (f.type < 0 || f.type > 5) this.fail(`unknown metric type for metric ${goQuote(this.familyName)}: ${f.type}`);
      this.kind = KINDS[f.type]!;
      this.familyKey = latin1(this.buf, f.nameS, f.nameE) + '\xff';
      this.state = State.Help;
      return EntryType.Help;
    }
  }

  private decodeNextMetric(): void {
    const f = this.fam;
    const k = f.next * 2;
    decodeMetric(this.r, f.metrics.a[k]!, f.metrics.a[k + 1]!, this.m);
    f.next++;
    this.metricKey = null;
  }

  /** Moves to the next metric of the family, or to the next family. */
  private nextMetric(): EntryType {
    if (this.fam.next * 2 < this.fam.metrics.n) {
      this.decodeNextMetric();
      return this.beginMetric();
    }
    this.state = State.NextFamily;
    return this.startFamily();
  }

  /** First entry of a freshly decoded metric. */
  private beginMetric(): EntryType {
    this.checkLabels();
    this.nhcb = null;
    this.magic = '';
    this.suffix = '';
    const m = this.m;
    switch (this.kind) {
      case PT.Counter:
        this.val = m.counter;
        return this.simple();
      case PT.Gauge:
        this.val = m.gauge;
        return this.simple();
      case PT.Untyped:
        this.val = m.untyped;
        return this.simple();
      case PT.Summary:
        this.phase = Phase.Summary;
        return this.field(-2);
      case PT.Histogram:
      case PT.GaugeHistogram:
        if (!this.ignoreNative && m.isNativeHistogram()) {
          this.checkNativeConsistency();
          this.phase = Phase.Native;
          this.redoClassic = this.keepClassic && m.bucketUpper.n > 0;
          return this.histogramEntry();
        }
        if (this.toNHCB && !this.keepClassic) return this.nhcbEntry();
        this.phase = Phase.Classic;
        return this.field(-2);
    }
  }

  private simple(): EntryType {
    this.phase = Phase.Simple;
    this.keyCode = 'v';
    return EntryType.Series;
  }

  private histogramEntry(): EntryType {
    this.keyCode = 'h';
    this.magic = '';
    this.suffix = '';
    return EntryType.Histogram;
  }

  private nhcbEntry(): EntryType {
    this.phase = Phase.NHCB;
    this.nhcb = this.convertToNHCB();
    if (!this.nhcb.ok) this.fail(this.nhcb.error);
    return this.histogramEntry();
  }

  private advanceInMetric(): EntryType {
    switch (this.phase) {
      case Phase.Simple:
      case Phase.NHCB:
        return this.nextMetric();
      case Phase.Native:
        if (this.redoClassic) {
          this.redoClassic = false;
          this.phase = Phase.ClassicAfterNative;
          return this.field(-2);
        }
        return this.nextMetric();
      case Phase.Summary:
      case Phase.ClassicAfterNative:
        return this.fieldsDone ? this.nextMetric() : this.field(this.fieldPos + 1);
      case Phase.Classic:
        if (!this.fieldsDone) return this.field(this.fieldPos + 1);
        return this.toNHCB ? this.nhcbEntry() : this.nextMetric();
    }
  }

  /** Sets up the `_count` (-2), `_sum` (-1), quantile or bucket series at `pos` of a summary or histogram. */
  private field(pos: number): EntryType {
    const m = this.m;
    this.fieldPos = pos;
    this.fieldsDone = false;
    this.magic = '';
    const summary = this.phase === Phase.Summary;
    if (pos === -2) {
      this.suffix = SUFFIX_COUNT;
      this.keyCode = 'c';
      this.val = summary ? m.summaryCount : m.hCountFloat !== 0 ? m.hCountFloat : m.hCount;
      return EntryType.Series;
    }
    if (pos === -1) {
      this.suffix = SUFFIX_SUM;
      this.keyCode = 's';
      this.val = summary ? m.summarySum : m.hSum;
      if (summary && m.quantiles.n === 0) this.fieldsDone = true;
      return EntryType.Series;
    }
    if (summary) {
      this.suffix = '';
      this.keyCode = 'q';
      this.magic = formatBound(m.quantiles.a[pos]!);
      this.val = m.quantileValues.a[pos]!;
      this.fieldsDone = pos === m.quantiles.n - 1;
      if (this.hasQuantile) this.duplicate('quantile');
      return EntryType.Series;
    }
    this.suffix = SUFFIX_BUCKET;
    this.keyCode = 'b';
    if (this.hasLe) this.duplicate('le');
    if (pos >= m.bucketUpper.n) {
      this.magic = '+Inf';
      this.val = m.hCountFloat !== 0 ? m.hCountFloat : m.hCount;
      this.fieldsDone = true;
      return EntryType.Series;
    }
    const upper = m.bucketUpper.a[pos]!;
    this.magic = formatBound(upper);
    const cf = m.bucketCountFloat.a[pos]!;
    this.val = cf !== 0 ? cf : m.bucketCount.a[pos]!;
    this.fieldsDone = upper === Infinity;
    return EntryType.Series;
  }

  /** Validates the metric's label pairs as Prometheus does and fails on duplicate names. */
  private checkLabels(): void {
    const flags = checkMetricLabels(this.m, this.b, this.buf);
    this.hasLe = (flags & HAS_LE) !== 0;
    this.hasQuantile = (flags & HAS_QUANTILE) !== 0;
  }

  private duplicate(name: string): never {
    throw duplicateLabel(name);
  }

  private checkNativeConsistency(): void {
    const m = this.m;
    const isFloat = m.isFloatHistogram();
    this.checkSpans('positive', m.posSpanLength, isFloat ? m.posCount.n : m.posDelta.n);
    this.checkSpans('negative', m.negSpanLength, isFloat ? m.negCount.n : m.negDelta.n);
  }

  /** The spans must cover exactly the buckets given, or compaction would misread them. */
  private checkSpans(side: string, lengths: F64List, buckets: number): void {
    let total = 0;
    for (let i = 0; i < lengths.n; i++) total += lengths.a[i]!;
    if (total !== buckets) this.fail(`histogram ${goQuote(this.familyName)}: ${side} side: spans require ${total} buckets, have ${buckets}`);
  }

  private convertToNHCB(): NHCBResult {
    const m = this.m, t = this.tmpNHCB;
    t.reset();
    t.setCount(m.hCountFloat !== 0 ? m.hCountFloat : m.hCount);
    t.setSum(m.hSum);
    for (let i = 0; i < m.bucketUpper.n; i++) {
      const cf = m.bucketCountFloat.a[i]!;
      t.setBucketCount(m.bucketUpper.a[i]!, cf !== 0 ? cf : m.bucketCount.a[i]!);
    }
    return t.convert(this.kind === PT.GaugeHistogram);
  }

  // ---- accessors ----

  seriesKey(): string {
    if (this.metricKey === null) this.metricKey = this.buildMetricKey();
    return this.metricKey + this.keyCode + this.magic;
  }

  seriesKeyEquals(key: string): boolean {
    return this.seriesKey() === key;
  }

  private buildMetricKey(): string {
    return metricKeyPrefix(this.m, this.buf) + '\xff' + this.familyKey;
  }

  value(): number {
    return this.val;
  }

  timestamp(): number | undefined {
    const t = this.m.timestampMs;
    return t !== 0 ? t : undefined;
  }

  labels(): Labels {
    const name = this.suffix === '' ? this.familyName : this.familyName + this.suffix;
    return metricLabels(this.m, this.b, this.buf, name, this.magic === '' ? '' : this.keyCode === 'q' ? 'quantile' : 'le', this.magic);
  }

  histogram(): { h: Histogram | null; fh: FloatHistogram | null } {
    if (this.phase === Phase.NHCB && this.nhcb !== null && this.nhcb.ok) return { h: this.nhcb.h, fh: this.nhcb.fh };
    if (this.phase !== Phase.Native) return { h: null, fh: null };
    return nativeHistogram(this.m, this.kind === PT.GaugeHistogram);
  }

  exemplar(): Exemplar | null {
    if (this.exemplarDone) return null;
    const m = this.m;
    switch (this.kind) {
      case PT.Counter:
        this.exemplarDone = true;
        return m.counterExemplar < 0 ? null : this.toExemplar(m.exemplars.get(m.counterExemplar));
      case PT.Histogram:
      case PT.GaugeHistogram:
        if (this.phase === Phase.Native || this.phase === Phase.NHCB) return this.histogramExemplar();
        // A classic series carries at most its own bucket's exemplar, with or without timestamp.
        this.exemplarDone = true;
        if (this.fieldPos < 0 || this.fieldPos >= m.bucketExemplar.n) return null;
        {
          const i = m.bucketExemplar.a[this.fieldPos]!;
          return i < 0 ? null : this.toExemplar(m.exemplars.get(i));
        }
      default:
        this.exemplarDone = true;
        return null;
    }
  }

  /** Histogram entries: the histogram's own exemplars if any, else the buckets'; only those with timestamps. */
  private histogramExemplar(): Exemplar | null {
    const m = this.m;
    const own = m.hExemplars.n > 0;
    const n = own ? m.hExemplars.n : m.bucketExemplar.n;
    while (this.exemplarCursor < n) {
      const i = own ? m.hExemplars.a[this.exemplarCursor++]! : m.bucketExemplar.a[this.exemplarCursor++]!;
      if (i < 0) continue;
      const x = m.exemplars.get(i);
      if (x.ts.present) return this.toExemplar(x);
    }
    this.exemplarDone = true;
    return null;
  }

  private toExemplar(x: ExemplarState): Exemplar {
    return toExemplar(x, this.buf, this.b);
  }

  startTimestamp(): number | undefined {
    if (!this.parseST) return undefined;
    const m = this.m;
    let t;
    switch (this.kind) {
      case PT.Counter: t = m.counterST; break;
      case PT.Summary: t = m.summaryST; break;
      case PT.Histogram:
      case PT.GaugeHistogram: t = m.histogramST; break;
      default: return undefined;
    }
    if (!t.present) return undefined;
    const ms = t.millis();
    return ms === 0 ? undefined : ms;
  }

  help(): [string, string] {
    const f = this.fam;
    return [this.familyName, this.buf.toString('utf8', f.helpS, f.helpE)];
  }

  type(): [string, MetricType] {
    return [this.familyName, TYPE_NAMES[this.fam.type] ?? 'unknown'];
  }

  unit(): [string, string] {
    const f = this.fam;
    return [this.familyName, this.buf.toString('utf8', f.unitS, f.unitE)];
  }

  comment(): string {
    return '';
  }
}
