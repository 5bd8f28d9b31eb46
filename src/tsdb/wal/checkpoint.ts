/**
 * Checkpoints, as Prometheus writes them: `checkpoint.NNNNNNNN` (NNNNNNNN = the last WAL
 * segment it covers) is a directory of segments in the WAL format holding what a replay
 * still needs from the previous checkpoint and segments `from..to`: series records of
 * live series (`keep`), samples, histograms and exemplars at or after `mint`, tombstones of
 * kept series with an interval reaching `mint`, and the latest metadata of kept series.
 * Other record types (from a newer version) are dropped.
 *
 * It is built in `checkpoint.NNNNNNNN.tmp`, synced, then renamed into place, so a crash
 * never leaves a partial checkpoint under the final name. A damaged segment fails the
 * checkpoint (repair is not an option here: the head could not know which series records
 * were lost).
 *
 * `keep` must give the same answer for a ref throughout one call.
 */
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { nopLogger, type Logger } from '../../util/log.js';
import {
  Encbuf, RecordDecoder, RecordEncoder, RecordType, SampleBatch, recordTypeName, samplesV1TimeRange,
  type RefExemplar, type RefFloatHistogramSample, type RefHistogramSample, type RefMetadata, type RefSeries, type SamplesTimeRange, type Tombstone,
} from '../record/index.js';
import type { CompressionType } from './compression.js';
import { CHECKPOINT_TMP_SUFFIX } from './constants.js';
import { WalReader, selectSegments, type SegmentRange } from './reader.js';
import { checkpointDir, deleteTempCheckpoints, lastCheckpoint } from './segments.js';
import { Wlog } from './writer.js';

export interface CheckpointStats {
  droppedSeries: number;
  droppedSamples: number;
  droppedTombstones: number;
  droppedExemplars: number;
  droppedMetadata: number;
  totalSeries: number;
  totalSamples: number;
  totalTombstones: number;
  totalExemplars: number;
  totalMetadata: number;
}

export interface CheckpointOptions {
  /** Compression of the checkpoint's records; use the WAL's. Default 'snappy'. */
  compression?: CompressionType;
  /** Write V2 sample/histogram records (start times), as Prometheus's `EnableSTStorage`. */
  enableSTStorage?: boolean;
  logger?: Logger;
}

/**
 * Records written at a time, and pages read at a time: large, because every await lets the
 * rest of the server run, and a checkpoint made while the server takes in a backfill would
 * otherwise move forward by one small read between every two remote-write requests.
 */
const FLUSH_BYTES = 8 << 20;
const READ_PAGES = 256;

