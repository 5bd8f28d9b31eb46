/**
 * Search over label names and values with relevance scores: the storage side of the
 * experimental search API (Prometheus's `Searcher`). A `Filter` decides which strings are
 * results and how well they match; `SearchHints` carry the filter, a limit and the order;
 * `searchLabelNames` / `searchLabelValues` apply them to any `Querier`'s sorted label
 * lookups, and `mergeSearchResults` joins the results of several lookups.
 *
 * Orders, as Prometheus defines them: by value ascending (the index order, the default), by
 * value descending, or by score descending with ties by value ascending. Values compare in
 * Go's string order (UTF-8 bytes). A filter's score depends on the value alone, so the same
 * value scores the same in every list, which is what makes merging by these orders sound.
 */
import type { Matcher } from '../model/index.js';
import { compareUtf8 } from '../util/utf8-order.js';
import type { LabelHints, Querier } from './interface.js';

/** What `Filter.accept` returns for a value that is not a result. */
export const NOT_ACCEPTED = -1;

/**
 * Decides whether a string is a search result: its score in [0, 1] (1 a perfect match), or
 * NOT_ACCEPTED. Must be deterministic. Filters may keep state (scratch buffers, caches) and
 * are then not for two searches at once.
 */
export interface Filter {
  accept(value: string): number;
}

export type Ordering = 'valueAsc' | 'valueDesc' | 'scoreDesc';

export interface SearchHints {
  /** null: every value is a result, scoring 1. */
  filter: Filter | null;
  /** The most results to return; 0 for no limit. */
  limit: number;
  orderBy: Ordering;
}

export interface SearchResult {
  value: string;
  score: number;
}

/** The results of one lookup in the hints' order, with the storage's warnings. */
export interface SearchResults {
  results: SearchResult[];
  warnings: string[];
}

function byValueAsc(a: SearchResult, b: SearchResult): number {
  return compareUtf8(a.value, b.value);
}

function byValueDesc(a: SearchResult, b: SearchResult): number {
  return compareUtf8(b.value, a.value);
}

function byScoreDesc(a: SearchResult, b: SearchResult): number {
  if (a.score !== b.score) return a.score > b.score ? -1 : 1;
  return compareUtf8(a.value, b.value);
}

/** The comparison of an order: negative when `a` comes first. */
export function compareSearchResults(o: Ordering): (a: SearchResult, b: SearchResult) => number {
  switch (o) {
    case 'valueAsc': return byValueAsc;
    case 'valueDesc': return byValueDesc;
    case 'scoreDesc': return byScoreDesc;
    default: return unreachable(o);
  }
}

function unreachable(x: never): never {
  throw new Error(`unexpected ordering ${String(x)}`);
}

/**
 * Filters, orders and limits `values`, which must be distinct and in ascending order (as
 * label lookups return them). Without a filter every value scores 1, and ordering by score
 * is ordering by value.
 */
export function applySearchHints(values: readonly string[], hints: SearchHints): SearchResult[] {
  const { filter, limit, orderBy } = hints;
  if (filter === null) {
    const n = limit > 0 && limit < values.length ? limit : values.length;
    const out: SearchResult[] = new Array<SearchResult>(n);
    if (orderBy === 'valueDesc') {
      for (let i = 0; i < n; i++) out[i] = { value: values[values.length - 1 - i]!, score: 1 };
    } else {
      for (let i = 0; i < n; i++) out[i] = { value: values[i]!, score: 1 };
    }
    return out;
  }
  if (limit > 0 && orderBy === 'scoreDesc') return topKByScore(values, filter, limit);
  const out: SearchResult[] = [];
  if (orderBy === 'valueDesc') {
    // The largest values are at the end: walk backwards and stop at the limit.
    for (let i = values.length - 1; i >= 0 && (limit === 0 || out.length < limit); i--) {
      const score = filter.accept(values[i]!);
      if (score !== NOT_ACCEPTED) out.push({ value: values[i]!, score });
    }
    return out;
  }
  for (let i = 0; i < values.length; i++) {
    const score = filter.accept(values[i]!);
    if (score === NOT_ACCEPTED) continue;
    out.push({ value: values[i]!, score });
    if (orderBy === 'valueAsc' && limit > 0 && out.length >= limit) break;
  }
  if (orderBy === 'scoreDesc') out.sort(byScoreDesc);
  return out;
}

