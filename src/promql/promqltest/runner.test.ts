import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, type Millis } from '../../model/index.js';
import type { Queryable } from '../../storage/index.js';
import { parseExpr } from '../parser/index.js';
import { QueryError, type Engine, type Query, type QueryResult, type Value } from '../value.js';
import { MiniEngine } from './mini-engine.js';
import { parseScript } from './parse-script.js';
import { ScriptRunner, type EvalResult } from './runner.js';
import { runSuite } from './suite.js';

async function runText(engine: Engine, text: string): Promise<EvalResult[]> {
  const r = await new ScriptRunner(engine).run(parseScript('t.test', text));
  assert.deepEqual(r.loadErrors, []);
  return r.evals;
}

test('literals.test passes whole on the mini engine, with its @ and range-mode passes', async () => {
  const r = await runSuite(new MiniEngine(), ['literals.test']);
  assert.deepEqual([...r.failures.keys()], []);
  assert.deepEqual(r.files[0], { file: 'literals.test', parseError: null, evals: 25, passed: 25, atRun: 25, atPassed: 25, rangeRun: 20, rangePassed: 20 });
});

test('wrong expectations fail, right ones pass (mini engine)', async () => {
  const evals = await runText(new MiniEngine(), `
load 1m
  m{a="1"} 1 2 3 stale
  m{a="2"} 10+10x5

eval instant at 2m m
  m{a="1"} 3
  m{a="2"} 30

eval instant at 2m m
  m{a="1"} 3

eval instant at 2m m
  m{a="1"} 3
  m{a="2"} 31

eval instant at 3m m
  m{a="2"} 40

eval range from 0 to 3m step 1m m
  m{a="1"} 1 2 3 _
  m{a="2"} 10 20 30 40

eval range from 0 to 3m step 1m m
  m{a="1"} 1 2 3 3
  m{a="2"} 10 20 30 40

eval instant at 2m m[2m]
  expect range vector from 1m to 2m step 1m
  m{a="1"} 2 3
  m{a="2"} 20 30

eval instant at 1m m
  expect fail

eval instant at 1m sum(m)
  expect fail msg: mini engine: AggregateExpr not supported

eval instant at 1m sum(m)
  expect fail msg: some other text
`);
  assert.deepEqual(evals.map((e) => [e.line, e.plain === null]), [
    [6, true], [10, false], [13, false], [17, true], [20, true], [24, false], [28, true], [33, false], [36, true], [39, false],
  ]);
  assert.match(evals[1]!.plain!, /unexpected metric \{__name__="m", a="2"\}/);
  assert.match(evals[2]!.plain!, /expected 31 for .* but got 30/);
  assert.match(evals[5]!.plain!, /expected 4 float points/);
  assert.match(evals[7]!.plain!, /expected error .* but got none/);
  assert.match(evals[9]!.plain!, /expected error matching "some other text"/);
  // Variants ran for the passing instant evals.
  assert.deepEqual(evals[0]!.at, { queries: 5, failure: null });
  assert.equal(evals[0]!.rangeMode, null);
  assert.equal(evals[6]!.rangeMode, undefined, 'expect range vector evals skip range mode');
  assert.equal(evals[8]!.rangeMode, undefined, 'failing evals skip range mode');
});

type Answer = (query: string, t: number, range: boolean) => QueryResult | Error;

/** An engine answering from a function, for checks the mini engine cannot provoke. */
class StubEngine implements Engine {
  readonly #answer: Answer;
  constructor(answer: Answer) {
    this.#answer = answer;
  }
  #query(query: string, t: number, range: boolean): Query {
    return {
      statement: parseExpr('1'),
      exec: () => {
        const a = this.#answer(query, t, range);
        return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
      },
      close: () => undefined,
    };
  }
  newInstantQuery(_q: Queryable, query: string, ts: Millis): Query {
    return this.#query(query, ts, false);
  }
  newRangeQuery(_q: Queryable, query: string, start: Millis, end: Millis): Query {
    return this.#query(query, (start + end) / 2, true);
  }
}

