/**
 * Float histogram chunks (encoding 3) and their appender. The cutting rules mirror the integer
 * histogram's; the header of a chunk cut for a non-reset reason stays Unknown, as Prometheus's
 * float appender only ever reports "counter reset" or not. The same classes write the variant
 * with start timestamps (encoding 6, `withST`; see st-decoder.ts for its layout).
 */
import { CUSTOM_BUCKETS_SCHEMA, CounterResetHint, type BucketSpan, type FloatHistogram, type Millis } from '../../model/index.js';
import { ValueType, type SampleIterator } from '../../storage/interface.js';
import { BitWriter } from './bstream.js';
import { Encoding, wrongSampleType, type Appender, type Chunk, type ChunkIterator, type HistogramAppendResult } from './chunk.js';
import { adjustForInserts, applyInserts, expandSpansAndBuckets, expandSpansBothWays, type Insert } from './bucket-inserts.js';
import { FloatHistogramIterator, resetStates } from './float-histogram-iterator.js';
import { copySpans, countSpans, customBoundsMatch, writeLayout } from './histogram-layout.js';
import {
  CounterResetHeader, HISTOGRAM_HEADER, PLAIN_LAYOUT, checkBucketCounts, type HistogramHeaderLayout,
} from './histogram-meta.js';
import { ST_LAYOUT, StEncoder } from './st-decoder.js';
import { putVarbitInt } from './varbit.js';
import { NO_WINDOW, XorState, xorWrite } from './xor-value.js';
import { STALE_HI, STALE_LO, W, floatWords, isStaleWords } from './words.js';

export class FloatHistogramChunk implements Chunk {
  readonly encoding: typeof Encoding.FloatHistogram | typeof Encoding.FloatHistogramST;
  /** Encoding 6: start timestamps after each sample, a 14-bit count and the reset header in byte 0. */
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
    this.encoding = withST ? Encoding.FloatHistogramST : Encoding.FloatHistogram;
  }

  /** An empty chunk: encoding 3, or 6 (with start timestamps) with `withST`. */
  static empty(withST = false): FloatHistogramChunk {
    return new FloatHistogramChunk(null, BitWriter.withHeader(HISTOGRAM_HEADER), withST);
  }

  /** A chunk over encoded bytes, read in place. The caller must not modify them afterwards. */
  static fromBytes(b: Uint8Array, withST = false): FloatHistogramChunk {
    return new FloatHistogramChunk(b, null, withST);
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

  appender(): FloatHistogramAppender {
    if (this.numSamples() === 0) {
      if (this.w === null) {
        this.w = BitWriter.withHeader(HISTOGRAM_HEADER);
        this.w.buf[0] = this.ro![0] ?? 0;
        this.w.buf[1] = this.ro![1] ?? 0;
        this.w.buf[2] = this.ro![2] ?? 0;
        this.ro = null;
      }
      return new FloatHistogramAppender(this.w, this.withST);
    }
    const it = new FloatHistogramIterator(this.bytes(), this.withST);
    while (it.next() !== ValueType.None) { /* to the end */ }
    const err = it.err();
    if (err !== null) throw new Error('reading chunk for appending', { cause: err });
    if (this.w === null) {
      const b = this.ro!;
      this.w = BitWriter.copyOf(b, b.length * 8 - it.bitPosition());
      this.ro = null;
    }
    const a = new FloatHistogramAppender(this.w, this.withST);
    a.resume(it);
    return a;
  }

  iterator(reuse: SampleIterator | null): ChunkIterator {
    if (reuse instanceof FloatHistogramIterator && reuse.readsStartTimestamps === this.withST) {
      reuse.reset(this.bytes());
      return reuse;
    }
    return new FloatHistogramIterator(this.bytes(), this.withST);
  }
}

const NO_INSERTS: Insert[] = [];

interface Appendability {
  ok: boolean;
  counterReset: boolean;
  pFwd: Insert[];
  nFwd: Insert[];
  pBwd: Insert[];
  nBwd: Insert[];
}

const STALE: FloatHistogram = {
  counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0, zeroCount: 0, count: 0, sum: 0,
  positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: [],
};

function copyStates(src: readonly XorState[]): XorState[] {
  return src.map((s) => {
    const c = new XorState();
    c.copyFrom(s);
    return c;
  });
}

function values(states: readonly XorState[]): number[] {
  const out = new Array<number>(states.length);
  for (let i = 0; i < states.length; i++) out[i] = states[i]!.value;
  return out;
}

