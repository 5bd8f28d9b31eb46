/**
 * Acceptance: Watchfire (in process) and a real Prometheus 2.42 read the same file SD files
 * (JSON and YAML, several groups each, with labels and relabeling that drops some targets),
 * and their /api/v1/targets agree on the discovered labels and target labels of every active
 * target and on the discovered labels of every dropped target, after each change to the
 * files: contents changed, a file renamed, a file deleted, a file with bad content (both keep
 * its last good targets), and the bad file fixed.
 *
 * The relabeling only drops targets: Prometheus 2.42's relabeling can overwrite a kept
 * target's discovered labels with its relabeled ones when a rule adds a label (fixed in
 * 2.43, "relabel: keep intermediate results in labels.Builder"), which Watchfire, following
 * 3.x, does not reproduce. Label names outside `[a-zA-Z_][a-zA-Z0-9_]*` (`team-name`) are
 * valid in 3.x (UTF-8 names) but make 2.42 refuse the file; the bad label name used here is
 * the empty one, which both refuse.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerHandle } from '../../cmd/server.js';
import { eventually, freePort, peer, startPeer, waitReady, type RunningPeer } from '../../testing/peers.js';
import { launchTestServer } from '../../testing/server.js';
import { fetchTargets, labelKey, poolTargets, type TargetsView } from '../http/testing-targets.js';

/** Writes through a temporary name that no pattern matches, so that no reader sees half a file. */
function put(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/** Discovered labels of the dropped targets of the `file` job, sorted. */
function dropped(v: TargetsView): string[] {
  return v.dropped.filter((t) => t.discoveredLabels['job'] === 'file').map((t) => labelKey(t.discoveredLabels)).sort();
}

const A_JSON = JSON.stringify([
  { targets: ['10.0.0.1:9100', '10.0.0.2:9100'], labels: { env: 'prod', team: 'db' } },
  { targets: ['10.0.0.3:9100'], labels: { env: 'drop-me' } },
  { targets: ['[2001:db8::1]:9100'], labels: { __scheme__: 'https', __metrics_path__: '/m', instance: 'v6-host', __meta_custom: 'x' } },
]);

const B_YAML = `- targets:
    - host-b1.invalid:80
    - host-b2.invalid:80
  labels:
    env: staging
    "team": web
- targets: ['host-b3.invalid:8080']
- labels:
    env: no-targets
  targets: []
`;

const A_JSON_CHANGED = JSON.stringify([
  { targets: ['10.0.0.1:9100'], labels: { env: 'prod', team: 'platform' } },
]);

test('file SD: Watchfire and Prometheus 2.42 discover the same targets and labels through file changes', { timeout: 180_000 }, async (t) => {
  const prom = peer('prometheus');
  if (prom.skip !== false) { t.skip(prom.skip); return; }
  const dir = mkdtempSync(join(tmpdir(), 'wf-filesd-'));
  const sd = join(dir, 'sd');
  const procs: RunningPeer[] = [];
  let wf: ServerHandle | undefined;
  try {
    mkdirSync(sd);
    put(join(sd, 'a.json'), A_JSON);
    put(join(sd, 'b.yml'), B_YAML);
    const cfgFile = join(dir, 'prometheus.yml');
    writeFileSync(cfgFile, `global:
  scrape_interval: 1h
scrape_configs:
  - job_name: file
    file_sd_configs:
      - files: ['${sd}/*.json', '${sd}/*.yml']
        refresh_interval: 1s
    relabel_configs:
      - source_labels: [env]
        regex: drop-me
        action: drop
`);
    const [pp, wp] = [await freePort(), await freePort()];
    procs.push(startPeer(prom.path, [`--config.file=${cfgFile}`, `--web.listen-address=127.0.0.1:${pp}`, `--storage.tsdb.path=${join(dir, 'prom')}`]));
    const started = await launchTestServer([`--config.file=${cfgFile}`, `--web.listen-address=127.0.0.1:${wp}`, '--scrape.discovery-reload-interval=100ms', '--log.level=error']);
    assert.notEqual(typeof started, 'number', 'watchfire started');
    wf = started as ServerHandle;
    const pBase = `http://127.0.0.1:${pp}`, wBase = `http://127.0.0.1:${wp}`;
    await waitReady(`${pBase}/-/ready`, 20000);

    /**
     * Both agree on `active` active and `drops` dropped targets of the job, and `until` holds
     * of the active ones (a change both have seen); returns the active ones.
     */
    const agree = async (active: number, drops: number, what: string, until: (a: string[]) => boolean = () => true): Promise<string[]> => {
      let last = '';
      return eventually(async () => {
        const [p, w] = [await fetchTargets(pBase), await fetchTargets(wBase)];
        const [pa, wa, pd, wd] = [poolTargets(p, 'file'), poolTargets(w, 'file'), dropped(p), dropped(w)];
        last = `prometheus active:\n${pa.join('\n')}\nwatchfire active:\n${wa.join('\n')}\nprometheus dropped:\n${pd.join('\n')}\nwatchfire dropped:\n${wd.join('\n')}`;
        const same = JSON.stringify(pa) === JSON.stringify(wa) && JSON.stringify(pd) === JSON.stringify(wd);
        return same && pa.length === active && pd.length === drops && until(pa) ? pa : undefined;
      }, 30000, what).catch((e: unknown) => { throw new Error(`${e instanceof Error ? e.message : String(e)}\n${last}`); });
    };

    const first = await agree(6, 1, 'the first files on both');
    assert.ok(first.some((s) => s.includes('"__meta_filepath":"' + join(sd, 'a.json') + '"') && s.includes('"__scheme__":"https"')), first.join('\n'));
    assert.ok(first.some((s) => s.includes('"__meta_filepath":"' + join(sd, 'b.yml') + '"')), first.join('\n'));

    put(join(sd, 'a.json'), A_JSON_CHANGED);
    await agree(4, 0, 'a changed file on both', (a) => a.some((x) => x.includes('"team":"platform"')));

    renameSync(join(sd, 'b.yml'), join(sd, 'c.yml'));
    const renamed = await agree(4, 0, 'a renamed file on both', (a) => !a.some((x) => x.includes('/b.yml"')));
    assert.equal(renamed.filter((x) => x.includes('/c.yml"')).length, 3, renamed.join('\n'));

    unlinkSync(join(sd, 'a.json'));
    await agree(3, 0, 'a deleted file on both');

    // Bad content: both keep the file's last good targets; a new bad file adds nothing.
    put(join(sd, 'c.yml'), '- targets: [unclosed\n');
    put(join(sd, 'd.json'), '{"targets": "not a list"}');
    put(join(sd, 'e.json'), JSON.stringify([{ targets: ['10.9.9.9:1'], labels: { '': 'x' } }]));
    // Let both read the bad files (their refresh interval is 1s) before comparing again.
    await eventually(async () => {
      const m = await (await fetch(`${wBase}/metrics`)).text();
      return /prometheus_sd_file_read_errors_total [3-9]/.test(m) ? true : undefined;
    }, 10000, 'watchfire counting the read errors');
    await eventually(async () => {
      const m = await (await fetch(`${pBase}/metrics`)).text();
      return /prometheus_sd_file_read_errors_total [3-9]/.test(m) ? true : undefined;
    }, 10000, 'prometheus counting the read errors');
    const kept = await agree(3, 0, 'the last good targets kept on both');
    assert.ok(kept.every((s) => s.includes('/c.yml"')), kept.join('\n'));

    put(join(sd, 'c.yml'), `- targets: ['fixed.invalid:1']\n  labels: {env: drop-me}\n- targets: ['fixed.invalid:2']\n`);
    unlinkSync(join(sd, 'd.json'));
    unlinkSync(join(sd, 'e.json'));
    await agree(1, 1, 'the fixed file on both', (a) => a.some((x) => x.includes('fixed.invalid:2')));
  } finally {
    if (wf !== undefined) await wf.stop();
    await Promise.all(procs.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
});
