/**
 * Decoded remote-write requests, kept columnar: one row per series with ranges into shared
 * columns of samples (`t`, `v`, start timestamps, stale flags), histograms, exemplars and
 * label strings (1.0) or symbol references (2.0). A request is decoded completely before
 * anything is appended, so that a malformed body stores nothing, as in Prometheus, without
 * building an object per sample.
 *
 * Reuse: a decoder owns one of these and overwrites it on the next request. Histogram objects
 * are fresh per request (the storage may keep them); everything else is only valid until the
 * next decode.
 */
import { F64List, I32List } from '../../util/protobuf-wire.js';
import type { FloatHistogram, Histogram } from '../../model/index.js';
import type { CachedSeries } from './series-cache.js';

/** One histogram sample; exactly one of `h` and `fh` is set. */
export interface DecodedHistogram {
  /** Timestamp, ms. */
  t: number;
  /** Start timestamp, ms; 0 when unset (always 0 in 1.0). */
  st: number;
  /** The sum carried the stale marker's exact bits. */
  stale: boolean;
  h: Histogram | null;
  fh: FloatHistogram | null;
}

/** Metadata of 1.0 (`WriteRequest.metadata`): per metric family, not tied to series. */
export interface FamilyMetadata {
  /** Protobuf enum value: 0 unknown, 1 counter, 2 gauge, 3 histogram, 4 gaugehistogram, 5 summary, 6 info, 7 stateset. */
  type: number;
  familyName: string;
  help: string;
  unit: string;
}

/** The columns both message versions share. `n` series; per series `[start, start + len)` ranges. */
export class SeriesColumns {
  n = 0;
  /** Series labels: ranges into `strs` (1.0, two strings per label) or `refs` (2.0, two refs per label). */
  readonly labStart = new I32List();
  readonly labLen = new I32List();
  readonly smpStart = new I32List();
  readonly smpLen = new I32List();
  readonly histStart = new I32List();
  readonly histLen = new I32List();
  readonly exStart = new I32List();
  readonly exLen = new I32List();

  /** Float samples. `st` is the start timestamp (0 unset); `stale` 1 for the stale marker's exact bits. */
  readonly t = new F64List();
  readonly v = new F64List();
  readonly st = new F64List();
  readonly stale = new I32List();

  hists: DecodedHistogram[] = [];

  /** Exemplars: labels as ranges into `exStrs` (1.0) or `exRefs` (2.0). */
  readonly exLabStart = new I32List();
  readonly exLabLen = new I32List();
  readonly exV = new F64List();
  readonly exT = new F64List();

  protected resetColumns(): void {
    this.n = 0;
    this.labStart.clear();
    this.labLen.clear();
    this.smpStart.clear();
    this.smpLen.clear();
    this.histStart.clear();
    this.histLen.clear();
    this.exStart.clear();
    this.exLen.clear();
    this.t.clear();
    this.v.clear();
    this.st.clear();
    this.stale.clear();
    this.hists = [];
    this.exLabStart.clear();
    this.exLabLen.clear();
    this.exV.clear();
    this.exT.clear();
  }

  /** Counts of what the request carries (for stats and tests). */
  totals(): { series: number; samples: number; histograms: number; exemplars: number } {
    return { series: this.n, samples: this.t.n, histograms: this.hists.length, exemplars: this.exV.n };
  }
}

/** A decoded `prometheus.WriteRequest`. */
export class V1Request extends SeriesColumns {
  /** Label names and values, alternating. */
  strs: string[] = [];
  /** Per series: 1 when every label string was valid UTF-8. */
  readonly utf8OK = new I32List();
  exStrs: string[] = [];
  metadata: FamilyMetadata[] = [];
  /** Per series: the cached labels when the label bytes were known (then no strings were decoded). */
  cached: (CachedSeries | null)[] = [];
  /** Per series not cached: the label bytes as a cache key, or null when they cannot serve as one. */
  keys: (string | null)[] = [];

  reset(): void {
    this.resetColumns();
    this.strs = [];
    this.cached = [];
    this.keys = [];
    this.utf8OK.clear();
    this.exStrs = [];
    this.metadata = [];
  }
}

/** A decoded `io.prometheus.write.v2.Request`. */
export class V2Request extends SeriesColumns {
  symbols: string[] = [];
  /** Per symbol: 1 when valid UTF-8. */
  readonly symOK = new I32List();
  /** Label references (name, value pairs) of all series, and of all exemplars. */
  readonly refs = new F64List();
  readonly exRefs = new F64List();
  /** Per series metadata: the protobuf enum value and the symbol refs (0 = absent). */
  readonly metaType = new I32List();
  readonly helpRef = new F64List();
  readonly unitRef = new F64List();

  reset(): void {
    this.resetColumns();
    this.symbols = [];
    this.symOK.clear();
    this.refs.clear();
    this.exRefs.clear();
    this.metaType.clear();
    this.helpRef.clear();
    this.unitRef.clear();
  }
}
