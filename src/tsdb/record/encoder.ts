/**
 * Encodes records exactly as Prometheus's `record.Encoder` does, byte for byte.
 *
 * Every method appends one whole record to `out` (default: the encoder's own buffer, reset
 * first) and returns a view of that record's bytes. The view aliases the buffer: it stays
 * valid until the buffer is reset (for the default buffer: the next call on this encoder
 * without `out`). Pass your own `Encbuf` to batch several records in one buffer, as a
 * checkpoint does, and reset it when all views are consumed.
 *
 * `enableSTStorage` selects the V2 sample and histogram records (start time per sample),
 * which only Prometheus 3.x reads; V1 is the default, as in Prometheus.
 */
import { CUSTOM_BUCKETS_SCHEMA, type Labels } from '../../model/index.js';
import { Encbuf } from './encbuf.js';
import { encodeFloatHistogram, encodeHistogram } from './histogram-codec.js';
import type { SampleBatch } from './sample-batch.js';
import {
  RecordType, metricTypeToByte,
  type RefExemplar, type RefFloatHistogramSample, type RefHistogramSample, type RefMetadata, type RefMmapMarker, type RefSeries, type Tombstone,
} from './types.js';

// Start-time markers of V2 records.
const NO_ST = 0;
const SAME_ST = 1;
const EXPLICIT_ST = 2;

export interface EncoderOptions {
  enableSTStorage?: boolean;
}

export class RecordEncoder {
  readonly enableSTStorage: boolean;
  readonly #own = new Encbuf(64 * 1024);

  constructor(opts: EncoderOptions = {}) {
    this.enableSTStorage = opts.enableSTStorage ?? false;
  }

