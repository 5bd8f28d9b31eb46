/**
 * A batch as WAL records, in Prometheus's order: one series record for the series the WAL
 * does not know yet, then per group metadata (when enabled), float samples, integer
 * histograms (custom-bucket ones in their own record), float histograms, exemplars.
 *
 * The record views alias `buf` (an Encbuf owned by the caller until the WAL write settles).
 */
import {
  Encbuf, SampleBatch, type RecordEncoder,
  type RefExemplar, type RefFloatHistogramSample, type RefHistogramSample, type RefMetadata, type RefSeries,
} from '../record/index.js';
import type { FloatHistogram, Histogram } from '../../model/index.js';
import type { Batch } from './batch.js';
import { Kind } from './series.js';

export class RecordScratch {
  readonly buf = new Encbuf(64 * 1024);
  readonly samples = new SampleBatch(1024);
  readonly series: RefSeries[] = [];
  readonly hs: RefHistogramSample[] = [];
  readonly fhs: RefFloatHistogramSample[] = [];
  readonly customHs: RefHistogramSample[] = [];
  readonly customFhs: RefFloatHistogramSample[] = [];
  readonly exemplars: RefExemplar[] = [];
  readonly metadata: RefMetadata[] = [];
}

/** Encodes the batch's records into `out` (cleared first); their bytes live in `sc.buf`. */
export function encodeBatch(b: Batch, enc: RecordEncoder, sc: RecordScratch, withMetadata: boolean, out: Uint8Array[]): void {
  out.length = 0;
  const buf = sc.buf;
  buf.reset();
  const ser = sc.series;
  ser.length = 0;
  for (let j = 0; j < b.nTouched; j++) {
    const s = b.touched[j]!;
    if (!s.logged) ser.push({ ref: s.ref, labels: s.labels });
  }
  if (ser.length > 0) out.push(enc.series(ser, buf));
  ser.length = 0;
  let i = 0, ei = 0, mi = 0;
  for (let g = 0; g < b.groups; g++) {
    const start = i;
    while (i < b.n && b.group[i] === g) i++;
    if (withMetadata) {
      const md = sc.metadata;
      md.length = 0;
      while (mi < b.metaSeries.length && b.metaGroup[mi] === g) {
        const m = b.metas[mi]!;
        md.push({ ref: b.metaSeries[mi]!.ref, type: m.type, unit: m.unit, help: m.help });
        mi++;
      }
      if (md.length > 0) out.push(enc.metadata(md, buf));
    }
    const sb = sc.samples;
    sb.reset();
    const hs = sc.hs, fhs = sc.fhs;
    hs.length = 0;
    fhs.length = 0;
    for (let k = start; k < i; k++) {
      const s = b.series[k]!;
      switch (b.kind(k)) {
        case Kind.Float: sb.push(s.ref, b.t[k]!, b.v[k]!, b.stale(k), b.st[k]); break;
        case Kind.Histogram: hs.push({ ref: s.ref, t: b.t[k]!, st: b.st[k]!, h: b.h[k] as Histogram, stale: b.stale(k) }); break;
        case Kind.FloatHistogram: fhs.push({ ref: s.ref, t: b.t[k]!, st: b.st[k]!, fh: b.h[k] as FloatHistogram, stale: b.stale(k) }); break;
        case Kind.None: break;
      }
    }
    if (sb.length > 0) out.push(enc.samples(sb, buf));
    if (hs.length > 0) {
      sc.customHs.length = 0;
      const r = enc.histogramSamples(hs, sc.customHs, buf);
      if (r.length > 0) out.push(r);
      if (sc.customHs.length > 0) out.push(enc.customBucketsHistogramSamples(sc.customHs, buf));
    }
    if (fhs.length > 0) {
      sc.customFhs.length = 0;
      const r = enc.floatHistogramSamples(fhs, sc.customFhs, buf);
      if (r.length > 0) out.push(r);
      if (sc.customFhs.length > 0) out.push(enc.customBucketsFloatHistogramSamples(sc.customFhs, buf));
    }
    const ex = sc.exemplars;
    ex.length = 0;
    while (ei < b.exSeries.length && b.exGroup[ei] === g) {
      ex.push({ ref: b.exSeries[ei]!.ref, t: b.exTs[ei]!, v: b.exVs[ei]!, labels: b.exLabels[ei]! });
      ei++;
    }
    if (ex.length > 0) out.push(enc.exemplars(ex, buf));
  }
  clearScratch(sc);
}

/** Drops the scratch lists' references (histograms, labels) so a pooled scratch retains nothing. */
function clearScratch(sc: RecordScratch): void {
  sc.hs.length = 0;
  sc.fhs.length = 0;
  sc.customHs.length = 0;
  sc.customFhs.length = 0;
  sc.exemplars.length = 0;
  sc.metadata.length = 0;
}
