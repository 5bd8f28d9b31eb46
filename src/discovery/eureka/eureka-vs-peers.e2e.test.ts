/**
 * Acceptance: the fake Eureka server is checked against real clients, and Watchfire against
 * them. Prometheus 2.42, vmagent and Watchfire discover from the same fake registry; their
 * /api/v1/targets agree on every target's `__address__`, `instance` and `__meta_eureka_*`
 * labels, after registrations and cancellations, and while the registry fails (last targets
 * kept; the failure counted in Watchfire's `prometheus_sd_refresh_failures_total`).
 *
 * Targets are not relabeled: Prometheus 2.42 shows relabeled labels among the discovered
 * labels of targets with many labels (a bug of that version), so every target has its own
 * loopback address instead. Known difference: vmagent 1.79 sets no `instance` label from the
 * instance id, so `instance` is compared with Prometheus only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withComparePeers } from '../refresh/testing-peer-compare.js';
import { FakeEureka } from './testing-fake-eureka.js';

test('eureka SD: the fake registry, Prometheus 2.42, vmagent and Watchfire agree on targets and labels', { timeout: 60_000 }, async (t) => {
  const f = new FakeEureka();
  await f.up();
  f.register({
    app: 'config-service', instanceId: 'cfg-1:config-service:8080', hostName: '127.0.0.11', ipAddr: '10.0.0.1', port: { port: 8080, enabled: true },
    securePort: { port: 8443, enabled: false }, vipAddress: 'config-service', homePageUrl: 'http://cfg-1.test:8080/', statusPageUrl: 'http://cfg-1.test:8080/info',
    healthCheckUrl: 'http://cfg-1.test:8080/health', metadata: { project: 'cfg', 'management.port': '8090' },
  });
  f.register({
    app: 'meta', instanceId: 'meta-1', hostName: '127.0.0.12', ipAddr: '10.0.0.2', status: 'DOWN', port: { port: 9000, enabled: true }, countryId: 7,
    dataCenter: { name: 'Amazon', className: 'com.netflix.appinfo.AmazonInfo', metadata: { 'ami-id': 'ami-1', 'availability-zone': 'eu-west-1a' } },
  });
  f.register({ app: 'noport', instanceId: 'np-1', hostName: '127.0.0.13', ipAddr: '10.0.0.3' });
  const config = `scrape_configs:
  - job_name: eureka
    scrape_interval: 1h
    eureka_sd_configs:
      - server: ${f.server}
        refresh_interval: 1s
`;
  try {
    await withComparePeers(t, {
      config, pool: 'eureka', prefix: '__meta_eureka_', extra: ['instance'], peers: ['prometheus', 'vmagent'],
      omit: { vmagent: ['instance'] }, vmagentFlags: ['-promscrape.eurekaSDCheckInterval=500ms'],
    }, async (p) => {
      const first = await p.agree(3, 'the seeded registry on all sides');
      assert.ok(first.some((s) => s.includes('"__address__":"127.0.0.13:80"')));
      assert.ok(first.some((s) => s.includes('"__meta_eureka_app_instance_datacenterinfo_metadata_availability_zone":"eu-west-1a"')));
      assert.ok(first.some((s) => s.includes('"__meta_eureka_app_instance_metadata_management_port":"8090"') && s.includes('"instance":"cfg-1:config-service:8080"')));
      for (let i = 0; i < 20; i++) f.register({ app: `svc-${i % 4}`, instanceId: `svc-${i}`, hostName: `127.0.1.${i + 1}`, ipAddr: `10.1.0.${i + 1}`, port: { port: 9100 + i, enabled: i % 2 === 0 } });
      await p.agree(23, 'registrations on all sides');
      for (let i = 0; i < 20; i += 2) f.cancel(`svc-${i % 4}`, `svc-${i}`);
      f.cancel('noport', 'np-1');
      await p.agree(12, 'cancellations on all sides');
      f.failWith({ status: 500, body: 'boom' });
      await p.agree(12, 'the last targets kept while the registry fails');
      const failures = async (): Promise<true | undefined> => /prometheus_sd_refresh_failures_total\{config="eureka",mechanism="eureka"\} [1-9]/.test(await p.metrics()) ? true : undefined;
      const { eventually } = await import('../../testing/peers.js');
      await eventually(failures, 10000, 'eureka refresh failures counted');
      await p.agree(12, 'still the last targets');
    });
  } finally {
    await f.down();
  }
});