export class FloatHistogramAppender implements Appender {
  private readonly w: BitWriter;
  private schema = 0;
  private zThreshold = 0;
  private pSpans: BucketSpan[] = [];
  private nSpans: BucketSpan[] = [];
  private customValues: number[] = [];
  private t = 0;
  private tDelta = 0;
  private readonly cnt = new XorState();
  private readonly zCnt = new XorState();
  private readonly sum = new XorState();
  private pStates: XorState[] = [];
  private nStates: XorState[] = [];
  /** Writes the start timestamps of an encoding-6 chunk, else null. */
  private readonly stEnc: StEncoder | null;
  private readonly layout: HistogramHeaderLayout;

  constructor(w: BitWriter, withST = false) {
    this.w = w;
    this.cnt.reset(NO_WINDOW);
    this.zCnt.reset(NO_WINDOW);
    this.sum.reset(NO_WINDOW);
    this.stEnc = withST ? new StEncoder() : null;
    this.layout = withST ? ST_LAYOUT : PLAIN_LAYOUT;
  }

  /** Takes over the state of an iterator that read the whole chunk. */
  resume(it: FloatHistogramIterator): void {
    this.schema = it.schema;
    this.zThreshold = it.zThreshold;
    this.pSpans = copySpans(it.pSpans);
    this.nSpans = copySpans(it.nSpans);
    this.customValues = it.customValues.slice();
    this.t = it.t;
    this.tDelta = it.tDelta;
    this.cnt.copyFrom(it.cnt);
    this.zCnt.copyFrom(it.zCnt);
    this.sum.copyFrom(it.sum);
    this.pStates = copyStates(it.pStates);
    this.nStates = copyStates(it.nStates);
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
    throw wrongSampleType('float', 'float histogram');
  }

  appendStale(): void {
    throw wrongSampleType('float', 'float histogram');
  }

  appendHistogram(): HistogramAppendResult {
    throw wrongSampleType('histogram', 'float histogram');
  }

  appendFloatHistogram(prev: Appender | null, t: Millis, h: FloatHistogram, appendOnly: boolean, st = 0): HistogramAppendResult {
    checkBucketCounts(h.positiveSpans, h.positiveBuckets, 'positive');
    checkBucketCounts(h.negativeSpans, h.negativeBuckets, 'negative');
    return this.add(prev, t, h, false, appendOnly, st);
  }

  appendStaleHistogram(prev: Appender | null, t: Millis, appendOnly: boolean, st = 0): HistogramAppendResult {
    return this.add(prev, t, STALE, true, appendOnly, st);
  }

  /** As the integer appender's, but reporting only whether the obstacle is a counter reset. */
  appendable(h: FloatHistogram, stale: boolean): Appendability {
    const r: Appendability = { ok: false, counterReset: false, pFwd: NO_INSERTS, nFwd: NO_INSERTS, pBwd: NO_INSERTS, nBwd: NO_INSERTS };
    if (this.numSamples() > 0 && this.counterResetHeader() === CounterResetHeader.Gauge) return r;
    if (!stale && h.counterResetHint === CounterResetHint.CounterReset) {
      r.counterReset = true;
      return r;
    }
    if (stale) {
      r.ok = true;
      return r;
    }
    if (isStaleWords(this.sum.hi, this.sum.lo)) return r;
    if (h.count < this.cnt.value) {
      r.counterReset = true;
      return r;
    }
    if (h.schema !== this.schema || h.zeroThreshold !== this.zThreshold) return r;
    if ((h.schema === CUSTOM_BUCKETS_SCHEMA && !customBoundsMatch(h.customValues, this.customValues)) || h.zeroCount < this.zCnt.value) {
      r.counterReset = true;
      return r;
    }
    const p = expandSpansAndBuckets(this.pSpans, h.positiveSpans, values(this.pStates), h.positiveBuckets);
    const n = p === null ? null : expandSpansAndBuckets(this.nSpans, h.negativeSpans, values(this.nStates), h.negativeBuckets);
    if (p === null || n === null) {
      r.counterReset = true;
      return r;
    }
    r.pFwd = p.forward;
    r.pBwd = p.backward;
    r.nFwd = n.forward;
    r.nBwd = n.backward;
    r.ok = true;
    return r;
  }

