import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import type { Millis } from '../../model/index.js';
import type { MemoryStorage, Queryable } from '../../storage/index.js';
import { QueryError } from '../value.js';
import { PromQLEngine } from './index.js';
import { counters } from './test-support.js';

const ms = (n: number): Millis => n as Millis;
/** A query that takes many seconds on `heavy` (quantiles over 1h windows at every 15 s step). */
const HEAVY = 'sum(quantile_over_time(0.5, heavy[1h]))';
const SAMPLES = 2000;
const END = (SAMPLES - 1) * 15_000;

let st: MemoryStorage;
before(async () => {
  st = await counters('heavy', 300, SAMPLES);
});

function heavy(engine: PromQLEngine, signal?: AbortSignal): Promise<unknown> {
  return engine.newRangeQuery(st, HEAVY, ms(0), ms(END), 15_000).exec(signal);
}

function isQueryError(type: string, message: string | RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof QueryError, `not a QueryError: ${String(e)}`);
    assert.equal(e.errorType, type);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  };
}

describe('limits and cancellation', () => {
  it('times out inside the evaluation', async () => {
    await assert.rejects(heavy(new PromQLEngine({ timeoutMs: 100 })), isQueryError('timeout', /^query timed out in (expression evaluation|query execution)$/));
  });

  it('is cancelled mid-query by its signal', async () => {
    const ac = new AbortController();
    let finished = false;
    const p = heavy(new PromQLEngine(), ac.signal).finally(() => { finished = true; });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(finished, false, 'the query should still run when aborted');
    ac.abort();
    await assert.rejects(p, isQueryError('canceled', 'query was canceled in expression evaluation'));
  });

  it('does not start when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(new PromQLEngine().newInstantQuery(st, 'heavy', ms(0)).exec(ac.signal),
      isQueryError('canceled', 'query was canceled in query execution'));
  });

  it('keeps the event loop responsive while a heavy query runs', async () => {
    const ac = new AbortController();
    const p = heavy(new PromQLEngine(), ac.signal).catch(() => undefined);
    let worst = 0;
    for (let i = 0; i < 60; i++) {
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, 10));
      worst = Math.max(worst, performance.now() - t0 - 10);
    }
    ac.abort();
    await p;
    // A liveness check, not a benchmark: timers must keep firing during the evaluation.
    assert.ok(worst < 200, `a 10 ms timer was ${worst.toFixed(0)} ms late`);
  });

  it('queues queries beyond max concurrency', async () => {
    const engine = new PromQLEngine({ maxConcurrency: 1 });
    const first = new AbortController();
    const a = heavy(engine, first.signal).catch((e: unknown) => e);
    const b = engine.newInstantQuery(st, 'count(heavy)', ms(0)).exec();
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(engine.activeQueries, { running: 1, waiting: 1 });
    first.abort();
    const rb = await b;
    assert.equal(rb.value.kind === 'vector' ? rb.value.v[0]?.f : NaN, 300);
    assert.ok(await a instanceof QueryError);
    assert.deepEqual(engine.activeQueries, { running: 0, waiting: 0 });
  });

  it('gives up waiting for a slot when cancelled or timed out', async () => {
    const engine = new PromQLEngine({ maxConcurrency: 1, timeoutMs: 200 });
    // The first query holds the only slot while its storage takes 400 ms to answer.
    const slow: Queryable = { querier: async (a, b) => { await new Promise((r) => setTimeout(r, 400)); return st.querier(a, b); } };
    const first = engine.newInstantQuery(slow, 'heavy', ms(0)).exec().catch((e: unknown) => e);
    const ac = new AbortController();
    const waiting = engine.newInstantQuery(st, 'heavy', ms(0)).exec(ac.signal);
    ac.abort();
    await assert.rejects(waiting, isQueryError('canceled', 'context canceled'));
    await assert.rejects(engine.newInstantQuery(st, 'heavy', ms(0)).exec(), isQueryError('timeout', 'context deadline exceeded'));
    assert.ok(await first instanceof QueryError);
  });

  it('refuses subquery grids too long to hold, and times out inside long ones', async () => {
    await assert.rejects(new PromQLEngine().newInstantQuery(st, 'max_over_time(vector(1)[30d:1ms])', ms(END)).exec(),
      isQueryError('execution', 'query processing would load too many samples into memory in query execution'));
    await assert.rejects(new PromQLEngine({ timeoutMs: 100 }).newInstantQuery(st, 'max_over_time(heavy{i="1"}[1d:1ms])', ms(END)).exec(),
      isQueryError('timeout', 'query timed out in expression evaluation'));
  });

  it('copes with very many steps and series', async () => {
    const r = await new PromQLEngine().newRangeQuery(st, 'count(heavy)', ms(0), ms(11_000 * 60_000), 60_000).exec();
    assert.equal(r.value.kind, 'matrix');
    if (r.value.kind === 'matrix') assert.equal(r.value.m[0]?.floats.length, 505);
  });
});