/**
 * The `limit` best accepted values by (score descending, value ascending), kept in a
 * min-heap of the worst kept result, so that the matches need not all be sorted.
 */
function topKByScore(values: readonly string[], filter: Filter, limit: number): SearchResult[] {
  const heap: SearchResult[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    const score = filter.accept(value);
    if (score === NOT_ACCEPTED) continue;
    if (heap.length < limit) {
      heap.push({ value, score });
      siftUp(heap, heap.length - 1);
      continue;
    }
    const worst = heap[0]!;
    if (score < worst.score || (score === worst.score && compareUtf8(value, worst.value) >= 0)) continue;
    heap[0] = { value, score };
    siftDown(heap, 0);
  }
  return heap.sort(byScoreDesc);
}

/** Whether heap entry `a` is worse than `b` (it then sits nearer the root). */
function worse(a: SearchResult, b: SearchResult): boolean {
  return byScoreDesc(a, b) > 0;
}

function siftUp(h: SearchResult[], i: number): void {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!worse(h[i]!, h[parent]!)) return;
    const t = h[i]!;
    h[i] = h[parent]!;
    h[parent] = t;
    i = parent;
  }
}

function siftDown(h: SearchResult[], i: number): void {
  const n = h.length;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= n) return;
    let w = left;
    if (left + 1 < n && worse(h[left + 1]!, h[left]!)) w = left + 1;
    if (!worse(h[w]!, h[i]!)) return;
    const t = h[i]!;
    h[i] = h[w]!;
    h[w] = t;
    i = w;
  }
}

/**
 * Merges result lists that are each in `orderBy`'s order into one, each value once (with
 * the higher score where two lists disagree), cut to `limit` (0: none).
 */
export function mergeSearchResults(lists: readonly (readonly SearchResult[])[], orderBy: Ordering, limit: number): SearchResult[] {
  if (lists.length === 0) return [];
  let merged: readonly SearchResult[] = lists[0]!;
  const cmp = compareSearchResults(orderBy);
  for (let k = 1; k < lists.length; k++) merged = mergeTwo(merged, lists[k]!, cmp, limit);
  return limit > 0 && merged.length > limit ? merged.slice(0, limit) : [...merged];
}

function mergeTwo(a: readonly SearchResult[], b: readonly SearchResult[], cmp: (x: SearchResult, y: SearchResult) => number, limit: number): SearchResult[] {
  const out: SearchResult[] = [];
  let i = 0, j = 0;
  while ((limit === 0 || out.length < limit) && (i < a.length || j < b.length)) {
    if (i >= a.length) { out.push(b[j++]!); continue; }
    if (j >= b.length) { out.push(a[i++]!); continue; }
    const x = a[i]!, y = b[j]!;
    // Equal under a value order: the same value. Equal under the score order: the same value
    // with the same score.
    const c = cmp(x, y);
    if (c < 0) { out.push(x); i++; }
    else if (c > 0) { out.push(y); j++; }
    else { out.push(y.score > x.score ? y : x); i++; j++; }
  }
  return out;
}

/**
 * The label lookup's own limit: only when nothing is filtered out and the index order is
 * the output order can the first `limit` values be all that is needed.
 */
function lookupHints(hints: SearchHints): LabelHints | null {
  return hints.filter === null && hints.orderBy === 'valueAsc' && hints.limit > 0 ? { limit: hints.limit } : null;
}

/** The values in ascending UTF-8 order (a copy only when a querier gave them otherwise). */
function ascending(values: string[]): string[] {
  for (let i = 1; i < values.length; i++) {
    if (compareUtf8(values[i - 1]!, values[i]!) >= 0) return [...new Set(values)].sort(compareUtf8);
  }
  return values;
}

/** Label names of the series matching `matchers` (all series when empty), searched. */
export async function searchLabelNames(q: Querier, hints: SearchHints, matchers: readonly Matcher[]): Promise<SearchResults> {
  const r = await q.labelNames(lookupHints(hints), matchers);
  return { results: applySearchHints(ascending(r.value), hints), warnings: r.warnings };
}

/** Values of label `name` over the series matching `matchers` (all series when empty), searched. */
export async function searchLabelValues(q: Querier, name: string, hints: SearchHints, matchers: readonly Matcher[]): Promise<SearchResults> {
  const r = await q.labelValues(name, lookupHints(hints), matchers);
  return { results: applySearchHints(ascending(r.value), hints), warnings: r.warnings };
}