  #begin(out: Encbuf | undefined, type: number): Encbuf {
    const b = out ?? this.#own;
    if (out === undefined) b.reset();
    b.putByte(type);
    return b;
  }

  series(series: readonly RefSeries[], out?: Encbuf): Uint8Array {
    const b = this.#begin(out, RecordType.Series);
    const start = b.len - 1;
    for (const s of series) {
      b.putBE64Uint(s.ref);
      encodeLabels(b, s.labels);
    }
    return b.view(start);
  }

  metadata(metadata: readonly RefMetadata[], out?: Encbuf): Uint8Array {
    const b = this.#begin(out, RecordType.Metadata);
    const start = b.len - 1;
    for (const m of metadata) {
      b.putUvarint(m.ref);
      b.putByte(metricTypeToByte(m.type));
      b.putUvarint(2); // two fields follow: UNIT and HELP
      b.putUvarintStr('UNIT');
      b.putUvarintStr(m.unit);
      b.putUvarintStr('HELP');
      b.putUvarintStr(m.help);
    }
    return b.view(start);
  }

  /** A Samples record (V1), or SamplesV2 with `enableSTStorage`. Stale samples get the exact marker bits. */
  samples(batch: SampleBatch, out?: Encbuf): Uint8Array {
    return this.enableSTStorage ? this.#samplesV2(batch, out) : this.#samplesV1(batch, out);
  }

  #samplesV1(batch: SampleBatch, out: Encbuf | undefined): Uint8Array {
    const b = this.#begin(out, RecordType.Samples);
    const start = b.len - 1;
    const n = batch.length;
    if (n === 0) return b.view(start);
    const { ref, t, v, stale } = batch;
    const ref0 = ref[0]!, t0 = t[0]!;
    b.putBE64Uint(ref0);
    b.putBE64Int(t0);
    b.reserve(n * 18);
    for (let i = 0; i < n; i++) {
      b.putVarint(ref[i]! - ref0);
      b.putVarint(t[i]! - t0);
      b.putSampleValue(v[i]!, stale[i] === 1);
    }
    return b.view(start);
  }

  #samplesV2(batch: SampleBatch, out: Encbuf | undefined): Uint8Array {
    const b = this.#begin(out, RecordType.SamplesV2);
    const start = b.len - 1;
    const n = batch.length;
    if (n === 0) return b.view(start);
    const { ref, t, st, v, stale } = batch;
    const t0 = t[0]!, st0 = st[0]!;
    b.putVarint(ref[0]!);
    b.putVarint(t0);
    b.putVarint(st0);
    b.putSampleValue(v[0]!, stale[0] === 1);
    for (let i = 1; i < n; i++) {
      b.putVarint(ref[i]! - ref[i - 1]!);
      b.putVarint(t[i]! - t0);
      putSTMarker(b, st[i]!, st0, st[i - 1]!);
      b.putSampleValue(v[i]!, stale[i] === 1);
    }
    return b.view(start);
  }

  /** One entry per tombstone (Prometheus writes one per interval: the same bytes). */
  tombstones(tstones: readonly Tombstone[], out?: Encbuf): Uint8Array {
    const b = this.#begin(out, RecordType.Tombstones);
    const start = b.len - 1;
    for (const s of tstones) {
      b.putBE64Uint(s.ref);
      b.putVarintWide(s.mint);
      b.putVarintWide(s.maxt);
    }
    return b.view(start);
  }

  exemplars(exemplars: readonly RefExemplar[], out?: Encbuf): Uint8Array {
    const b = this.#begin(out, RecordType.Exemplars);
    const start = b.len - 1;
    const first = exemplars[0];
    if (first === undefined) return b.view(start);
    b.putBE64Uint(first.ref);
    b.putBE64Int(first.t);
    for (const e of exemplars) {
      b.putVarint(e.ref - first.ref);
      b.putVarint(e.t - first.t);
      b.putBEFloat64(e.v);
      encodeLabels(b, e.labels);
    }
    return b.view(start);
  }

  mmapMarkers(markers: readonly RefMmapMarker[], out?: Encbuf): Uint8Array {
    const b = this.#begin(out, RecordType.MmapMarkers);
    const start = b.len - 1;
    for (const m of markers) {
      b.putBE64Uint(m.ref);
      b.putBE64Uint(m.mmapRef);
    }
    return b.view(start);
  }

  /**
   * Exponential-schema histograms as a HistogramSamples record. As in Prometheus, custom-
   * bucket histograms do not belong in it: they are appended to `customOut` for a separate
   * `customBucketsHistogramSamples` record. Returns an empty view when every sample was a
   * custom-bucket one (nothing to write). With `enableSTStorage` all samples go into one
   * HistogramSamplesV2 record and `customOut` stays untouched.
   */
  histogramSamples(hs: readonly RefHistogramSample[], customOut: RefHistogramSample[], out?: Encbuf): Uint8Array {
    if (this.enableSTStorage) return this.#histogramsV2(hs, RecordType.HistogramSamplesV2, out);
    const b = this.#begin(out, RecordType.HistogramSamples);
    const start = b.len - 1;
    const first = hs[0];
    if (first === undefined) return b.view(start);
    b.putBE64Uint(first.ref);
    b.putBE64Int(first.t);
    let custom = 0;
    for (const h of hs) {
      if (h.h.schema === CUSTOM_BUCKETS_SCHEMA) { customOut.push(h); custom++; continue; }
      b.putVarint(h.ref - first.ref);
      b.putVarint(h.t - first.t);
      encodeHistogram(b, h.h, h.stale);
    }
    if (custom === hs.length) b.len = start;
    return b.view(start);
  }

  /** All given histograms, as a CustomBucketsHistogramSamples record (V2 with `enableSTStorage`). */
  customBucketsHistogramSamples(hs: readonly RefHistogramSample[], out?: Encbuf): Uint8Array {
    if (this.enableSTStorage) return this.#histogramsV2(hs, RecordType.HistogramSamplesV2, out);
    const b = this.#begin(out, RecordType.CustomBucketsHistogramSamples);
    const start = b.len - 1;
    const first = hs[0];
    if (first === undefined) return b.view(start);
    b.putBE64Uint(first.ref);
    b.putBE64Int(first.t);
    for (const h of hs) {
      b.putVarint(h.ref - first.ref);
      b.putVarint(h.t - first.t);
      encodeHistogram(b, h.h, h.stale);
    }
    return b.view(start);
  }

  /** As `histogramSamples`, for float histograms. */
  floatHistogramSamples(hs: readonly RefFloatHistogramSample[], customOut: RefFloatHistogramSample[], out?: Encbuf): Uint8Array {
    if (this.enableSTStorage) return this.#histogramsV2(hs, RecordType.FloatHistogramSamplesV2, out);
    const b = this.#begin(out, RecordType.FloatHistogramSamples);
    const start = b.len - 1;
    const first = hs[0];
    if (first === undefined) return b.view(start);
    b.putBE64Uint(first.ref);
    b.putBE64Int(first.t);
    let custom = 0;
    for (const h of hs) {
      if (h.fh.schema === CUSTOM_BUCKETS_SCHEMA) { customOut.push(h); custom++; continue; }
      b.putVarint(h.ref - first.ref);
      b.putVarint(h.t - first.t);
      encodeFloatHistogram(b, h.fh, h.stale);
    }
    if (custom === hs.length) b.len = start;
    return b.view(start);
  }

  customBucketsFloatHistogramSamples(hs: readonly RefFloatHistogramSample[], out?: Encbuf): Uint8Array {
    if (this.enableSTStorage) return this.#histogramsV2(hs, RecordType.FloatHistogramSamplesV2, out);
    const b = this.#begin(out, RecordType.CustomBucketsFloatHistogramSamples);
    const start = b.len - 1;
    const first = hs[0];
    if (first === undefined) return b.view(start);
    b.putBE64Uint(first.ref);
    b.putBE64Int(first.t);
    for (const h of hs) {
      b.putVarint(h.ref - first.ref);
      b.putVarint(h.t - first.t);
      encodeFloatHistogram(b, h.fh, h.stale);
    }
    return b.view(start);
  }

  #histogramsV2(hs: readonly (RefHistogramSample | RefFloatHistogramSample)[], type: number, out: Encbuf | undefined): Uint8Array {
    const b = this.#begin(out, type);
    const start = b.len - 1;
    const first = hs[0];
    if (first === undefined) return b.view(start);
    let prev = first;
    for (let i = 0; i < hs.length; i++) {
      const h = hs[i]!;
      if (i === 0) {
        b.putVarint(h.ref);
        b.putVarint(h.t);
        b.putVarint(h.st);
      } else {
        b.putVarint(h.ref - prev.ref);
        b.putVarint(h.t - first.t);
        putSTMarker(b, h.st, first.st, prev.st);
      }
      if ('h' in h) encodeHistogram(b, h.h, h.stale);
      else encodeFloatHistogram(b, h.fh, h.stale);
      prev = h;
    }
    return b.view(start);
  }
}

function putSTMarker(b: Encbuf, st: number, firstST: number, prevST: number): void {
  if (st === 0) b.putByte(NO_ST);
  else if (st === prevST) b.putByte(SAME_ST);
  else {
    b.putByte(EXPLICIT_ST);
    b.putVarint(st - firstST);
  }
}

/** Labels as Prometheus writes them in records: a count, then name and value strings, no symbol table. */
export function encodeLabels(b: Encbuf, labels: Labels): void {
  const n = labels.length;
  b.putUvarint(n);
  for (let i = 0; i < n; i++) {
    b.putUvarintStr(labels.nameAt(i));
    b.putUvarintStr(labels.valueAt(i));
  }
}
