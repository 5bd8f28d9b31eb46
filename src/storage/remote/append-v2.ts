/**
 * Appending a decoded 2.0 request, with partial writes as the 2.0 spec and Prometheus allow:
 * a series with bad references, bad labels or no data, and each rejected sample, histogram
 * or out-of-order exemplar, is a "bad request" problem that skips only itself; the caller
 * commits the rest and answers 400 with every problem, one per line, and the counts of what
 * was written. A storage failure of any other kind aborts (rolled back, 500).
 */
import type { Logger } from '../../util/log.js';
import { AppendError, type SeriesRef } from '../interface.js';
import type { Metadata, MetricType, Millis } from '../../model/index.js';
import { BadSampleError, type GuardedAppender } from './append-guard.js';
import type { V2Request } from './decoded.js';
import { V2SeriesCache, type CachedSeries } from './series-cache.js';
import { checkPairs, exemplarLabels, sortPairs } from './series-labels.js';
import { formatLabelPairs } from './strings.js';

/** Protobuf `Metadata.MetricType` values, in enum order. */
const METRIC_TYPES: readonly MetricType[] = ['unknown', 'counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset'];

export interface V2Options {
  /** Append a zero sample at each non-zero start timestamp (`created-timestamp-zero-ingestion`). */
  ingestStartZero: boolean;
  /** Store per-series metadata (`metadata-wal-records`). */
  appendMetadata: boolean;
  /** Metadata type and unit replace `__type__`/`__unit__` labels (`type-and-unit-labels`). */
  typeAndUnitLabels: boolean;
}

export interface V2Outcome {
  samples: number;
  histograms: number;
  exemplars: number;
  /** Bad-request problems, in order; the request is answered 400 when there is any. */
  problems: string[];
  /** A storage failure: everything is rolled back and answered 500. */
  fatal: Error | null;
  /** Samples and histograms of series whose labels were rejected. */
  invalidLabelSamples: number;
}

/** Go's `%v` of a `[]uint32`. */
function refList(refs: Float64Array, s: number, e: number): string {
  let out = '[';
  for (let i = s; i < e; i++) out += (i > s ? ' ' : '') + String(refs[i]!);
  return out + ']';
}

/** Set by `resolveRefs`: whether every resolved string was valid UTF-8. */
let resolvedUTF8 = true;

/** Resolves name/value reference pairs into `out`; returns the error text, or null (see `resolvedUTF8`). */
function resolveRefs(refs: Float64Array, s: number, e: number, req: V2Request, out: string[]): string | null {
  resolvedUTF8 = true;
  if ((e - s) % 2 !== 0) return `invalid labelRefs length ${e - s}`;
  const syms = req.symbols, ok = req.symOK.a;
  for (let i = s; i < e; i += 2) {
    const nr = refs[i]!, vr = refs[i + 1]!;
    if (nr >= syms.length || vr >= syms.length) return `labelRefs ${nr} (name) = ${vr} (value) outside of symbols table (size ${syms.length})`;
    out.push(syms[nr]!, syms[vr]!);
    if (ok[nr] === 0 || ok[vr] === 0) resolvedUTF8 = false;
  }
  return null;
}

/** `__type__`/`__unit__` from metadata replace the received ones (pairs stay unsorted; the caller sorts). */
function withTypeAndUnit(pairs: string[], type: MetricType, unit: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    if (pairs[i] === '__type__' || pairs[i] === '__unit__') continue;
    out.push(pairs[i]!, pairs[i + 1]!);
  }
  if (type !== 'unknown') out.push('__type__', type);
  if (unit !== '') out.push('__unit__', unit);
  return out;
}

