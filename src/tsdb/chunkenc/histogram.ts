/**
 * Integer histogram chunks (encoding 2) and their appender, following Prometheus's rules for
 * when a sample cannot join the current chunk (see `appendable`) and when the chunk is
 * re-encoded because the sample brings new buckets. The same classes write the variant with
 * start timestamps (encoding 5, `withST`; see st-decoder.ts for its layout).
 */
import { CUSTOM_BUCKETS_SCHEMA, CounterResetHint, type BucketSpan, type Histogram, type Millis } from '../../model/index.js';
import { ValueType, type SampleIterator } from '../../storage/interface.js';
import { BitWriter } from './bstream.js';
import { Encoding, wrongSampleType, type Appender, type Chunk, type ChunkIterator, type HistogramAppendResult } from './chunk.js';
import {
  absoluteCounts, adjustForInserts, applyInserts, expandSpansAndBuckets, expandSpansBothWays, type Insert,
} from './bucket-inserts.js';
import { copySpans, countSpans, customBoundsMatch, writeLayout } from './histogram-layout.js';
import {
  CounterResetHeader, HISTOGRAM_HEADER, PLAIN_LAYOUT, checkBucketCounts, type HistogramHeaderLayout,
} from './histogram-meta.js';
import { HistogramIterator } from './histogram-iterator.js';
import { ST_LAYOUT, StEncoder } from './st-decoder.js';
import { putVarbitInt, putVarbitUint } from './varbit.js';
import { NO_WINDOW, XorState, xorWrite } from './xor-value.js';
import { STALE_HI, STALE_LO, W, floatWords, isStaleWords } from './words.js';

export class HistogramChunk implements Chunk {
  readonly encoding: typeof Encoding.Histogram | typeof Encoding.HistogramST;
  /** Encoding 5: start timestamps after each sample, a 14-bit count and the reset header in byte 0. */
  readonly withST: boolean;
  private readonly layout: HistogramHeaderLayout;
  private ro: Uint8Array | null;
  /** @internal */
  w: BitWriter | null;

  private constructor(ro: Uint8Array | null, w: BitWriter | null, withST: boolean) {
    this.ro = ro;
    this.w = w;
    this.withST = withST;
    this.layout = withST ? ST_LAYOUT : PLAIN_LAYOUT;
    this.encoding = withST ? Encoding.HistogramST : Encoding.Histogram;
  }

  /** An empty chunk: encoding 2, or 5 (with start timestamps) with `withST`. */
  static empty(withST = false): HistogramChunk {
    return new HistogramChunk(null, BitWriter.withHeader(HISTOGRAM_HEADER), withST);
  }

  /** A chunk over encoded bytes, read in place. The caller must not modify them afterwards. */
  static fromBytes(b: Uint8Array, withST = false): HistogramChunk {
    return new HistogramChunk(b, null, withST);
  }

  bytes(): Uint8Array {
    return this.ro ?? this.w!.bytes();
  }

  byteLength(): number {
    return this.ro !== null ? this.ro.length : this.w!.len;
  }

  numSamples(): number {
    return this.layout.numSamples(this.ro ?? this.w!.buf);
  }

  counterResetHeader(): CounterResetHeader {
    return this.layout.counterResetHeader(this.bytes());
  }

  appender(): HistogramAppender {
    if (this.numSamples() === 0) {
      if (this.w === null) {
        this.w = BitWriter.withHeader(HISTOGRAM_HEADER);
        this.w.buf[0] = this.ro![0] ?? 0;
        this.w.buf[1] = this.ro![1] ?? 0;
        this.w.buf[2] = this.ro![2] ?? 0;
        this.ro = null;
      }
      return new HistogramAppender(this.w, this.withST);
    }
    const it = new HistogramIterator(this.bytes(), this.withST);
    while (it.next() !== ValueType.None) { /* to the end */ }
    const err = it.err();
    if (err !== null) throw new Error('reading chunk for appending', { cause: err });
    if (this.w === null) {
      const b = this.ro!;
      this.w = BitWriter.copyOf(b, b.length * 8 - it.bitPosition());
      this.ro = null;
    }
    const a = new HistogramAppender(this.w, this.withST);
    a.resume(it);
    return a;
  }

  iterator(reuse: SampleIterator | null): ChunkIterator {
    if (reuse instanceof HistogramIterator && reuse.readsStartTimestamps === this.withST) {
      reuse.reset(this.bytes());
      return reuse;
    }
    return new HistogramIterator(this.bytes(), this.withST);
  }
}

