/**
 * The head of a data directory rebuilt from its WAL (last checkpoint, then the segments
 * after it), with the replay rules of Prometheus 3.x's head:
 *  - a series record whose labels already exist maps its ref onto the existing series;
 *  - samples before `minValidTime` (the end of the last block) are discarded, as are samples
 *    of unknown series and samples not after the series' last one;
 *  - a float stale marker after a histogram becomes a stale histogram of that kind;
 *  - a tombstone over all time deletes the series; other tombstones delete ranges at read time.
 * Replay stops silently at damage, keeping what came before it (Prometheus repairs the WAL
 * there; this read-only replay leaves the files alone). The out-of-order WBL is not read.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CounterResetHint, type FloatHistogram, type Histogram } from '../../model/index.js';
import { ValueType } from '../../storage/interface.js';
import {
  RecordDecoder, RecordType, SampleBatch,
  type RefFloatHistogramSample, type RefHistogramSample, type RefSeries, type Tombstone,
} from '../record/index.js';
import { addInterval, type Interval } from '../tombstones/index.js';
import { openReplay } from '../wal/index.js';
import { HeadSeries } from './head-series.js';

export interface WalHead {
  /** Live series in ref order. */
  series: HeadSeries[];
  /** Deletion intervals by series ref. */
  tombstones: Map<number, Interval[]>;
  /** Oldest and newest replayed sample (ms); MaxInt64/MinInt64 as ±2^63 when empty. */
  minTime: number;
  maxTime: number;
}

const ALL_TIME_MIN = -(2 ** 63);
const ALL_TIME_MAX = 2 ** 63;

function emptyHistogram(): Histogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0, zeroCount: 0, count: 0, sum: NaN,
    positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: [],
  };
}

class Replayer {
  readonly byRef = new Map<number, HeadSeries>();
  readonly byKey = new Map<string, HeadSeries>();
  readonly multiRef = new Map<number, number>();
  readonly tombstones = new Map<number, Interval[]>();
  minTime = ALL_TIME_MAX;
  maxTime = ALL_TIME_MIN;
  readonly #minValid: number;
  readonly #dec = new RecordDecoder();
  readonly #series: RefSeries[] = [];
  readonly #batch = new SampleBatch(1024);
  readonly #hs: RefHistogramSample[] = [];
  readonly #fhs: RefFloatHistogramSample[] = [];
  readonly #stones: Tombstone[] = [];

  constructor(minValidTime: number) {
    this.#minValid = minValidTime;
  }

  #lookup(ref: number): HeadSeries | undefined {
    return this.byRef.get(this.multiRef.get(ref) ?? ref);
  }

  #seen(t: number): void {
    if (t < this.minTime) this.minTime = t;
    if (t > this.maxTime) this.maxTime = t;
  }

  /** Applies one record. Throws RecordDecodeError for a record that does not decode. */
  apply(rec: Uint8Array): void {
    const dec = this.#dec;
    switch (dec.type(rec)) {
      case RecordType.Series: {
        this.#series.length = 0;
        dec.series(rec, this.#series);
        for (const s of this.#series) {
          const key = s.labels.key();
          const existing = this.byKey.get(key);
          if (existing !== undefined) {
            if (existing.ref !== s.ref) this.multiRef.set(s.ref, existing.ref);
            continue;
          }
          const hs = new HeadSeries(s.ref, s.labels);
          this.byRef.set(s.ref, hs);
          this.byKey.set(key, hs);
        }
        return;
      }
      case RecordType.Samples:
      case RecordType.SamplesV2: {
        const b = this.#batch;
        b.reset();
        dec.samples(rec, b);
        for (let i = 0; i < b.length; i++) {
          const t = b.t[i]!;
          if (t < this.#minValid) continue;
          const s = this.#lookup(b.ref[i]!);
          if (s === undefined) continue;
          this.#seen(t);
          const stale = b.stale[i] === 1;
          if (stale && s.lastType === ValueType.Histogram) s.appendHistogram(t, emptyHistogram(), null, true);
          else if (stale && s.lastType === ValueType.FloatHistogram) s.appendHistogram(t, null, emptyHistogram(), true);
          else s.appendFloat(t, b.v[i]!, stale);
        }
        return;
      }
      case RecordType.HistogramSamples:
      case RecordType.CustomBucketsHistogramSamples:
      case RecordType.HistogramSamplesV2:
        this.#hs.length = 0;
        dec.histogramSamples(rec, this.#hs);
        for (const x of this.#hs) this.#histogram(x.ref, x.t, x.h, null, x.stale);
        return;
      case RecordType.FloatHistogramSamples:
      case RecordType.CustomBucketsFloatHistogramSamples:
      case RecordType.FloatHistogramSamplesV2:
        this.#fhs.length = 0;
        dec.floatHistogramSamples(rec, this.#fhs);
        for (const x of this.#fhs) this.#histogram(x.ref, x.t, null, x.fh, x.stale);
        return;
      case RecordType.Tombstones:
        this.#stones.length = 0;
        dec.tombstones(rec, this.#stones);
        for (const st of this.#stones) this.#tombstone(st);
        return;
      default:
        return;
    }
  }

  #histogram(ref: number, t: number, h: Histogram | null, fh: FloatHistogram | null, stale: boolean): void {
    if (t < this.#minValid) return;
    const s = this.#lookup(ref);
    if (s === undefined) return;
    this.#seen(t);
    s.appendHistogram(t, h, fh, stale);
  }

  #tombstone(st: Tombstone): void {
    const ref = this.multiRef.get(st.ref) ?? st.ref;
    if (st.mint <= ALL_TIME_MIN && st.maxt >= ALL_TIME_MAX) {
      const s = this.byRef.get(ref);
      if (s === undefined) return;
      this.byRef.delete(ref);
      if (this.byKey.get(s.labels.key()) === s) this.byKey.delete(s.labels.key());
      return;
    }
    if (st.maxt < this.#minValid || !this.byRef.has(ref)) return;
    this.tombstones.set(ref, addInterval(this.tombstones.get(ref) ?? [], { mint: st.mint, maxt: st.maxt }));
  }
}

/**
 * Replays `<dataDir>/wal`. A missing WAL directory is an empty head. Samples older than
 * `minValidTime` (ms) are dropped.
 */
export async function replayWAL(dataDir: string, minValidTime: number, signal?: AbortSignal): Promise<WalHead> {
  const walDir = join(dataDir, 'wal');
  const r = new Replayer(minValidTime);
  let exists = true;
  try {
    exists = (await stat(walDir)).isDirectory();
  } catch {
    exists = false;
  }
  if (exists) {
    const { reader } = await openReplay(walDir);
    try {
      let n = 0;
      while (reader.nextBuffered() || (await reader.next())) {
        if ((++n & 1023) === 0) signal?.throwIfAborted();
        try {
          r.apply(reader.record());
        } catch {
          break; // A record that does not decode ends the replay, as damage does.
        }
      }
    } finally {
      await reader.close();
    }
  }
  const series = [...r.byRef.values()].sort((a, b) => a.ref - b.ref);
  return { series, tombstones: r.tombstones, minTime: r.minTime, maxTime: r.maxTime };
}