export function appendV2(g: GuardedAppender, req: V2Request, o: V2Options, cache: V2SeriesCache | null, log: Logger): V2Outcome {
  const res: V2Outcome = { samples: 0, histograms: 0, exemplars: 0, problems: [], fatal: null, invalidLabelSamples: 0 };
  const refs = req.refs.a, syms = req.symbols;
  let oooExemplars = 0;
  for (let i = 0; i < req.n; i++) {
    const ls = req.labStart.a[i]!, le = ls + req.labLen.a[i]!;
    const nSamples = req.smpLen.a[i]!, nHists = req.histLen.a[i]!;
    // A series seen before with the same label strings skips resolving, sorting and checking
    // (not with type-and-unit labels, where metadata changes the labels).
    const hash = cache !== null && !o.typeAndUnitLabels ? V2SeriesCache.hash(refs, ls, le, syms) : -1;
    const known = hash >= 0 ? cache!.get(hash, refs, ls, le, syms) : undefined;
    let pairs: string[] = [];
    const lerr = known !== undefined ? null : resolveRefs(refs, ls, le, req, pairs);
    const utf8 = resolvedUTF8;
    if (lerr !== null) {
      res.problems.push(`parsing labels for series ${refList(refs, ls, le)}: ${lerr}`);
      res.invalidLabelSamples += nSamples + nHists;
      continue;
    }
    const unitRef = req.unitRef.a[i]!, helpRef = req.helpRef.a[i]!;
    if (unitRef >= syms.length) {
      res.problems.push(`parsing metadata for series ${refList(refs, ls, le)}: metadata unit_ref ${unitRef} outside of symbols table (size ${syms.length})`);
      continue;
    }
    if (helpRef >= syms.length) {
      res.problems.push(`parsing metadata for series ${refList(refs, ls, le)}: metadata help_ref ${helpRef} outside of symbols table (size ${syms.length})`);
      continue;
    }
    const mtype = METRIC_TYPES[req.metaType.a[i]!] ?? 'unknown', unit = syms[unitRef]!;
    let entry: CachedSeries | undefined = known;
    if (entry === undefined) {
      if (o.typeAndUnitLabels && (mtype !== 'unknown' || unit !== '')) pairs = withTypeAndUnit(pairs, mtype, unit);
      const received = hash >= 0 ? pairs.slice() : null;
      sortPairs(pairs);
      const chk = checkPairs(pairs, utf8);
      if (chk.kind !== 'ok') {
        const shown = formatLabelPairs(pairs, 0, pairs.length);
        res.problems.push(chk.kind === 'invalid'
          ? `invalid metric name or labels, got ${shown}`
          : `invalid labels for series, labels ${shown}, duplicated label ${chk.name}`);
        res.invalidLabelSamples += nSamples + nHists;
        continue;
      }
      entry = received !== null ? cache!.add(hash, received, chk.labels) : { labels: chk.labels, ref: 0 };
    }
    const labels = entry.labels;
    if (nSamples === 0 && nHists === 0) {
      res.problems.push(`TimeSeries must contain at least one sample or histogram for series ${labels.toString()}`);
      continue;
    }

    let ref: SeriesRef = entry.ref;
    try {
      const ss = req.smpStart.a[i]!;
      for (let k = ss; k < ss + nSamples; k++) {
        const t = req.t.a[k]!;
        if (o.ingestStartZero) ref = g.startZero(ref, labels, req.st.a[k]!, t, null);
        try {
          ref = g.sample(ref, labels, t, req.v.a[k]!, req.stale.a[k] === 1);
          res.samples++;
        } catch (e) {
          if (!(e instanceof BadSampleError)) throw e;
          log.error('Out of order sample from remote write', { err: e.message, series: labels.toString(), timestamp: t });
          res.problems.push(`${e.message} for series ${labels.toString()}`);
        }
      }
      const hs = req.histStart.a[i]!;
      for (let k = hs; k < hs + nHists; k++) {
        const dh = req.hists[k]!;
        if (o.ingestStartZero) ref = g.startZero(ref, labels, dh.st, dh.t, dh);
        try {
          ref = g.histogram(ref, labels, dh);
          res.histograms++;
        } catch (e) {
          if (!(e instanceof BadSampleError)) throw e;
          log.error('Invalid or out of order histogram from remote write', { err: e.message, series: labels.toString(), timestamp: dh.t });
          res.problems.push(`${e.message} for series ${labels.toString()}`);
        }
      }
    } catch (e) {
      return { ...res, samples: 0, histograms: 0, exemplars: 0, fatal: e as Error };
    }

    entry.ref = ref;

    const xs = req.exStart.a[i]!, xe = xs + req.exLen.a[i]!;
    for (let k = xs; k < xe; k++) {
      const als = req.exLabStart.a[k]!;
      const exPairs: string[] = [];
      const eerr = resolveRefs(req.exRefs.a, als, als + req.exLabLen.a[k]!, req, exPairs);
      if (eerr !== null) {
        res.problems.push(`parsing exemplar for series ${labels.toString()}: ${eerr}`);
        continue;
      }
      const r = g.exemplar(ref, labels, { labels: exemplarLabels(exPairs), value: req.exV.a[k]!, ts: req.exT.a[k]! as Millis });
      ref = r.ref;
      if (r.err === null) {
        res.exemplars++;
      } else if (r.err instanceof AppendError && r.err.kind === 'exemplar_out_of_order') {
        oooExemplars++;
        res.problems.push(`${r.err.message} for series ${labels.toString()}`);
      } else {
        log.error('failed to ingest exemplar, emitting error log, but no error for PRW caller', { err: r.err.message, series: labels.toString() });
      }
    }

    if (o.appendMetadata) {
      try {
        const meta: Metadata = { type: mtype, help: syms[helpRef]!, unit };
        g.app.updateMetadata(ref, labels, meta);
      } catch (e) {
        log.debug('error while updating metadata from remote write', { err: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  if (oooExemplars > 0) log.warn('Error on ingesting out-of-order exemplars', { num_dropped: oooExemplars });
  return res;
}
