import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atModifierVariants, usesQueryContextFunctions } from './at-modifier.js';

test('@ variants: every selector and subquery outside a subquery gets @ <eval time>', () => {
  const cases: [string, number, string | null][] = [
    ['foo', 10_000, 'foo @ 10.000'],
    ['rate(foo[5m])', 10_000, 'rate(foo[5m] @ 10.000)'],
    ['foo @ 5 + bar offset 1m', 10_000, 'foo @ 5.000 + bar @ 10.000 offset 1m'],
    ['sum_over_time(rate(foo[1m])[5m:1m])', 10_000, 'sum_over_time(rate(foo[1m])[5m:1m] @ 10.000)'],
    ['max_over_time(foo[5m:1m] @ 100)', 10_000, 'max_over_time(foo[5m:1m] @ 100.000)'],
    ['foo @ start()', 10_000, 'foo @ 10.000'],
    ['sum by (a) (foo{a="b"})', 1_500, 'sum by (a) (foo{a="b"} @ 1.500)'],
    ['1 + 2', 10_000, '1 + 2'],
    // Calls inside a subquery carrying @ are not inspected, as in the reference runner.
    ['sum_over_time(vector(time())[5m:1m])', 10_000, 'sum_over_time(vector(time())[5m:1m] @ 10.000)'],
    ['time()', 10_000, null],
    ['timestamp(foo)', 10_000, null],
    ['predict_linear(foo[5m], 60)', 10_000, null],
    ['hour(foo)', 10_000, null],
  ];
  for (const [expr, t, want] of cases) assert.equal(atModifierVariants(expr, t)?.expr ?? null, want, expr);
});

test('@ variants run at -10T, 0, T/5, T and 10T, or around 0', () => {
  assert.deepEqual(atModifierVariants('foo', 600_000)?.times, [-6_000_000, 0, 120_000, 600_000, 6_000_000]);
  assert.deepEqual(atModifierVariants('foo', 7)?.times, [-70, 0, 1, 7, 70]);
  assert.deepEqual(atModifierVariants('foo', 0)?.times, [-1000, 0, 1000]);
});

test('range mode is skipped for start(), end(), range() and step()', () => {
  assert.ok(usesQueryContextFunctions('foo offset step()'));
  assert.ok(usesQueryContextFunctions('foo @ end()'));
  assert.ok(usesQueryContextFunctions('rate(foo[range()])'));
  assert.ok(!usesQueryContextFunctions('rate(foo[5m])'));
  assert.ok(!usesQueryContextFunctions('step (foo)'));
});
