import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Millis } from '../../model/index.js';
import type { MemoryStorage } from '../../storage/index.js';
import { QueryError } from '../value.js';
import { PromQLEngine, type PromQLEngineOptions } from './index.js';
import { plain, storageWith, type PlainValue } from './test-support.js';

const M = 60_000;
const ms = (n: number): Millis => n as Millis;

let st: MemoryStorage;
before(async () => {
  st = await storageWith([
    { labels: { __name__: 'http_requests_total', job: 'api', instance: 'a' }, values: [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100] },
    { labels: { __name__: 'http_requests_total', job: 'api', instance: 'b' }, values: [0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200] },
    { labels: { __name__: 'temperature', room: 'x' }, values: [20, 21, 22, 'stale', null, null, null, null, null, null, 25] },
    { labels: { __name__: 'dup', l: 'alpha' }, values: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] },
    { labels: { __name__: 'dup', l: 'beta' }, values: [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2] },
    { labels: { __name__: 'one' }, values: [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5] },
    { labels: { __name__: 'two' }, values: [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2] },
  ]);
});

async function instant(q: string, t: number, o: PromQLEngineOptions = {}): Promise<PlainValue> {
  const r = await new PromQLEngine(o).newInstantQuery(st, q, ms(t)).exec();
  return plain(r.value);
}

describe('instant queries', () => {
  const cases: { q: string; t: number; want: PlainValue }[] = [
    {
      q: 'http_requests_total{instance="a"}', t: 5 * M,
      want: { kind: 'vector', v: [{ metric: '{__name__="http_requests_total", instance="a", job="api"}', t: 5 * M, f: 50 }] },
    },
    {
      q: 'sum by (job) (rate(http_requests_total[5m]))', t: 10 * M,
      want: { kind: 'vector', v: [{ metric: '{job="api"}', t: 10 * M, f: 0.5 }] },
    },
    { q: '1 + 2 * 3', t: 0, want: { kind: 'scalar', t: 0, f: 7 } },
    { q: 'time()', t: 90_000, want: { kind: 'scalar', t: 90_000, f: 90 } },
    { q: '"hello"', t: 1000, want: { kind: 'string', t: 1000, s: 'hello' } },
    // A sample exactly 5m before the evaluation time is outside the lookback window.
    { q: 'temperature', t: 7 * M, want: { kind: 'vector', v: [] } },
    // A staleness marker hides the series at once.
    { q: 'temperature', t: 3 * M, want: { kind: 'vector', v: [] } },
    {
      q: 'temperature', t: 2 * M + 30_000,
      want: { kind: 'vector', v: [{ metric: '{__name__="temperature", room="x"}', t: 2 * M + 30_000, f: 22 }] },
    },
    {
      q: 'http_requests_total{instance="b"}[2m]', t: 10 * M,
      want: { kind: 'matrix', m: [{ metric: '{__name__="http_requests_total", instance="b", job="api"}', floats: [[9 * M, 180], [10 * M, 200]] }] },
    },
    {
      q: 'sort_desc(http_requests_total)', t: 10 * M,
      want: {
        kind: 'vector', v: [
          { metric: '{__name__="http_requests_total", instance="b", job="api"}', t: 10 * M, f: 200 },
          { metric: '{__name__="http_requests_total", instance="a", job="api"}', t: 10 * M, f: 100 },
        ],
      },
    },
    { q: 'http_requests_total offset -5m > bool 1000', t: 0, want: { kind: 'vector', v: [
      { metric: '{instance="a", job="api"}', t: 0, f: 0 }, { metric: '{instance="b", job="api"}', t: 0, f: 0 },
    ] } },
    { q: 'one @ 120', t: 10 * M, want: { kind: 'vector', v: [{ metric: '{__name__="one"}', t: 10 * M, f: 5 }] } },
  ];
  for (const c of cases) {
    it(`${c.q} at ${c.t}`, async () => {
      assert.deepEqual(await instant(c.q, c.t), c.want);
    });
  }
});

