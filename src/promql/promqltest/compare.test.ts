import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CounterResetHint, Labels, wordsToFloat, type FloatHistogram, type Millis } from '../../model/index.js';
import type { Value } from '../value.js';
import { almostEqual, compareResult, histogramsMatch } from './compare.js';
import { parseHistogramLiteral } from './histogram-literal.js';
import { parseScript } from './parse-script.js';
import type { EvalCmd } from './script.js';

const STALE = wordsToFloat(0x7ff00000, 0x00000002);

test('float equality follows almost.Equal with epsilon 1e-6', () => {
  const cases: [number, number, boolean][] = [
    [1, 1, true],
    [NaN, NaN, true],
    [Infinity, Infinity, true],
    [-Infinity, Infinity, false],
    [Infinity, 1e308, false],
    [1, 1 + 1e-7, true],
    [1, 1 + 1e-5, false],
    [1e6, 1e6 + 0.5, true],
    [1e6, 1e6 + 3, false],
    [0, 1e-300, false],
    [0, -0, true],
    [1e-310, 2e-310, false],
    [NaN, 1, false],
  ];
  for (const [a, b, want] of cases) assert.equal(almostEqual(a, b), want, `${a} vs ${b}`);
  assert.equal(almostEqual(STALE, STALE), true);
  assert.equal(almostEqual(STALE, NaN), false, 'a stale marker only equals a stale marker');
  assert.equal(almostEqual(NaN, NaN, 1e-6, true, false), false, 'explicit staleness flags take precedence');
});

function h(text: string): FloatHistogram {
  return parseHistogramLiteral(text).h;
}

test('histograms compare after compaction, with tolerance, hint only on request', () => {
  const a = h('schema:0 count:3 sum:5 buckets:[1 0 2] offset:1');
  const spread: FloatHistogram = { ...a, positiveSpans: [{ offset: 1, length: 1 }, { offset: 0, length: 0 }, { offset: 1, length: 1 }], positiveBuckets: [1, 2] };
  assert.ok(histogramsMatch(a, spread, false), 'empty buckets and zero-length spans do not matter');
  assert.ok(histogramsMatch(a, { ...a, sum: 5 + 1e-9 }, false));
  assert.ok(!histogramsMatch(a, { ...a, sum: 5.1 }, false));
  assert.ok(!histogramsMatch(a, { ...a, schema: 1 }, false));
  assert.ok(!histogramsMatch(a, { ...a, zeroThreshold: 1e-9 }, false), 'the zero threshold must be identical');
  assert.ok(!histogramsMatch(a, { ...a, positiveSpans: [{ offset: 2, length: 3 }] }, false), 'bucket positions matter');
  const reset = { ...a, counterResetHint: CounterResetHint.CounterReset };
  assert.ok(histogramsMatch(a, reset, false));
  assert.ok(!histogramsMatch(a, reset, true));
  const c1 = h('schema:-53 count:1 sum:1 custom_values:[1 2] buckets:[1]');
  assert.ok(!histogramsMatch(c1, { ...c1, customValues: [1, 3] }, false), 'custom bounds must be identical');
  assert.ok(!histogramsMatch(h('count:1 n_buckets:[1]'), h('count:1 buckets:[1]'), false));
});

function evalOf(script: string): EvalCmd {
  const c = parseScript('c.test', script).commands[0];
  assert.equal(c?.kind, 'eval');
  return c;
}

const L = (o: Record<string, string>): Labels => Labels.fromObject(o);
const vec = (...s: [Record<string, string>, number][]): Value => ({ kind: 'vector', v: s.map(([m, f]) => ({ metric: L(m), t: 0 as Millis, f, h: null })) });
const GRID = { start: 0, end: -Infinity, step: 0 };

