/**
 * Acceptance: the fake PuppetDB is checked against a real client, and Watchfire against it.
 * Prometheus 2.42 and Watchfire run the same PQL query with `include_parameters` against the
 * same fake; their /api/v1/targets agree on every target's `__address__` and
 * `__meta_puppetdb_*` labels, after resources change, and while PuppetDB fails (last targets
 * kept, the failure counted). vmagent 1.79 has no PuppetDB discovery.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../../testing/peers.js';
import { withComparePeers } from '../refresh/testing-peer-compare.js';
import { FakePuppetDB } from './testing-fake-puppetdb.js';

test('puppetdb SD: the fake PuppetDB, Prometheus 2.42 and Watchfire agree on targets and labels', { timeout: 60_000 }, async (t) => {
  const f = new FakePuppetDB();
  await f.up();
  const node = (i: number, extra: Record<string, unknown> = {}): void => {
    f.resources.push({
      certname: `127.0.0.${i}`, type: 'Class', title: 'Prometheus::Node_exporter', environment: i % 2 === 0 ? 'prod' : 'dev', tags: ['class', 'prometheus', `node${i}`],
      file: '/etc/puppetlabs/code/site.pp', line: 10 + i, parameters: { port: 9100, version: '1.8.0', collectors: ['cpu', 'meminfo'], opts: { 'web.listen': ':9100', tls: false }, ratio: 0.25, ...extra },
    });
  };
  node(2, { big: 123456789, empty: '', list: [] });
  node(3);
  f.resources.push({ certname: '127.0.0.9', type: 'File', title: '/etc/motd' });
  const config = `scrape_configs:
  - job_name: puppetdb
    scrape_interval: 1h
    puppetdb_sd_configs:
      - url: ${f.url}/
        query: 'resources { type = "Class" and title = "Prometheus::Node_exporter" }'
        include_parameters: true
        port: 9100
        refresh_interval: 1s
`;
  try {
    await withComparePeers(t, { config, pool: 'puppetdb', prefix: '__meta_puppetdb_', peers: ['prometheus'] }, async (p) => {
      const first = await p.agree(2, 'the seeded resources');
      assert.ok(first.some((s) => s.includes('"__meta_puppetdb_parameter_big":"1.23456789e+08"') && s.includes('"__meta_puppetdb_parameter_opts_web_listen":":9100"')));
      for (let i = 10; i < 20; i++) node(i);
      await p.agree(12, 'new resources');
      f.resources.splice(0, 2);
      await p.agree(10, 'removed resources');
      f.failWith(503);
      await eventually(async () => /prometheus_sd_refresh_failures_total\{config="puppetdb",mechanism="puppetdb"\} [1-9]/.test(await p.metrics()) ? true : undefined, 10000, 'failures counted');
      await p.agree(10, 'the last targets while PuppetDB fails');
    });
  } finally {
    await f.down();
  }
});
