import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JaroWinklerMatcher } from './jaro-winkler.js';

// [term, candidate, min, max]: Prometheus 3.14's expected ranges (util/strutil), both ways round.
const CASES: readonly [string, string, number, number][] = [
  ['prometheus', 'prometheus', 1, 1],
  ['', '', 1, 1],
  ['', 'abc', 0, 0],
  ['abc', '', 0, 0],
  ['abc', 'xyz', 0, 0.01],
  ['mimir', 'mimer', 0.90, 0.92],
  ['martha', 'marhta', 0.96, 0.97],
  ['dwayne', 'duane', 0.83, 0.85],
  ['dixon', 'dicksonx', 0.81, 0.83],
  ['a', 'a', 1, 1],
  ['a', 'b', 0, 0],
  ['prefix_abc', 'prefix_xyz', 0.80, 0.90],
  ['café', 'cafe', 0.88, 0.89],
  ['naïve', 'naive', 0.89, 0.90],
  ['résumé', 'resume', 0.79, 0.81],
  ['café', 'café', 1, 1],
  ['', 'café', 0, 0],
  ['café', '', 0, 0],
  ['café', 'cafè', 0.88, 0.89],
  ['préfixe_abc', 'préfixe_xyz', 0.80, 0.90],
  ['naïve_long', 'naïve', 0.89, 0.91],
  ['äöü', 'éèê', 0, 0.01],
  ['màrthà', 'màrhtà', 0.96, 0.97],
];

test('Jaro-Winkler scores fall in Prometheus\'s ranges and are symmetric', () => {
  for (const [a, b, min, max] of CASES) {
    const s = new JaroWinklerMatcher(a).score(b);
    assert.ok(s >= min && s <= max, `${a} ~ ${b}: ${s} not in [${min}, ${max}]`);
    const r = new JaroWinklerMatcher(b).score(a);
    assert.ok(Math.abs(s - r) < 1e-10, `${a} ~ ${b}: ${s} one way, ${r} the other`);
  }
});

test('Jaro-Winkler: exact values of the textbook pairs', () => {
  // martha/marhta: 6 matches, 2 out of order (counted per side, halved): jaro 0.9444, 3-character prefix: 0.9611.
  const jaro = (6 / 6 + 6 / 6 + (6 - 2 * 0.5) / 6) / 3;
  assert.ok(Math.abs(new JaroWinklerMatcher('martha').score('marhta') - (jaro + 3 * 0.1 * (1 - jaro))) < 1e-15);
  // dixon/dicksonx: 4 matches in a window of 3, no transposition, prefix "di".
  const j2 = (4 / 5 + 4 / 8 + 4 / 4) / 3;
  assert.ok(Math.abs(new JaroWinklerMatcher('dixon').score('dicksonx') - (j2 + 2 * 0.1 * (1 - j2))) < 1e-15);
});

test('Jaro-Winkler: characters above U+FFFF count once, the matcher is reusable', () => {
  const m = new JaroWinklerMatcher('a\u{1f600}b');
  // One character differs out of three, as with a BMP character in its place.
  assert.equal(m.score('a\u{1f601}b'), new JaroWinklerMatcher('axb').score('ayb'));
  assert.equal(m.score('a\u{1f600}b'), 1);
  // Long candidates after short ones (the scratch buffers grow).
  const long = 'x'.repeat(500) + 'a\u{1f600}b';
  assert.ok(m.score(long) >= 0 && m.score(long) < 1);
  assert.equal(m.score('a\u{1f600}b'), 1);
});
