/**
 * Reads integer histogram chunks (encoding 2). Per sample: the timestamp, count and zero
 * count as delta-of-deltas (raw for the first sample), the sum XOR-compressed, and every
 * bucket (itself a delta to the previous bucket) as a delta-of-delta.
 */
import { type BucketSpan, type FloatHistogram, type Histogram, type Millis } from '../../model/index.js';
import { ValueType } from '../../storage/interface.js';
import { BitReader } from './bstream.js';
import type { ChunkIterator } from './chunk.js';
import { countSpans, isKnownSchema, readLayout, unknownSchemaError } from './histogram-layout.js';
import {
  CounterResetHeader, HISTOGRAM_HEADER, PLAIN_LAYOUT, counterResetHint, emptyFloatHistogram, emptyHistogram,
} from './histogram-meta.js';
import { ST_LAYOUT, StDecoder } from './st-decoder.js';
import { reduceResolution } from './reduce-resolution.js';
import { readVarbitInt, readVarbitUint } from './varbit.js';
import { XorState, xorRead } from './xor-value.js';
import { isStaleWords, wordsFloat } from './words.js';

const MAX_SCHEMA = 8;

function resize(a: number[], n: number): void {
  a.length = n;
  a.fill(0);
}

export class HistogramIterator implements ChunkIterator {
  private readonly br: BitReader;
  private numTotal = 0;
  private numRead = 0;
  private header: CounterResetHeader = CounterResetHeader.Unknown;
  private error: Error | null = null;
  /** Reads the start timestamps of a chunk with them (encodings 5 and 6), else null. */
  private readonly stDec: StDecoder | null;
  private prevT = 0;

  // Layout, set by the first sample. @internal (read when resuming an appender)
  schema = 0;
  zThreshold = 0;
  pSpans: BucketSpan[] = [];
  nSpans: BucketSpan[] = [];
  customValues: number[] = [];

  // Running state. @internal
  t = 0;
  cnt = 0;
  zCnt = 0;
  tDelta = 0;
  cntDelta = 0;
  zCntDelta = 0;
  /** Bucket values as stored: each a delta to the previous bucket. */
  pBuckets: number[] = [];
  nBuckets: number[] = [];
  pBucketsDelta: number[] = [];
  nBucketsDelta: number[] = [];
  readonly sum = new XorState();

  // Reused outputs.
  private readonly h: Histogram = emptyHistogram();
  private readonly fh: FloatHistogram = emptyFloatHistogram();
  private readonly staleH: Histogram = emptyHistogram();
  private readonly staleFH: FloatHistogram = emptyFloatHistogram();

  /** `withST`: `b` is a chunk with start timestamps (encoding 5 or 6; see st-decoder.ts). */
  constructor(b: Uint8Array, withST = false) {
    this.stDec = withST ? new StDecoder() : null;
    this.br = new BitReader(b, HISTOGRAM_HEADER);
    this.staleH.sum = NaN;
    this.staleFH.sum = NaN;
    this.reset(b);
  }

  reset(b: Uint8Array): void {
    this.br.reset(b, HISTOGRAM_HEADER);
    if (b.length < HISTOGRAM_HEADER) {
      this.numTotal = 0;
      this.error = new Error('chunk too short');
      return;
    }
    const st = this.stDec;
    const layout = st === null ? PLAIN_LAYOUT : ST_LAYOUT;
    this.numTotal = layout.numSamples(b);
    this.header = layout.counterResetHeader(b);
    st?.reset(b);
    this.numRead = 0;
    this.error = null;
    this.t = 0;
    this.cnt = 0;
    this.zCnt = 0;
    this.tDelta = 0;
    this.cntDelta = 0;
    this.zCntDelta = 0;
    this.sum.reset(0);
  }

  bitPosition(): number {
    return this.br.bitPosition();
  }

  next(): ValueType {
    if (this.error !== null || this.numRead === this.numTotal) return ValueType.None;
    this.prevT = this.t;
    const br = this.br;
    if (this.numRead === 0) {
      const l = readLayout(br);
      if (br.eof) return this.fail(new Error('EOF'));
      if (!isKnownSchema(l.schema)) return this.fail(unknownSchemaError(l.schema));
      this.schema = l.schema;
      this.zThreshold = l.zeroThreshold;
      this.pSpans = l.positiveSpans;
      this.nSpans = l.negativeSpans;
      this.customValues = l.customValues;
      const np = countSpans(l.positiveSpans);
      const nn = countSpans(l.negativeSpans);
      resize(this.pBuckets, np);
      resize(this.pBucketsDelta, np);
      resize(this.nBuckets, nn);
      resize(this.nBucketsDelta, nn);
      this.t = readVarbitInt(br);
      this.cnt = readVarbitUint(br);
      this.zCnt = readVarbitUint(br);
      const sum = this.sum;
      sum.hi = br.readBits(32) | 0;
      sum.lo = br.readBits(32) | 0;
      sum.value = wordsFloat(sum.hi, sum.lo);
      for (let i = 0; i < np; i++) this.pBuckets[i] = readVarbitInt(br);
      for (let i = 0; i < nn; i++) this.nBuckets[i] = readVarbitInt(br);
      return this.done();
    }
    this.tDelta += readVarbitInt(br);
    this.t += this.tDelta;
    this.cntDelta += readVarbitInt(br);
    this.cnt += this.cntDelta;
    this.zCntDelta += readVarbitInt(br);
    this.zCnt += this.zCntDelta;
    if (xorRead(br, this.sum) < 0) return this.fail(new Error('invalid xor window'));
    if (isStaleWords(this.sum.hi, this.sum.lo)) return this.done();
    const pb = this.pBuckets;
    const pd = this.pBucketsDelta;
    for (let i = 0; i < pb.length; i++) {
      pd[i]! += readVarbitInt(br);
      pb[i]! += pd[i]!;
    }
    const nb = this.nBuckets;
    const nd = this.nBucketsDelta;
    for (let i = 0; i < nb.length; i++) {
      nd[i]! += readVarbitInt(br);
      nb[i]! += nd[i]!;
    }
    return this.done();
  }

