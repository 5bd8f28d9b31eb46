import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StaticDiscoverer, staticTargetGroups } from './static.js';
import type { TargetGroup } from './interface.js';

test('static configs become one group each, sourced by index', () => {
  const groups = staticTargetGroups([
    { targets: ['a:1', 'b:2'], labels: { env: 'prod' } },
    { targets: [], labels: {} },
    { targets: ['c:3'], labels: {} },
  ]);
  assert.deepEqual(groups, [
    { source: '0', labels: { env: 'prod' }, targets: [{ __address__: 'a:1' }, { __address__: 'b:2' }] },
    { source: '1', labels: {}, targets: [] },
    { source: '2', labels: {}, targets: [{ __address__: 'c:3' }] },
  ]);
});

test('static discoverer sends once, and nothing when already stopped', async () => {
  const d = new StaticDiscoverer([{ targets: ['a:1'], labels: {} }]);
  const got: TargetGroup[][] = [];
  await d.run(new AbortController().signal, (g) => got.push(g));
  assert.equal(got.length, 1);
  assert.equal(got[0]![0]!.targets[0]!['__address__'], 'a:1');
  await d.run(AbortSignal.abort(), (g) => got.push(g));
  assert.equal(got.length, 1);
});
