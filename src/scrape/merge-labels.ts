/**
 * Merging a scraped series' labels with its target's: with `honor_labels` the scraped value
 * wins a conflict; without it the target's value wins and the scraped one moves to
 * `exported_<name>` (or `exported_exported_<name>`, ... when taken), as Prometheus resolves it.
 */
import { LabelsBuilder, type Labels } from '../model/index.js';

const EXPORTED_PREFIX = 'exported_';

/** Returns a builder holding the merged labels, for relabeling to continue on. */
export function mergeTargetLabels(lset: Labels, target: Labels, honor: boolean): LabelsBuilder {
  const lb = new LabelsBuilder(lset);
  if (honor) {
    for (let i = 0; i < target.length; i++) {
      const n = target.nameAt(i);
      if (!lset.has(n)) lb.set(n, target.valueAt(i));
    }
    return lb;
  }
  let conflicts: [string, string][] | null = null;
  for (let i = 0; i < target.length; i++) {
    const n = target.nameAt(i);
    const existing = lset.get(n);
    if (existing !== '') (conflicts ??= []).push([n, existing]);
    lb.set(n, target.valueAt(i));
  }
  if (conflicts !== null) {
    // Shorter names first (a stable sort), so that `a` claims `exported_a` before `exported_a` would.
    conflicts.sort((x, y) => x[0].length - y[0].length);
    for (const [n, v] of conflicts) {
      let name = n;
      for (;;) {
        name = EXPORTED_PREFIX + name;
        if (lb.get(name) === '') {
          lb.set(name, v);
          break;
        }
      }
    }
  }
  return lb;
}
