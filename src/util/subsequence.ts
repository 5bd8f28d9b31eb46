/**
 * Subsequence scoring of a fixed pattern against many texts, as Prometheus's search API
 * scores fuzzy matches by default (`fuzz_alg=subsequence`, the scorer of the Prometheus UI's
 * autocomplete): every pattern character must appear in the text in order; consecutive runs
 * are rewarded and gaps penalised.
 *
 * For a match made of runs of sizes s1..sk, the raw score is Σ sᵢ² minus (leading and inner
 * gap lengths) / text length, minus (trailing gap length) / (2 × text length); it is divided
 * by the pattern length squared and scaled by 0.999, so that only the exact match scores 1.
 * Each start position of the first pattern character is tried and the best score kept; from
 * a start, characters are matched greedily (the first occurrence), which can miss the best
 * alignment, as in Prometheus. Characters are code points. 0 means no match.
 */
import { CodePoints, codePointsOf } from './code-points.js';

/** Keeps non-exact matches below 1 even after rounding. */
const NON_EXACT_SCALE = 0.999;

/**
 * Scores texts against one pattern. The pattern is converted once and the text buffer is
 * reused between calls, so a matcher is not for two users at once.
 */
export class SubsequenceMatcher {
  readonly #pattern: string;
  readonly #p: Uint32Array;
  readonly #text = new CodePoints();

  constructor(pattern: string) {
    this.#pattern = pattern;
    this.#p = codePointsOf(pattern);
  }

  /** The score of `text`, in [0, 1]: 1 for the exact match (or an empty pattern), 0 for no match. */
  score(text: string): number {
    if (this.#pattern === '') return 1;
    if (text === '') return 0;
    if (text === this.#pattern) return 1;
    // A subsequence takes at least as many UTF-16 units as the pattern.
    if (this.#pattern.length > text.length) return 0;
    const tl = this.#text.load(text);
    const t = this.#text.codes;
    const p = this.#p;
    const pl = p.length;
    const inv = 1 / tl;
    const first = p[0]!;
    let best = -1;
    for (let start = 0; start <= tl - pl; start++) {
      if (t[start] !== first) continue;
      const s = scoreFrom(p, pl, t, tl, start, inv);
      // When the pattern cannot be completed from here, it cannot from any later start.
      if (s === null) break;
      if (s > best) best = s;
    }
    if (best < 0) return 0;
    return (best / (pl * pl)) * NON_EXACT_SCALE;
  }
}

/** The raw score of the greedy match that starts at `start` (where t[start] === p[0]), or null. */
function scoreFrom(p: Uint32Array, pl: number, t: Uint32Array, tl: number, start: number, inv: number): number | null {
  let pi = 0;
  let i = start;
  let score = 0;
  let prevTo = -1;
  while (i < tl && pi < pl) {
    if (t[i] !== p[pi]) {
      i++;
      continue;
    }
    const from = i;
    let to = i;
    pi++;
    i++;
    while (i < tl && pi < pl && t[i] === p[pi]) {
      to = i;
      pi++;
      i++;
    }
    const gap = prevTo < 0 ? from : from - prevTo - 1;
    if (gap > 0) score -= gap * inv;
    const size = to - from + 1;
    score += size * size;
    prevTo = to;
  }
  if (pi < pl) return null;
  const trailing = tl - 1 - prevTo;
  if (trailing > 0) score -= trailing * inv * 0.5;
  return score;
}
