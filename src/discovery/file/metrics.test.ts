import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from '../../instrument/index.js';
import { FileSDMetrics } from './metrics.js';

test('the scan-duration summary reports quantiles over its recent window, sum and count over all', () => {
  const s = FileSDMetrics.for(new Registry()).scanDuration.labels();
  assert.ok(Number.isNaN(s.quantile(0.5)));
  for (let i = 1; i <= 100; i++) s.observe(i);
  assert.deepEqual([s.quantile(0.5), s.quantile(0.9), s.quantile(0.99), s.sum, s.count], [50, 90, 99, 5050, 100]);
  for (let i = 0; i < 2000; i++) s.observe(1000);
  assert.equal(s.quantile(0.01), 1000, 'old observations left the window');
  assert.equal(s.count, 2100);
});

test('file SD metrics register once per registry under Prometheus names', () => {
  const reg = new Registry();
  const m = FileSDMetrics.for(reg);
  assert.equal(FileSDMetrics.for(reg), m);
  m.scanDuration.observe(0.25);
  m.mtimes({}).set('/x.json', 1700000000);
  const text = reg.expose();
  assert.match(text, /# TYPE prometheus_sd_file_scan_duration_seconds summary\n/);
  assert.match(text, /prometheus_sd_file_scan_duration_seconds\{quantile="0.99"\} 0.25\n/);
  assert.match(text, /prometheus_sd_file_scan_duration_seconds_count 1\n/);
  assert.match(text, /prometheus_sd_file_mtime_seconds\{filename="\/x.json"\} (1700000000|1.7e\+09)\n/);
  assert.match(text, /prometheus_sd_file_read_errors_total 0\n/);
  assert.match(text, /prometheus_sd_file_watcher_errors_total 0\n/);
});
