/**
 * Commit: the batch goes to the WAL first and, once the write is durable, into memory, in
 * the order the WAL holds it (so a replay rebuilds exactly what commits made visible). A
 * failed WAL write fails the commit and leaves nothing of the batch visible. Out-of-order
 * samples accepted in memory are then logged to the WBL (best effort, as in Prometheus: the
 * samples are in the WAL already).
 */
import {
  Encbuf, SampleBatch, type RecordEncoder, type RefFloatHistogramSample, type RefHistogramSample, type RefMmapMarker,
} from '../record/index.js';
import type { FloatHistogram, Histogram } from '../../model/index.js';
import type { Logger } from '../../util/log.js';
import type { Batch } from './batch.js';
import type { HeadCore, OOOAccepted } from './head-core.js';
import { Kind } from './series.js';
import { RecordScratch, encodeBatch } from './wal-records.js';
import type { WalHandle } from './wal-handle.js';

export interface CommitContext {
  core: HeadCore;
  wal: WalHandle | null;
  wbl: WalHandle | null;
  encoder: RecordEncoder;
  withMetadata: boolean;
  logger: Logger;
}

const scratchPool: RecordScratch[] = [];

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function commitBatch(ctx: CommitContext, b: Batch): Promise<void> {
  if (ctx.wal !== null) {
    const sc = scratchPool.pop() ?? new RecordScratch();
    const recs: Uint8Array[] = [];
    try {
      encodeBatch(b, ctx.encoder, sc, ctx.withMetadata, recs);
      if (recs.length > 0) await ctx.wal.log(recs);
    } catch (e) {
      throw new Error(`write to WAL: ${errText(e)}`, { cause: e });
    } finally {
      if (sc.buf.b.length <= 1 << 20) scratchPool.push(sc);
    }
  }
  const ooo: OOOAccepted[] | null = ctx.core.opts.oooWindow > 0 ? [] : null;
  applyBatch(ctx.core, b, ooo);
  if (ooo !== null && ooo.length > 0 && ctx.wbl !== null) {
    try {
      await ctx.wbl.log(wblRecords(ctx.encoder, ooo));
    } catch (e) {
      ctx.logger.error('Failed to log out of order samples into the WAL', { err: errText(e) });
    }
  }
}

/** Applies a logged batch to memory, group by group: floats, histograms, float histograms, metadata, exemplars. */
export function applyBatch(core: HeadCore, b: Batch, ooo: OOOAccepted[] | null): void {
  for (let j = 0; j < b.nTouched; j++) {
    const s = b.touched[j]!;
    s.logged = true;
    core.index(s);
  }
  let i = 0, ei = 0, mi = 0;
  for (let g = 0; g < b.groups; g++) {
    const start = i;
    while (i < b.n && b.group[i] === g) i++;
    for (let k = start; k < i; k++) {
      if (b.kind(k) === Kind.Float) core.applyFloat(b.series[k]!, b.t[k]!, b.v[k]!, b.stale(k), ooo, b.st[k]);
    }
    for (let k = start; k < i; k++) {
      if (b.kind(k) !== Kind.Histogram) continue;
      const stale = b.stale(k);
      core.applyHistogram(b.series[k]!, b.t[k]!, stale ? null : b.h[k] as Histogram, null, Kind.Histogram, ooo, b.st[k]);
    }
    for (let k = start; k < i; k++) {
      if (b.kind(k) !== Kind.FloatHistogram) continue;
      const stale = b.stale(k);
      core.applyHistogram(b.series[k]!, b.t[k]!, null, stale ? null : b.h[k] as FloatHistogram, Kind.FloatHistogram, ooo, b.st[k]);
    }
    while (mi < b.metaSeries.length && b.metaGroup[mi] === g) {
      b.metaSeries[mi]!.meta = b.metas[mi]!;
      mi++;
    }
    while (ei < b.exSeries.length && b.exGroup[ei] === g) {
      core.exemplars.add(b.exSeries[ei]!, b.exLabels[ei]!, b.exVs[ei]!, b.exTs[ei]!);
      ei++;
    }
  }
}

/**
 * WBL records for accepted out-of-order samples, as Prometheus's commit collects them: where
 * a series starts a new out-of-order chunk, what was gathered so far goes out (m-map markers,
 * then samples, histograms, float histograms; custom-bucket histograms in their own
 * records), and the series' markers (the chunks just written, or 0 for its first chunk)
 * come before the samples after them.
 */
function wblRecords(enc: RecordEncoder, ooo: readonly OOOAccepted[]): Uint8Array[] {
  const buf = new Encbuf(16 * 1024);
  const out: Uint8Array[] = [];
  const sb = new SampleBatch(Math.max(16, ooo.length));
  const hs: RefHistogramSample[] = [];
  const fhs: RefFloatHistogramSample[] = [];
  const markers: RefMmapMarker[] = [];
  const flush = (): void => {
    if (markers.length > 0) out.push(enc.mmapMarkers(markers, buf));
    markers.length = 0;
    if (sb.length > 0) out.push(enc.samples(sb, buf));
    sb.reset();
    if (hs.length > 0) {
      const custom: RefHistogramSample[] = [];
      const r = enc.histogramSamples(hs, custom, buf);
      if (r.length > 0) out.push(r);
      if (custom.length > 0) out.push(enc.customBucketsHistogramSamples(custom, buf));
    }
    hs.length = 0;
    if (fhs.length > 0) {
      const custom: RefFloatHistogramSample[] = [];
      const r = enc.floatHistogramSamples(fhs, custom, buf);
      if (r.length > 0) out.push(r);
      if (custom.length > 0) out.push(enc.customBucketsFloatHistogramSamples(custom, buf));
    }
    fhs.length = 0;
  };
  for (const a of ooo) {
    if (a.mmapped !== null) {
      flush();
      if (a.mmapped.length === 0) markers.push({ ref: a.s.ref, mmapRef: 0 });
      for (const r of a.mmapped) markers.push({ ref: a.s.ref, mmapRef: r });
    }
    switch (a.kind) {
      case Kind.Histogram: hs.push({ ref: a.s.ref, t: a.t, st: a.st, h: a.h as Histogram, stale: a.stale }); break;
      case Kind.FloatHistogram: fhs.push({ ref: a.s.ref, t: a.t, st: a.st, fh: a.h as FloatHistogram, stale: a.stale }); break;
      case Kind.Float:
      case Kind.None:
        sb.push(a.s.ref, a.t, a.v, a.stale, a.st);
        break;
    }
  }
  flush();
  return out;
}