  private done(): ValueType {
    if (this.br.eof) return this.fail(new Error('EOF'));
    this.numRead++;
    if (this.stDec !== null) {
      if (!this.stDec.decode(this.br, this.numRead, this.t, this.prevT)) return this.fail(new Error('varint overflows a 64-bit integer'));
      if (this.br.eof) return this.fail(new Error('EOF'));
    }
    return ValueType.Histogram;
  }

  /** Whether this iterator reads chunks with start timestamps (encodings 5 and 6). */
  get readsStartTimestamps(): boolean {
    return this.stDec !== null;
  }

  /** The start timestamp decoder's state, for an appender that continues the chunk. @internal */
  get stDecoder(): StDecoder | null {
    return this.stDec;
  }

  /** The current sample's start timestamp in ms (0 when the chunk carries none). */
  atST(): number {
    return this.stDec?.st ?? 0;
  }

  private fail(e: Error): ValueType {
    this.error = e;
    return ValueType.None;
  }

  seek(t: Millis): ValueType {
    if (this.error !== null) return ValueType.None;
    while (t > this.t || this.numRead === 0) {
      if (this.next() === ValueType.None) return ValueType.None;
    }
    return ValueType.Histogram;
  }

  atT(): Millis {
    return this.t as Millis;
  }

  atF(): number {
    throw new Error('cannot call HistogramIterator.atF');
  }

  atStale(): boolean {
    return isStaleWords(this.sum.hi, this.sum.lo);
  }

  /**
   * The current histogram. The object and its arrays belong to the iterator: valid until the
   * next move, not to be modified; copy to keep.
   */
  atHistogram(): Histogram {
    if (this.atStale()) return this.staleH;
    const h = this.h;
    h.counterResetHint = counterResetHint(this.header, this.numRead);
    h.schema = this.schema;
    h.zeroThreshold = this.zThreshold;
    h.zeroCount = this.zCnt;
    h.count = this.cnt;
    h.sum = this.sum.value;
    h.positiveSpans = this.pSpans;
    h.negativeSpans = this.nSpans;
    h.positiveBuckets = this.pBuckets;
    h.negativeBuckets = this.nBuckets;
    h.customValues = this.customValues;
    if (h.schema > MAX_SCHEMA) {
      const p = reduceResolution(this.pSpans, this.pBuckets, h.schema, MAX_SCHEMA, true);
      const n = reduceResolution(this.nSpans, this.nBuckets, h.schema, MAX_SCHEMA, true);
      h.positiveSpans = p.spans;
      h.positiveBuckets = p.buckets;
      h.negativeSpans = n.spans;
      h.negativeBuckets = n.buckets;
      h.schema = MAX_SCHEMA;
    }
    return h;
  }

  /** The current histogram with float counts (absolute bucket counts); same ownership as atHistogram. */
  atFloatHistogram(): FloatHistogram {
    if (this.atStale()) return this.staleFH;
    const fh = this.fh;
    fh.counterResetHint = counterResetHint(this.header, this.numRead);
    fh.schema = this.schema;
    fh.zeroThreshold = this.zThreshold;
    fh.zeroCount = this.zCnt;
    fh.count = this.cnt;
    fh.sum = this.sum.value;
    fh.positiveSpans = this.pSpans;
    fh.negativeSpans = this.nSpans;
    fh.customValues = this.customValues;
    fillAbsolute(fh.positiveBuckets, this.pBuckets);
    fillAbsolute(fh.negativeBuckets, this.nBuckets);
    if (fh.schema > MAX_SCHEMA) {
      const p = reduceResolution(this.pSpans, fh.positiveBuckets, fh.schema, MAX_SCHEMA, false);
      const n = reduceResolution(this.nSpans, fh.negativeBuckets, fh.schema, MAX_SCHEMA, false);
      fh.positiveSpans = p.spans;
      fh.positiveBuckets = p.buckets;
      fh.negativeSpans = n.spans;
      fh.negativeBuckets = n.buckets;
      fh.schema = MAX_SCHEMA;
    }
    return fh;
  }

  err(): Error | null {
    return this.error;
  }
}

function fillAbsolute(out: number[], deltas: readonly number[]): void {
  out.length = deltas.length;
  let acc = 0;
  for (let i = 0; i < deltas.length; i++) {
    acc += deltas[i]!;
    out[i] = acc;
  }
}
