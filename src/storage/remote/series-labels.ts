/**
 * Series labels as the receiver takes them: received pairs are sorted by name (senders
 * should sort, Prometheus sorts anyway), then checked as Prometheus checks them — a metric
 * name is required, names must be non-empty valid UTF-8, values valid UTF-8, the metric name
 * non-empty, names unique — and labels with empty values are dropped before storage (an
 * empty value means "absent").
 */
import { Labels, METRIC_NAME } from '../../model/index.js';

export type LabelCheck =
  | { kind: 'ok'; labels: Labels }
  /** No `__name__`, an empty or non-UTF-8 name, a non-UTF-8 value, or an empty metric name. */
  | { kind: 'invalid' }
  | { kind: 'duplicate'; name: string };

/** Sorts a flat `[n0, v0, n1, v1, ...]` array by name in place (pairs with equal names keep their order). */
export function sortPairs(a: string[]): void {
  const n = a.length;
  let sorted = true;
  for (let i = 2; i < n; i += 2) {
    if (a[i - 2]! > a[i]!) { sorted = false; break; }
  }
  if (sorted) return;
  // Insertion sort: label sets are small and usually nearly sorted.
  for (let i = 2; i < n; i += 2) {
    const name = a[i]!, value = a[i + 1]!;
    let j = i - 2;
    while (j >= 0 && a[j]! > name) {
      a[j + 2] = a[j]!;
      a[j + 3] = a[j + 1]!;
      j -= 2;
    }
    a[j + 2] = name;
    a[j + 3] = value;
  }
}

/**
 * Checks sorted pairs (see `sortPairs`). `utf8OK` says whether every string was valid UTF-8
 * when decoded. On success the array becomes the result's storage (empty values removed).
 */
export function checkPairs(a: string[], utf8OK: boolean): LabelCheck {
  const n = a.length;
  let hasName = false;
  for (let i = 0; i < n; i += 2) {
    const name = a[i]!;
    if (name === '') return { kind: 'invalid' };
    if (name === METRIC_NAME) {
      hasName = true;
      if (a[i + 1] === '') return { kind: 'invalid' };
    }
  }
  if (!hasName || !utf8OK) return { kind: 'invalid' };
  for (let i = 2; i < n; i += 2) {
    if (a[i] === a[i - 2]) return { kind: 'duplicate', name: a[i]! };
  }
  let empty = false;
  for (let i = 1; i < n; i += 2) {
    if (a[i] === '') { empty = true; break; }
  }
  if (empty) {
    let w = 0;
    for (let i = 0; i < n; i += 2) {
      if (a[i + 1] === '') continue;
      a[w++] = a[i]!;
      a[w++] = a[i + 1]!;
    }
    a.length = w;
  }
  return { kind: 'ok', labels: Labels.fromSortedArray(a) };
}

/** Exemplar labels: sorted, empty values dropped, duplicates resolved (last wins). No validation, as Prometheus. */
export function exemplarLabels(a: string[]): Labels {
  let w = 0;
  for (let i = 0; i < a.length; i += 2) {
    if (a[i + 1] === '') continue;
    a[w++] = a[i]!;
    a[w++] = a[i + 1]!;
  }
  a.length = w;
  return Labels.fromUnsortedArray(a);
}
