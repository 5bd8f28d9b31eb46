import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GROUPS, caseKey, loadKnownFailures, runExpositionConformance } from './harness.js';

test('exposition conformance: all 300 cases, failures only from the known list, which may only shrink', () => {
  const results = runExpositionConformance();
  assert.equal(results.length, 300, 'the data set has 300 cases');
  for (const g of GROUPS) assert.ok(results.some((r) => r.group === g), `group ${g} ran`);
  const known = loadKnownFailures();
  const unexpected = results.filter((r) => !r.pass && !known.has(caseKey(r))).map((r) => `${caseKey(r)}: ${r.reason}`);
  assert.deepEqual(unexpected, [], 'cases failing that are not in known-failures.json');
  const nowPassing = results.filter((r) => r.pass && known.has(caseKey(r))).map(caseKey);
  assert.deepEqual(nowPassing, [], 'cases in known-failures.json that pass now: remove them from the list');
  const unknownIds = [...known.keys()].filter((k) => !results.some((r) => caseKey(r) === k));
  assert.deepEqual(unknownIds, [], 'known-failures.json names cases that do not exist');
});
