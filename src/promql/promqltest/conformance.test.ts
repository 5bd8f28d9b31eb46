/**
 * Runs every PromQL test script of Prometheus 3.14 (../shared/conformance/promql) against
 * Watchfire's engine and holds the result to known-failures.json: a failure not listed fails
 * this test, and so does a listed failure that now passes (the list may only shrink;
 * regenerate it with `npm run conformance:promql -- --update-known-failures`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchfireEngine } from './engine.js';
import { listScripts, loadKnownFailures, runSuite, verdict } from './suite.js';

test('PromQL conformance scripts match the known-failures list', { timeout: 180_000 }, async (t) => {
  const loaded = watchfireEngine();
  if (!loaded.ok) t.diagnostic(`engine not available: ${loaded.reason}`);
  const files = listScripts();
  assert.equal(files.length, 21, 'the shared testdata should hold 21 scripts');
  const res = await runSuite(loaded.ok ? loaded.engine : { unavailable: loaded.reason }, files);
  let evals = 0, passed = 0, at = 0, atPassed = 0, range = 0, rangePassed = 0;
  for (const f of res.files) {
    assert.equal(f.parseError, null, `${f.file} does not parse: ${f.parseError ?? ''}`);
    evals += f.evals;
    passed += f.passed;
    at += f.atRun;
    atPassed += f.atPassed;
    range += f.rangeRun;
    rangePassed += f.rangePassed;
  }
  t.diagnostic(`evals ${passed}/${evals}, @ variants ${atPassed}/${at}, range mode ${rangePassed}/${range}`);
  assert.equal(evals, 2214);
  const v = verdict(res.failures, loadKnownFailures(), files);
  const describe = (k: string): string => `${k}: ${(res.failures.get(k) ?? '').slice(0, 300)}`;
  assert.deepEqual(v.unexpected.map(describe), [], 'failures that are not in known-failures.json');
  assert.deepEqual(v.fixed, [], 'known failures that now pass: remove them (npm run conformance:promql -- --update-known-failures)');
});
