/**
 * Differential test against the real Prometheus (2.42, Debian's package): it runs with ~30
 * static targets and a chain of relabel rules using every action; its /api/v1/targets shows
 * each target's discovered labels (the relabel input) and either its final labels or that it
 * was dropped. `relabel` applied to the same discovered labels must agree.
 *
 * The shared config steers clear of what changed between 2.42 and 3.x: no newlines in values
 * (`.` matches them only in 3.x), legacy-valid names everywhere (2.42 validates names the
 * legacy way, and deletes the unexpanded target on an invalid `replace` target where 3.x
 * leaves labels unchanged), and addresses with ports (2.42 adds default ports).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../model/index.js';
import { seededRandom } from '../util/bench.js';
import { eventually, peer, startPeer, type RunningPeer } from '../testing/peers.js';
import { newRelabelConfig, relabel } from './index.js';

type Rule = Parameters<typeof newRelabelConfig>[0];

const RULES: Rule[] = [
  { source_labels: ['env'], regex: '(?i)test.*', action: 'drop' },
  { source_labels: ['__meta_keep'], regex: 'yes|maybe|', action: 'keep' },
  { source_labels: ['__meta_namespace', '__meta_app'], separator: '/', regex: '(.+)/(.+)', target_label: 'job_path', replacement: '$1-${2}' },
  { source_labels: ['__meta_tag'], regex: '(\\w+)=(\\w*)', target_label: 'tag_$1', replacement: '${2}' },
  { source_labels: ['__meta_tag'], regex: 'nomatch(.*)', target_label: 'never', replacement: 'x' },
  { regex: '__meta_pod_label_(.+)', replacement: 'k8s_$1', action: 'labelmap' },
  { source_labels: ['__address__'], target_label: '__tmp_hash', modulus: 7, action: 'hashmod' },
  { source_labels: ['__tmp_hash'], regex: '[0-5]', action: 'keep' },
  { source_labels: ['__address__', 'env'], target_label: 'shard', modulus: 1000000007, action: 'hashmod' },
  { source_labels: ['team'], target_label: 'shard_big', modulus: 2 ** 40 + 15, action: 'hashmod' },
  { source_labels: ['team'], target_label: 'team_lower', action: 'lowercase' },
  { source_labels: ['env', 'team'], target_label: 'env_upper', action: 'uppercase' },
  { source_labels: ['__address__'], regex: '.*:(\\d+)', target_label: '__tmp_port', replacement: '$1' },
  { source_labels: ['__meta_port'], target_label: '__tmp_port', action: 'keepequal' },
  { source_labels: ['owner'], target_label: 'team', action: 'dropequal' },
  { source_labels: ['deleteme'], regex: 'yes', target_label: 'region', replacement: '' },
  { source_labels: ['__meta_name'], regex: '(.+)', target_label: 'instance', replacement: '${1}:$$x' },
  { source_labels: ['region'], regex: '(eu|us)-(?P<zone>\\w+)', target_label: 'zone', replacement: '$zone$1x' },
  { regex: 'junk.*|tmp_.*', action: 'labeldrop' },
  { regex: '__.*|job|env|team|team_lower|env_upper|k8s_.*|tag_.*|shard.*|job_path|instance|region|zone|owner', action: 'labelkeep' },
];

const ENVS = ['prod', 'Prod', 'staging', 'TEST', 'testing', 'dev'];
const TEAMS = ['Core-Infra', 'Ünïcode-TEAM', 'web', 'DB'];

/** Discovered label sets of the targets, from a fixed seed. */
function targetLabels(n: number): Record<string, string>[] {
  const rnd = seededRandom(42);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const out: Record<string, string>[] = [];
  for (let i = 0; i < n; i++) {
    const port = String(19001 + i);
    const l: Record<string, string> = { env: pick(ENVS), team: pick(TEAMS) };
    if (rnd() < 0.85) l['__meta_keep'] = pick(['yes', 'maybe', 'no']);
    if (rnd() < 0.7) { l['__meta_namespace'] = pick(['default', 'kube-system']); l['__meta_app'] = pick(['api', 'web', '']); }
    if (rnd() < 0.6) l['__meta_tag'] = pick(['tier=gold', 'tier=', 'a=b', 'bad tag']);
    if (rnd() < 0.6) l['__meta_pod_label_app'] = pick(['api', 'db']);
    if (rnd() < 0.3) l['__meta_pod_label_version'] = 'v1';
    l['__meta_port'] = rnd() < 0.85 ? port : '1';
    if (rnd() < 0.3) l['owner'] = pick(TEAMS);
    if (rnd() < 0.5) l['region'] = pick(['eu-west', 'us-east', 'ap-south']);
    if (rnd() < 0.3) l['deleteme'] = 'yes';
    if (rnd() < 0.3) l['__meta_name'] = `node-${i}`;
    if (rnd() < 0.3) l['junk_field'] = 'x';
    if (rnd() < 0.3) l['other'] = 'dropped by labelkeep';
    out.push(l);
  }
  return out;
}

