/**
 * Jaro-Winkler similarity of a fixed term against many candidates, as Prometheus's search
 * API scores fuzzy matches (`fuzz_alg=jarowinkler`): characters are code points, the shorter
 * string is matched against the longer one within the Jaro window, and a common prefix of up
 * to four characters lifts the score by the standard Winkler factor 0.1. Scores are in
 * [0, 1], 1 for identical strings and 0 when either one is empty.
 */
import { CodePoints, codePointsOf } from './code-points.js';

/** The Winkler prefix scale: the standard value, not configurable in Prometheus either. */
const PREFIX_SCALE = 0.1;
/** The longest common prefix the Winkler boost counts. */
const MAX_PREFIX = 4;

/**
 * Scores candidates against one term. The term is converted once; the candidate buffer and
 * the match flags are reused between calls, so a matcher is not for two users at once.
 */
export class JaroWinklerMatcher {
  readonly #term: string;
  readonly #termCodes: Uint32Array;
  readonly #candidate = new CodePoints();
  #flags1 = new Uint8Array(64);
  #flags2 = new Uint8Array(64);

  constructor(term: string) {
    this.#term = term;
    this.#termCodes = codePointsOf(term);
  }

  /** The similarity of the term and `s`, in [0, 1]. */
  score(s: string): number {
    if (s === this.#term) return 1;
    if (this.#term === '' || s === '') return 0;
    const n = this.#candidate.load(s);
    const t = this.#termCodes;
    // The shorter string goes first; on equal lengths the term does.
    return t.length > n
      ? this.#jaroWinkler(this.#candidate.codes, n, t, t.length)
      : this.#jaroWinkler(t, t.length, this.#candidate.codes, n);
  }

  #jaroWinkler(a: Uint32Array, la: number, b: Uint32Array, lb: number): number {
    if (this.#flags1.length < la) this.#flags1 = new Uint8Array(la * 2);
    if (this.#flags2.length < lb) this.#flags2 = new Uint8Array(lb * 2);
    const fa = this.#flags1;
    const fb = this.#flags2;
    fa.fill(0, 0, la);
    fb.fill(0, 0, lb);
    // Characters count as matching when equal and at most this far apart.
    const window = Math.max(Math.floor(lb / 2) - 1, 0);
    let matches = 0;
    for (let i = 0; i < la; i++) {
      const from = Math.max(i - window, 0);
      const to = Math.min(i + window + 1, lb);
      const c = a[i]!;
      for (let j = from; j < to; j++) {
        if (fb[j] !== 0 || b[j] !== c) continue;
        fa[i] = 1;
        fb[j] = 1;
        matches++;
        break;
      }
    }
    if (matches === 0) return 0;
    // Matched characters that appear in a different order, counted per side.
    let transpositions = 0;
    let k = 0;
    for (let i = 0; i < la; i++) {
      if (fa[i] === 0) continue;
      while (fb[k] === 0) k++;
      if (a[i] !== b[k]) transpositions++;
      k++;
    }
    // The same operations in the same order as Prometheus, so that scores agree to the bit.
    const jaro = (matches * (1 / la) + matches * (1 / lb) + (matches - transpositions * 0.5) / matches) / 3;
    const maxPrefix = Math.min(MAX_PREFIX, la, lb);
    let prefix = 0;
    while (prefix < maxPrefix && a[prefix] === b[prefix]) prefix++;
    return jaro + prefix * PREFIX_SCALE * (1 - jaro);
  }
}