describe('range queries', () => {
  it('returns series sorted by labels, one point per step', async () => {
    const r = await new PromQLEngine().newRangeQuery(st, 'http_requests_total * 2', ms(0), ms(2 * M), M).exec();
    assert.deepEqual(plain(r.value), {
      kind: 'matrix', m: [
        { metric: '{instance="a", job="api"}', floats: [[0, 0], [M, 20], [2 * M, 40]] },
        { metric: '{instance="b", job="api"}', floats: [[0, 0], [M, 40], [2 * M, 80]] },
      ],
    });
  });

  it('turns a scalar expression into one unlabelled series', async () => {
    const r = await new PromQLEngine().newRangeQuery(st, 'time() / 60', ms(0), ms(2 * M), M).exec();
    assert.deepEqual(plain(r.value), { kind: 'matrix', m: [{ metric: '{}', floats: [[0, 0], [M, 1], [2 * M, 2]] }] });
  });

  it('evaluates subqueries on their own step grid', async () => {
    const r = await new PromQLEngine().newRangeQuery(st, 'max_over_time(one[5m:2m])', ms(5 * M), ms(6 * M), M).exec();
    assert.deepEqual(plain(r.value), { kind: 'matrix', m: [{ metric: '{}', floats: [[5 * M, 5], [6 * M, 5]] }] });
  });
});

describe('errors', () => {
  const engine = new PromQLEngine();
  const cases: { name: string; run: () => Promise<unknown>; type: string; message: string | RegExp }[] = [
    { name: 'parse error', run: async () => engine.newInstantQuery(st, 'sum(', ms(0)).exec(), type: 'bad_data', message: '1:5: parse error: unclosed left parenthesis' },
    {
      name: 'range vector in a range query', run: async () => engine.newRangeQuery(st, 'one[5m]', ms(0), ms(M), M).exec(),
      type: 'bad_data', message: 'invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    },
    {
      name: 'duration expression that is not positive', run: async () => engine.newInstantQuery(st, 'one[5m - 10m]', ms(0)).exec(),
      type: 'bad_data', message: /^\d+:\d+: duration must be greater than 0$/,
    },
    {
      name: 'many-to-many matching', run: async () => engine.newInstantQuery(st, 'one + ignoring(l) dup', ms(0)).exec(),
      type: 'execution',
      message: 'found duplicate series for the match group {} on the right hand-side of the operation: ' +
        '[{__name__="dup", l="alpha"}, {__name__="dup", l="beta"}];many-to-many matching not allowed: matching labels must be unique on one side',
    },
    {
      name: 'ambiguous one-to-one match', run: async () => engine.newInstantQuery(st, 'dup + on() one', ms(0)).exec(),
      type: 'execution', message: 'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
    },
    {
      name: 'duplicate labelset after dropping names', run: async () => engine.newInstantQuery(st, 'abs({__name__=~"one|two"})', ms(0)).exec(),
      type: 'execution', message: 'vector cannot contain metrics with the same labelset',
    },
    {
      name: 'NaN topk parameter', run: async () => engine.newInstantQuery(st, 'topk(scalar(dup), one)', ms(0)).exec(),
      type: 'execution', message: 'Parameter value is NaN',
    },
    {
      name: 'invalid count_values label', run: async () => engine.newInstantQuery(st, 'count_values("", one)', ms(0)).exec(),
      type: 'execution', message: 'invalid label name ""',
    },
    {
      name: 'invalid regex in label_replace', run: async () => engine.newInstantQuery(st, 'label_replace(one, "a", "b", "c", "(")', ms(0)).exec(),
      type: 'execution', message: 'invalid regular expression in label_replace(): (',
    },
    {
      name: 'max samples', run: async () => new PromQLEngine({ maxSamples: 5 }).newRangeQuery(st, 'http_requests_total', ms(0), ms(10 * M), M).exec(),
      type: 'execution', message: 'query processing would load too many samples into memory in query execution',
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await assert.rejects(c.run(), (e: unknown) => {
        assert.ok(e instanceof QueryError, `not a QueryError: ${String(e)}`);
        assert.equal(e.errorType, c.type);
        if (typeof c.message === 'string') assert.equal(e.message, c.message);
        else assert.match(e.message, c.message);
        return true;
      });
    });
  }

  it('the same labelset check runs at the end under delayed name removal', async () => {
    const e = new PromQLEngine({ delayedNameRemoval: true });
    await assert.rejects(e.newInstantQuery(st, 'abs({__name__=~"one|two"})', ms(0)).exec(), /same labelset/);
    // ...and a name set by label_replace survives.
    const r = await e.newInstantQuery(st, 'label_replace(abs(one), "__name__", "renamed", "", "")', ms(0)).exec();
    assert.deepEqual(plain(r.value), { kind: 'vector', v: [{ metric: '{__name__="renamed"}', t: 0, f: 5 }] });
  });

  it('rejects a second exec', async () => {
    const q = engine.newInstantQuery(st, 'one', ms(0));
    await q.exec();
    await assert.rejects(q.exec(), /already been executed/);
  });
});