interface TargetsData {
  activeTargets: { scrapeUrl: string; labels: Record<string, string> }[];
  droppedTargets: { discoveredLabels: Partial<Record<string, string>> }[];
}

const N = 30;

test('relabel agrees with a real Prometheus on target labels and dropped targets', { timeout: 30000 }, async (t) => {
  const prom = peer('prometheus');
  if (prom.skip !== false) { t.skip(prom.skip); return; }
  const dir = mkdtempSync(join(tmpdir(), 'wf-relabel-'));
  const targets = targetLabels(N);
  const config = {
    global: { scrape_interval: '1h', scrape_timeout: '10s' },
    scrape_configs: [{
      job_name: 'relabel',
      params: { module: ['m1'] },
      static_configs: targets.map((labels, i) => ({ targets: [`127.0.0.1:${19001 + i}`], labels })),
      relabel_configs: RULES,
    }],
  };
  // JSON is YAML.
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 1));
  let p: RunningPeer | null = null;
  try {
    p = startPeer(prom.path, [`--config.file=${join(dir, 'prometheus.yml')}`, '--web.listen-address=127.0.0.1:0', `--storage.tsdb.path=${join(dir, 'data')}`]);
    const running = p;
    const base = await eventually(() => {
      const m = /msg="Listening on" address=(127\.0\.0\.1:\d+)/.exec(running.output());
      if (running.proc.exitCode !== null) throw new Error(`prometheus exited: ${running.output()}`);
      return m === null ? undefined : `http://${m[1]}`;
    }, 10000, 'prometheus to listen');
    const data = await eventually(async () => {
      const r = await fetch(`${base}/api/v1/targets?state=any`).catch(() => null);
      if (r === null || r.status !== 200) return undefined;
      const d = ((await r.json()) as { data: TargetsData }).data;
      return d.activeTargets.length + d.droppedTargets.length === N ? d : undefined;
    }, 20000, 'prometheus to list all targets');

    const cfgs = RULES.map((r) => newRelabelConfig(r));
    // The relabel input: discovered labels plus what Prometheus sets before relabeling.
    // (Taken from our own config: 2.42's discoveredLabels are not reliable, it shows them
    // partly relabeled; only their __address__, which no rule changes, is used.)
    const inputs = new Map<string, Labels>();
    targets.forEach((labels, i) => {
      const address = `127.0.0.1:${19001 + i}`;
      const all: Record<string, string> = {
        ...labels, __address__: address, job: 'relabel', __scheme__: 'http', __metrics_path__: '/metrics',
        __scrape_interval__: '1h', __scrape_timeout__: '10s', __param_module: 'm1',
      };
      // An empty value is an absent label.
      inputs.set(address, Labels.fromObject(Object.fromEntries(Object.entries(all).filter(([, v]) => v !== ''))));
    });
    const seen = new Set<string>();
    let active = 0, dropped = 0;
    for (const tg of data.droppedTargets) {
      const address = tg.discoveredLabels['__address__'] ?? '';
      const input = inputs.get(address);
      assert.ok(input !== undefined && !seen.has(address), `unexpected dropped target ${address}`);
      seen.add(address);
      const got = relabel(input, cfgs, 'legacy');
      assert.equal(got, null, `Prometheus dropped ${input.toString()}, we kept ${got?.toString()}`);
      dropped++;
    }
    for (const tg of data.activeTargets) {
      const address = /^http:\/\/([^/]+)\//.exec(tg.scrapeUrl)?.[1] ?? '';
      const input = inputs.get(address);
      assert.ok(input !== undefined && !seen.has(address), `unexpected active target ${address}`);
      seen.add(address);
      const got = relabel(input, cfgs, 'legacy');
      assert.notEqual(got, null, `Prometheus kept ${input.toString()}, we dropped it`);
      // What the target shows: no `__` labels, instance defaulting to the address.
      const want: Record<string, string> = {};
      got!.forEach((n, v) => { if (!n.startsWith('__')) want[n] = v; });
      if (want['instance'] === undefined) want['instance'] = got!.get('__address__');
      assert.deepEqual(sortKeys(tg.labels), sortKeys(want), `labels of ${input.toString()}`);
      active++;
    }
    // A meaningful mix: several drops by different rules, several survivors.
    assert.ok(active >= 5 && dropped >= 5, `active ${active}, dropped ${dropped}`);
    t.diagnostic(`${active} active and ${dropped} dropped targets agree`);
  } finally {
    await p?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