test('vector results: set equality, values, order only when ordered', () => {
  const ev = evalOf('eval instant at 0 x\n  x{a="1"} 1\n  x{a="2"} 2\n');
  assert.equal(compareResult(ev, vec([{ __name__: 'x', a: '2' }, 2], [{ __name__: 'x', a: '1' }, 1]), GRID), null);
  assert.match(compareResult(ev, vec([{ __name__: 'x', a: '1' }, 1]), GRID) ?? '', /not found/);
  assert.match(compareResult(ev, vec([{ __name__: 'x', a: '1' }, 1], [{ __name__: 'x', a: '2' }, 2], [{ a: '3' }, 3]), GRID) ?? '', /unexpected metric \{a="3"\}/);
  assert.match(compareResult(ev, vec([{ __name__: 'x', a: '1' }, 1.5], [{ __name__: 'x', a: '2' }, 2]), GRID) ?? '', /expected 1 for .* but got 1.5/);
  assert.match(compareResult(ev, vec([{ a: '1' }, 1], [{ __name__: 'x', a: '2' }, 2]), GRID) ?? '', /unexpected metric/, 'the name is part of the label set');
  assert.match(compareResult(ev, { kind: 'scalar', t: 0 as Millis, f: 1 }, GRID) ?? '', /expected vector or matrix result/);

  const ordered = evalOf('eval instant at 0 x\n  expect ordered\n  x{a="1"} 1\n  x{a="2"} 2\n');
  assert.equal(compareResult(ordered, vec([{ __name__: 'x', a: '1' }, 1], [{ __name__: 'x', a: '2' }, 2]), GRID), null);
  assert.match(compareResult(ordered, vec([{ __name__: 'x', a: '2' }, 2], [{ __name__: 'x', a: '1' }, 1]), GRID) ?? '', /at position 2 but was at 1/);

  const empty = evalOf('eval instant at 0 x\n');
  assert.equal(compareResult(empty, vec(), GRID), null);
  assert.match(compareResult(empty, { kind: 'scalar', t: 0 as Millis, f: 0 }, GRID) ?? '', /expected vector or matrix/);
});

test('histogram vs float mismatches fail', () => {
  const ev = evalOf('eval instant at 0 x\n  x {{count:1 sum:1}}\n');
  const hv: Value = { kind: 'vector', v: [{ metric: L({ __name__: 'x' }), t: 0 as Millis, f: 0, h: h('count:1 sum:1') }] };
  assert.equal(compareResult(ev, hv, GRID), null);
  assert.match(compareResult(ev, vec([{ __name__: 'x' }, 1]), GRID) ?? '', /got float value/);
});

test('scalars and strings', () => {
  assert.equal(compareResult(evalOf('eval instant at 0 1\n  1.0000001\n'), { kind: 'scalar', t: 0 as Millis, f: 1 }, GRID), null);
  assert.match(compareResult(evalOf('eval instant at 0 1\n  2\n'), { kind: 'scalar', t: 0 as Millis, f: 1 }, GRID) ?? '', /expected scalar 2 but got 1/);
  assert.equal(compareResult(evalOf('eval instant at 0 "a"\n  expect string "a"\n'), { kind: 'string', t: 0 as Millis, s: 'a' }, GRID), null);
  assert.match(compareResult(evalOf('eval instant at 0 "a"\n  expect string "b"\n'), { kind: 'string', t: 0 as Millis, s: 'a' }, GRID) ?? '', /expected string/);
});

test('matrix results: sorted, points at start + i*step, blanks skipped', () => {
  const ev = evalOf('eval range from 0 to 2m step 1m x\n  x{a="1"} 1 _ 3\n  x{a="2"} 5x2\n');
  const grid = { start: 0, end: 120_000, step: 60_000 };
  const s1 = { metric: L({ __name__: 'x', a: '1' }), floats: [{ t: 0 as Millis, f: 1 }, { t: 120_000 as Millis, f: 3 }], histograms: [] };
  const s2 = { metric: L({ __name__: 'x', a: '2' }), floats: [0, 60_000, 120_000].map((t) => ({ t: t as Millis, f: 5 })), histograms: [] };
  assert.equal(compareResult(ev, { kind: 'matrix', m: [s1, s2] }, grid), null);
  assert.match(compareResult(ev, { kind: 'matrix', m: [s2, s1] }, grid) ?? '', /not sorted/);
  const shifted = { ...s1, floats: [{ t: 0 as Millis, f: 1 }, { t: 60_000 as Millis, f: 3 }] };
  assert.match(compareResult(ev, { kind: 'matrix', m: [shifted, s2] }, grid) ?? '', /to have timestamp 120000, but it had timestamp 60000/);
  assert.match(compareResult(ev, { kind: 'matrix', m: [s1] }, grid) ?? '', /not found/);
  const tooMany = evalOf('eval range from 0 to 1m step 1m x\n  x 1 2 3\n');
  const s = { metric: L({ __name__: 'x' }), floats: [{ t: 0 as Millis, f: 1 }], histograms: [] };
  assert.match(compareResult(tooMany, { kind: 'matrix', m: [s] }, { start: 0, end: 60_000, step: 60_000 }) ?? '', /cannot return this many points/);
  const ordered = evalOf('eval instant at 0 x\n  expect ordered\n');
  assert.match(compareResult(ordered, { kind: 'matrix', m: [] }, grid) ?? '', /ordered result, but query returned a matrix/);
});
