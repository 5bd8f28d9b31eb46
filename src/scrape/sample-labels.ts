/**
 * The labels a scraped series is stored with: its own labels merged with the target's (see
 * merge-labels.ts), then `metric_relabel_configs`.
 */
import type { NameValidationScheme, RelabelConfig } from '../config/types.js';
import type { Labels } from '../model/index.js';
import { processBuilder } from '../relabel/index.js';
import { keepShape, Shape } from './live-shapes.js';
import { mergeTargetLabels } from './merge-labels.js';

/** Merges and relabels; null when relabeling drops the series. Called once per new series. */
export function mutateSampleLabels(lset: Labels, target: Labels, honor: boolean, rc: readonly RelabelConfig[], scheme: NameValidationScheme): Labels | null {
  const lb = mergeTargetLabels(lset, target, honor);
  keepShape(Shape.LabelsBuilder, lb);
  if (rc.length > 0 && !processBuilder(lb, rc, scheme)) return null;
  const out = lb.labels();
  return out.isEmpty() ? null : out;
}
