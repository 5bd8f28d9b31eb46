/**
 * Resolves label matchers to the sorted refs of the series they select, the way
 * Prometheus's `PostingsForMatchers` does: matchers that require a label intersect;
 * matchers that also accept an absent label (`!=`, `!~`, `=""`, regexes matching "")
 * subtract from that intersection, or from all postings when nothing intersects. Regexes
 * are evaluated once per distinct label value, never per series; literal alternations
 * (`a|b|c`) become direct lookups.
 */
import { Matcher } from '../../model/index.js';
import {
  EMPTY_POSTINGS, intersectPostings, isEmptyPostings, withoutPostings, type Postings,
} from './postings.js';
import { ALL_POSTINGS_KEY } from './format.js';

/** What matching needs from an index (a block's index reader, later the head's). */
export interface PostingsIndex {
  /** Series with `name` equal to any of `values`, ascending. */
  postings(name: string, ...values: string[]): Promise<Postings>;
  /** Series whose `name` value is accepted by `match` (called once per distinct value). */
  postingsForLabelMatching(name: string, match: (value: string) => boolean): Promise<Postings>;
  /** Series that have label `name`. */
  postingsForAllLabelValues(name: string): Promise<Postings>;
}

/** The series selected by all matchers together. The matchers are not modified. */
export async function postingsForMatchers(ix: PostingsIndex, matchers: readonly Matcher[], signal?: AbortSignal): Promise<Postings> {
  if (matchers.length === 1 && matchers[0]!.name === '' && matchers[0]!.value === '') {
    return ix.postings(ALL_POSTINGS_KEY.name, ALL_POSTINGS_KEY.value);
  }
  // Labels some matcher requires to be present (it rejects the empty value).
  const mustBeSet = new Set<string>();
  for (const m of matchers) if (!m.matches('')) mustBeSet.add(m.name);
  const isSubtracting = (m: Matcher): boolean =>
    !mustBeSet.has(m.name) || ((m.type === '!=' || m.type === '!~') && m.matches(''));

  const its: Postings[] = [];
  const notIts: Postings[] = [];
  let hasIntersecting = false;
  for (const m of matchers) if (!isSubtracting(m)) hasIntersecting = true;
  if (!hasIntersecting) its.push(await ix.postings(ALL_POSTINGS_KEY.name, ALL_POSTINGS_KEY.value));

  // Intersecting matchers first: the base of the subtraction is then as small as it gets.
  const ordered = [...matchers.filter((m) => !isSubtracting(m)), ...matchers.filter(isSubtracting)];
  for (const m of ordered) {
    signal?.throwIfAborted();
    if (m.name === '' && m.value === '') throw new Error('unexpected all postings');
    if (m.type === '=~' && m.value === '.*') continue;
    if (m.type === '!~' && m.value === '.*') return EMPTY_POSTINGS;
    if (m.type === '=~' && m.value === '.+') {
      const it = await ix.postingsForAllLabelValues(m.name);
      if (isEmptyPostings(it)) return EMPTY_POSTINGS;
      its.push(it);
      continue;
    }
    if (m.type === '!~' && m.value === '.+') {
      notIts.push(await ix.postingsForAllLabelValues(m.name));
      continue;
    }
    if (mustBeSet.has(m.name)) {
      const matchesEmpty = m.matches('');
      const isNot = m.type === '!=' || m.type === '!~';
      if (isNot && matchesEmpty) {
        // l!="foo": the label is set elsewhere; drop the series that have the value.
        notIts.push(await postingsForMatcher(ix, inverse(m)));
      } else if (isNot) {
        // l!="" or l!~"a|": series with the label set to a value the inverse rejects.
        const it = await inversePostingsForMatcher(ix, inverse(m));
        if (isEmptyPostings(it)) return EMPTY_POSTINGS;
        its.push(it);
      } else {
        const it = await postingsForMatcher(ix, m);
        if (isEmptyPostings(it)) return EMPTY_POSTINGS;
        its.push(it);
      }
    } else {
      // l="" or l=~"|a": selects series without the label too, so subtract the rest.
      notIts.push(await inversePostingsForMatcher(ix, m));
    }
  }
  let it = intersectPostings(...its);
  for (const n of notIts) it = withoutPostings(it, n);
  return it;
}

function inverse(m: Matcher): Matcher {
  switch (m.type) {
    case '=': return new Matcher('!=', m.name, m.value);
    case '!=': return new Matcher('=', m.name, m.value);
    case '=~': return new Matcher('!~', m.name, m.value);
    case '!~': return new Matcher('=~', m.name, m.value);
  }
}

/** Series with the label set to a value the matcher accepts (never series lacking it). */
async function postingsForMatcher(ix: PostingsIndex, m: Matcher): Promise<Postings> {
  if (m.type === '=') return ix.postings(m.name, m.value);
  if (m.type === '=~') {
    const set = literalSetMatches(m.value);
    if (set !== null) return ix.postings(m.name, ...set);
  }
  return ix.postingsForLabelMatching(m.name, (v) => m.matches(v));
}

/** Series with the label set to a value the matcher rejects. */
async function inversePostingsForMatcher(ix: PostingsIndex, m: Matcher): Promise<Postings> {
  if (m.type === '!~') {
    const set = literalSetMatches(m.value);
    if (set !== null) return ix.postings(m.name, ...set);
  }
  if (m.type === '!=') return ix.postings(m.name, m.value);
  if (m.value === '' && (m.type === '=~' || m.type === '=')) return ix.postingsForAllLabelValues(m.name);
  return ix.postingsForLabelMatching(m.name, (v) => !m.matches(v));
}

const META = new Set(['.', '+', '*', '?', '(', ')', '[', ']', '{', '}', '^', '$', '|', '\\']);
const MAX_SET_MATCHES = 256;

/**
 * The exact strings a regex accepts when it is a plain alternation of literals
 * (`a|b\.c`, optionally in one group), else null. Anything else (classes, repetition,
 * flags) takes the per-value path.
 */
export function literalSetMatches(re: string): string[] | null {
  let p = re;
  if (p.startsWith('(?:') && p.endsWith(')')) p = p.slice(3, -1);
  else if (p.startsWith('(') && p.endsWith(')') && !p.startsWith('(?')) p = p.slice(1, -1);
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      const n = p[i + 1];
      if (n === undefined || !META.has(n)) return null;
      cur += n;
      i++;
    } else if (c === '|') {
      out.push(cur);
      cur = '';
    } else if (META.has(c)) {
      return null;
    } else {
      cur += c;
    }
  }
  out.push(cur);
  if (out.length > MAX_SET_MATCHES) return null;
  return out;
}
