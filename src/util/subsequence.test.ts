import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SubsequenceMatcher } from './subsequence.js';

// [name, pattern, text, expected score]: Prometheus 3.14's cases (util/strutil), 0 for no match.
const CASES: readonly [string, string, string, number][] = [
  ['empty pattern', '', 'anything', 1],
  ['empty text', 'abc', '', 0],
  ['exact match', 'my awesome text', 'my awesome text', 1],
  ['prefix match', 'my', 'my awesome text', 107 / 120 * 0.999],
  ['substring match', 'tex', 'my awesome text', 247 / 270 * 0.999],
  ['fuzzy match picks best starting position', 'met', 'my awesome text', 43 / 90 * 0.999],
  ['prefers later position with better consecutive run', 'bac', 'babac', 43 / 45 * 0.999],
  ['longer prefix match stays below exact match', 'handler1', 'handler10', 1149849 / 1152000],
  ['pattern longer than text', 'abcd', 'abc', 0],
  ['pattern longer in runes than multi-byte text', 'abc', 'éé', 0],
  ['non-ASCII pattern with ASCII text', 'é', 'ab', 0],
  ['no subsequence match', 'xyz', 'abc', 0],
  ['unicode exact match', 'éàü', 'éàü', 1],
  ['unicode prefix match', 'éà', 'éàü', 23 / 24 * 0.999],
  ['unicode no match', 'üé', 'éàü', 0],
  ['unicode first char matches but pattern cannot complete', 'éàx', 'éàü', 0],
  ['unicode fuzzy match with gap between intervals', 'éü', 'éàü', 5 / 12 * 0.999],
  ['mixed ascii and unicode', 'aé', 'aéb', 23 / 24 * 0.999],
  ['unicode chars sharing leading utf-8 byte do not match', 'é', 'ã', 0],
  ['single char exact match', 'a', 'a', 1],
  ['consecutive match with leading gap', 'oa', 'goat', 29 / 32 * 0.999],
  ['repeated chars use greedy match', 'abaa', 'abbaa', 39 / 80 * 0.999],
  ['pro in prometheus', 'pro', 'prometheus', 173 / 180 * 0.999],
  // Characters above U+FFFF are one character each, as Go's runes.
  ['astral prefix', '\u{1f600}a', '\u{1f600}ab', 23 / 24 * 0.999],
];

test('subsequence scores as Prometheus\'s', () => {
  for (const [name, pattern, text, want] of CASES) {
    const got = new SubsequenceMatcher(pattern).score(text);
    if (want === 0) assert.equal(got, 0, name);
    else assert.ok(Math.abs(got - want) < 1e-9, `${name}: ${got}, want ${want}`);
  }
});

test('subsequence score properties', () => {
  const s = (p: string, t: string): number => new SubsequenceMatcher(p).score(t);
  for (const [p, t] of [['abc', 'xaxbxcx'], ['z', 'aaaaaz'], ['ab', 'ba'], ['met', 'my awesome text']] as const) {
    const v = s(p, t);
    assert.ok(v >= 0 && v <= 1 && !Number.isNaN(v), `${p} in ${t}: ${v}`);
  }
  assert.ok(s('abc', 'abcdef') > s('abc', 'defabc'), 'prefix above suffix');
  assert.ok(s('abc', 'xabcx') > s('abc', 'xaxbxcx'), 'consecutive above scattered');
  // One matcher for many texts, short and long.
  const m = new SubsequenceMatcher('http_total');
  assert.equal(m.score('http_requests_total'), s('http_total', 'http_requests_total'));
  assert.equal(m.score('x'.repeat(300)), 0);
  assert.equal(m.score('http_total'), 1);
});
