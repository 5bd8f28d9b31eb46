/**
 * Reads float histogram chunks (encoding 3). Per sample: the timestamp as a delta-of-delta
 * (raw for the first sample), then count, zero count, sum and every bucket as XOR-compressed
 * floats, each field with its own XOR window (raw 64 bits for the first sample).
 */
import type { BucketSpan, FloatHistogram, Histogram, Millis } from '../../model/index.js';
import { ValueType } from '../../storage/interface.js';
import { BitReader } from './bstream.js';
import type { ChunkIterator } from './chunk.js';
import { countSpans, isKnownSchema, readLayout, unknownSchemaError } from './histogram-layout.js';
import {
  CounterResetHeader, HISTOGRAM_HEADER, PLAIN_LAYOUT, counterResetHint, emptyFloatHistogram,
} from './histogram-meta.js';
import { ST_LAYOUT, StDecoder } from './st-decoder.js';
import { reduceResolution } from './reduce-resolution.js';
import { readVarbitInt } from './varbit.js';
import { XorState, xorRead } from './xor-value.js';
import { isStaleWords, wordsFloat } from './words.js';

const MAX_SCHEMA = 8;

/** Grows or shrinks a list of XOR states to n fresh states. */
export function resetStates(a: XorState[], n: number, leading: number): void {
  while (a.length < n) a.push(new XorState());
  a.length = n;
  for (const s of a) s.reset(leading);
}

function readRaw(br: BitReader, st: XorState): void {
  st.hi = br.readBits(32) | 0;
  st.lo = br.readBits(32) | 0;
  st.value = wordsFloat(st.hi, st.lo);
}

export class FloatHistogramIterator implements ChunkIterator {
  private readonly br: BitReader;
  private numTotal = 0;
  private numRead = 0;
  private header: CounterResetHeader = CounterResetHeader.Unknown;
  private error: Error | null = null;
  /** Reads the start timestamps of a chunk with them (encodings 5 and 6), else null. */
  private readonly stDec: StDecoder | null;
  private prevT = 0;

  // Layout and running state. @internal (read when resuming an appender or recoding)
  schema = 0;
  zThreshold = 0;
  pSpans: BucketSpan[] = [];
  nSpans: BucketSpan[] = [];
  customValues: number[] = [];
  t = 0;
  tDelta = 0;
  readonly cnt = new XorState();
  readonly zCnt = new XorState();
  readonly sum = new XorState();
  readonly pStates: XorState[] = [];
  readonly nStates: XorState[] = [];
  /** Bucket values mirrored from the states, handed out in atFloatHistogram. */
  pValues: number[] = [];
  nValues: number[] = [];

  private readonly fh: FloatHistogram = emptyFloatHistogram();
  private readonly staleFH: FloatHistogram = emptyFloatHistogram();

  /** `withST`: `b` is a chunk with start timestamps (encoding 5 or 6; see st-decoder.ts). */
  constructor(b: Uint8Array, withST = false) {
    this.stDec = withST ? new StDecoder() : null;
    this.br = new BitReader(b, HISTOGRAM_HEADER);
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
    this.tDelta = 0;
    this.cnt.reset(0);
    this.zCnt.reset(0);
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
      resetStates(this.pStates, np, 0);
      resetStates(this.nStates, nn, 0);
      this.pValues.length = np;
      this.nValues.length = nn;
      this.t = readVarbitInt(br);
      readRaw(br, this.cnt);
      readRaw(br, this.zCnt);
      readRaw(br, this.sum);
      for (let i = 0; i < np; i++) {
        readRaw(br, this.pStates[i]!);
        this.pValues[i] = this.pStates[i]!.value;
      }
      for (let i = 0; i < nn; i++) {
        readRaw(br, this.nStates[i]!);
        this.nValues[i] = this.nStates[i]!.value;
      }
      return this.done();
    }
    this.tDelta += readVarbitInt(br);
    this.t += this.tDelta;
    if (xorRead(br, this.cnt) < 0 || xorRead(br, this.zCnt) < 0 || xorRead(br, this.sum) < 0) {
      return this.fail(new Error('invalid xor window'));
    }
    if (isStaleWords(this.sum.hi, this.sum.lo)) return this.done();
    if (!readStates(br, this.pStates, this.pValues) || !readStates(br, this.nStates, this.nValues)) {
      return this.fail(new Error('invalid xor window'));
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
    return ValueType.FloatHistogram;
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
    return ValueType.FloatHistogram;
  }

  atT(): Millis {
    return this.t as Millis;
  }

  atF(): number {
    throw new Error('cannot call FloatHistogramIterator.atF');
  }

  atStale(): boolean {
    return isStaleWords(this.sum.hi, this.sum.lo);
  }

  atHistogram(): Histogram {
    throw new Error('cannot call FloatHistogramIterator.atHistogram');
  }

  /**
   * The current histogram. The object and its arrays belong to the iterator: valid until the
   * next move, not to be modified; copy to keep.
   */
  atFloatHistogram(): FloatHistogram {
    if (this.atStale()) return this.staleFH;
    const fh = this.fh;
    fh.counterResetHint = counterResetHint(this.header, this.numRead);
    fh.schema = this.schema;
    fh.zeroThreshold = this.zThreshold;
    fh.zeroCount = this.zCnt.value;
    fh.count = this.cnt.value;
    fh.sum = this.sum.value;
    fh.positiveSpans = this.pSpans;
    fh.negativeSpans = this.nSpans;
    fh.positiveBuckets = this.pValues;
    fh.negativeBuckets = this.nValues;
    fh.customValues = this.customValues;
    if (fh.schema > MAX_SCHEMA) {
      const p = reduceResolution(this.pSpans, this.pValues, fh.schema, MAX_SCHEMA, false);
      const n = reduceResolution(this.nSpans, this.nValues, fh.schema, MAX_SCHEMA, false);
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

function readStates(br: BitReader, states: XorState[], values: number[]): boolean {
  for (let i = 0; i < states.length; i++) {
    const r = xorRead(br, states[i]!);
    if (r < 0) return false;
    if (r > 0) values[i] = states[i]!.value;
  }
  return true;
}
