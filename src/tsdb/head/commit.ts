/**
 * Commit: the batch goes to the WAL first and, once the write is durable, into memory, in
 * the order the WAL holds it (so a replay rebuilds exactly what commits made visible). A
 * failed WAL write fails the commit and leaves nothing of the batch visible. Out-of-order
 * samples accepted in memory are then logged to the WBL (best effort, as in Prometheus: the
 * samples are in the WAL already).
 */
import { Encbuf, SampleBatch, type RecordEncoder, type RefMmapMarker } from '../record/index.js';
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
      if (b.kind(k) === Kind.Float) core.applyFloat(b.series[k]!, b.t[k]!, b.v[k]!, b.stale(k), ooo);
    }
    for (let k = start; k < i; k++) {
      if (b.kind(k) !== Kind.Histogram) continue;
      const stale = b.stale(k);
      core.applyHistogram(b.series[k]!, b.t[k]!, stale ? null : b.h[k] as Histogram, null, Kind.Histogram);
    }
    for (let k = start; k < i; k++) {
      if (b.kind(k) !== Kind.FloatHistogram) continue;
      const stale = b.stale(k);
      core.applyHistogram(b.series[k]!, b.t[k]!, null, stale ? null : b.h[k] as FloatHistogram, Kind.FloatHistogram);
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

/** WBL records for accepted out-of-order samples: each m-map marker before the samples of the chunk after it. */
function wblRecords(enc: RecordEncoder, ooo: readonly OOOAccepted[]): Uint8Array[] {
  const buf = new Encbuf(16 * 1024);
  const out: Uint8Array[] = [];
  const sb = new SampleBatch(Math.max(16, ooo.length));
  const markers: RefMmapMarker[] = [];
  for (const a of ooo) {
    if (a.mmapped !== null) {
      if (sb.length > 0) {
        out.push(enc.samples(sb, buf));
        sb.reset();
      }
      markers.length = 0;
      // A series' first OOO chunk gets a zero marker, as Prometheus writes.
      if (a.mmapped.length === 0) markers.push({ ref: a.s.ref, mmapRef: 0 });
      for (const r of a.mmapped) markers.push({ ref: a.s.ref, mmapRef: r });
      out.push(enc.mmapMarkers(markers, buf));
    }
    sb.push(a.s.ref, a.t, a.v, a.stale);
  }
  if (sb.length > 0) out.push(enc.samples(sb, buf));
  return out;
}
