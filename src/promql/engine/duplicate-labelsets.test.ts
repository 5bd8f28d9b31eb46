/**
 * Range functions drop the metric name (with `__type__`/`__unit__`): series that differ only
 * there collide, and the query fails as in Prometheus, whether the result is kept or fed
 * straight into an aggregation. Series that all lose the same name cannot collide, which the
 * engine uses to skip the check; these cases pin both sides of that shortcut.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Millis } from '../../model/index.js';
import type { MemoryStorage } from '../../storage/index.js';
import { QueryError } from '../value.js';
import { PromQLEngine } from './index.js';
import { plain, storageWith } from './test-support.js';

const counter = Array.from({ length: 11 }, (_v, i) => i * 60);
let st: MemoryStorage;
before(async () => {
  st = await storageWith([
    { labels: { __name__: 'a_total', job: 'x' }, values: counter },
    { labels: { __name__: 'a_total', job: 'y' }, values: counter },
    { labels: { __name__: 'b_total', job: 'x' }, values: counter },
    { labels: { __name__: 'c_total', __type__: 'counter', job: 'x' }, values: counter },
    { labels: { __name__: 'c_total', __type__: 'gauge', job: 'x' }, values: counter },
    { labels: { __name__: 'c_total', job: 'z' }, values: counter },
    { labels: { job: 'z' }, values: counter },
  ]);
});

const T = 10 * 60_000;
const DUP = 'vector cannot contain metrics with the same labelset';

async function run(q: string): Promise<unknown> {
  const r = await new PromQLEngine().newInstantQuery(st, q, T as Millis).exec();
  return plain(r.value);
}

describe('duplicate label sets after dropping the metric name', () => {
  const failing: [string, string][] = [
    ['two names, same other labels', 'rate({__name__=~"a_total|b_total", job="x"}[5m])'],
    ['the same name, different __type__', 'rate(c_total{job="x"}[5m])'],
    ['a named and an unnamed series', 'rate({job="z"}[5m])'],
  ];
  for (const [what, q] of failing) {
    for (const [how, query] of [['kept', q], ['summed', `sum(${q})`]] as const) {
      it(`fails for ${what} (${how})`, async () => {
        await assert.rejects(run(query), (e: unknown) => e instanceof QueryError && e.errorType === 'execution' && e.message === DUP);
      });
    }
  }

  it('succeeds when every series loses the same name', async () => {
    assert.deepEqual(await run('rate(a_total[5m])'), {
      kind: 'vector', v: [{ metric: '{job="x"}', t: T, f: 1 }, { metric: '{job="y"}', t: T, f: 1 }],
    });
    assert.deepEqual(await run('sum(rate({__name__=~"a_total"}[5m]))'), { kind: 'vector', v: [{ metric: '{}', t: T, f: 2 }] });
  });
});