const NO_INSERTS: Insert[] = [];

interface Appendability {
  ok: boolean;
  hint: CounterResetHeader;
  pFwd: Insert[];
  nFwd: Insert[];
  pBwd: Insert[];
  nBwd: Insert[];
}

/** The stale marker's stand-in: no layout, no counts, only the stale sum. */
const STALE: Histogram = {
  counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0, zeroCount: 0, count: 0, sum: 0,
  positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: [],
};

export class HistogramAppender implements Appender {
  private readonly w: BitWriter;
  private schema = 0;
  private zThreshold = 0;
  private pSpans: BucketSpan[] = [];
  private nSpans: BucketSpan[] = [];
  private customValues: number[] = [];
  private t = 0;
  private cnt = 0;
  private zCnt = 0;
  // Deltas are signed even for counters: gauge histograms go down.
  private tDelta = 0;
  private cntDelta = 0;
  private zCntDelta = 0;
  private pBuckets: number[] = [];
  private nBuckets: number[] = [];
  private pBucketsDelta: number[] = [];
  private nBucketsDelta: number[] = [];
  private readonly sum = new XorState();
  /** Writes the start timestamps of an encoding-5 chunk, else null. */
  private readonly stEnc: StEncoder | null;
  private readonly layout: HistogramHeaderLayout;

  constructor(w: BitWriter, withST = false) {
    this.w = w;
    this.sum.reset(NO_WINDOW);
    this.stEnc = withST ? new StEncoder() : null;
    this.layout = withST ? ST_LAYOUT : PLAIN_LAYOUT;
  }

  /** Takes over the state of an iterator that read the whole chunk. */
  resume(it: HistogramIterator): void {
    this.schema = it.schema;
    this.zThreshold = it.zThreshold;
    this.pSpans = copySpans(it.pSpans);
    this.nSpans = copySpans(it.nSpans);
    this.customValues = it.customValues.slice();
    this.t = it.t;
    this.cnt = it.cnt;
    this.zCnt = it.zCnt;
    this.tDelta = it.tDelta;
    this.cntDelta = it.cntDelta;
    this.zCntDelta = it.zCntDelta;
    this.pBuckets = it.pBuckets.slice();
    this.nBuckets = it.nBuckets.slice();
    this.pBucketsDelta = it.pBucketsDelta.slice();
    this.nBucketsDelta = it.nBucketsDelta.slice();
    this.sum.copyFrom(it.sum);
    if (this.stEnc !== null) this.stEnc.resume(it.stDecoder!);
  }

  numSamples(): number {
    return this.layout.numSamples(this.w.buf);
  }

  counterResetHeader(): CounterResetHeader {
    return this.layout.counterResetHeader(this.w.buf);
  }

  private setHeader(h: CounterResetHeader): void {
    this.layout.setCounterResetHeader(this.w.buf, h);
  }

  /** Stores the sample count in the header (after writing: a write may move the buffer). */
  private commit(n: number): void {
    this.layout.setNumSamples(this.w.buf, n);
  }

  append(): void {
    throw wrongSampleType('float', 'histogram');
  }

  appendStale(): void {
    throw wrongSampleType('float', 'histogram');
  }

  appendFloatHistogram(): HistogramAppendResult {
    throw wrongSampleType('float histogram', 'histogram');
  }

  appendHistogram(prev: Appender | null, t: Millis, h: Histogram, appendOnly: boolean, st = 0): HistogramAppendResult {
    checkBucketCounts(h.positiveSpans, h.positiveBuckets, 'positive');
    checkBucketCounts(h.negativeSpans, h.negativeBuckets, 'negative');
    return this.add(prev, t, h, false, appendOnly, st);
  }

  appendStaleHistogram(prev: Appender | null, t: Millis, appendOnly: boolean, st = 0): HistogramAppendResult {
    return this.add(prev, t, STALE, true, appendOnly, st);
  }

