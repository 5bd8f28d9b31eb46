import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { goSort, heapFix, heapPush, natsortLess, type Less } from './go-sort.js';
import { quantile } from './quantile.js';
import { kahanC, kahanInc } from './kahan.js';
import { goCosh, goExp, goMax, goMin, goPow, goSinh } from './go-math.js';
import { FUNCTIONS } from '../parser/index.js';
import { FUNCTION_IMPLS } from './index.js';

describe('natural order (facette/natsort)', () => {
  const cases: [string, string, boolean][] = [
    ['a2', 'a10', true], ['a10', 'a2', false], ['a', 'a1', true], ['a1', 'a', false], ['', 'x', false], ['x', '', false],
    ['1.10', '1.9', false], ['abc', 'abd', true], ['007', '7', true], ['7', '007', true], ['b', 'a', false],
  ];
  for (const [a, b, want] of cases) it(`${a} < ${b}`, () => { assert.equal(natsortLess(a, b), want); });
});

describe('Go orderings', () => {
  it('sorts short inputs with Go\'s insertion sort (stable for ties, NaN handling of sort())', () => {
    const v = [{ f: 2, k: 'a' }, { f: NaN, k: 'b' }, { f: 1, k: 'c' }, { f: 2, k: 'd' }, { f: NaN, k: 'e' }];
    goSort(v, (a, b) => Number.isNaN(b.f) || b.f > a.f);
    assert.deepEqual(v.map((x) => x.k), ['c', 'a', 'd', 'e', 'b']);
  });

  it('keeps container/heap\'s order for topk', () => {
    const less: Less<number> = (a, b) => a < b;
    const h: number[] = [];
    for (const x of [5, 3, 8, 1]) heapPush(h, x, less);
    assert.deepEqual(h, [1, 3, 8, 5]);
    h[0] = 9;
    heapFix(h, 0, less);
    assert.deepEqual(h, [3, 5, 8, 9]);
  });
});

describe('numerics', () => {
  it('quantile interpolates between ranks', () => {
    assert.equal(quantile(0.5, [4, 1, 3, 2]), 2.5);
    assert.equal(quantile(0.9, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 9.1);
    assert.equal(quantile(-1, [1]), -Infinity);
    assert.equal(quantile(2, [1]), Infinity);
    assert.ok(Number.isNaN(quantile(0.5, [])));
  });

  it('quantile over a typed array equals the comparator sort on arrays, NaN, infinities and zeros included', () => {
    const pools = [[1, 2, 3], [NaN, 1, NaN, -2, 5], [Infinity, -Infinity, 0, 3, NaN], [0, -0, 0, -1], [-0, NaN, -0], [NaN, NaN], [7, 7, -Infinity, Infinity]];
    let seed = 3;
    const rnd = (): number => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed / 4294967296; };
    for (let round = 0; round < 300; round++) {
      const pool = pools[round % pools.length]!;
      const n = 1 + Math.floor(rnd() * 9);
      const vals: number[] = [];
      for (let i = 0; i < n; i++) vals.push(rnd() < 0.5 ? pool[Math.floor(rnd() * pool.length)]! : Math.round(rnd() * 10) - 5);
      for (const q of [0, 0.1, 0.5, 0.9, 1]) {
        const want = quantile(q, vals.slice());
        const buf = new Float64Array(n + 3);
        buf.set(vals);
        const got = quantile(q, buf, n);
        assert.ok(Object.is(got, want), `q=${q} of ${vals.map(String).join(',')}: ${got} vs ${want}`);
      }
    }
  });

  it('Kahan summation keeps what plain addition loses', () => {
    let sum = 0, c = 0;
    for (const x of [1e16, 1, 1, 1, 1, -1e16]) { sum = kahanInc(x, sum, c); c = kahanC(); }
    assert.equal(sum + c, 4);
  });

  it('pow follows Go for 1, 0 and -1 cases', () => {
    assert.equal(goPow(1, NaN), 1);
    assert.equal(goPow(NaN, 0), 1);
    assert.equal(goPow(-1, Infinity), 1);
    assert.equal(goPow(2, 10), 1024);
    assert.ok(Number.isNaN(goPow(-8, 1 / 3)));
  });
});

describe('function table', () => {
  it('implements every function the parser knows, and no other', () => {
    assert.deepEqual([...FUNCTION_IMPLS.keys()].sort(), [...FUNCTIONS.keys()].sort());
    for (const [name, def] of FUNCTIONS) {
      const impl = FUNCTION_IMPLS.get(name)!;
      // A function with a range-vector parameter is a range function, or handled by the evaluator.
      if (def.argTypes.includes('matrix')) assert.notEqual(impl.kind, 'instant', name);
    }
  });
});

describe('exp, cosh and sinh overflow where Prometheus (Go on amd64) does', () => {
  // Answers of Prometheus 2.42 on this machine's amd64 CPU (exp(vector(x)) and so on).
  it('exp is +Inf from x·log2(e) ≥ 1023.5, finite just below', () => {
    assert.equal(goExp(709.437), Infinity);
    assert.equal(goExp(709.5), Infinity);
    assert.equal(goExp(709.78), Infinity);
    assert.ok(Math.abs(goExp(709.436) / 1.270983941812912e+308 - 1) < 1e-15);
    assert.equal(goExp(709.43), 1.2633808701860083e+308);
    assert.equal(goExp(709), 8.218407461554972e+307);
    assert.notEqual(Math.exp(709.5), Infinity, 'JavaScript itself does not overflow there');
  });
  it('exp keeps subnormal results and the special values', () => {
    assert.equal(goExp(-708.8), 1.4861793648877184e-308);
    assert.equal(goExp(-709.5), 7.38014831401258e-309);
    assert.ok(Number.isNaN(goExp(NaN)));
    assert.equal(goExp(Infinity), Infinity);
    assert.equal(goExp(-Infinity), 0);
    assert.equal(goExp(0), 1);
  });
  it('cosh and sinh follow exp beyond |x| = 21', () => {
    assert.equal(goCosh(-709.44), Infinity);
    assert.equal(goCosh(709.5), Infinity);
    assert.equal(goSinh(-709.5), -Infinity);
    assert.equal(goSinh(709.43), 6.316904350930042e+307);
    assert.equal(goCosh(0), 1);
    assert.equal(goSinh(-0.25), Math.sinh(-0.25));
  });
});

describe('Go max and min (clamp)', () => {
  it('an infinity wins over NaN, as in math.Max and math.Min', () => {
    assert.equal(goMax(Infinity, NaN), Infinity);
    assert.equal(goMax(NaN, Infinity), Infinity);
    assert.ok(Number.isNaN(goMax(-Infinity, NaN)));
    assert.equal(goMin(NaN, -Infinity), -Infinity);
    assert.ok(Number.isNaN(goMin(NaN, Infinity)));
    assert.equal(goMax(1, 2), 2);
    assert.equal(goMin(1, 2), 1);
    assert.ok(Object.is(goMin(0, -0), -0));
    assert.ok(Object.is(goMax(-0, 0), 0));
  });
});
