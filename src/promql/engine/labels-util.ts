/**
 * Label-set helpers of the evaluator: dropping the metric name (with `__type__` and
 * `__unit__`, which Prometheus treats as part of the metric's identity), matching
 * signatures for binary operators, grouping keys for aggregations. Keys are strings that
 * are equal exactly when the selected labels are; they are computed once per series, never
 * per step.
 */
import { Labels, METRIC_NAME } from '../../model/index.js';
import type { Sample, SeriesData } from './types.js';

const SEP = '\xff';
export { TYPE_LABEL, UNIT_LABEL } from '../../model/index.js';

/** The labels without `__name__`, `__type__` and `__unit__` (Prometheus's `DropReserved(IsMetadataLabel)`), computed once per label set. */
export function dropMetadata(l: Labels): Labels {
  return l.withoutMetadata();
}

/** The labels without `__name__` only (what histogram_count and friends drop). */
export function dropMetricNameOnly(l: Labels): Labels {
  return l.withoutMetricName();
}

/**
 * The matching signature of a series: the `on` labels, or all labels but the `ignoring`
 * ones and `__name__`. `names` must be sorted.
 */
export function matchSignature(l: Labels, on: boolean, names: readonly string[]): string {
  let s = '';
  if (on) {
    let j = 0;
    for (let i = 0; i < l.length && j < names.length; i++) {
      const n = l.nameAt(i);
      while (j < names.length && names[j]! < n) j++;
      if (j < names.length && names[j] === n) s += n + SEP + l.valueAt(i) + SEP;
    }
    return s;
  }
  let j = 0;
  for (let i = 0; i < l.length; i++) {
    const n = l.nameAt(i);
    while (j < names.length && names[j]! < n) j++;
    if (n === METRIC_NAME || (j < names.length && names[j] === n)) continue;
    s += n + SEP + l.valueAt(i) + SEP;
  }
  return s;
}

/** Prometheus's `Labels.MatchLabels(on, names...)`: the `on` labels, or all but `names` and `__name__`. */
export function matchLabels(l: Labels, on: boolean, names: readonly string[]): Labels {
  const a: string[] = [];
  for (let i = 0; i < l.length; i++) {
    const n = l.nameAt(i);
    const listed = names.includes(n);
    if (on ? listed : !listed && n !== METRIC_NAME) a.push(n, l.valueAt(i));
  }
  return Labels.fromSortedArray(a);
}

/**
 * The grouping key of an aggregation: the `by` labels' values, or all labels but the
 * `without` ones and `__name__`. `grouping` must be sorted. Keys are only compared with keys
 * of the same aggregation. With one `by` label the key is that label's value itself when it
 * has one: no concatenation, and the string (a label value, hashed as a Map key before) is
 * looked up at once. An absent (or empty) label gets the signature as usual.
 */
export function groupingKey(l: Labels, grouping: readonly string[], without: boolean): string {
  if (!without) {
    if (grouping.length === 0) return '';
    if (grouping.length === 1) {
      const v = l.get(grouping[0]!);
      if (v !== '') return v;
    }
  }
  return matchSignature(l, !without, grouping);
}

/** The labels of an aggregation's output group. */
export function groupingLabels(l: Labels, grouping: readonly string[], without: boolean): Labels {
  if (without) {
    const a: string[] = [];
    for (let i = 0; i < l.length; i++) {
      const n = l.nameAt(i);
      if (n !== METRIC_NAME && !grouping.includes(n)) a.push(n, l.valueAt(i));
    }
    return a.length === 2 * l.length ? l : Labels.fromSortedArray(a);
  }
  if (grouping.length === 0) return Labels.EMPTY;
  const a: string[] = [];
  for (let i = 0; i < l.length; i++) {
    const n = l.nameAt(i);
    if (grouping.includes(n)) a.push(n, l.valueAt(i));
  }
  return Labels.fromSortedArray(a);
}

/** Whether two samples of a vector have equal label sets. */
export function vectorContainsSameLabelset(v: readonly Sample[]): boolean {
  if (v.length <= 1) return false;
  if (v.length === 2) return v[0]!.metric.equals(v[1]!.metric);
  const seen = new Set<string>();
  for (let i = 0; i < v.length; i++) {
    const k = v[i]!.metric.key();
    if (seen.has(k)) return true;
    seen.add(k);
  }
  return false;
}

export function matrixContainsSameLabelset(m: readonly SeriesData[]): boolean {
  if (m.length <= 1) return false;
  if (m.length === 2) return m[0]!.metric.equals(m[1]!.metric);
  const seen = new Set<string>();
  for (let i = 0; i < m.length; i++) {
    const k = m[i]!.metric.key();
    if (seen.has(k)) return true;
    seen.add(k);
  }
  return false;
}

/** A label set with one label set (value '' deletes it), keeping the input when nothing changes. */
export function withLabel(l: Labels, name: string, value: string): Labels {
  const cur = l.get(name);
  if (cur === value) return l;
  const a: string[] = [];
  let placed = value === '';
  for (let i = 0; i < l.length; i++) {
    const n = l.nameAt(i);
    if (n === name) continue;
    if (!placed && n > name) { a.push(name, value); placed = true; }
    a.push(n, l.valueAt(i));
  }
  if (!placed) a.push(name, value);
  return Labels.fromSortedArray(a);
}
