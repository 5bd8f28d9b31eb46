/**
 * Expressions nested far deeper than the JavaScript stack would allow with plain recursion
 * are evaluated, as Prometheus evaluates them: instant and range queries, every kind of node
 * that nests (parentheses, calls, aggregations, unary and binary operators, subqueries).
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Millis } from '../../model/index.js';
import type { MemoryStorage } from '../../storage/index.js';
import { QueryError } from '../value.js';
import { PromQLEngine } from './index.js';
import { plain, storageWith, type PlainValue } from './test-support.js';

const ms = (n: number): Millis => n as Millis;
const nest = (open: string, inner: string, close: string, n: number): string => open.repeat(n) + inner + close.repeat(n);
const chain = (term: string, op: string, n: number): string => Array.from({ length: n }, () => term).join(` ${op} `);

let st: MemoryStorage;
before(async () => {
  st = await storageWith([{ labels: { __name__: 'up', job: 'a' }, values: Array.from({ length: 30 }, () => 1) }]);
});

const T = 20 * 60_000;
const UP = '{__name__="up", job="a"}';

interface Case {
  name: string;
  query: string;
  /** The instant result at T. */
  want: PlainValue;
}

const cases: Case[] = [
  { name: '10,000 nested parentheses', query: nest('(', '1', ')', 10_000), want: { kind: 'scalar', t: T, f: 1 } },
  { name: '10,000 nested parentheses around a selector', query: nest('(', 'up', ')', 10_000), want: { kind: 'vector', v: [{ metric: UP, t: T, f: 1 }] } },
  { name: '10,000 nested abs() calls', query: nest('abs(', 'up', ')', 10_000), want: { kind: 'vector', v: [{ metric: '{job="a"}', t: T, f: 1 }] } },
  { name: '10,000 nested sum()', query: nest('sum(', 'up', ')', 10_000), want: { kind: 'vector', v: [{ metric: '{}', t: T, f: 1 }] } },
  { name: '10,000 unary minuses', query: '-'.repeat(10_000) + 'up', want: { kind: 'vector', v: [{ metric: '{job="a"}', t: T, f: 1 }] } },
  { name: '5,000-term scalar chain', query: chain('1', '+', 5000), want: { kind: 'scalar', t: T, f: 5000 } },
  { name: '5,000-term vector chain', query: chain('up', '+', 5000), want: { kind: 'vector', v: [{ metric: '{job="a"}', t: T, f: 5000 }] } },
  { name: '5,000-term right-nested power chain', query: chain('up', '^', 5000), want: { kind: 'vector', v: [{ metric: '{job="a"}', t: T, f: 1 }] } },
  {
    name: '2,000 nested subqueries', query: nest('max_over_time(', 'up', '[2m:1m])', 2000),
    want: { kind: 'vector', v: [{ metric: '{job="a"}', t: T, f: 1 }] },
  },
];

describe('deeply nested expressions', () => {
  for (const c of cases) {
    it(`evaluates ${c.name} (instant)`, async () => {
      const r = await new PromQLEngine().newInstantQuery(st, c.query, ms(T)).exec();
      assert.deepEqual(plain(r.value), c.want);
    });
  }

  it('evaluates 10,000 nested abs() calls as a range query', async () => {
    const r = await new PromQLEngine().newRangeQuery(st, nest('abs(', 'up', ')', 10_000), ms(T - 120_000), ms(T), 60_000).exec();
    assert.deepEqual(plain(r.value), { kind: 'matrix', m: [{ metric: '{job="a"}', floats: [[T - 120_000, 1], [T - 60_000, 1], [T, 1]] }] });
  });

  it('reports an error raised at the bottom of a deep expression', async () => {
    // The innermost operation fails (two series on its right side match one on its left):
    // the error travels up through 10,000 levels unchanged.
    const inner = 'up / on() (up or label_replace(up, "job", "b", "", ""))';
    await assert.rejects(
      new PromQLEngine().newInstantQuery(st, nest('abs(', inner, ')', 10_000), ms(T)).exec(),
      /^QueryError: found duplicate series for the match group \{\} on the right hand-side of the operation/,
    );
  });

  it('stops parsing a huge query at the timeout', () => {
    // 50,000 terms take far longer than 1 ms to parse: the timeout (the engine's or the
    // request's, whichever is shorter) ends the parse as a timeout, not as bad input.
    const q = chain('up', '+', 50_000);
    for (const [engine, opts] of [[new PromQLEngine({ timeoutMs: 1 }), {}], [new PromQLEngine(), { timeoutMs: 1 }]] as const) {
      assert.throws(() => engine.newInstantQuery(st, q, ms(T), opts), (e: unknown) => {
        assert.ok(e instanceof QueryError);
        assert.equal(e.errorType, 'timeout');
        assert.equal(e.message, 'query timed out in query preparation');
        return true;
      });
    }
  });
});
