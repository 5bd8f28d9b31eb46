/**
 * Faults: a server restarted in the middle of an alert's `for` period keeps the alert's
 * pending state (restored from ALERTS_FOR_STATE, with the downtime added), instead of starting
 * the period again; the self-metrics count evaluations and failures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerHandle } from '../cmd/server.js';
import { launchTestServer } from '../testing/server.js';
import { eventually, freePort, sleep, waitReady } from '../testing/peers.js';

interface ApiAlert { labels: Record<string, string>; state: string; activeAt: string }

async function alerts(base: string): Promise<ApiAlert[]> {
  const j = await (await fetch(`${base}/api/v1/alerts`)).json() as { data: { alerts: ApiAlert[] } };
  return j.data.alerts;
}

test('restart in the middle of a for period keeps the pending state', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-rules-restart-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  writeFileSync(join(dir, 'rules.yml'), `groups:
  - name: slow
    interval: 1s
    rules:
      - alert: Slow
        expr: vector(1)
        for: 40s
      - record: broken
        expr: vector(1) + on() group_left() (vector(1) or label_replace(vector(1), "a", "b", "", ""))
`);
  writeFileSync(join(dir, 'prometheus.yml'), "global:\n  evaluation_interval: 1s\nrule_files: ['rules.yml']\n");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=error', '--rules.alert.for-grace-period=1s',
  ];
  let wf: ServerHandle | number = await launchTestServer(args);
  t.after(async () => { if (typeof wf !== 'number') await wf.stop(); });
  assert.notEqual(typeof wf, 'number');
  await waitReady(`${base}/-/ready`);
  // Pending, and (after the restore step of the first run) written as ALERTS_FOR_STATE.
  const first = await eventually(async () => {
    const a = await alerts(base);
    return a.length === 1 && a[0]!.state === 'pending' ? a[0] : undefined;
  }, 10_000, 'pending alert');
  await sleep(3000);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /prometheus_rule_evaluation_failures_total\{rule_group="[^"]*rules\.yml;slow"\} [1-9]/);
  assert.match(metrics, /prometheus_rule_group_rules\{rule_group="[^"]*rules\.yml;slow"\} 2/);
  if (typeof wf !== 'number') await wf.stop();
  const stoppedAt = Date.now();
  await sleep(1500);

  wf = await launchTestServer(args);
  assert.notEqual(typeof wf, 'number');
  const restartedAt = Date.now();
  await waitReady(`${base}/-/ready`);
  // After the restore (following the second evaluation), activeAt is the old one moved by the downtime.
  const restored = await eventually(async () => {
    const a = await alerts(base);
    if (a.length !== 1) return undefined;
    const at = Date.parse(a[0]!.activeAt);
    return at < restartedAt ? a[0] : undefined;
  }, 10_000, 'restored activeAt');
  assert.equal(restored.state, 'pending');
  const shift = Date.parse(restored.activeAt) - Date.parse(first.activeAt);
  assert.ok(shift > 0 && shift < restartedAt - stoppedAt + 10_000, `activeAt moved by ${shift} ms`);
});