  private add(prev: Appender | null, t: number, h: FloatHistogram, stale: boolean, appendOnly: boolean, st: number): HistogramAppendResult {
    const num = this.numSamples();
    if (num === this.layout.maxSamples) throw new Error('chunk capacity exceeded');
    if (num === 0) {
      this.commit(this.write(0, t, h, stale, st));
      if (!stale && h.counterResetHint === CounterResetHint.Gauge) {
        this.setHeader(CounterResetHeader.Gauge);
      } else if (!stale && h.counterResetHint === CounterResetHint.CounterReset) {
        this.setHeader(CounterResetHeader.CounterReset);
      } else if (prev instanceof FloatHistogramAppender) {
        const reset = prev.appendable(h, stale).counterReset;
        this.setHeader(reset ? CounterResetHeader.CounterReset : CounterResetHeader.NotCounterReset);
      }
      return { chunk: null, recoded: false, appender: this };
    }
    if (stale || h.counterResetHint !== CounterResetHint.Gauge) {
      const ap = this.appendable(h, stale);
      if (!ap.ok || ap.counterReset) {
        if (appendOnly) throw new Error(ap.counterReset ? 'float histogram counter reset' : 'float histogram schema change');
        return this.cut(t, h, stale, ap.counterReset ? CounterResetHeader.CounterReset : CounterResetHeader.Unknown, st);
      }
      let hh = h;
      if (ap.pBwd.length > 0 || ap.nBwd.length > 0) {
        const noFwd = ap.pFwd.length === 0 && ap.nFwd.length === 0;
        const ps = noFwd ? copySpans(this.pSpans) : adjustForInserts(h.positiveSpans, ap.pBwd);
        const ns = noFwd ? copySpans(this.nSpans) : adjustForInserts(h.negativeSpans, ap.nBwd);
        hh = withBuckets(h, ps, ns, ap.pBwd, ap.nBwd);
      }
      if (ap.pFwd.length > 0 || ap.nFwd.length > 0) {
        if (appendOnly) throw new Error(`float histogram layout change with ${ap.pFwd.length} positive and ${ap.nFwd.length} negative forwards inserts`);
        return this.recodeAndAppend(ap.pFwd, ap.nFwd, t, hh, st);
      }
      this.commit(this.write(num, t, hh, stale, st));
      return { chunk: null, recoded: false, appender: this };
    }
    const gaugeOK = !(this.numSamples() > 0 && this.counterResetHeader() !== CounterResetHeader.Gauge)
      && !isStaleWords(this.sum.hi, this.sum.lo)
      && h.schema === this.schema && h.zeroThreshold === this.zThreshold
      && !(h.schema === CUSTOM_BUCKETS_SCHEMA && !customBoundsMatch(h.customValues, this.customValues));
    if (!gaugeOK) {
      if (appendOnly) throw new Error('float gauge histogram schema change');
      return this.cut(t, h, false, CounterResetHeader.Gauge, st);
    }
    const p = expandSpansBothWays(this.pSpans, h.positiveSpans);
    const n = expandSpansBothWays(this.nSpans, h.negativeSpans);
    let hh = h;
    if (p.backward.length + n.backward.length > 0) {
      if (appendOnly) throw new Error(`float gauge histogram layout change with ${p.backward.length} positive and ${n.backward.length} negative backwards inserts`);
      hh = withBuckets(h, p.merged, n.merged, p.backward, n.backward);
    }
    if (p.forward.length > 0 || n.forward.length > 0) {
      if (appendOnly) throw new Error(`float gauge histogram layout change with ${p.forward.length} positive and ${n.forward.length} negative forwards inserts`);
      return this.recodeAndAppend(p.forward, n.forward, t, hh, st);
    }
    this.commit(this.write(num, t, hh, false, st));
    return { chunk: null, recoded: false, appender: this };
  }

  private cut(t: number, h: FloatHistogram, stale: boolean, header: CounterResetHeader, st: number): HistogramAppendResult {
    const c = FloatHistogramChunk.empty(this.stEnc !== null);
    const a = c.appender();
    a.setHeader(header);
    a.commit(a.write(0, t, h, stale, st));
    return { chunk: c, recoded: false, appender: a };
  }

  /** Re-encodes the chunk with buckets inserted (start timestamps carried over), then appends the sample. */
  private recodeAndAppend(pFwd: Insert[], nFwd: Insert[], t: number, h: FloatHistogram, st: number): HistogramAppendResult {
    const old = this.w.bytes();
    const withST = this.stEnc !== null;
    const it = new FloatHistogramIterator(old, withST);
    const c = FloatHistogramChunk.empty(withST);
    const a = c.appender();
    const np = countSpans(h.positiveSpans);
    const nn = countSpans(h.negativeSpans);
    let num = 0;
    while (it.next() === ValueType.FloatHistogram) {
      if (it.atStale()) {
        num = a.write(num, it.t, STALE, true, it.atST());
        continue;
      }
      const moved: FloatHistogram = {
        counterResetHint: CounterResetHint.Unknown,
        schema: it.schema,
        zeroThreshold: it.zThreshold,
        zeroCount: it.zCnt.value,
        count: it.cnt.value,
        sum: it.sum.value,
        positiveSpans: h.positiveSpans,
        negativeSpans: h.negativeSpans,
        positiveBuckets: pFwd.length > 0 ? applyInserts(it.pValues, np, pFwd, false) : it.pValues,
        negativeBuckets: nFwd.length > 0 ? applyInserts(it.nValues, nn, nFwd, false) : it.nValues,
        customValues: it.customValues,
      };
      num = a.writeST(num, it.t, moved, it.sum.hi, it.sum.lo, it.atST());
    }
    a.commit(num);
    a.setHeader(this.layout.counterResetHeader(old));
    a.commit(a.write(num, t, h, false, st));
    return { chunk: c, recoded: true, appender: a };
  }

