/**
 * Decodes records as Prometheus's `record.Decoder` does. Every method APPENDS what it
 * decodes to the `out` the caller passes (clear it first to reuse it) and throws a
 * `RecordDecodeError` for a record it cannot read (one throw per bad record, never per
 * sample). A record holding an int64 beyond the safe-integer range is an error, not a
 * rounded value.
 *
 * Float samples go into a columnar `SampleBatch` without per-sample allocation; series,
 * exemplars and histograms are objects (one per entry). Strings are copied out of `rec`;
 * nothing decoded aliases the record bytes, so `rec` may be reused right after.
 *
 * Not safe for concurrent use (one scratch reader); make one decoder per consumer.
 */
import { Labels, type Histogram } from '../../model/index.js';
import { Decbuf, StringTable } from './decbuf.js';
import { decodeFloatHistogram, decodeHistogram, EXPONENTIAL_SCHEMA_MAX, isKnownSchema, reduceResolution } from './histogram-codec.js';
import type { SampleBatch } from './sample-batch.js';
import {
  RecordType, metricTypeFromByte, recordType,
  type RefExemplar, type RefFloatHistogramSample, type RefHistogramSample, type RefMetadata, type RefMmapMarker, type RefSeries, type Tombstone,
} from './types.js';

export class RecordDecodeError extends Error {
  override readonly name = 'RecordDecodeError';
}

export class RecordDecoder {
  readonly #d = new Decbuf();
  /** Label names and values decoded recently (series records repeat them). */
  readonly #strings = new StringTable();
  /** Histograms skipped because their schema is unknown (as Prometheus skips them, with a warning). */
  skippedHistograms = 0;

  type(rec: Uint8Array): RecordType {
    return recordType(rec);
  }