const one = (extra: Partial<QueryResult> = {}, f = 1): QueryResult => ({ value: vecOrMatrix(f, false), warnings: [], infos: [], stats: null, ...extra });
function vecOrMatrix(f: number, range: boolean, t = 0): Value {
  const metric = Labels.fromStrings('a', 'b');
  return range
    ? { kind: 'matrix', m: [{ metric, floats: [{ t: t as Millis, f }], histograms: [] }] }
    : { kind: 'vector', v: [{ metric, t: t as Millis, f, h: null }] };
}

test('annotations are checked as the reference runner checks them', async () => {
  const W = 'PromQL warning: quantile value should be between 0 and 1, got 2 (1:10)';
  const engine = new StubEngine((q, t, range) => {
    if (range) return { value: vecOrMatrix(1, true, t), warnings: [], infos: [], stats: null };
    if (q.startsWith('warn')) return one({ warnings: [W] });
    if (q.startsWith('info')) return one({ infos: ['PromQL info: x (1:1)'] });
    return one();
  });
  const evals = await runText(engine, `
eval instant at 1m warn_a
  expect warn msg: ${W}
  {a="b"} 1

eval instant at 1m warn_b
  expect warn regex: got [0-9]+ \\(1:10\\)$
  {a="b"} 1

eval instant at 1m warn_c
  expect warn msg: PromQL warning: something else
  {a="b"} 1

eval instant at 1m warn_d
  expect no_warn
  {a="b"} 1

eval instant at 1m warn_e
  {a="b"} 1

eval instant at 1m plain
  expect warn
  {a="b"} 1

eval instant at 1m info_a
  expect info
  expect no_warn
  {a="b"} 1

eval instant at 1m info_b
  expect no_info
  {a="b"} 1

eval_warn instant at 1m plain
  {a="b"} 1

eval instant at 1m info_c
  expect info msg: PromQL info: x (1:1)
  expect warn msg: PromQL warning: y
  {a="b"} 1
`);
  assert.deepEqual(evals.map((e) => e.plain === null), [true, true, false, false, true, false, true, false, false, false]);
  assert.match(evals[2]!.plain!, /no matching annotation was found/);
  assert.match(evals[3]!.plain!, /unexpected warning annotations/);
  assert.match(evals[5]!.plain!, /expected warn annotations but none were found/);
  assert.match(evals[8]!.plain!, /expected warnings but got none/);
});

test('engine crashes never count as expected failures', async () => {
  const evals = await runText(new StubEngine(() => new TypeError('undefined is not a function')), 'eval instant at 1m x\n  expect fail\n');
  assert.match(evals[0]!.plain!, /engine crashed evaluating the query: undefined is not a function/);
  const ok = await runText(new StubEngine(() => new QueryError('execution', 'boom')), 'eval instant at 1m x\n  expect fail regex: bo+m\n');
  assert.equal(ok[0]!.plain, null);
});

test('the range-mode pass catches range results that disagree with instant ones', async () => {
  const engine = new StubEngine((_q, t, range) => (range ? { value: vecOrMatrix(2, true, t), warnings: [], infos: [], stats: null } : one()));
  const [ev] = await runText(engine, 'eval instant at 1m x\n  {a="b"} 1\n');
  assert.equal(ev!.plain, null);
  assert.match(ev!.rangeMode ?? '', /range mode: expected 1 for \{a="b"\} but got 2/);
  assert.match(ev!.at?.failure ?? '', /x @ 60.000 at -600000ms: range mode/);
});

test('the @ pass catches engines that do not pin selectors to the @ time', async () => {
  // The mini engine honours @; this one evaluates at the query time whatever the query says.
  const mini = new MiniEngine();
  const ignoreAt: Engine = {
    newInstantQuery: (q, query, ts) => mini.newInstantQuery(q, query.replace(/ @ [0-9.]+/g, ''), ts),
    newRangeQuery: (q, query, s, e, step) => mini.newRangeQuery(q, query.replace(/ @ [0-9.]+/g, ''), s, e, step),
  };
  const [ev] = await runText(ignoreAt, 'load 1m\n  m 0+1x10\n\neval instant at 5m m\n  m 5\n');
  assert.equal(ev!.plain, null);
  assert.equal(ev!.rangeMode, null);
  assert.match(ev!.at?.failure ?? '', /m @ 300.000 at -3000000ms: expected metric \{__name__="m"\} with 5 not found/);
});
