/**
 * Start-up replay of the WBL (`wbl/`, the write-behind log of out-of-order samples), as
 * Prometheus's head does it after the WAL: samples, histograms and float histograms go into
 * their series' out-of-order chunk (no window or bounds check: they were accepted when
 * written; full chunks are written to chunks_head as at append time), and an m-map marker
 * says that the series' samples so far are in an out-of-order chunk of chunks_head, so its
 * open out-of-order chunk starts over. A marker naming a chunk newer than the newest chunk
 * loaded from chunks_head is ignored (that chunk did not make it to disk; its samples stay).
 * Refs are mapped as the WAL replay mapped duplicate series records. A damaged tail is
 * repaired, as Prometheus repairs the WBL.
 */
import { CorruptionError, openReplay, repair } from '../wal/index.js';
import {
  RecordDecodeError, RecordDecoder, RecordType, SampleBatch,
  type RefFloatHistogramSample, type RefHistogramSample, type RefMmapMarker,
} from '../record/index.js';
import type { Logger } from '../../util/log.js';
import type { HeadCore } from './head-core.js';
import { staleHistogram } from './histogram-check.js';
import type { ReplayResult } from './options.js';
import { Kind, type MemSeries } from './series.js';

export interface WblReplayOptions {
  wblDir: string;
  /** The largest chunk ref loaded from chunks_head (-1 when none). */
  lastMmapRef: number;
  multiRef: ReadonlyMap<number, number>;
  logger: Logger;
}

export async function replayWbl(core: HeadCore, o: WblReplayOptions, res: ReplayResult): Promise<void> {
  const { logger } = o;
  const dec = new RecordDecoder();
  const batch = new SampleBatch(4096);
  const hs: RefHistogramSample[] = [];
  const fhs: RefFloatHistogramSample[] = [];
  const markers: RefMmapMarker[] = [];
  let unknown = 0;
  const seriesOf = (ref: number): MemSeries | undefined => {
    const s = core.series.get(o.multiRef.size === 0 ? ref : o.multiRef.get(ref) ?? ref);
    if (s === undefined) unknown++;
    return s;
  };
  const insert = (s: MemSeries, t: number, v: number, stale: boolean, kind: Kind, h: RefHistogramSample['h'] | RefFloatHistogramSample['fh'] | null, st = 0): void => {
    if (core.insertOOO(s, t, v, stale, kind, h, st)) res.oooSamples++;
  };
  const plan = await openReplay(o.wblDir);
  const r = plan.reader;
  let err: CorruptionError | null = null;
  let seg = -1;
  try {
    while (r.nextBuffered() || await r.next()) {
      if (r.segment() !== seg) {
        if (seg >= 0) logger.info('WBL segment loaded', { segment: seg });
        seg = r.segment();
      }
      const rec = r.record();
      try {
        switch (dec.type(rec)) {
          case RecordType.Samples:
          case RecordType.SamplesV2:
            batch.reset();
            dec.samples(rec, batch);
            for (let i = 0; i < batch.length; i++) {
              const s = seriesOf(batch.ref[i]!);
              if (s !== undefined) insert(s, batch.t[i]!, batch.v[i]!, batch.stale[i] === 1, Kind.Float, null, batch.st[i]);
            }
            break;
          case RecordType.HistogramSamples:
          case RecordType.CustomBucketsHistogramSamples:
          case RecordType.HistogramSamplesV2:
            hs.length = 0;
            dec.histogramSamples(rec, hs);
            for (const x of hs) {
              const s = seriesOf(x.ref);
              if (s !== undefined) insert(s, x.t, 0, x.stale, Kind.Histogram, x.stale ? staleHistogram() : x.h, x.st);
            }
            break;
          case RecordType.FloatHistogramSamples:
          case RecordType.CustomBucketsFloatHistogramSamples:
          case RecordType.FloatHistogramSamplesV2:
            fhs.length = 0;
            dec.floatHistogramSamples(rec, fhs);
            for (const x of fhs) {
              const s = seriesOf(x.ref);
              if (s !== undefined) insert(s, x.t, 0, x.stale, Kind.FloatHistogram, x.stale ? staleHistogram() : x.fh, x.st);
            }
            break;
          case RecordType.MmapMarkers:
            markers.length = 0;
            dec.mmapMarkers(rec, markers);
            for (const m of markers) {
              if (m.mmapRef > o.lastMmapRef) continue; // not on disk: its samples were not written out
              const s = seriesOf(m.ref);
              if (s?.ooo !== null && s?.ooo !== undefined) s.ooo.head = null;
            }
            break;
          default:
            break;
        }
      } catch (e) {
        if (!(e instanceof RecordDecodeError)) throw e;
        err = new CorruptionError(r.dir(), r.segment(), r.recordOffset(), `decode record: ${e.message}`, { cause: e });
        break;
      }
    }
    err ??= r.err();
  } finally {
    await r.close();
  }
  if (seg >= 0) logger.info('WBL segment loaded', { segment: seg });
  if (unknown > 0) logger.warn('Unknown series references for ooo WAL replay', { samples: unknown });
  if (err !== null) {
    logger.warn('Encountered WBL read error, attempting repair', { err: err.message });
    await repair(o.wblDir, err, logger);
    logger.info('Successfully repaired WBL');
    res.wblRepaired = true;
  }
}