  /**
   * Whether a counter histogram can join this chunk, and with which bucket inserts. Not when
   * the chunk is a gauge chunk, the sample says it follows a reset, the previous sample was
   * stale (only stale samples may follow), the count or zero count went down, schema or zero
   * threshold or custom bounds changed, or a bucket went down or vanished while not empty.
   * The header hint tells why: CounterReset, or Unknown where Prometheus does not look further.
   */
  appendable(h: Histogram, stale: boolean): Appendability {
    const r: Appendability = { ok: false, hint: CounterResetHeader.NotCounterReset, pFwd: NO_INSERTS, nFwd: NO_INSERTS, pBwd: NO_INSERTS, nBwd: NO_INSERTS };
    if (this.numSamples() > 0 && this.counterResetHeader() === CounterResetHeader.Gauge) return r;
    if (!stale && h.counterResetHint === CounterResetHint.CounterReset) {
      r.hint = CounterResetHeader.CounterReset;
      return r;
    }
    if (stale) {
      r.ok = true;
      return r;
    }
    if (isStaleWords(this.sum.hi, this.sum.lo)) {
      r.hint = CounterResetHeader.Unknown;
      return r;
    }
    if (h.count < this.cnt) {
      r.hint = CounterResetHeader.CounterReset;
      return r;
    }
    if (h.schema !== this.schema || h.zeroThreshold !== this.zThreshold) {
      r.hint = CounterResetHeader.Unknown;
      return r;
    }
    if (h.schema === CUSTOM_BUCKETS_SCHEMA && !customBoundsMatch(h.customValues, this.customValues)) {
      r.hint = CounterResetHeader.CounterReset;
      return r;
    }
    if (h.zeroCount < this.zCnt) {
      r.hint = CounterResetHeader.CounterReset;
      return r;
    }
    const p = expandSpansAndBuckets(this.pSpans, h.positiveSpans, absoluteCounts(this.pBuckets), absoluteCounts(h.positiveBuckets));
    if (p === null) {
      r.hint = CounterResetHeader.CounterReset;
      return r;
    }
    const n = expandSpansAndBuckets(this.nSpans, h.negativeSpans, absoluteCounts(this.nBuckets), absoluteCounts(h.negativeBuckets));
    if (n === null) {
      r.hint = CounterResetHeader.CounterReset;
      return r;
    }
    r.pFwd = p.forward;
    r.pBwd = p.backward;
    r.nFwd = n.forward;
    r.nBwd = n.backward;
    r.ok = true;
    return r;
  }

  private add(prev: Appender | null, t: number, h: Histogram, stale: boolean, appendOnly: boolean, st: number): HistogramAppendResult {
    const num = this.numSamples();
    if (num === this.layout.maxSamples) throw new Error('chunk capacity exceeded');
    if (num === 0) {
      this.commit(this.write(0, t, h, stale, st));
      if (!stale && h.counterResetHint === CounterResetHint.Gauge) {
        this.setHeader(CounterResetHeader.Gauge);
      } else if (!stale && h.counterResetHint === CounterResetHint.CounterReset) {
        this.setHeader(CounterResetHeader.CounterReset);
      } else if (prev instanceof HistogramAppender) {
        // A new chunk continuing a previous one: compare with its last sample.
        this.setHeader(prev.appendable(h, stale).hint);
      }
      return { chunk: null, recoded: false, appender: this };
    }
    if (stale || h.counterResetHint !== CounterResetHint.Gauge) {
      const ap = this.appendable(h, stale);
      if (!ap.ok || ap.hint !== CounterResetHeader.NotCounterReset) {
        if (appendOnly) throw new Error(ap.hint === CounterResetHeader.CounterReset ? 'histogram counter reset' : 'histogram schema change');
        return this.cut(t, h, stale, ap.hint, st);
      }
      let hh = h;
      if (ap.pBwd.length > 0 || ap.nBwd.length > 0) {
        // The sample lacks empty buckets of the chunk: give it those buckets.
        const noFwd = ap.pFwd.length === 0 && ap.nFwd.length === 0;
        const ps = noFwd ? copySpans(this.pSpans) : adjustForInserts(h.positiveSpans, ap.pBwd);
        const ns = noFwd ? copySpans(this.nSpans) : adjustForInserts(h.negativeSpans, ap.nBwd);
        hh = withBuckets(h, ps, ns, ap.pBwd, ap.nBwd);
      }
      if (ap.pFwd.length > 0 || ap.nFwd.length > 0) {
        if (appendOnly) throw new Error(`histogram layout change with ${ap.pFwd.length} positive and ${ap.nFwd.length} negative forwards inserts`);
        return this.recodeAndAppend(ap.pFwd, ap.nFwd, t, hh, st);
      }
      this.commit(this.write(num, t, hh, stale, st));
      return { chunk: null, recoded: false, appender: this };
    }
    // A gauge histogram: buckets may come and go in both directions.
    const g = this.appendableGauge(h);
    if (g === null) {
      if (appendOnly) throw new Error('gauge histogram schema change');
      return this.cut(t, h, false, CounterResetHeader.Gauge, st);
    }
    let hh = h;
    if (g.backward.p.length + g.backward.n.length > 0) {
      if (appendOnly) throw new Error(`gauge histogram layout change with ${g.backward.p.length} positive and ${g.backward.n.length} negative backwards inserts`);
      hh = withBuckets(h, g.pMerged, g.nMerged, g.backward.p, g.backward.n);
    }
    if (g.forward.p.length > 0 || g.forward.n.length > 0) {
      if (appendOnly) throw new Error(`gauge histogram layout change with ${g.forward.p.length} positive and ${g.forward.n.length} negative forwards inserts`);
      return this.recodeAndAppend(g.forward.p, g.forward.n, t, hh, st);
    }
    this.commit(this.write(num, t, hh, false, st));
    return { chunk: null, recoded: false, appender: this };
  }

