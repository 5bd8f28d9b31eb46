/**
 * The registry's lazy mechanisms: a loader runs once however many configs ask for it, a
 * failed load is reported and tried again, and every built-in mechanism loads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StaticDiscoverer } from './static.js';
import { discovererFactory, isDiscoveryKey, loadDiscoverers, registerLazyDiscoverer, registeredDiscoveryKeys } from './registry.js';

test('a lazy mechanism is loaded once, on first use', async () => {
  let loads = 0;
  const unregister = registerLazyDiscoverer('lazy_test_sd_configs', async () => {
    loads++;
    await new Promise((r) => setTimeout(r, 10));
    return () => new StaticDiscoverer([]);
  });
  try {
    assert.equal(isDiscoveryKey('lazy_test_sd_configs'), true);
    assert.equal(discovererFactory('lazy_test_sd_configs'), undefined, 'not loaded before use');
    assert.ok(registeredDiscoveryKeys().includes('lazy_test_sd_configs'));
    await Promise.all([loadDiscoverers(['lazy_test_sd_configs', 'lazy_test_sd_configs']), loadDiscoverers(['lazy_test_sd_configs', 'no_such_sd_configs'])]);
    assert.equal(loads, 1);
    assert.equal(typeof discovererFactory('lazy_test_sd_configs'), 'function');
    await loadDiscoverers(['lazy_test_sd_configs']);
    assert.equal(loads, 1);
  } finally {
    unregister();
  }
});

test('a mechanism that fails to load is reported and tried again', async () => {
  let fail = true;
  const unregister = registerLazyDiscoverer('flaky_test_sd_configs', () => {
    if (fail) return Promise.reject(new Error('module missing'));
    return Promise.resolve(() => new StaticDiscoverer([]));
  });
  try {
    await assert.rejects(loadDiscoverers(['flaky_test_sd_configs']), /loading discovery mechanism flaky_test: module missing/);
    assert.equal(discovererFactory('flaky_test_sd_configs'), undefined);
    fail = false;
    await loadDiscoverers(['flaky_test_sd_configs']);
    assert.equal(typeof discovererFactory('flaky_test_sd_configs'), 'function');
  } finally {
    unregister();
  }
});

test('every built-in mechanism loads; only static and file are there before', async () => {
  const keys = registeredDiscoveryKeys();
  assert.equal(keys.length, 21);
  assert.deepEqual(keys.filter((k) => discovererFactory(k) !== undefined), ['file_sd_configs', 'static_configs']);
  await loadDiscoverers(keys);
  for (const k of keys) assert.equal(typeof discovererFactory(k), 'function', k);
});
