import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../model/index.js';
import { SeriesByLabels, labelsHash } from './series-by-labels.js';

interface S { labels: Labels; id: number }

/** Two different label sets with the same 31-bit hash (found by search, ~2^16 tries). */
function collidingPair(): [Labels, Labels] {
  const seen = new Map<number, Labels>();
  for (let i = 0; ; i++) {
    const l = Labels.fromStrings('__name__', 'm', 'i', String(i));
    const h = labelsHash(l);
    const o = seen.get(h);
    if (o !== undefined) return [o, l];
    seen.set(h, l);
  }
}

test('series by labels: found by equal labels (not identity), collisions kept apart, delete removes only that series', () => {
  const m = new SeriesByLabels<S>();
  const [a, b] = collidingPair();
  assert.notEqual(a.key(), b.key());
  assert.equal(labelsHash(a), labelsHash(b));
  const sa: S = { labels: a, id: 1 };
  const sb: S = { labels: b, id: 2 };
  m.set(sa);
  assert.equal(m.get(Labels.fromStrings(...a.toArray())), sa, 'an equal, not identical, label set');
  assert.equal(m.get(b), undefined, 'a colliding label set is not taken for another');
  m.set(sb);
  assert.equal(m.size, 2);
  assert.equal(m.get(a), sa);
  assert.equal(m.get(b), sb);
  const sa2: S = { labels: Labels.fromStrings(...a.toArray()), id: 3 };
  m.set(sa2);
  assert.equal(m.size, 2, 'equal labels replace');
  assert.equal(m.get(a), sa2);
  m.delete(sa);
  assert.equal(m.get(a), sa2, 'deleting a replaced series leaves its successor');
  m.delete(sa2);
  assert.equal(m.get(a), undefined);
  assert.equal(m.get(b), sb);
  assert.equal(m.size, 1);
  m.delete(sb);
  assert.equal(m.size, 0);
  assert.equal(m.get(b), undefined);
});

test('series by labels: the hash depends on names, values and where one ends', () => {
  const cases: [string[], string[]][] = [
    [['a', 'bc'], ['ab', 'c']],
    [['a', 'b', 'c', 'd'], ['a', 'bc', 'c', 'd']],
    [['a', ''], ['a', '\xff']],
  ];
  for (const [x, y] of cases) assert.notEqual(labelsHash(Labels.fromStrings(...x)), labelsHash(Labels.fromStrings(...y)), `${x.join(',')} vs ${y.join(',')}`);
});