  /** Gauge histograms join unless the chunk is a counter chunk, the last sample was stale, or schema, threshold or bounds changed. */
  private appendableGauge(h: Histogram): { forward: { p: Insert[]; n: Insert[] }; backward: { p: Insert[]; n: Insert[] }; pMerged: BucketSpan[]; nMerged: BucketSpan[] } | null {
    if (this.numSamples() > 0 && this.counterResetHeader() !== CounterResetHeader.Gauge) return null;
    if (isStaleWords(this.sum.hi, this.sum.lo)) return null;
    if (h.schema !== this.schema || h.zeroThreshold !== this.zThreshold) return null;
    if (h.schema === CUSTOM_BUCKETS_SCHEMA && !customBoundsMatch(h.customValues, this.customValues)) return null;
    const p = expandSpansBothWays(this.pSpans, h.positiveSpans);
    const n = expandSpansBothWays(this.nSpans, h.negativeSpans);
    return { forward: { p: p.forward, n: n.forward }, backward: { p: p.backward, n: n.backward }, pMerged: p.merged, nMerged: n.merged };
  }

  private cut(t: number, h: Histogram, stale: boolean, header: CounterResetHeader, st: number): HistogramAppendResult {
    const c = HistogramChunk.empty(this.stEnc !== null);
    const a = c.appender();
    a.setHeader(header);
    a.commit(a.write(0, t, h, stale, st));
    return { chunk: c, recoded: false, appender: a };
  }

  /**
   * Re-encodes the chunk with buckets inserted, then appends the sample to the new chunk.
   * Start timestamps are carried over sample by sample.
   */
  private recodeAndAppend(pFwd: Insert[], nFwd: Insert[], t: number, h: Histogram, st: number): HistogramAppendResult {
    const old = this.w.bytes();
    const withST = this.stEnc !== null;
    const it = new HistogramIterator(old, withST);
    const c = HistogramChunk.empty(withST);
    const a = c.appender();
    const np = countSpans(h.positiveSpans);
    const nn = countSpans(h.negativeSpans);
    let num = 0;
    while (it.next() === ValueType.Histogram) {
      if (it.atStale()) {
        num = a.write(num, it.t, STALE, true, it.atST());
        continue;
      }
      // The raw state rather than atHistogram: no resolution change, exact sum bits.
      const moved: Histogram = {
        counterResetHint: CounterResetHint.Unknown,
        schema: it.schema,
        zeroThreshold: it.zThreshold,
        zeroCount: it.zCnt,
        count: it.cnt,
        sum: it.sum.value,
        positiveSpans: h.positiveSpans,
        negativeSpans: h.negativeSpans,
        positiveBuckets: pFwd.length > 0 ? applyInserts(it.pBuckets, np, pFwd, true) : it.pBuckets,
        negativeBuckets: nFwd.length > 0 ? applyInserts(it.nBuckets, nn, nFwd, true) : it.nBuckets,
        customValues: it.customValues,
      };
      num = a.writeST(num, it.t, moved, it.sum.hi, it.sum.lo, it.atST());
    }
    a.commit(num);
    a.setHeader(this.layout.counterResetHeader(old));
    a.commit(a.write(num, t, h, false, st));
    return { chunk: c, recoded: true, appender: a };
  }

  private write(num: number, t: number, h: Histogram, stale: boolean, st: number): number {
    if (stale) return this.writeST(num, t, STALE, STALE_HI, STALE_LO, st);
    floatWords(h.sum);
    return this.writeST(num, t, h, W.hi, W.lo, st);
  }

