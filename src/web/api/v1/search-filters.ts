/**
 * The filters of the search API's `search[]` terms, scoring as Prometheus 3.14 does:
 * - `fuzz_alg=subsequence` (the default): a value that starts with the term scores 1;
 *   otherwise the term must be a subsequence of the value, scored by `SubsequenceMatcher`,
 *   and at least `fuzz_threshold`/100 (any positive score with threshold 0).
 * - `fuzz_alg=jarowinkler`: a value containing the term scores by where the term starts
 *   (1 at the start, down to 0.1 at the last possible position, counted in characters);
 *   otherwise, with a `fuzz_threshold` above 0, its Jaro-Winkler similarity to the term if
 *   that reaches the threshold.
 * Several terms: a value matching any of them is a result, with its best score. With
 * `case_sensitive=false` terms and values are compared lower-cased (Go's simple case mapping).
 *
 * The filters compare in the case given: a case-insensitive search lower-cases the terms when
 * it builds the filters and wraps them so that each value is lower-cased once.
 */
import { NOT_ACCEPTED, type Filter } from '../../../storage/index.js';
import { codePointCount, isBMP } from '../../../util/code-points.js';
import { goToLower } from '../../../util/go-case.js';
import { JaroWinklerMatcher } from '../../../util/jaro-winkler.js';
import { SubsequenceMatcher } from '../../../util/subsequence.js';

/** The values of `fuzz_alg`, the default first. */
export const FUZZ_ALGORITHMS = ['subsequence', 'jarowinkler'] as const;
export type FuzzAlgorithm = (typeof FUZZ_ALGORITHMS)[number];

/** Accepts values containing the query; scores by the character position of the first occurrence. */
export class SubstringFilter implements Filter {
  readonly #query: string;
  readonly #queryBMP: boolean;
  readonly #queryChars: number;

  constructor(query: string) {
    this.#query = query;
    this.#queryBMP = isBMP(query);
    this.#queryChars = codePointCount(query);
  }

  accept(value: string): number {
    const q = this.#query;
    if (q === '') return 1;
    const idx = value.indexOf(q);
    if (idx < 0) return NOT_ACCEPTED;
    if (idx === 0) return 1;
    let pos: number, maxPos: number;
    if (this.#queryBMP && isBMP(value)) {
      pos = idx;
      maxPos = value.length - q.length;
    } else {
      pos = codePointCount(value.slice(0, idx));
      maxPos = codePointCount(value) - this.#queryChars;
    }
    if (maxPos <= 0) return 1;
    return 1 - 0.9 * pos / maxPos;
  }
}

/** Accepts values whose Jaro-Winkler similarity to the query reaches the threshold (0 to 1). */
export class FuzzyFilter implements Filter {
  readonly #matcher: JaroWinklerMatcher;
  readonly #threshold: number;

  constructor(query: string, threshold: number) {
    this.#matcher = new JaroWinklerMatcher(query);
    this.#threshold = threshold;
  }

  accept(value: string): number {
    const s = this.#matcher.score(value);
    return s >= this.#threshold ? s : NOT_ACCEPTED;
  }
}

/** Accepts values that start with the query (score 1) or hold it as a subsequence scoring at least the threshold. */
export class SubsequenceFilter implements Filter {
  readonly #query: string;
  readonly #matcher: SubsequenceMatcher;
  readonly #threshold: number;

  constructor(query: string, threshold: number) {
    this.#query = query;
    this.#matcher = new SubsequenceMatcher(query);
    this.#threshold = threshold;
  }

  accept(value: string): number {
    if (value.startsWith(this.#query)) return 1;
    const s = this.#matcher.score(value);
    // 0 is no match, whatever the threshold.
    return s > 0 && s >= this.#threshold ? s : NOT_ACCEPTED;
  }
}

/** The Jaro-Winkler algorithm's per-term filter: the substring filter, else the fuzzy one when there is one. */
class SubstringOrFuzzyFilter implements Filter {
  constructor(private readonly substring: SubstringFilter, private readonly fuzzy: FuzzyFilter | null) {}

  accept(value: string): number {
    const s = this.substring.accept(value);
    if (s !== NOT_ACCEPTED || this.fuzzy === null) return s;
    return this.fuzzy.accept(value);
  }
}

/** Accepts what any of the filters accepts, with the best score; a perfect score ends the search early. */
class AnyFilter implements Filter {
  constructor(private readonly filters: readonly Filter[]) {}

  accept(value: string): number {
    let best = NOT_ACCEPTED;
    for (const f of this.filters) {
      const s = f.accept(value);
      if (s === NOT_ACCEPTED) continue;
      if (s > best) best = s;
      if (best >= 1) return best;
    }
    return best === NOT_ACCEPTED ? NOT_ACCEPTED : Math.max(best, 0);
  }
}

/** Lower-cases each value once before the inner filters, which were built with lower-cased terms. */
class CaseFoldingFilter implements Filter {
  constructor(private readonly inner: Filter) {}

  accept(value: string): number {
    return this.inner.accept(goToLower(value));
  }
}

/** The memo's bounds: entries, and the summed length of the cached values (UTF-16 units). */
export const MEMO_MAX_ENTRIES = 100_000;
export const MEMO_MAX_UNITS = 10 << 20;

/**
 * Remembers the inner filter's answer per value, for searches that see a value several times
 * (once per `match[]` selector). Past either bound it stops remembering but still answers.
 */
export class MemoizingFilter implements Filter {
  readonly #cache = new Map<string, number>();
  #units = 0;

  constructor(private readonly inner: Filter) {}

  get size(): number {
    return this.#cache.size;
  }

  accept(value: string): number {
    const hit = this.#cache.get(value);
    if (hit !== undefined) return hit;
    const s = this.inner.accept(value);
    if (this.#cache.size < MEMO_MAX_ENTRIES && this.#units + value.length <= MEMO_MAX_UNITS) {
      this.#cache.set(value, s);
      this.#units += value.length;
    }
    return s;
  }
}

/**
 * The filter of a search: null when no term is left once empty ones are dropped (every value
 * then matches with score 1). `memoize` asks for a memo where scoring is costly (subsequence,
 * or Jaro-Winkler with a threshold); it pays only when values come more than once, i.e. with
 * several `match[]` selectors (one label lookup gives each value once).
 */
export function buildSearchFilter(searches: readonly string[], fuzzThreshold: number, fuzzAlg: FuzzAlgorithm, caseSensitive: boolean, memoize: boolean): Filter | null {
  const terms: string[] = [];
  for (const s of searches) if (s !== '') terms.push(caseSensitive ? s : goToLower(s));
  if (terms.length === 0) return null;
  const threshold = fuzzThreshold / 100;
  const filters = terms.map((t): Filter => (fuzzAlg === 'subsequence'
    ? new SubsequenceFilter(t, threshold)
    : new SubstringOrFuzzyFilter(new SubstringFilter(t), fuzzThreshold > 0 ? new FuzzyFilter(t, threshold) : null)));
  let f: Filter = filters.length === 1 ? filters[0]! : new AnyFilter(filters);
  if (!caseSensitive) f = new CaseFoldingFilter(f);
  const costly = fuzzAlg === 'subsequence' || fuzzThreshold > 0;
  return memoize && costly ? new MemoizingFilter(f) : f;
}
