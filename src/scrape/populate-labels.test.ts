import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultGlobalConfig, newRelabelConfig, newScrapeConfig, type ScrapeConfig } from '../config/index.js';
import { LabelsBuilder, type Millis } from '../model/index.js';
import { populateLabels, targetsFromGroup, type GroupTargets } from './populate-labels.js';

function cfg(fields: Partial<ScrapeConfig> = {}): ScrapeConfig {
  return newScrapeConfig('job', defaultGlobalConfig(), { scrape_interval: 1000 as Millis, scrape_timeout: 1000 as Millis, ...fields });
}

const HIST = { __convert_classic_histograms_to_nhcb__: 'false', __always_scrape_classic_histograms__: 'false', __scrape_native_histograms__: 'false' };
const BASE = { __scheme__: 'http', __metrics_path__: '/metrics', __scrape_interval__: '1s', __scrape_timeout__: '1s', job: 'job', ...HIST };

test('populateLabels: defaults, relabeling, checks and errors as in Prometheus 3', () => {
  const cases: {
    name: string; t: Record<string, string>; g?: Record<string, string>; c?: Partial<ScrapeConfig>;
    want?: Record<string, string>; discovered?: Record<string, string>; err?: string; dropped?: boolean;
  }[] = [
    {
      name: 'defaults and instance', t: { __address__: '1.2.3.4:1000', custom: 'value' },
      want: { ...BASE, __address__: '1.2.3.4:1000', instance: '1.2.3.4:1000', custom: 'value' },
      discovered: { ...BASE, __address__: '1.2.3.4:1000', custom: 'value' },
    },
    {
      name: 'target labels win over group labels and config defaults', t: { __address__: 'a:1', job: 'custom', __scheme__: 'https', instance: 'i' },
      g: { job: 'group', env: 'prod', __meta_x: 'm' },
      want: { ...BASE, __address__: 'a:1', job: 'custom', __scheme__: 'https', instance: 'i', env: 'prod' },
      discovered: { ...BASE, __address__: 'a:1', job: 'custom', __scheme__: 'https', instance: 'i', env: 'prod', __meta_x: 'm' },
    },
    {
      name: 'first param value becomes __param_', t: { __address__: 'a:1' }, c: { params: { module: ['m1', 'm2'], empty: [] } },
      want: { ...BASE, __address__: 'a:1', instance: 'a:1', __param_module: 'm1' },
    },
    {
      name: 'relabel drop', t: { __address__: 'a:1' },
      c: { relabel_configs: [newRelabelConfig({ source_labels: ['__address__'], regex: 'a:.*', action: 'drop' })] }, dropped: true,
    },
    {
      name: 'no address', t: { __address__: 'a:1' },
      c: { relabel_configs: [newRelabelConfig({ regex: '__address__', action: 'labeldrop' })] }, err: 'no address',
    },
    { name: 'address with a slash', t: { __address__: 'a:1/x' }, err: '"a:1/x" is not a valid hostname' },
    { name: 'bad interval', t: { __address__: 'a:1', __scrape_interval__: '2notseconds' }, err: 'error parsing scrape interval: not a valid duration string: "2notseconds"' },
    { name: 'zero interval', t: { __address__: 'a:1', __scrape_interval__: '0s' }, err: 'scrape interval cannot be 0' },
    { name: 'bad timeout', t: { __address__: 'a:1', __scrape_timeout__: 'x' }, err: 'error parsing scrape timeout: not a valid duration string: "x"' },
    { name: 'zero timeout', t: { __address__: 'a:1', __scrape_timeout__: '0s' }, err: 'scrape timeout cannot be 0' },
    { name: 'timeout above interval', t: { __address__: 'a:1', __scrape_timeout__: '2s' }, err: 'scrape timeout cannot be greater than scrape interval ("2s" > "1s")' },
    { name: 'bad histogram switch', t: { __address__: 'a:1', __scrape_native_histograms__: 'yes' }, err: 'error parsing scrape native histograms: strconv.ParseBool: parsing "yes": invalid syntax' },
    {
      name: 'relabeling sets interval and keeps other internal labels, drops __meta_', t: { __address__: 'a:1', __meta_port: '9' },
      c: { scrape_interval: 60_000 as Millis, scrape_timeout: 10_000 as Millis, relabel_configs: [newRelabelConfig({ target_label: '__scrape_interval__', replacement: '30s' }), newRelabelConfig({ source_labels: ['__meta_port'], target_label: '__tmp_port' })] },
      want: { ...BASE, __address__: 'a:1', instance: 'a:1', __scrape_interval__: '30s', __scrape_timeout__: '10s', __tmp_port: '9' },
    },
  ];
  const lb = new LabelsBuilder();
  for (const c of cases) {
    const r = populateLabels(lb, cfg(c.c), c.t, c.g ?? {});
    if (c.err !== undefined) {
      assert.equal(r.error?.message, c.err, c.name);
      assert.equal(r.labels, null, c.name);
      continue;
    }
    assert.equal(r.error, null, c.name);
    if (c.dropped === true) {
      assert.equal(r.labels, null, c.name);
      continue;
    }
    assert.deepEqual(r.labels?.toObject(), c.want, c.name);
    if (c.discovered !== undefined) assert.deepEqual(r.discovered.toObject(), c.discovered, c.name);
  }
});

test('targetsFromGroup: targets, dropped and failures worded per instance', () => {
  const out: GroupTargets = { targets: [], dropped: [], failures: [] };
  const c = cfg({ relabel_configs: [newRelabelConfig({ source_labels: ['__address__'], regex: 'drop.*', action: 'drop' })] });
  targetsFromGroup({ source: 'static/0', labels: { env: 'x' }, targets: [{ __address__: 'a:1' }, { __address__: 'drop:1' }, { __address__: 'b/1' }] }, c, new LabelsBuilder(), out);
  assert.equal(out.targets.length, 1);
  assert.equal(out.targets[0]!.scrapeURL, 'http://a:1/metrics');
  assert.deepEqual(out.targets[0]!.labels.toObject(), { env: 'x', instance: 'a:1', job: 'job' });
  assert.equal(out.targets[0]!.intervalMs, 1000);
  assert.equal(out.dropped.length, 1);
  assert.equal(out.dropped[0]!.get('__address__'), 'drop:1');
  assert.deepEqual(out.failures.map((e) => e.message), ['instance 2 in group static/0: "b/1" is not a valid hostname']);
});