  /** writeBits, then in an encoding-5 chunk the sample's start timestamp. */
  private writeST(num: number, t: number, h: Histogram, sumHi: number, sumLo: number, st: number): number {
    const prevT = this.t;
    const n = this.writeBits(num, t, h, sumHi, sumLo);
    if (this.stEnc !== null) this.stEnc.encode(this.w, n, t, prevT, st);
    return n;
  }

  /**
   * Encodes one sample whose sum has the bits (sumHi, sumLo) after `num` others and returns
   * the new count (the caller stores it). A stale sum means h is the empty STALE stand-in.
   */
  private writeBits(num: number, t: number, h: Histogram, sumHi: number, sumLo: number): number {
    const w = this.w;
    const stale = isStaleWords(sumHi, sumLo);
    let tDelta = 0;
    let cntDelta = 0;
    let zCntDelta = 0;
    if (num === 0) {
      // The first sample sets the chunk's layout and writes everything raw.
      writeLayout(w, h.schema, h.zeroThreshold, h.positiveSpans, h.negativeSpans, h.customValues);
      this.schema = h.schema;
      this.zThreshold = h.zeroThreshold;
      this.pSpans = copySpans(h.positiveSpans);
      this.nSpans = copySpans(h.negativeSpans);
      this.customValues = h.customValues.slice();
      const np = countSpans(h.positiveSpans);
      const nn = countSpans(h.negativeSpans);
      this.pBuckets = new Array<number>(np).fill(0);
      this.pBucketsDelta = new Array<number>(np).fill(0);
      this.nBuckets = new Array<number>(nn).fill(0);
      this.nBucketsDelta = new Array<number>(nn).fill(0);
      putVarbitInt(w, t);
      putVarbitUint(w, h.count);
      putVarbitUint(w, h.zeroCount);
      w.writeBits(sumHi, 32);
      w.writeBits(sumLo, 32);
      this.sum.hi = sumHi;
      this.sum.lo = sumLo;
      for (const b of h.positiveBuckets) putVarbitInt(w, b);
      for (const b of h.negativeBuckets) putVarbitInt(w, b);
    } else {
      // The second sample's deltas come out right from the delta-of-delta code with zero deltas.
      tDelta = t - this.t;
      cntDelta = h.count - this.cnt;
      zCntDelta = h.zeroCount - this.zCnt;
      putVarbitInt(w, tDelta - this.tDelta);
      putVarbitInt(w, stale ? 0 : cntDelta - this.cntDelta);
      putVarbitInt(w, stale ? 0 : zCntDelta - this.zCntDelta);
      xorWrite(w, this.sum, sumHi, sumLo);
      const pb = h.positiveBuckets;
      for (let i = 0; i < pb.length; i++) {
        const delta = pb[i]! - this.pBuckets[i]!;
        putVarbitInt(w, delta - this.pBucketsDelta[i]!);
        this.pBucketsDelta[i] = delta;
      }
      const nb = h.negativeBuckets;
      for (let i = 0; i < nb.length; i++) {
        const delta = nb[i]! - this.nBuckets[i]!;
        putVarbitInt(w, delta - this.nBucketsDelta[i]!);
        this.nBucketsDelta[i] = delta;
      }
    }
    this.t = t;
    this.cnt = h.count;
    this.zCnt = h.zeroCount;
    this.tDelta = tDelta;
    this.cntDelta = cntDelta;
    this.zCntDelta = zCntDelta;
    for (let i = 0; i < h.positiveBuckets.length; i++) this.pBuckets[i] = h.positiveBuckets[i]!;
    for (let i = 0; i < h.negativeBuckets.length; i++) this.nBuckets[i] = h.negativeBuckets[i]!;
    return num + 1;
  }
}

/** A shallow copy of h with new spans and, where inserts are given, buckets widened to match. */
function withBuckets(h: Histogram, ps: BucketSpan[], ns: BucketSpan[], pIns: Insert[], nIns: Insert[]): Histogram {
  return {
    ...h,
    positiveSpans: ps,
    negativeSpans: ns,
    positiveBuckets: pIns.length > 0 ? applyInserts(h.positiveBuckets, countSpans(ps), pIns, true) : h.positiveBuckets,
    negativeBuckets: nIns.length > 0 ? applyInserts(h.negativeBuckets, countSpans(ns), nIns, true) : h.negativeBuckets,
  };
}