/** Creates `checkpoint.<to>` in the WAL directory `dir` from the last checkpoint and segments `from..to`. */
export async function checkpoint(dir: string, from: number, to: number, keep: (ref: number) => boolean, mint: number, opts: CheckpointOptions = {}): Promise<CheckpointStats> {
  const logger = opts.logger ?? nopLogger;
  const stats: CheckpointStats = {
    droppedSeries: 0, droppedSamples: 0, droppedTombstones: 0, droppedExemplars: 0, droppedMetadata: 0,
    totalSeries: 0, totalSamples: 0, totalTombstones: 0, totalExemplars: 0, totalMetadata: 0,
  };
  logger.info('Creating checkpoint', { from_segment: from, to_segment: to, mint });

  const ranges: SegmentRange[] = [];
  const last = await lastCheckpoint(dir).catch((e: unknown) => { throw new Error(`find last checkpoint: ${msg(e)}`, { cause: e }); });
  if (last !== null) {
    if (from > last.index + 1) throw new Error(`unexpected gap to last checkpoint. expected:${last.index + 1}, requested:${from}`);
    // Segments below the checkpoint should not exist; ignore them if they do.
    from = last.index + 1;
    ranges.push({ dir: last.dir });
  }
  ranges.push({ dir, first: from, last: to });
  const reader = await selectSegments(ranges).then(
    (segs) => new WalReader(segs, READ_PAGES),
    (e: unknown) => { throw new Error(`create segment reader: ${msg(e)}`, { cause: e }); },
  );

  await deleteTempCheckpoints(dir);
  const cpdir = checkpointDir(dir, to);
  const tmp = cpdir + CHECKPOINT_TMP_SUFFIX;
  let cp: Wlog | null = null;
  try {
    cp = await Wlog.open(tmp, { compression: opts.compression ?? 'snappy', sync: 'write' });
    const dec = new RecordDecoder();
    const enc = new RecordEncoder({ enableSTStorage: opts.enableSTStorage ?? false });
    const buf = new Encbuf(FLUSH_BYTES + (64 << 10));
    const recs: Uint8Array[] = [];
    const series: RefSeries[] = [];
    const samples = new SampleBatch(1024);
    const range: SamplesTimeRange = { n: 0, mint: 0, maxt: 0 };
    const v1Out = !(opts.enableSTStorage ?? false);
    const hists: RefHistogramSample[] = [];
    const fhists: RefFloatHistogramSample[] = [];
    const customH: RefHistogramSample[] = [];
    const customFH: RefFloatHistogramSample[] = [];
    const tstones: Tombstone[] = [];
    const exemplars: RefExemplar[] = [];
    const metas: RefMetadata[] = [];
    const latestMeta = new Map<number, RefMetadata>();
    const push = (r: Uint8Array): void => { if (r.length > 0) recs.push(r); };

    const filterRecord = (rec: Uint8Array): void => {
      switch (dec.type(rec)) {
        case RecordType.Series: {
          series.length = 0;
          dec.series(rec, series);
          const kept = series.filter((s) => keep(s.ref));
          if (kept.length > 0) push(enc.series(kept, buf));
          stats.totalSeries += series.length;
          stats.droppedSeries += series.length - kept.length;
          break;
        }
        case RecordType.Samples:
        case RecordType.SamplesV2: {
          // Most records lie wholly before mint (dropped) or after it (kept as they are, when
          // the checkpoint writes V1 records too): only those across mint are decoded.
          if (v1Out && samplesV1TimeRange(rec, range) && (range.maxt < mint || range.mint >= mint)) {
            stats.totalSamples += range.n;
            if (range.maxt < mint) stats.droppedSamples += range.n;
            else {
              const at = buf.len;
              buf.putBytes(rec);
              recs.push(buf.view(at));
            }
            break;
          }
          samples.reset();
          dec.samples(rec, samples);
          const n = samples.length;
          samples.dropBefore(mint);
          if (samples.length > 0) push(enc.samples(samples, buf));
          stats.totalSamples += n;
          stats.droppedSamples += n - samples.length;
          break;
        }
        case RecordType.HistogramSamples:
        case RecordType.HistogramSamplesV2:
        case RecordType.CustomBucketsHistogramSamples: {
          hists.length = 0;
          customH.length = 0;
          dec.histogramSamples(rec, hists);
          const kept = hists.filter((h) => h.t >= mint);
          if (kept.length > 0) {
            // Exponential and custom-bucket histograms go into separate records, as Prometheus splits them.
            if (dec.type(rec) === RecordType.CustomBucketsHistogramSamples) push(enc.customBucketsHistogramSamples(kept, buf));
            else {
              push(enc.histogramSamples(kept, customH, buf));
              if (customH.length > 0) push(enc.customBucketsHistogramSamples(customH, buf));
            }
          }
          stats.totalSamples += hists.length;
          stats.droppedSamples += hists.length - kept.length;
          break;
        }
        case RecordType.FloatHistogramSamples:
        case RecordType.FloatHistogramSamplesV2:
        case RecordType.CustomBucketsFloatHistogramSamples: {
          fhists.length = 0;
          customFH.length = 0;
          dec.floatHistogramSamples(rec, fhists);
          const kept = fhists.filter((h) => h.t >= mint);
          if (kept.length > 0) {
            if (dec.type(rec) === RecordType.CustomBucketsFloatHistogramSamples) push(enc.customBucketsFloatHistogramSamples(kept, buf));
            else {
              push(enc.floatHistogramSamples(kept, customFH, buf));
              if (customFH.length > 0) push(enc.customBucketsFloatHistogramSamples(customFH, buf));
            }
          }
          stats.totalSamples += fhists.length;
          stats.droppedSamples += fhists.length - kept.length;
          break;
        }
        case RecordType.Tombstones: {
          tstones.length = 0;
          dec.tombstones(rec, tstones);
          // A tombstone goes with its series, or once its interval has aged out of the WAL.
          const kept = tstones.filter((s) => keep(s.ref) && s.maxt >= mint);
          if (kept.length > 0) push(enc.tombstones(kept, buf));
          stats.totalTombstones += tstones.length;
          stats.droppedTombstones += tstones.length - kept.length;
          break;
        }
        case RecordType.Exemplars: {
          exemplars.length = 0;
          dec.exemplars(rec, exemplars);
          const kept = exemplars.filter((e) => e.t >= mint);
          if (kept.length > 0) push(enc.exemplars(kept, buf));
          stats.totalExemplars += exemplars.length;
          stats.droppedExemplars += exemplars.length - kept.length;
          break;
        }
        case RecordType.Metadata: {
          metas.length = 0;
          dec.metadata(rec, metas);
          let fresh = 0;
          for (const m of metas) {
            if (!keep(m.ref)) continue;
            if (!latestMeta.has(m.ref)) fresh++;
            latestMeta.set(m.ref, m);
          }
          stats.totalMetadata += metas.length;
          stats.droppedMetadata += metas.length - fresh;
          break;
        }
        case RecordType.MmapMarkers:
        case RecordType.Unknown:
          // From the WBL or a newer version: not needed to rebuild the head here.
          break;
        default:
          break;
      }
    };

    while (reader.nextBuffered() || await reader.next()) {
      const rec = reader.record();
      try {
        filterRecord(rec);
      } catch (e) {
        throw new Error(`decode ${recordTypeName(dec.type(rec))}: ${msg(e)}`, { cause: e });
      }
      if (buf.len > FLUSH_BYTES) {
        await cp.log(recs);
        recs.length = 0;
        buf.reset();
      }
    }
    const rerr = reader.err();
    if (rerr !== null) throw new Error(`read segments: ${rerr.message}`, { cause: rerr });
    await cp.log(recs);
    recs.length = 0;
    buf.reset();
    if (latestMeta.size > 0) await cp.log([enc.metadata([...latestMeta.values()], buf)]);
    const w = cp;
    cp = null;
    await w.close();

    await syncDir(tmp);
    // Replace: an existing checkpoint of the same index (a retried run) is swapped out.
    await rm(cpdir, { recursive: true, force: true });
    await rename(tmp, cpdir);
    await syncDir(dirname(cpdir));
    return stats;
  } finally {
    await reader.close();
    if (cp !== null) await cp.close().catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
  }
}

async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try { await d.sync(); } finally { await d.close(); }
}

function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