  private write(num: number, t: number, h: FloatHistogram, stale: boolean, st: number): number {
    if (stale) return this.writeST(num, t, STALE, STALE_HI, STALE_LO, st);
    floatWords(h.sum);
    return this.writeST(num, t, h, W.hi, W.lo, st);
  }

  /** writeWithSum, then in an encoding-6 chunk the sample's start timestamp. */
  private writeST(num: number, t: number, h: FloatHistogram, sumHi: number, sumLo: number, st: number): number {
    const prevT = this.t;
    const n = this.writeWithSum(num, t, h, sumHi, sumLo);
    if (this.stEnc !== null) this.stEnc.encode(this.w, n, t, prevT, st);
    return n;
  }

  /** Encodes one sample whose sum has the given bits after `num` others; returns the new count. */
  private writeWithSum(num: number, t: number, h: FloatHistogram, sumHi: number, sumLo: number): number {
    const w = this.w;
    let tDelta = 0;
    if (num === 0) {
      writeLayout(w, h.schema, h.zeroThreshold, h.positiveSpans, h.negativeSpans, h.customValues);
      this.schema = h.schema;
      this.zThreshold = h.zeroThreshold;
      this.pSpans = copySpans(h.positiveSpans);
      this.nSpans = copySpans(h.negativeSpans);
      this.customValues = h.customValues.slice();
      resetStates(this.pStates, h.positiveBuckets.length, NO_WINDOW);
      resetStates(this.nStates, h.negativeBuckets.length, NO_WINDOW);
      putVarbitInt(w, t);
      writeRaw(w, this.cnt, h.count);
      writeRaw(w, this.zCnt, h.zeroCount);
      w.writeBits(sumHi, 32);
      w.writeBits(sumLo, 32);
      this.sum.hi = sumHi;
      this.sum.lo = sumLo;
      for (let i = 0; i < h.positiveBuckets.length; i++) writeRaw(w, this.pStates[i]!, h.positiveBuckets[i]!);
      for (let i = 0; i < h.negativeBuckets.length; i++) writeRaw(w, this.nStates[i]!, h.negativeBuckets[i]!);
    } else {
      tDelta = t - this.t;
      putVarbitInt(w, tDelta - this.tDelta);
      writeXor(w, this.cnt, h.count);
      writeXor(w, this.zCnt, h.zeroCount);
      xorWrite(w, this.sum, sumHi, sumLo);
      for (let i = 0; i < h.positiveBuckets.length; i++) writeXor(w, this.pStates[i]!, h.positiveBuckets[i]!);
      for (let i = 0; i < h.negativeBuckets.length; i++) writeXor(w, this.nStates[i]!, h.negativeBuckets[i]!);
    }
    this.t = t;
    this.tDelta = tDelta;
    return num + 1;
  }
}

function writeRaw(w: BitWriter, st: XorState, v: number): void {
  floatWords(v);
  w.writeBits(W.hi, 32);
  w.writeBits(W.lo, 32);
  st.hi = W.hi;
  st.lo = W.lo;
  st.value = v;
}

function writeXor(w: BitWriter, st: XorState, v: number): void {
  floatWords(v);
  xorWrite(w, st, W.hi, W.lo);
  st.value = v;
}

function withBuckets(h: FloatHistogram, ps: BucketSpan[], ns: BucketSpan[], pIns: Insert[], nIns: Insert[]): FloatHistogram {
  return {
    ...h,
    positiveSpans: ps,
    negativeSpans: ns,
    positiveBuckets: pIns.length > 0 ? applyInserts(h.positiveBuckets, countSpans(ps), pIns, false) : h.positiveBuckets,
    negativeBuckets: nIns.length > 0 ? applyInserts(h.negativeBuckets, countSpans(ns), nIns, false) : h.negativeBuckets,
  };
}