  #open(rec: Uint8Array, ...want: number[]): number {
    const d = this.#d;
    d.reset(rec);
    const t = d.byte();
    if (!want.includes(t)) throw new RecordDecodeError(want.length === 1 ? 'invalid record type' : `invalid record type ${t}`);
    return t;
  }

  #finish(what: string, n: number): void {
    const d = this.#d;
    if (d.err !== null) throw new RecordDecodeError(what === '' ? d.err : `decode error after ${n} ${what}: ${d.err}`);
    if (d.len() > 0) throw new RecordDecodeError(`unexpected ${d.len()} bytes left in entry`);
  }

  series(rec: Uint8Array, out: RefSeries[]): void {
    this.#open(rec, RecordType.Series);
    const d = this.#d;
    while (d.len() > 0 && d.err === null) {
      const ref = d.be64Uint();
      const labels = this.#labels(true);
      if (d.err === null) out.push({ ref, labels });
    }
    this.#finish('', 0);
  }

  /** `shared`: label sets that repeat names and values (series), decoded through the string table. */
  #labels(shared = false): Labels {
    const d = this.#d;
    const n = d.uvarint();
    if (n * 2 > d.len()) {
      if (d.err === null) d.err = 'invalid size';
      return Labels.EMPTY;
    }
    const a = new Array<string>(2 * n);
    if (shared) for (let i = 0; i < 2 * n; i++) a[i] = d.uvarintStrIn(this.#strings);
    else for (let i = 0; i < 2 * n; i++) a[i] = d.uvarintStr();
    return Labels.fromUnsortedArray(a);
  }

  metadata(rec: Uint8Array, out: RefMetadata[]): void {
    this.#open(rec, RecordType.Metadata);
    const d = this.#d;
    while (d.len() > 0 && d.err === null) {
      const ref = d.uvarint();
      const type = metricTypeFromByte(d.byte());
      const fields = d.uvarint();
      let unit = '', help = '';
      // Unknown fields are read and dropped, to stay aligned with the next entry.
      for (let i = 0; i < fields && d.err === null; i++) {
        const name = d.uvarintStr();
        const value = d.uvarintStr();
        if (name === 'UNIT') unit = value;
        else if (name === 'HELP') help = value;
      }
      if (d.err === null) out.push({ ref, type, unit, help });
    }
    this.#finish('', 0);
  }

  /** Samples (V1) and SamplesV2 records. V1 samples get `st` 0. */
  samples(rec: Uint8Array, out: SampleBatch): void {
    const d = this.#d;
    d.reset(rec);
    const typ = d.byte();
    if (typ !== RecordType.Samples && typ !== RecordType.SamplesV2) {
      throw new RecordDecodeError(`invalid record type ${typ}, expected Samples(2) or SamplesV2(11)`);
    }
    if (d.len() === 0) return;
    // Every sample takes at least 10 bytes (two one-byte varints and the value).
    out.reserve(Math.floor(d.len() / 10));
    const before = out.length;
    if (typ === RecordType.Samples) {
      const baseRef = d.be64Uint();
      const baseT = d.be64Int();
      while (d.len() > 0 && d.err === null) {
        const ref = baseRef + d.varint();
        const t = baseT + d.varint();
        const v = d.sampleValue();
        if (d.err === null) out.push(ref, t, v, d.lastStale, 0);
      }
    } else {
      let firstT = 0, firstST = 0, prevRef = 0, prevST = 0, first = true;
      while (d.len() > 0 && d.err === null) {
        let ref: number, t: number, st: number;
        if (first) {
          ref = d.varint();
          t = firstT = d.varint();
          st = firstST = d.varint();
          first = false;
        } else {
          ref = prevRef + d.varint();
          t = firstT + d.varint();
          st = this.#stMarker(prevST, firstST);
        }
        const v = d.sampleValue();
        if (d.err === null) out.push(ref, t, v, d.lastStale, st);
        prevRef = ref;
        prevST = st;
      }
    }
    this.#checkSafe(out, before);
    this.#finish('samples', out.length - before);
  }

  // Sums of safe deltas can still leave the safe range; one check per record, not per field.
  #checkSafe(out: SampleBatch, from: number): void {
    const { ref, t, st } = out;
    for (let i = from; i < out.length; i++) {
      if (!Number.isSafeInteger(ref[i]!) || !Number.isSafeInteger(t[i]!) || !Number.isSafeInteger(st[i]!)) {
        out.length = from;
        throw new RecordDecodeError('integer outside the safe range of a JS number');
      }
    }
  }

  #stMarker(prevST: number, firstST: number): number {
    const d = this.#d;
    switch (d.byte()) {
      case 0: return 0;
      case 1: return prevST;
      default: return firstST + d.varint();
    }
  }

  tombstones(rec: Uint8Array, out: Tombstone[]): void {
    this.#open(rec, RecordType.Tombstones);
    const d = this.#d;
    while (d.len() > 0 && d.err === null) {
      const ref = d.be64Uint();
      // Bounds may be MinInt64/MaxInt64 ("all time"): read them wide, not refused.
      const mint = d.varintWide();
      const maxt = d.varintWide();
      if (d.err === null) out.push({ ref, mint, maxt });
    }
    this.#finish('', 0);
  }

  exemplars(rec: Uint8Array, out: RefExemplar[]): void {
    this.#open(rec, RecordType.Exemplars);
    const d = this.#d;
    if (d.len() === 0) return;
    const before = out.length;
    const baseRef = d.be64Uint();
    const baseT = d.be64Int();
    while (d.len() > 0 && d.err === null) {
      const ref = baseRef + d.varint();
      const t = baseT + d.varint();
      const v = d.be64Float();
      const labels = this.#labels();
      if (d.err === null) out.push({ ref, t, v, labels });
    }
    this.#finish('exemplars', out.length - before);
  }

  mmapMarkers(rec: Uint8Array, out: RefMmapMarker[]): void {
    this.#open(rec, RecordType.MmapMarkers);
    const d = this.#d;
    const before = out.length;
    while (d.len() > 0 && d.err === null) {
      const ref = d.be64Uint();
      const mmapRef = d.be64Uint();
      if (d.err === null) out.push({ ref, mmapRef });
    }
    this.#finish('mmap markers', out.length - before);
  }

  /** HistogramSamples, CustomBucketsHistogramSamples and HistogramSamplesV2 records. */
  histogramSamples(rec: Uint8Array, out: RefHistogramSample[]): void {
    const typ = this.#open(rec, RecordType.HistogramSamples, RecordType.CustomBucketsHistogramSamples, RecordType.HistogramSamplesV2);
    const before = out.length;
    this.#histograms(typ === RecordType.HistogramSamplesV2, (ref, t, st) => {
      const h = decodeHistogram(this.#d);
      const stale = this.#d.lastStale;
      if (!this.#keepSchema(h, true)) return;
      out.push({ ref, t, st, h, stale });
    });
    this.#finish('histograms', out.length - before);
  }

  /** FloatHistogramSamples, CustomBucketsFloatHistogramSamples and FloatHistogramSamplesV2 records. */
  floatHistogramSamples(rec: Uint8Array, out: RefFloatHistogramSample[]): void {
    const typ = this.#open(rec, RecordType.FloatHistogramSamples, RecordType.CustomBucketsFloatHistogramSamples, RecordType.FloatHistogramSamplesV2);
    const before = out.length;
    this.#histograms(typ === RecordType.FloatHistogramSamplesV2, (ref, t, st) => {
      const fh = decodeFloatHistogram(this.#d);
      const stale = this.#d.lastStale;
      if (!this.#keepSchema(fh, false)) return;
      out.push({ ref, t, st, fh, stale });
    });
    this.#finish('histograms', out.length - before);
  }

  // The per-entry callback is per histogram, which allocates anyway; float samples never take this path.
  #histograms(v2: boolean, each: (ref: number, t: number, st: number) => void): void {
    const d = this.#d;
    if (d.len() === 0) return;
    if (!v2) {
      const baseRef = d.be64Uint();
      const baseT = d.be64Int();
      while (d.len() > 0 && d.err === null) {
        const ref = baseRef + d.varint();
        const t = baseT + d.varint();
        if (!Number.isSafeInteger(ref) || !Number.isSafeInteger(t)) { d.err = 'integer outside the safe range of a JS number'; break; }
        each(ref, t, 0);
      }
      return;
    }
    const firstRef = d.varint();
    const firstT = d.varint();
    const firstST = d.varint();
    let prevRef = firstRef, prevST = firstST, first = true;
    while (d.len() > 0 && d.err === null) {
      let ref = firstRef, t = firstT, st = firstST;
      if (!first) {
        ref = prevRef + d.varint();
        t = firstT + d.varint();
        st = this.#stMarker(prevST, firstST);
      }
      first = false;
      prevRef = ref;
      prevST = st;
      if (!Number.isSafeInteger(ref) || !Number.isSafeInteger(t) || !Number.isSafeInteger(st)) { d.err = 'integer outside the safe range of a JS number'; break; }
      each(ref, t, st);
    }
  }

  #keepSchema(h: BucketLayout, deltas: boolean): boolean {
    if (this.#d.err !== null) return false;
    if (!isKnownSchema(h.schema)) {
      this.skippedHistograms++;
      return false;
    }
    // A newer Prometheus may use finer schemas; lower them to the finest this version knows.
    if (h.schema > EXPONENTIAL_SCHEMA_MAX) reduceResolution(h, EXPONENTIAL_SCHEMA_MAX, deltas);
    return true;
  }
}

type BucketLayout = Pick<Histogram, 'schema' | 'positiveSpans' | 'negativeSpans' | 'positiveBuckets' | 'negativeBuckets'>;