describe('annotations', () => {
  it('reports infos and warnings with positions', async () => {
    const e = new PromQLEngine();
    let r = await e.newInstantQuery(st, 'sum(rate(one[5m]))', ms(10 * M)).exec();
    assert.deepEqual(r.infos, ['PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "one" (1:10)']);
    assert.deepEqual(r.warnings, []);
    // Folded into the aggregation in range queries too: the info must survive the fold.
    r = await e.newRangeQuery(st, 'sum(rate(one[5m]))', ms(5 * M), ms(10 * M), M).exec();
    assert.deepEqual(r.infos, ['PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "one" (1:10)']);
    r = await e.newRangeQuery(st, 'sort(one)', ms(0), ms(M), M).exec();
    assert.deepEqual(r.warnings, ['PromQL warning: sort is ineffective for range queries since results are always ordered by labels (1:1)']);
    r = await e.newInstantQuery(st, 'quantile(2, one)', ms(0)).exec();
    assert.deepEqual(r.warnings, ['PromQL warning: quantile value should be between 0 and 1, got 2 (1:10)']);
  });
});

describe('options', () => {
  it('uses a per-query lookback delta', async () => {
    const e = new PromQLEngine();
    const r = await e.newInstantQuery(st, 'one', ms(10 * M + 90_000), { lookbackDelta: 60_000 }).exec();
    assert.deepEqual(plain(r.value), { kind: 'vector', v: [] });
  });

  it('counts samples, per step when asked', async () => {
    const e = new PromQLEngine({ enablePerStepStats: true });
    const r = await e.newRangeQuery(st, 'http_requests_total', ms(0), ms(2 * M), M, { enablePerStepStats: true }).exec();
    assert.equal(r.stats?.totalQueryableSamples, 6);
    assert.equal(r.stats?.peakSamples, 6);
    assert.deepEqual(r.stats?.totalQueryableSamplesPerStep, [[0, 2], [M, 2], [2 * M, 2]]);
    const r2 = await new PromQLEngine().newRangeQuery(st, 'http_requests_total', ms(0), ms(2 * M), M, { enablePerStepStats: true }).exec();
    assert.equal(r2.stats?.totalQueryableSamplesPerStep, undefined);
  });

  it('honours disabled @ and negative offsets', () => {
    assert.throws(() => new PromQLEngine({ enableAtModifier: false }).newInstantQuery(st, 'one @ 10', ms(0)), /@ modifier is disabled/);
    assert.throws(() => new PromQLEngine({ enableNegativeOffset: false }).newInstantQuery(st, 'one offset -1m', ms(0)), /negative offset is disabled/);
  });

  it('keeps experimental syntax behind its flags', async () => {
    assert.throws(() => new PromQLEngine().newInstantQuery(st, 'limitk(1, one)', ms(0)), (e: unknown) => e instanceof QueryError && e.errorType === 'bad_data');
    const r = await new PromQLEngine({ experimentalFunctions: true }).newInstantQuery(st, 'limitk(1, one)', ms(0)).exec();
    assert.equal(plain(r.value).kind, 'vector');
  });
});
