/**
 * Appending a decoded 1.0 request, all or nothing, as Prometheus does: series without a
 * metric name, with invalid or duplicate label names are skipped (and counted); the first
 * sample or histogram the storage rejects ends the request, which the caller then rolls back
 * (400 for bad samples, 500 otherwise); exemplar failures never fail the request. Metadata of
 * 1.0 (per metric family, with no series) is not stored, as in Prometheus.
 */
import type { Logger } from '../../util/log.js';
import { AppendError, type SeriesRef } from '../interface.js';
import type { Exemplar, Millis } from '../../model/index.js';
import type { GuardedAppender } from './append-guard.js';
import { BadSampleError } from './append-guard.js';
import type { V1Request } from './decoded.js';
import type { SeriesCache } from './series-cache.js';
import { checkPairs, exemplarLabels, sortPairs } from './series-labels.js';
import { formatLabelPairs } from './strings.js';

export interface V1Outcome {
  /** The error that ends the request (to be rolled back), or null when everything was appended. */
  err: Error | null;
  /** Series skipped for their labels. */
  invalidSeries: number;
  /** Samples and histograms appended (before commit). */
  appended: number;
}

export function appendV1(g: GuardedAppender, req: V1Request, cache: SeriesCache | null, log: Logger): V1Outcome {
  let invalidSeries = 0, appended = 0, oooExemplars = 0;
  const { strs, exStrs } = req;
  for (let i = 0; i < req.n; i++) {
    let entry = req.cached[i]!;
    if (entry === null) {
      const ls = req.labStart.a[i]!, le = ls + req.labLen.a[i]!;
      const pairs = strs.slice(ls, le);
      sortPairs(pairs);
      const chk = checkPairs(pairs, req.utf8OK.a[i] === 1);
      if (chk.kind !== 'ok') {
        invalidSeries++;
        if (chk.kind === 'invalid') log.warn('Invalid metric names or labels', { got: formatLabelPairs(pairs, 0, pairs.length) });
        else log.warn('Invalid labels for series.', { labels: formatLabelPairs(pairs, 0, pairs.length), duplicated_label: chk.name });
        continue;
      }
      entry = { labels: chk.labels, ref: 0 };
      const key = req.keys[i]!;
      if (key !== null && cache !== null) entry = cache.add(key, chk.labels);
    }
    const labels = entry.labels;
    let ref: SeriesRef = entry.ref;
    const ss = req.smpStart.a[i]!, se = ss + req.smpLen.a[i]!;
    try {
      for (let k = ss; k < se; k++) {
        ref = g.sample(ref, labels, req.t.a[k]!, req.v.a[k]!, req.stale.a[k] === 1);
      }
      if (se > ss) entry.ref = ref;
    } catch (e) {
      if (e instanceof BadSampleError) log.error('Out of order sample from remote write', { err: e.message, series: labels.toString() });
      return { err: e as Error, invalidSeries, appended };
    }
    appended += se - ss;

    const xs = req.exStart.a[i]!, xe = xs + req.exLen.a[i]!;
    for (let k = xs; k < xe; k++) {
      const als = req.exLabStart.a[k]!;
      const ex: Exemplar = { labels: exemplarLabels(exStrs.slice(als, als + req.exLabLen.a[k]!)), value: req.exV.a[k]!, ts: req.exT.a[k]! as Millis };
      const r = g.exemplar(0, labels, ex);
      if (r.err !== null) {
        if (r.err instanceof AppendError && r.err.kind === 'exemplar_out_of_order') oooExemplars++;
        else log.debug('Error while adding exemplar in AppendExemplar', { series: labels.toString(), err: r.err.message });
      }
    }

    const hs = req.histStart.a[i]!, he = hs + req.histLen.a[i]!;
    try {
      for (let k = hs; k < he; k++) g.histogram(0, labels, req.hists[k]!);
    } catch (e) {
      if (e instanceof BadSampleError) log.error('Out of order histogram from remote write', { err: e.message, series: labels.toString() });
      return { err: e as Error, invalidSeries, appended };
    }
    appended += he - hs;
  }
  if (oooExemplars > 0) log.warn('Error on ingesting out-of-order exemplars', { num_dropped: oooExemplars });
  return { err: null, invalidSeries, appended };
}
