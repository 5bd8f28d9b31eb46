/**
 * Unary minus on a vector: values negated, the metric name dropped (at once, or flagged for
 * the end under delayed name removal), series that then collide merged.
 */
import { copyHistogram, mulInPlace } from '../functions/histogram-ops.js';
import type { Evaluator } from './evaluator.js';
import { dropMetadata } from './labels-util.js';
import { mergeSeriesWithSameLabelset } from './merge.js';
import type { SeriesData } from './types.js';

export function negateMatrix(ev: Evaluator, mat: SeriesData[]): SeriesData[] {
  const delayed = ev.opts.delayedNameRemoval;
  for (const s of mat) {
    if (!delayed) s.metric = dropMetadata(s.metric);
    s.dropName = true;
    const fv = s.fV;
    for (let i = 0; i < fv.length; i++) fv[i] = -fv[i]!;
    const hv = s.hV;
    for (let i = 0; i < hv.length; i++) hv[i] = mulInPlace(copyHistogram(hv[i]!), -1);
  }
  return delayed ? mat : mergeSeriesWithSameLabelset(mat);
}
